"""The watch daemon over a real docs site: an edit to one page re-reads that page and the pages
showing it (the section listing its description, the note embedding it), and nothing else."""

from __future__ import annotations

from tests.watch.conftest import SOURCE_URL, Project, page_posts, wait_until, write_config

HUGO = {
    "hugo.toml": 'baseURL = "https://docs.example.com/"\ntitle = "Docs"\n',
    "content/_index.md": "---\ntitle: Home\n---\nWelcome.\n",
    "content/guide/_index.md": "---\ntitle: Guide\n---\n",
    "content/guide/install.md": "---\ntitle: Install\ndescription: Get the binary.\n---\nDownload it.\n",
    "content/guide/setup.md": "---\ntitle: Setup\ndescription: Configure it.\n---\nSet it up.\n",
    "content/about.md": "---\ntitle: About\n---\nWho we are.\n",
}
OBSIDIAN = {
    ".obsidian/app.json": "{}\n",
    "Welcome.md": "Read this:\n\n![[Note]]\n",
    "Note.md": "The first note.\n",
    "Alone.md": "A note nobody embeds.\n",
}


def site_project(project: Project, files: dict[str, str]) -> Project:
    for path, text in files.items():
        project.write(path, text)
    source = {
        "connector": "filesystem",
        "path": "docs",
        "url": SOURCE_URL,
        "site_url": "https://docs.example.com/",
    }
    project.config = write_config(project.tmp_path, project.emulator.base_url, source=source)
    return project


async def test_a_child_description_edit_updates_its_section_page_and_nothing_else(project: Project) -> None:
    """The guide section's list shows the new description; the other pages are not sent again."""
    site_project(project, HUGO)
    async with project.daemon():
        assert "Get the binary." in project.remote()["content/guide/_index.md"]["html"]
        project.write(
            "content/guide/install.md", HUGO["content/guide/install.md"].replace("the", "the signed")
        )
        await wait_until(
            lambda: "Get the signed binary." in project.remote()["content/guide/_index.md"]["html"],
            what="the section page with the new description",
        )
        await wait_until(lambda: len(project.batches()) >= 2, what="the batch report")
    assert project.batches()[1].updated == 1  # the edited page shows no description: it reads as it did
    assert page_posts(project.emulator) == {
        "content/_index.md": 1,
        "content/about.md": 1,
        "content/guide/setup.md": 1,
        "content/guide/install.md": 1,
        "content/guide/_index.md": 2,
    }


async def test_an_embedded_note_edit_updates_the_note_embedding_it(project: Project) -> None:
    """The welcome note shows the embedded note's new text."""
    site_project(project, OBSIDIAN)
    async with project.daemon():
        assert "The first note." in project.remote()["Welcome.md"]["html"]
        project.write("Note.md", "The first note, edited.\n")
        await wait_until(
            lambda: "The first note, edited." in project.remote()["Welcome.md"]["html"],
            what="the embedding note with the new text",
        )
        await wait_until(lambda: len(project.batches()) >= 2, what="the batch report")
    assert page_posts(project.emulator) == {"Welcome.md": 2, "Note.md": 2, "Alone.md": 1}
