"""``ingest reconcile`` on Help Center articles and internal articles: deleted ones created again, what a
person edited left alone unless --overwrite-edits, availability set back, and Intercom's own answer,
not what was sent, as the measure of "edited"."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from contract import validate_recorded

from ingest.config import Settings, load_settings
from ingest.emulator import EmulatorConfig, RunningEmulator
from ingest.reconcile import Outcome
from ingest.runner import run_sources
from tests.e2e.conftest import TOKEN, VERSIONS
from tests.e2e.reconcile_helpers import Someone, kinds, only, reconcile

HELP_CENTER_AND_COPILOT = '["articles", "internal_articles"]'


class Project:
    """One folder synced as Help Center articles and as internal articles."""

    def __init__(self, tmp_path: Path, emulator: RunningEmulator, version: str) -> None:
        self.emulator, self.version = emulator, version
        self.config = tmp_path / "ingest.toml"
        self.config.write_text(
            f'[intercom]\nbase_url = "{emulator.base_url}"\napi_version = "{version}"\n\n'
            '[sources.docs]\nconnector = "filesystem"\npath = "docs"\n'
            f"targets = {HELP_CENTER_AND_COPILOT}\n\n"
            '[sources.docs.articles]\nauthor_id = 1\ncollection = "Handbook"\nstate = "published"\n\n'
            "[sources.docs.internal_articles]\nauthor_id = 1\n",
            encoding="utf-8",
        )
        docs = tmp_path / "docs"
        docs.mkdir()
        for name, text in {
            "guide.md": "# Guide\n\nRead me.\n",
            "guide.fr.md": "# Guide (FR)\n\nLisez-moi.\n",
            "setup.md": "# Setup\n\nInstall it.\n",
            "runbook.md": "# Runbook\n\nRestart it.\n",
        }.items():
            (docs / name).write_text(text, encoding="utf-8")
        self.someone = Someone(emulator, version)

    def settings(self) -> Settings:
        return load_settings(self.config)

    async def sync(self) -> None:
        from pydantic import SecretStr

        settings = self.settings()
        results = await run_sources(settings, settings.select(None), token=SecretStr(TOKEN))
        assert all(result.ok for result in results), results
        self.emulator.flush_bulk_actions()

    def articles(self) -> dict[str, dict[str, Any]]:
        return {article["title"]: article for article in self.emulator.articles()}

    def internal(self) -> dict[str, dict[str, Any]]:
        return {article["title"]: article for article in self.emulator.internal_articles()}


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(token=TOKEN, bulk_action_delay_seconds=None)


async def synced(tmp_path: Path, emulator: RunningEmulator, version: str) -> Project:
    project = Project(tmp_path, emulator, version)
    await project.sync()
    emulator.clear_requests()
    return project


@pytest.mark.parametrize("version", VERSIONS)
async def test_articles_as_written_have_no_drift(
    tmp_path: Path, emulator: RunningEmulator, version: str
) -> None:
    """Right after a run every article, translation and internal article holds what the answer to the
    write held: nothing reported; one GET per article (its translation comes with it)."""
    project = await synced(tmp_path, emulator, version)

    run = await reconcile(project.settings())

    assert run.ok and [kinds(report) for report in run.reports] == [[], []]
    assert (only(run, "articles").checked, only(run, "internal_articles").checked) == (4, 3)
    endpoints = sorted(r.endpoint for r in emulator.requests())
    assert (
        endpoints == ["GET /articles/{article_id}"] * 3 + ["GET /internal_articles/{internal_article_id}"] * 3
    )
    validate_recorded(emulator.requests(), version=version)


@pytest.mark.parametrize("version", VERSIONS)
async def test_what_a_person_edited_is_left_alone_unless_overwrite_edits(
    tmp_path: Path, emulator: RunningEmulator, version: str
) -> None:
    """Edited in Intercom: an article, its French translation and an internal article; deleted: an
    article and an internal article. --fix creates the deleted ones again and leaves every edit as the
    person made it (exit 1: drift is left); --fix --overwrite-edits writes the documents over them."""
    project = await synced(tmp_path, emulator, version)
    articles, internal = project.articles(), project.internal()
    guide = articles["Guide"]["id"]
    await project.someone.call("PUT", f"/articles/{guide}", {"body": "<p>Better, says a person.</p>"})
    await project.someone.call(
        "PUT", f"/articles/{guide}", {"translated_content": {"fr": {"body": "<p>Mieux.</p>"}}}
    )
    await project.someone.call("DELETE", f"/articles/{articles['Setup']['id']}")
    await project.someone.call(
        "PUT", f"/internal_articles/{internal['Setup']['id']}", {"body": "<p>Mine.</p>"}
    )
    await project.someone.call("DELETE", f"/internal_articles/{internal['Runbook']['id']}")
    emulator.clear_requests()

    run = await reconcile(project.settings())

    assert kinds(only(run, "articles")) == [
        ("edited", "guide.fr.md"),
        ("edited", "guide.md"),
        ("deleted", "setup.md"),
    ]
    assert sorted(kinds(only(run, "internal_articles"))) == [
        ("deleted", "runbook.md"),
        ("edited", "setup.md"),
    ]
    assert not run.ok and {r.method for r in emulator.requests()} == {"GET"}

    left = await reconcile(project.settings(), fix=True)

    outcomes = {(r.target, f.drift.locator): f.outcome for r in left.reports for f in r.findings}
    assert outcomes == {
        ("articles", "guide.md"): Outcome.LEFT,
        ("articles", "guide.fr.md"): Outcome.LEFT,
        ("articles", "setup.md"): Outcome.REPAIRED,
        ("internal_articles", "setup.md"): Outcome.LEFT,
        ("internal_articles", "runbook.md"): Outcome.REPAIRED,
    }
    assert not left.ok
    articles, internal = project.articles(), project.internal()
    assert articles["Guide"]["body"] == "<p>Better, says a person.</p>"
    assert articles["Guide"]["translated_content"]["fr"]["body"] == "<p>Mieux.</p>"
    assert internal["Setup"]["body"] == "<p>Mine.</p>"
    assert "Setup" in articles and "Runbook" in internal  # created again

    overwritten = await reconcile(project.settings(), fix=True, overwrite_edits=True)

    assert overwritten.ok
    articles, internal = project.articles(), project.internal()
    assert "Read me." in articles["Guide"]["body"] and articles["Guide"]["id"] == guide
    assert "Lisez-moi." in articles["Guide"]["translated_content"]["fr"]["body"]
    assert "Install it." in internal["Setup"]["body"]
    assert (await reconcile(project.settings())).ok
    validate_recorded(emulator.requests(), version=version)


@pytest.mark.parametrize("version", ["2.16", "Preview"])
async def test_availability_switched_in_intercom_is_set_back(
    tmp_path: Path, emulator: RunningEmulator, version: str
) -> None:
    """Fin switched off an article and on for an internal article in Intercom (the configuration says
    the opposite): reported; --fix updates the article with its flags and sets the internal article's
    in bulk, leaving its text as it is; nothing is left."""
    project = await synced(tmp_path, emulator, version)
    article, internal = project.articles()["Setup"], project.internal()["Runbook"]
    await project.someone.call("PUT", f"/articles/{article['id']}", {"ai_chatbot_availability": False})
    await project.someone.call(
        "PUT", f"/internal_articles/{internal['id']}", {"ai_chatbot_availability": True}
    )
    emulator.clear_requests()

    run = await reconcile(project.settings())

    assert kinds(only(run, "articles")) == [("availability", "setup.md")]
    assert kinds(only(run, "internal_articles")) == [("availability", "runbook.md")]
    assert "is Fin off in Intercom, not Fin on" in only(run, "articles").findings[0].drift.message

    fixed = await reconcile(project.settings(), fix=True)
    emulator.flush_bulk_actions()

    assert fixed.ok
    assert project.articles()["Setup"]["ai_chatbot_availability"] is True
    assert project.internal()["Runbook"]["ai_chatbot_availability"] is False
    assert (await reconcile(project.settings())).ok
    validate_recorded(emulator.requests(), version=version)


async def test_twins_written_by_an_earlier_release_are_compared_with_what_was_sent(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    """State written before digests were kept knows only what it sent: a twin holding that is
    unchanged (and --fix records its digest, so later reconciles compare exactly); one that differs
    is edited only when Intercom updated it after the write (its updated_at), since Intercom may
    rewrite what it is sent."""
    project = await synced(tmp_path, emulator, "2.16")
    an_hour_ago = 3600.0
    database = sqlite3.connect(project.settings().state.path)
    database.execute("UPDATE documents SET remote_digest = NULL, synced_at = synced_at - ?", (an_hour_ago,))
    database.commit()
    database.close()
    internal = project.internal()
    await project.someone.call(
        "PUT", f"/internal_articles/{internal['Setup']['id']}", {"body": "<p>Mine.</p>"}
    )

    run = await reconcile(project.settings())

    assert kinds(only(run, "internal_articles")) == [("edited", "setup.md")]
    assert kinds(only(run, "articles")) == []
    assert len(only(run, "articles").baselines) == 4

    await reconcile(project.settings(), fix=True)

    database = sqlite3.connect(project.settings().state.path)
    unknown = database.execute(
        "SELECT target, external_id FROM documents WHERE remote_digest IS NULL ORDER BY 1, 2"
    ).fetchall()
    database.close()
    assert unknown == [("internal_articles", "setup.md")]  # left as the person made it
