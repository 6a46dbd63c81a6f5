"""The watch daemon over a docs site's folder: an edit to a page syncs that page; an edit to a
partial (or the config, or a page created or removed) syncs the whole source, so every page that
includes it is sent again."""

from __future__ import annotations

import pytest

from tests.watch.conftest import SOURCE_URL, Project, page_posts, wait_until, write_config

pytestmark = pytest.mark.usefixtures("fake_site")

SITE = {
    "fakesite.toml": "name = 'docs'\n",
    "a.md": '# A\n\n{{< include "partials/note.md" >}}\n',
    "b.md": '# B\n\n{{< include "partials/note.md" >}}\n',
    "c.md": "# C\n\nNo include.\n",
    "partials/note.md": "First note.\n",
}


def site_project(project: Project) -> Project:
    for path, text in SITE.items():
        project.write(path, text)
    source = {
        "connector": "filesystem",
        "path": "docs",
        "url": SOURCE_URL,
        "site_url": "https://docs.example.com/",
    }
    project.config = write_config(project.tmp_path, project.emulator.base_url, source=source)
    return project


async def test_a_partial_edit_syncs_the_whole_source(project: Project) -> None:
    """Both pages including the partial are updated, by one whole-source batch; the partial is no page."""
    site_project(project)
    async with project.daemon():
        assert set(project.remote()) == {"a.md", "b.md", "c.md"}
        project.write("partials/note.md", "Second note.\n")
        await wait_until(
            lambda: all("Second note." in project.remote()[page]["html"] for page in ("a.md", "b.md")),
            what="both pages with the new note",
        )
        await wait_until(lambda: len(project.batches()) >= 2, what="the batch report")
    batch = project.batches()[1]
    assert batch.whole and batch.outcome == "ok" and batch.updated == 2
    assert page_posts(project.emulator) == {"a.md": 2, "b.md": 2, "c.md": 1}


async def test_a_page_edit_syncs_that_page_alone(project: Project) -> None:
    """An edited page is one batch of one document."""
    site_project(project)
    async with project.daemon():
        project.write("c.md", "# C\n\nEdited.\n")
        await wait_until(lambda: "Edited." in project.remote()["c.md"]["html"], what="the edited page")
        await wait_until(lambda: len(project.batches()) >= 2, what="the batch report")
    batch = project.batches()[1]
    assert (batch.whole, batch.documents, batch.updated) == (False, 1, 1)
    assert page_posts(project.emulator) == {"a.md": 1, "b.md": 1, "c.md": 2}
