"""The crash matrix: a real ``ingest run`` killed (SIGKILL) at each named step of a run, for every
target, then run again once: remote == source, no duplicate, the state file sound, and the run
after that writes nothing.

Each cell names its step by the request the emulator carries out and does not answer (see
``tests/e2e/killing.py``), so the kill lands at the same point on every machine. Runs go one
request at a time (``max_concurrency = 1``): nothing else is in flight when the kill lands.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ingest.emulator import EmulatorConfig, EmulatorTag, RunningEmulator, running_emulator
from ingest.state import StateStore
from tests.e2e.conftest import SOURCE_URL, TOKEN, write_docs
from tests.e2e.killing import integrity_check, kill_at, run_ingest

#: Nine documents in three folders (three nested collections under the root, for articles).
DOCS = 9
OWNER_TAG = 7
ROOT_COLLECTION = "Handbook"


@dataclass(frozen=True)
class Project:
    """One filesystem source with one target, at API 2.16 (where availability and owner tags are
    settled apart, in bulk actions), with an owner tag and Fin for sales on."""

    root: Path
    emulator: RunningEmulator
    target: str
    env: dict[str, str] = field(default_factory=lambda: {**os.environ, "INTERCOM_ACCESS_TOKEN": TOKEN})

    @property
    def config(self) -> Path:
        return self.root / "ingest.toml"

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    def write(self, *, sales: bool = True) -> None:
        """The config; ``sales``: Fin for sales may use the content."""
        lines = [
            "[intercom]",
            f'base_url = "{self.emulator.base_url}"',
            'api_version = "2.16"',
            "max_concurrency = 1",
            f"owner_tag_id = {OWNER_TAG}",
            "",
            "[sources.docs]",
            'connector = "filesystem"',
            'path = "docs"',
            f'targets = ["{self.target}"]',
        ]
        # The source's availability keys do not apply to internal articles: their table has its own.
        sales_key = f"ai_sales_agent = {str(sales).lower()}"
        if self.target == "external_pages":
            lines += [sales_key, f'url = "{SOURCE_URL}"']
        if self.target == "articles":
            lines += [sales_key, "", "[sources.docs.articles]", "author_id = 1"]
            lines += [f'collection = "{ROOT_COLLECTION}"', 'on_delete = "delete"']
        if self.target == "internal_articles":
            lines += ["", "[sources.docs.internal_articles]", "author_id = 1", sales_key]
        self.config.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def sync(self) -> None:
        """One whole run, which must succeed; the bulk actions it queued are carried out."""
        result = run_ingest(self.config, self.env)
        assert result.returncode == 0, result.stdout + result.stderr
        self.emulator.flush_bulk_actions()

    def remote(self) -> list[dict[str, Any]]:
        """The target's content in Intercom."""
        if self.target == "external_pages":
            return self.emulator.pages()
        if self.target == "articles":
            return self.emulator.articles()
        return self.emulator.internal_articles()

    def remote_titles(self) -> Counter[str]:
        return Counter(item["title"] for item in self.remote())


def remove(paths: tuple[str, ...]) -> Callable[[Project, dict[str, str]], dict[str, str]]:
    """A preparation: sync everything, then remove ``paths`` from the source; the titles left."""

    def prepare(project: Project, titles: dict[str, str]) -> dict[str, str]:
        project.sync()
        for path in paths:
            (project.docs / path).unlink()
        return {path: title for path, title in titles.items() if path not in paths}

    return prepare


def edit(paths: tuple[str, ...]) -> Callable[[Project, dict[str, str]], dict[str, str]]:
    """A preparation: sync everything, then give ``paths`` a new title and text; the titles now."""

    def prepare(project: Project, titles: dict[str, str]) -> dict[str, str]:
        project.sync()
        edited = dict(titles)
        for path in paths:
            edited[path] = f"{titles[path]} (edited)"
            (project.docs / path).write_text(f"# {edited[path]}\n\nNew text.\n", encoding="utf-8")
        return edited

    return prepare


#: Three documents of one folder (a third of the source: under ``max_delete_share``).
SECTION_1 = ("section-1/page-001.md", "section-1/page-004.md", "section-1/page-007.md")


def sales_turned_on(project: Project, titles: dict[str, str]) -> dict[str, str]:
    """A preparation: sync with Fin for sales off, then turn it on (a change set apart, in bulk)."""
    project.write(sales=False)
    project.sync()
    project.write()
    return titles


def unchanged(project: Project, titles: dict[str, str]) -> dict[str, str]:
    return titles


@dataclass(frozen=True)
class Step:
    """A named step of a run: the request carried out and not answered when the run is killed
    (``skip`` matching requests answered first), after ``prepare``."""

    target: str
    name: str
    request: str
    skip: int = 0
    prepare: Callable[[Project, dict[str, str]], dict[str, str]] = unchanged

    @property
    def id(self) -> str:
        return f"{self.target}-{self.name}"


STEPS = (
    Step("external_pages", "source-created", "POST /ai/content_import_sources"),
    Step("external_pages", "page-created", "POST /ai/external_pages", skip=3),
    Step("external_pages", "page-updated", "POST /ai/external_pages", skip=1, prepare=edit(SECTION_1)),
    Step("external_pages", "page-deleted", "DELETE /ai/external_pages/", skip=1, prepare=remove(SECTION_1)),
    Step("external_pages", "availability-set", "POST /content/bulk_actions"),
    Step("external_pages", "tags-moved", "POST /content/bulk_actions", skip=1),
    Step("articles", "root-collection-created", "POST /help_center/collections"),
    Step("articles", "collection-created", "POST /help_center/collections", skip=2),
    Step("articles", "article-created", "POST /articles", skip=3),
    Step("articles", "article-updated", "PUT /articles/", skip=1, prepare=edit(SECTION_1)),
    Step("articles", "article-deleted", "DELETE /articles/", skip=1, prepare=remove(SECTION_1)),
    Step("articles", "collection-deleted", "DELETE /help_center/collections/", prepare=remove(SECTION_1)),
    Step("articles", "tags-moved", "POST /content/bulk_actions"),
    Step("internal_articles", "article-created", "POST /internal_articles", skip=3),
    Step("internal_articles", "article-updated", "PUT /internal_articles/", skip=1, prepare=edit(SECTION_1)),
    Step(
        "internal_articles",
        "article-deleted",
        "DELETE /internal_articles/",
        skip=1,
        prepare=remove(SECTION_1),
    ),
    Step("internal_articles", "availability-set", "POST /content/bulk_actions", prepare=sales_turned_on),
    Step("internal_articles", "tags-moved", "POST /content/bulk_actions"),
)


def assert_converged(project: Project, titles: dict[str, str]) -> None:
    """Remote == source with no duplicate, each twin tagged and available to Fin for sales, state
    sound with a record per document and no create left half-done."""
    remote = project.remote()
    assert project.remote_titles() == Counter(titles.values()), "remote differs from the source"
    if project.target == "external_pages":
        assert {page["external_id"]: page["title"] for page in remote} == titles
        assert len(project.emulator.sources()) == 1, "a second Content Import Source"
    if project.target == "articles":
        collections = [
            (c["name"], c.get("parent_id"), tuple(c.get("parent_ids") or ()))
            for c in project.emulator.collections()
        ]
        assert len(collections) == len(set(collections)), f"duplicate collections: {collections}"
        expected = 1 + len({path.split("/")[0] for path in titles})
        assert len(collections) == expected, f"collections: {collections}"
    assert {item["ai_sales_agent_availability"] for item in remote} == {True}
    tagged = {entry["id"]: entry["tag_ids"] for entry in project.emulator.tagged()}
    assert {str(item["id"]): tagged.get(str(item["id"])) for item in remote} == {
        str(item["id"]): [str(OWNER_TAG)] for item in remote
    }, "a twin without the owner tag"

    state_file = project.root / "ingest.db"
    assert integrity_check(state_file) == "ok"
    with StateStore(state_file) as state:
        store = state.target("docs", project.target)
        assert set(store.records()) == set(titles) if project.target == "external_pages" else True
        assert len(store.records()) == len(titles)
        assert store.book.intents() == [], "a create left half-done"


@pytest.mark.parametrize("step", STEPS, ids=[step.id for step in STEPS])
def test_a_run_killed_at_a_named_step_converges_in_one_rerun(tmp_path: Path, step: Step) -> None:
    """SIGKILL once the step's request was carried out and before its answer is heard; one rerun
    leaves remote == source with no duplicate and a sound state file, and the run after it writes
    nothing (converged, not merely repaired)."""
    config = EmulatorConfig(
        token=TOKEN, bulk_action_delay_seconds=None, tags=(EmulatorTag(OWNER_TAG, "fin-ingest"),)
    )
    with running_emulator(config) as emulator:
        project = Project(tmp_path, emulator, step.target)
        project.write()
        titles = step.prepare(project, write_docs(project.docs, DOCS))

        kill_at(emulator, project.config, project.env, step.request, skip=step.skip)
        assert integrity_check(tmp_path / "ingest.db") == "ok", "the kill left the state file unsound"
        # Intercom carries out what it accepted, whether or not the killed run heard it.
        emulator.flush_bulk_actions()

        project.sync()
        assert_converged(project, titles)

        emulator.clear_requests()
        project.sync()
        writes = [request.endpoint for request in emulator.requests() if request.method != "GET"]
        assert writes == [], "the rerun did not converge: the next run still writes"
