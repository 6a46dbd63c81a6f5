"""State keeps what availability rules gave each document, and per target the rules last applied."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ingest.availability import Availability
from ingest.state import StateStore
from ingest.state.migrations import LATEST_VERSION, MIGRATIONS, _availability_rules, upgrade

#: The migration that adds them, found by what it does (a merge may renumber it).
RULES_MIGRATION = next(
    index for index, migration in enumerate(MIGRATIONS) if migration.apply is _availability_rules
)


def test_a_file_from_before_the_rules_keeps_its_records_and_knows_no_rules(tmp_path: Path) -> None:
    """A file one migration older keeps its documents and settings as they were (nothing is read or
    sent again for them); no rules were applied and no document was given anything by one."""
    path = tmp_path / "before.db"
    db = sqlite3.connect(path, isolation_level=None)
    upgrade(db, MIGRATIONS[:RULES_MIGRATION])
    db.execute(
        "INSERT INTO documents (source, target, external_id, locator, fingerprint, content_hash, remote_id, "
        "title, sent_html, synced_at, declared, ai_agent, ai_copilot, ai_sales_agent) VALUES ('docs', "
        "'external_pages', 'a.md', 'a.md', 'fp', 'hash', '11', 'A', NULL, 1.0, 'f--', 0, 1, 0)"
    )
    db.execute("INSERT INTO target_settings VALUES ('docs', 'external_pages', 'digest')")
    db.execute("INSERT INTO import_sources VALUES ('docs', 7, 'https://docs.example.com')")
    db.close()
    with StateStore(path) as state:
        pages = state.target("docs", "external_pages")
        (record,) = pages.records().values()
        assert (record.fingerprint, record.content_hash, record.remote_id) == ("fp", "hash", "11")
        assert record.declared == Availability(ai_agent=False)
        assert record.rule_facts is None and pages.rule_facts() == [("a.md", None)]
        assert pages.settings_digest() == "digest" and pages.rules_digest() is None
        remembered = pages.import_source.get()
        assert remembered is not None and remembered.remote_id == 7
        assert pages.import_source.applied_audiences() is None
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone() == (LATEST_VERSION,)
    db.close()


def test_facts_are_written_with_a_send_and_a_refresh_and_the_rules_digest_with_the_settings(
    tmp_path: Path,
) -> None:
    with StateStore(tmp_path / "s.db") as state:
        pages = state.target("docs", "external_pages")
        pages.record_sent(
            external_id="a.md",
            locator="a.md",
            fingerprint="fp",
            content_hash="h",
            remote_id="1",
            title="A",
            html="<p>A</p>",
            rule_facts='{"k":[],"r":"f--","v":{}}',
        )
        assert pages.rule_facts() == [("a.md", '{"k":[],"r":"f--","v":{}}')]
        pages.refresh_fingerprints([("a.md", "a.md", "fp2", Availability(ai_agent=False), None)])
        assert pages.records()["a.md"].rule_facts is None
        pages.set_settings_digest("settings")
        pages.set_rules_digest("rules")
        assert pages.rules_digest() == "rules"
        pages.set_rules_digest(None)
        assert pages.rules_digest() is None


def test_audiences_applied_are_kept_while_the_content_import_source_stays_the_same(tmp_path: Path) -> None:
    """Another Content Import Source (recreated, or of a new url) has had no audiences applied yet."""
    with StateStore(tmp_path / "s.db") as state:
        record = state.target("docs", "external_pages").import_source
        record.remember(7, "https://docs.example.com")
        record.record_audiences(["VIP Customers"])
        record.remember(7, "https://docs.example.com/")
        assert record.applied_audiences() == ["VIP Customers"]
        record.remember(8, "https://docs.example.com/")
        assert record.applied_audiences() is None
