"""A state file written by release 0.1.0 upgrades in place, and nothing is sent again for it.

The fixture (``tests/fixtures/state_0_1_0``, see its README) is a real sync of a small
corpus into both targets by the 0.1.0 code, with the emulator's data saved beside it. 0.1.0
spoke API 2.15 and recorded no availability: in 2.15 the upgrade sends nothing; the first run
in 2.16, today's default, sets the availability once (the README's "Upgrading" says so).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from ingest.config import load_settings
from ingest.emulator import EmulatorConfig, RunningEmulator, start_emulator
from ingest.engine import SourceResult
from ingest.runner import run_sources
from ingest.state import Placement, StateStore
from ingest.state.migrations import LATEST_VERSION
from tests.e2e.conftest import SOURCE_READ, endpoints

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "state_0_1_0"
TOKEN = "fixture-token"
#: The mtime make.sh gave every document (the filesystem fingerprint is size and mtime).
MTIME_NS = 1_700_000_000 * 1_000_000_000


@dataclass
class OldProject:
    folder: Path
    emulator: RunningEmulator

    def speak(self, version: str) -> None:
        """Write ``[intercom] api_version = version`` into the config (it names none: the default)."""
        config = self.folder / "ingest.toml"
        text = config.read_text(encoding="utf-8").replace(
            "[intercom]\n", f'[intercom]\napi_version = "{version}"\n', 1
        )
        config.write_text(text, encoding="utf-8")

    async def sync(self) -> dict[str, SourceResult]:
        settings = load_settings(self.folder / "ingest.toml")
        results = await run_sources(settings, settings.select(None), token=SecretStr(TOKEN))
        return {result.target: result for result in results}

    def writes(self) -> list[tuple[str, str]]:
        return [(r.method, r.path) for r in self.emulator.requests() if r.method != "GET"]


@pytest.fixture
async def old_project(tmp_path: Path) -> AsyncIterator[OldProject]:
    shutil.copytree(FIXTURE / "docs", tmp_path / "docs")
    for document in (tmp_path / "docs").rglob("*.md"):
        os.utime(document, ns=(MTIME_NS, MTIME_NS))
    shutil.copy(FIXTURE / "ingest.db", tmp_path / "ingest.db")
    shutil.copy(FIXTURE / "emulator.json", tmp_path / "emulator.json")
    config = EmulatorConfig(token=TOKEN, data_file=tmp_path / "emulator.json")
    async with start_emulator(config) as emulator:
        (tmp_path / "ingest.toml").write_text(
            f'[intercom]\nbase_url = "{emulator.base_url}"\n\n'
            '[sources.docs]\nconnector = "filesystem"\npath = "docs"\n'
            'targets = ["external_pages", "articles"]\nurl = "https://docs.example.com"\n'
            'url_template = "https://git.example.com/blob/main/{path}"\n\n'
            '[sources.docs.articles]\nauthor_id = 1\ncollection = "Handbook"\nstate = "published"\n',
            encoding="utf-8",
        )
        yield OldProject(tmp_path, emulator)


def records_as_written(path: Path) -> dict[tuple[str, str], tuple[Any, ...]]:
    """The 0.1.0 file's documents, read with SQL as 0.1.0 wrote them (``detail`` as JSON)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = db.execute(
            "SELECT target, external_id, locator, fingerprint, content_hash, remote_id, title, detail "
            "FROM documents"
        ).fetchall()
    finally:
        db.close()
    written = {}
    for target, external_id, locator, fingerprint, content_hash, remote_id, title, detail in rows:
        where = json.loads(detail) if detail else {}
        collection = tuple(where["collection"]) if "collection" in where else None
        placement = Placement(collection, where.get("locale"))
        written[(target, external_id)] = (locator, fingerprint, content_hash, remote_id, title, placement)
    return written


def records_now(path: Path, *, with_fingerprints: bool = True) -> dict[tuple[str, str], tuple[Any, ...]]:
    with StateStore(path) as state:
        return {
            (target, external_id): (
                r.locator,
                r.fingerprint if with_fingerprints else None,
                r.content_hash,
                r.remote_id,
                r.title,
                r.placement,
            )
            for target in ("external_pages", "articles")
            for external_id, r in state.target("docs", target).records().items()
        }


def test_the_fixture_is_a_file_of_release_0_1_0() -> None:
    """The fixture predates migrations: user_version 0, and documents.detail holding JSON."""
    db = sqlite3.connect(f"file:{FIXTURE / 'ingest.db'}?mode=ro", uri=True)
    try:
        assert db.execute("PRAGMA user_version").fetchone() == (0,)
        details = {row[0] for row in db.execute("SELECT detail FROM documents WHERE detail IS NOT NULL")}
    finally:
        db.close()
    assert '{"locale": "fr"}' in details and '{"collection": ["Guides", "Billing"]}' in details


async def test_a_0_1_0_state_file_upgrades_in_place_and_nothing_is_sent(old_project: OldProject) -> None:
    """A sync with today's code in 2.15, the version 0.1.0 spoke, sends no write, only the run's
    check of its Content Import Source: every document converts to what was sent; the file now
    carries the latest schema and the same records."""
    old_project.speak("2.15")
    state_file = old_project.folder / "ingest.db"
    before = records_as_written(state_file)
    results = await old_project.sync()
    assert all(result.ok for result in results.values()), [(r.error, r.failures) for r in results.values()]
    assert endpoints(old_project.emulator) == SOURCE_READ
    assert results["external_pages"].counts.unchanged == 3 and results["articles"].counts.unchanged == 4
    # The converter changed since 0.1.0 (CONVERTER_VERSION 3: heading ids), so every document was
    # converted once more and its fingerprint recorded anew; what was sent, and where, is the same.
    as_sent = {key: (record[0], None, *record[2:]) for key, record in before.items()}
    assert records_now(state_file, with_fingerprints=False) == as_sent
    db = sqlite3.connect(state_file)
    try:
        assert db.execute("PRAGMA user_version").fetchone() == (LATEST_VERSION,)
    finally:
        db.close()
    with StateStore(state_file) as state:
        articles = state.target("docs", "articles")
        assert set(articles.book.collections()) == {
            (),
            ("Guides",),
            ("Getting started",),
            ("Guides", "Billing"),
        }
        assert articles.book.intents() == []
        assert list(articles.skips()) == ["draft.md"]
        pages = state.target("docs", "external_pages")
        assert pages.import_source.get() is not None
        assert set(pages.skips()) == {"draft.md", "getting-started/install.fr.md"}


async def test_documents_read_again_hash_as_0_1_0_hashed_them(old_project: OldProject) -> None:
    """Every document touched, so each is read and converted again: the payloads hash as the
    0.1.0 code hashed them (in 2.15, whose requests 0.1.0 hashed), so nothing is written, only the
    new fingerprints are stored."""
    old_project.speak("2.15")
    state_file = old_project.folder / "ingest.db"
    before = records_as_written(state_file)
    for document in (old_project.folder / "docs").rglob("*.md"):
        os.utime(document, ns=(MTIME_NS + 1, MTIME_NS + 1))
    results = await old_project.sync()
    assert all(result.ok for result in results.values()), [(r.error, r.failures) for r in results.values()]
    assert old_project.writes() == []
    assert results["external_pages"].converted == 4  # the fifth, draft.md, says skip: true
    assert results["external_pages"].counts.unchanged == 3 and results["articles"].counts.unchanged == 4
    without_fingerprints = {key: (*value[:1], None, *value[2:]) for key, value in before.items()}
    assert records_now(state_file, with_fingerprints=False) == without_fingerprints


async def test_an_edit_after_the_upgrade_updates_in_place(old_project: OldProject) -> None:
    """After the upgrade, an edited document updates its page and article (no create), and its
    translation stays in the same article (in 2.15: what 2.16 adds once is the next test's)."""
    old_project.speak("2.15")
    (old_project.folder / "docs" / "getting-started" / "install.md").write_text(
        "# Install\n\nDownload the app, then open it.\n", encoding="utf-8"
    )
    results = await old_project.sync()
    assert all(result.ok for result in results.values())
    assert sorted(old_project.writes()) == [("POST", "/ai/external_pages"), ("PUT", "/articles/1")]
    with StateStore(old_project.folder / "ingest.db") as state:
        translation = state.target("docs", "articles").record("getting-started/install.fr.md")
    assert translation is not None and (translation.remote_id, translation.placement.locale) == ("1", "fr")


async def test_the_first_run_in_2_16_sets_availability_once_then_nothing(old_project: OldProject) -> None:
    """0.1.0 recorded no availability, so the first run in 2.16 (the default) costs exactly this,
    once: one bulk action setting every page's flags (no page is sent again: their hashes stay
    valid) and one update of each original article carrying its flags (they are part of an
    article's request, and of its hash), nothing else written; the run after only checks."""
    state_file = old_project.folder / "ingest.db"
    before = records_as_written(state_file)
    articles_before = old_project.emulator.articles()
    results = await old_project.sync()
    assert all(result.ok for result in results.values()), [(r.error, r.failures) for r in results.values()]
    assert sorted(endpoints(old_project.emulator)) == sorted(
        [
            *SOURCE_READ,
            "GET /admins",  # the articles target checks its author before writing
            "GET /help_center/collections",  # and finds its collections
            "POST /content/bulk_actions",
            *3 * ["PUT /articles/{article_id}"],
        ]
    )
    (bulk,) = [r.body for r in old_project.emulator.requests() if r.method == "POST"]
    remembered = {record[3] for key, record in before.items() if key[0] == "external_pages"}
    assert bulk["action"] == "set_availability"
    assert bulk["availability"] == {"ai_agent": True, "copilot": True, "sales_agent": False}
    assert {item["id"] for item in bulk["content_ids"]} == remembered and len(bulk["content_ids"]) == 3
    updates = [r for r in old_project.emulator.requests() if r.method == "PUT"]
    flags = ("ai_chatbot_availability", "ai_copilot_availability", "ai_sales_agent_availability")
    assert all(tuple(r.body[flag] for flag in flags) == (True, True, False) for r in updates)
    pages, articles = results["external_pages"].counts, results["articles"].counts
    assert (pages.unchanged, pages.updated, pages.availability) == (3, 0, 3)
    assert (articles.updated, articles.unchanged) == (3, 1)  # the French translation is left alone
    unchanged = ("id", "title", "body", "parent_ids", "translated_content")

    def shown(articles: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(({k: a.get(k) for k in unchanged} for a in articles), key=lambda a: str(a["id"]))

    assert shown(old_project.emulator.articles()) == shown(articles_before)
    # What was sent and where is the same; only an original article's hash now holds its flags.
    now = records_now(state_file, with_fingerprints=False)
    for key, (locator, _, content_hash, remote_id, title, placement) in before.items():
        assert now[key][0] == locator and now[key][3:] == (remote_id, title, placement)
        hashed_anew = key[0] == "articles" and placement.locale is None
        assert (now[key][2] != content_hash) is hashed_anew, key

    old_project.emulator.clear_requests()
    results = await old_project.sync()
    assert all(result.ok for result in results.values())
    assert endpoints(old_project.emulator) == SOURCE_READ
