"""Ownership marks end to end: ``[intercom] owner_tag_id`` on every page, article and internal article
fin-ingest owns, put there with ``update_tags`` bulk actions after the upserts (one call per 1,000),
recorded in state so that a rerun sends nothing; a new tag moves every owned twin once, no tag
removes it, and a tag Intercom refuses is one sentence naming the key."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from contract import validate_recorded
from pydantic import SecretStr

from ingest.cli import main
from ingest.config import load_settings
from ingest.emulator import (
    EmulatorConfig,
    EmulatorTag,
    RecordedRequest,
    RunningEmulator,
    running_emulator,
    start_emulator,
)
from ingest.engine import SourceResult
from ingest.runner import run_sources
from ingest.state import StateStore
from tests.e2e.conftest import SOURCE_READ, TOKEN, endpoints

BULK = "/content/bulk_actions"
#: The workspace's tags: the owner tag, another one, and one archived.
OWNER, OTHER, ARCHIVED = 7, 8, 9
TAGS = (
    EmulatorTag(OWNER, "fin-ingest"),
    EmulatorTag(OTHER, "docs-sync"),
    EmulatorTag(ARCHIVED, "old", archived=True),
)


class Project:
    """A docs folder, its config (API version, owner tag, targets) and the emulator it syncs into."""

    def __init__(self, tmp_path: Path, emulator: RunningEmulator, api_version: str = "2.16") -> None:
        self.tmp_path = tmp_path
        self.docs = tmp_path / "docs"
        self.docs.mkdir(exist_ok=True)
        self.emulator = emulator
        self.api_version = api_version
        self.config = tmp_path / "ingest.toml"
        self.configure()

    def configure(
        self,
        *,
        owner_tag_id: int | None = OWNER,
        targets: tuple[str, ...] = ("external_pages",),
        tables: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        tag = "" if owner_tag_id is None else f"owner_tag_id = {owner_tag_id}\n"
        text = (
            f'[intercom]\nbase_url = "{self.emulator.base_url}"\napi_version = "{self.api_version}"\n'
            f"max_concurrency = 16\n{tag}\n"
            f'[sources.docs]\nconnector = "filesystem"\npath = "docs"\nurl = "https://docs.example.com"\n'
            f"targets = {json.dumps(list(targets))}\n"
        )
        for name, table in (tables or {}).items():
            text += f"\n[sources.docs.{name}]\n" + "".join(
                f"{k} = {json.dumps(v)}\n" for k, v in table.items()
            )
        self.config.write_text(text, encoding="utf-8")

    def write(self, name: str, body: str = "Some text.") -> None:
        path = self.docs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {Path(name).stem}\n\n{body}\n", encoding="utf-8")

    async def sync(self, target: str = "external_pages") -> SourceResult:
        settings = load_settings(self.config)
        results = await run_sources(settings, settings.select(None), token=SecretStr(TOKEN))
        (result,) = [r for r in results if r.target == target]
        return result

    async def sync_fresh(self, target: str = "external_pages") -> SourceResult:
        self.emulator.clear_requests()
        return await self.sync(target)

    def tag_calls(self) -> list[RecordedRequest]:
        return [
            r
            for r in self.emulator.requests()
            if r.method == "POST"
            and r.path == BULK
            and isinstance(r.body, dict)
            and r.body["action"] == "update_tags"
        ]

    def tags_by_external_id(self) -> dict[str, list[str]]:
        """Each page's tag ids, once every queued bulk action is carried out."""
        self.emulator.flush_bulk_actions()
        tagged = {
            entry["id"]: entry["tag_ids"]
            for entry in self.emulator.tagged()
            if entry["type"] == "external_content"
        }
        return {page["external_id"]: tagged.get(page["id"], []) for page in self.emulator.pages()}

    def recorded_tags(self, target: str = "external_pages") -> dict[str, int | None]:
        with StateStore(self.tmp_path / "ingest.db") as state:
            return {key: record.owner_tag for key, record in state.target("docs", target).records().items()}


def items_of(request: RecordedRequest) -> list[tuple[str, str]]:
    assert isinstance(request.body, dict)
    return [(item["type"], item["id"]) for item in request.body["content_ids"]]


def tags_of(request: RecordedRequest) -> dict[str, list[int]]:
    assert isinstance(request.body, dict)
    return dict(request.body["tags"])


@pytest.fixture
async def emulator() -> AsyncIterator[RunningEmulator]:
    async with start_emulator(
        EmulatorConfig(token=TOKEN, bulk_action_delay_seconds=None, tags=TAGS)
    ) as running:
        yield running


@pytest.fixture
def project(tmp_path: Path, emulator: RunningEmulator) -> Project:
    return Project(tmp_path, emulator)


async def test_a_first_run_tags_2500_pages_in_3_calls_and_a_rerun_sends_nothing(project: Project) -> None:
    """Every created page gets the owner tag after the upserts, 1,000 per ``update_tags`` call, each a
    valid 2.16 request; state records it, so the next run sends nothing but its check."""
    for index in range(2500):
        project.write(f"page-{index:04d}.md")
    result = await project.sync_fresh()
    assert result.ok, result.failures
    assert (result.counts.created, result.counts.tagged) == (2500, 2500)
    calls = project.tag_calls()
    assert sorted(len(items_of(call)) for call in calls) == [500, 1000, 1000]
    assert [call.status for call in calls] == [202, 202, 202]
    assert all(tags_of(call) == {"add_tag_ids": [OWNER]} for call in calls)
    assert {kind for call in calls for kind, _ in items_of(call)} == {"external_content"}
    assert len({item for call in calls for item in items_of(call)}) == 2500
    assert validate_recorded(project.emulator.requests(), version="2.16") == 2500 + 3 + 2
    assert set(project.recorded_tags().values()) == {OWNER}
    assert set(map(tuple, project.tags_by_external_id().values())) == {(str(OWNER),)}

    again = await project.sync_fresh()
    assert again.ok and (again.counts.unchanged, again.counts.tagged) == (2500, 0)
    assert endpoints(project.emulator) == SOURCE_READ


@pytest.mark.parametrize("version", ["2.16", "Preview"])
async def test_each_version_with_bulk_actions_tags_pages_in_requests_its_description_holds(
    tmp_path: Path, emulator: RunningEmulator, version: str
) -> None:
    """2.16 and Preview both tag with ``update_tags``; every request keeps that version's description."""
    project = Project(tmp_path, emulator, version)
    for name in ("a.md", "b.md", "c.md"):
        project.write(name)
    result = await project.sync_fresh()
    assert result.ok and result.counts.tagged == 3
    (call,) = project.tag_calls()
    assert len(items_of(call)) == 3
    assert validate_recorded(project.emulator.requests(), version=version) == 3 + 1 + 2
    assert project.tags_by_external_id() == {name: [str(OWNER)] for name in ("a.md", "b.md", "c.md")}


async def test_a_new_tag_moves_every_owned_page_once(project: Project) -> None:
    """Changing ``owner_tag_id`` removes the old tag and adds the new one in the same call, on every
    page; no page is sent again, and the run after sends nothing."""
    for index in range(5):
        project.write(f"page-{index}.md")
    await project.sync()
    project.configure(owner_tag_id=OTHER)
    result = await project.sync_fresh()
    assert result.ok and (result.counts.tagged, result.counts.updated, result.converted) == (5, 0, 0)
    (call,) = project.tag_calls()
    assert tags_of(call) == {"add_tag_ids": [OTHER], "remove_tag_ids": [OWNER]}
    assert len(items_of(call)) == 5
    assert [r.endpoint for r in project.emulator.requests()] == [*SOURCE_READ, f"POST {BULK}"]
    assert set(map(tuple, project.tags_by_external_id().values())) == {(str(OTHER),)}
    assert set(project.recorded_tags().values()) == {OTHER}

    assert (await project.sync_fresh()).counts.tagged == 0
    assert endpoints(project.emulator) == SOURCE_READ


async def test_no_tag_configured_removes_the_one_fin_ingest_put_there(project: Project) -> None:
    """Removing ``owner_tag_id`` takes the tag off every owned page, once; with no tag configured a new
    page gets none."""
    for name in ("a.md", "b.md"):
        project.write(name)
    await project.sync()
    project.configure(owner_tag_id=None)
    project.write("c.md")
    result = await project.sync_fresh()
    assert result.ok and (result.counts.created, result.counts.tagged) == (1, 2)
    (call,) = project.tag_calls()
    assert tags_of(call) == {"remove_tag_ids": [OWNER]}
    assert project.tags_by_external_id() == {"a.md": [], "b.md": [], "c.md": []}
    assert set(project.recorded_tags().values()) == {None}

    assert (await project.sync_fresh()).counts.tagged == 0
    assert endpoints(project.emulator) == SOURCE_READ


async def test_a_dry_run_counts_the_tags_it_would_move_and_sends_nothing(project: Project) -> None:
    """``--dry-run`` says how many twins a run would tag."""
    for name in ("a.md", "b.md"):
        project.write(name)
    await project.sync()
    project.configure(owner_tag_id=OTHER)
    settings = load_settings(project.config)
    project.emulator.clear_requests()
    (planned,) = await run_sources(settings, settings.select(None), dry_run=True)
    assert (planned.counts.tagged, planned.counts.updated) == (2, 0)
    assert project.emulator.requests() == []


async def test_a_page_adopted_after_a_lost_state_file_gets_the_tag_again(project: Project) -> None:
    """A lost state file knows no tag: the adopted pages are tagged once more (adding a tag a page
    carries is harmless), not created again; the run after sends nothing."""
    for name in ("a.md", "b.md"):
        project.write(name)
    await project.sync()
    for leftover in project.tmp_path.glob("ingest.db*"):
        leftover.unlink()
    result = await project.sync_fresh()
    assert result.ok and (result.counts.created, result.counts.tagged) == (0, 2)
    assert len(project.emulator.pages()) == 2
    assert project.tags_by_external_id() == {"a.md": [str(OWNER)], "b.md": [str(OWNER)]}
    assert (await project.sync_fresh()).counts.tagged == 0


async def test_a_deleted_old_tag_is_left_and_the_new_one_added(
    project: Project, caplog: pytest.LogCaptureFixture
) -> None:
    """The tag configured before was deleted in Intercom (which refuses to remove it: 422): the pages
    get the new tag alone, a warning says the old one was left, and the run is done."""
    for name in ("a.md", "b.md"):
        project.write(name)
    project.configure(owner_tag_id=None)
    await project.sync()
    with StateStore(project.tmp_path / "ingest.db") as state:
        state.target("docs", "external_pages").record_tags([("a.md", 99), ("b.md", 99)])
    project.configure(owner_tag_id=OWNER)
    with caplog.at_level(logging.WARNING, logger="ingest"):
        result = await project.sync_fresh()
    assert result.ok and result.counts.tagged == 2, result.failures
    first, second = project.tag_calls()
    assert (first.status, tags_of(first)) == (422, {"add_tag_ids": [OWNER], "remove_tag_ids": [99]})
    assert (second.status, tags_of(second)) == (202, {"add_tag_ids": [OWNER]})
    assert "tag 99 could not be removed from 2 external_content items" in caplog.text
    assert project.tags_by_external_id() == {"a.md": [str(OWNER)], "b.md": [str(OWNER)]}
    assert (await project.sync_fresh()).counts.tagged == 0


async def test_articles_and_internal_articles_are_tagged_by_their_own_ids(project: Project) -> None:
    """An article is tagged by its own id (``article``), once with its translations; an internal
    article as ``internal_article``."""
    project.write("guide.md")
    project.write("guide.fr.md", "Du texte.")
    project.write("runbook.md")
    tables = {"articles": {"author_id": 1, "collection": "Docs"}, "internal_articles": {"author_id": 1}}
    project.configure(targets=("articles", "internal_articles"), tables=tables)
    articles = await project.sync_fresh("articles")
    assert articles.ok and articles.counts.tagged == 2, articles.failures
    calls = {items_of(call)[0][0]: call for call in project.tag_calls()}
    assert sorted(calls) == ["article", "internal_article"]
    article_ids = {a["id"] for a in project.emulator.articles()}
    internal_ids = {a["id"] for a in project.emulator.internal_articles()}
    assert len(article_ids) == len(internal_ids) == 2
    assert sorted(items_of(calls["article"])) == sorted(("article", i) for i in article_ids)
    assert sorted(items_of(calls["internal_article"])) == sorted(
        ("internal_article", i) for i in internal_ids
    )
    assert validate_recorded(project.emulator.requests(), version="2.16")
    project.emulator.flush_bulk_actions()
    assert {(entry["type"], entry["id"]) for entry in project.emulator.tagged()} == {
        *(("article", i) for i in article_ids),
        *(("internal_article", i) for i in internal_ids),
    }
    assert project.recorded_tags("articles") == {"guide.md": OWNER, "guide.fr.md": None, "runbook.md": OWNER}
    assert set(project.recorded_tags("internal_articles").values()) == {OWNER}
    assert (await project.sync_fresh("articles")).counts.tagged == 0
    assert [r.method for r in project.emulator.requests()] == ["GET"]


async def test_an_article_retired_but_kept_loses_the_owner_tag(project: Project) -> None:
    """``on_delete = "draft"`` leaves the article of a deleted document in Intercom, no longer kept in
    step: the tag comes off it (before it is let go), and the others keep theirs."""
    project.write("keep.md")
    project.write("gone.md")
    project.configure(targets=("articles",), tables={"articles": {"author_id": 1, "collection": "Docs"}})
    await project.sync("articles")
    ids = {a["title"]: a["id"] for a in project.emulator.articles()}
    (project.docs / "gone.md").unlink()
    result = await project.sync_fresh("articles")
    assert result.ok and (result.counts.deleted, result.counts.tagged) == (1, 1)
    (call,) = project.tag_calls()
    assert (items_of(call), tags_of(call)) == ([("article", ids["gone"])], {"remove_tag_ids": [OWNER]})
    project.emulator.flush_bulk_actions()
    assert project.emulator.tagged() == [{"type": "article", "id": ids["keep"], "tag_ids": [str(OWNER)]}]
    assert {a["title"]: a["state"] for a in project.emulator.articles()}["gone"] == "draft"


# -- a tag Intercom refuses, through the command line (the emulator in a thread) ------------------


@pytest.fixture
def threaded() -> Iterator[RunningEmulator]:
    with running_emulator(EmulatorConfig(token=TOKEN, bulk_action_delay_seconds=None, tags=TAGS)) as running:
        yield running


@pytest.mark.parametrize("refused", [404_404, ARCHIVED], ids=["unknown", "archived"])
def test_a_tag_intercom_refuses_is_one_sentence_naming_the_key(
    tmp_path: Path,
    threaded: RunningEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    refused: int,
) -> None:
    """An unknown or archived tag id: Intercom's 422 becomes one sentence naming the key, exit 2. The
    pages were sent and recorded first; once the key is fixed, the next run sends the tag call only."""
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    project = Project(tmp_path, threaded)
    for name in ("a.md", "b.md"):
        project.write(name)
    project.configure(owner_tag_id=refused)
    assert main(["run", "--all", "--config", str(project.config)]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"error: intercom.owner_tag_id: Intercom refused tag {refused}: ")
    assert "does not exist or is archived" in line
    assert line.endswith("name the id of an existing tag that is not archived, or remove the key")
    assert set(project.recorded_tags()) == {"a.md", "b.md"}

    project.configure(owner_tag_id=OWNER)
    threaded.clear_requests()
    assert main(["run", "--all", "--config", str(project.config)]) == 0
    assert "did create 0, update 0, delete 0, tag 2;" in capsys.readouterr().out
    assert [r.endpoint for r in threaded.requests()] == [*SOURCE_READ, f"POST {BULK}"]


async def test_a_retired_article_keeps_the_tag_while_its_retirement_waits(project: Project) -> None:
    """A run whose upload failed retires nothing (deletes wait for a run whose uploads all succeed), so
    the article it would retire is still kept in step and keeps the tag; the next run takes it off."""
    project.write("keep.md")
    project.write("gone.md")
    project.configure(targets=("articles",), tables={"articles": {"author_id": 1, "collection": "Docs"}})
    await project.sync("articles")
    (project.docs / "gone.md").unlink()
    project.write("new.md")
    project.emulator.set_faults(fail_next=1, fail_path="POST /articles", fail_status=400)
    result = await project.sync_fresh("articles")
    assert (result.counts.deleted, result.counts.tagged) == (0, 0)
    assert project.tag_calls() == []
    assert project.recorded_tags("articles") == {"keep.md": OWNER, "gone.md": OWNER}

    result = await project.sync_fresh("articles")
    assert result.ok and (result.counts.created, result.counts.deleted, result.counts.tagged) == (1, 1, 2)
    assert sorted(str(tags_of(call)) for call in project.tag_calls()) == [
        str({"add_tag_ids": [OWNER]}),
        str({"remove_tag_ids": [OWNER]}),
    ]
    assert project.recorded_tags("articles") == {"keep.md": OWNER, "new.md": OWNER}


async def test_a_page_deleted_in_intercom_and_sent_again_is_tagged_in_that_run(project: Project) -> None:
    """A page someone deleted in Intercom is made again (a new id) when its document changes: that new
    page carries no tag, and the same run tags it."""
    project.write("a.md")
    await project.sync()
    (old,) = project.emulator.pages()
    headers = {"Authorization": f"Bearer {TOKEN}", "Intercom-Version": "2.16"}
    async with (
        aiohttp.ClientSession(project.emulator.base_url, headers=headers) as session,
        session.delete(f"/ai/external_pages/{old['id']}") as answer,
    ):
        assert answer.status == 200
    project.write("a.md", "Edited.")
    result = await project.sync_fresh()
    assert result.ok and (result.counts.updated, result.counts.tagged) == (1, 1)
    (new,) = project.emulator.pages()
    assert new["id"] != old["id"]
    (call,) = project.tag_calls()
    assert items_of(call) == [("external_content", new["id"])]
    assert project.tags_by_external_id() == {"a.md": [str(OWNER)]}
    assert (await project.sync_fresh()).counts.tagged == 0
