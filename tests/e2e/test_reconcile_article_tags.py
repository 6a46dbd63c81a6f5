"""Reconcile and the owner tag on Help Center articles, whose answers say the tags they carry: a tag
a person took off is drift, and ``--fix`` puts it back (one ``update_tags``), nothing else sent."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.emulator import EmulatorConfig, EmulatorTag, RunningEmulator
from ingest.reconcile import Outcome
from tests.e2e.conftest import TOKEN
from tests.e2e.reconcile_helpers import kinds, only, reconcile
from tests.e2e.test_reconcile_articles import Project

OWNER = 7


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(
        token=TOKEN, bulk_action_delay_seconds=None, tags=(EmulatorTag(OWNER, "fin-ingest"),)
    )


def article_tags(project: Project) -> dict[str, list[str]]:
    project.emulator.flush_bulk_actions()
    return {
        title: [tag["id"] for tag in article["tags"]["tags"]] for title, article in project.articles().items()
    }


@pytest.mark.parametrize("version", ["2.16", "Preview"])
async def test_an_owner_tag_taken_off_an_article_is_drift_and_fix_puts_it_back(
    tmp_path: Path, emulator: RunningEmulator, version: str
) -> None:
    project = Project(tmp_path, emulator, version)
    text = project.config.read_text(encoding="utf-8")
    project.config.write_text(text.replace("[intercom]\n", f"[intercom]\nowner_tag_id = {OWNER}\n", 1))
    await project.sync()
    assert set(map(tuple, article_tags(project).values())) == {(str(OWNER),)}
    assert (await reconcile(project.settings())).ok
    setup = project.articles()["Setup"]
    await project.someone.call(
        "POST",
        "/content/bulk_actions",
        {
            "action": "update_tags",
            "content_ids": [{"type": "article", "id": setup["id"]}],
            "tags": {"remove_tag_ids": [OWNER]},
        },
    )
    emulator.flush_bulk_actions()

    run = await reconcile(project.settings())
    assert not run.ok
    assert kinds(only(run, "articles")) == [("tag", "setup.md")]
    emulator.clear_requests()
    fixed = await reconcile(project.settings(), fix=True)
    (finding,) = only(fixed, "articles").findings
    assert fixed.ok and finding.outcome is Outcome.REPAIRED
    writes = [r.endpoint for r in emulator.requests() if r.method != "GET"]
    assert writes == ["POST /content/bulk_actions"]
    assert article_tags(project)["Setup"] == [str(OWNER)]
    assert (await reconcile(project.settings())).ok
