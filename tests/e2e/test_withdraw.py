"""Soft delete (``on_delete = "withdraw"``) end to end against the emulator over loopback: a document
gone from the source has its page made unavailable to every Fin surface with a bulk action, the
same page comes back when the document does, and it is deleted once it has stayed gone for
``withdraw_days``. The run's time is injected (a clock the test moves), never waited for."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from contract import validate_recorded
from pydantic import SecretStr

from ingest.config import load_settings
from ingest.emulator import EmulatorConfig, RecordedRequest, RunningEmulator, start_emulator
from ingest.engine import Engine, SourceResult
from ingest.errors import ConfigError
from ingest.reconcile import Outcome
from ingest.report import result_as_dict, summary_line
from ingest.runner import build_connector, make_client, run_sources, targets_for
from ingest.state import DocumentRecord, StateStore
from tests.e2e.conftest import SOURCE_READ, TOKEN, write_config
from tests.e2e.reconcile_helpers import Someone, reconcile

BULK = "/content/bulk_actions"
PAGES = "/ai/external_pages"
DAY = 86_400.0
#: A fixed start for the injected clock (a Unix time in 2027).
START = 1_800_000_000.0
#: The versions with bulk actions: the only ones that can withdraw.
BULK_VERSIONS = ("2.16", "Preview")


class Clock:
    """The time a run sees, moved by the test."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> float:
        return self.now

    def advance(self, days: float) -> None:
        self.now += days * DAY


class Project:
    """A docs folder synced with ``on_delete = "withdraw"`` at one API version, with an injected clock."""

    def __init__(self, tmp_path: Path, emulator: RunningEmulator, version: str) -> None:
        self.tmp_path = tmp_path
        self.docs = tmp_path / "docs"
        self.docs.mkdir(exist_ok=True)
        self.emulator = emulator
        self.version = version
        self.clock = Clock()
        self.configure()

    def configure(self, **source_keys: Any) -> None:
        keys = {"on_delete": "withdraw", "withdraw_days": 7, **source_keys}
        self.config = write_config(self.tmp_path, self.emulator.base_url, api_version=self.version, **keys)

    def write(self, name: str, body: str = "Some text.") -> None:
        (self.docs / name).write_text(f"# {name}\n\n{body}\n", encoding="utf-8")

    async def sync(self, *, allow_mass_delete: bool = False) -> SourceResult:
        # What an earlier run queued is carried out by now: days pass between these runs.
        self.emulator.flush_bulk_actions()
        self.emulator.clear_requests()
        settings = load_settings(self.config)
        (result,) = await run_sources(
            settings,
            settings.select(None),
            allow_mass_delete=allow_mass_delete,
            token=SecretStr(TOKEN),
            clock=self.clock,
        )
        return result

    def writes(self) -> list[tuple[str, str]]:
        return [(r.method, r.endpoint) for r in self.emulator.requests() if r.method != "GET"]

    def bulk_requests(self) -> list[RecordedRequest]:
        return [r for r in self.emulator.requests() if r.method == "POST" and r.path == BULK]

    def remote(self) -> dict[str, dict[str, Any]]:
        """The emulator's pages by external id, once every queued bulk action is carried out."""
        self.emulator.flush_bulk_actions()
        pages = self.emulator.pages()
        by_id = {page["external_id"]: page for page in pages}
        assert len(by_id) == len(pages), "duplicate external ids in the emulator"
        return by_id

    def records(self) -> dict[str, DocumentRecord]:
        with StateStore(self.tmp_path / "ingest.db") as state:
            return state.target("docs", "external_pages").records()

    def validated(self) -> int:
        return validate_recorded(self.emulator.requests(), version=self.version)


def flags(page: dict[str, Any]) -> tuple[bool, bool, bool]:
    return (
        page["ai_agent_availability"],
        page["ai_copilot_availability"],
        page["ai_sales_agent_availability"],
    )


@pytest.fixture
async def emulator() -> AsyncIterator[RunningEmulator]:
    async with start_emulator(EmulatorConfig(token=TOKEN, bulk_action_delay_seconds=None)) as running:
        yield running


@pytest.fixture(params=BULK_VERSIONS)
async def project(request: pytest.FixtureRequest, tmp_path: Path, emulator: RunningEmulator) -> Project:
    made = Project(tmp_path, emulator, request.param)
    for name in ("a.md", "b.md", "c.md", "d.md"):
        made.write(name)
    assert (await made.sync()).ok
    return made


async def test_a_document_gone_has_its_page_withdrawn_with_one_bulk_action(project: Project) -> None:
    """The page stays (same id), unavailable to AI Agent, Copilot and Fin for sales, set by one
    ``set_availability`` of every flag off; state records when; nothing else is written."""
    before = project.remote()["b.md"]
    (project.docs / "b.md").unlink()

    result = await project.sync()

    assert result.ok, result.failures
    assert (result.counts.withdrawn, result.counts.deleted, result.counts.expired) == (1, 0, 0)
    assert project.writes() == [("POST", "POST /content/bulk_actions")]
    (bulk,) = project.bulk_requests()
    assert bulk.body == {
        "action": "set_availability",
        "content_ids": [{"type": "external_content", "id": before["id"]}],
        "availability": {"ai_agent": False, "copilot": False, "sales_agent": False},
    }
    assert project.validated() > 0
    remote = project.remote()
    assert remote["b.md"]["id"] == before["id"] and flags(remote["b.md"]) == (False, False, False)
    assert {flags(remote[name]) for name in ("a.md", "c.md", "d.md")} == {(True, True, False)}
    record = project.records()["b.md"]
    assert record.withdrawn_at == START
    assert "withdraw 1" in summary_line(result)
    changes = result_as_dict(result)["changes"]
    assert changes == [{"action": "withdraw", "document": "b.md", "external_id": "b.md", "title": "b.md"}]

    again = await project.sync()  # a withdrawn page waiting for its grace period costs nothing
    assert again.ok and project.writes() == []
    assert [r.endpoint for r in project.emulator.requests()] == SOURCE_READ


async def test_a_document_back_before_expiry_gets_the_same_page_back(project: Project) -> None:
    """Returned within ``withdraw_days``: one POST of the same external id (no create), the same
    Intercom id, available again as the source says; the page is no longer withdrawn in state."""
    page_id = project.remote()["c.md"]["id"]
    (project.docs / "c.md").unlink()
    assert (await project.sync()).counts.withdrawn == 1
    project.clock.advance(6)
    project.write("c.md")

    result = await project.sync()

    assert result.ok, result.failures
    assert (result.counts.restored, result.counts.created, result.counts.updated) == (1, 0, 0)
    assert project.writes() == [("POST", "POST /ai/external_pages")]
    assert project.validated() > 0
    remote = project.remote()
    assert len(remote) == 4 and remote["c.md"]["id"] == page_id
    assert flags(remote["c.md"]) == (True, True, False)
    assert project.records()["c.md"].withdrawn_at is None
    assert [c["action"] for c in result_as_dict(result)["changes"]] == ["restore"]

    project.clock.advance(30)  # long past the grace period: a page restored is not expired
    assert (await project.sync()).ok and project.writes() == []
    assert "c.md" in project.remote()


async def test_a_withdrawn_page_whose_document_comes_back_changed_is_updated_in_place(
    project: Project,
) -> None:
    page_id = project.remote()["a.md"]["id"]
    (project.docs / "a.md").unlink()
    assert (await project.sync()).counts.withdrawn == 1
    project.write("a.md", "Written again, differently.")

    result = await project.sync()

    assert result.counts.restored == 1 and result.counts.created == 0
    remote = project.remote()
    assert remote["a.md"]["id"] == page_id and "Written again, differently." in remote["a.md"]["html"]
    assert flags(remote["a.md"]) == (True, True, False) and len(remote) == 4


async def test_a_page_gone_for_withdraw_days_is_deleted_once(project: Project) -> None:
    """Still gone just before ``withdraw_days``: nothing sent. From then on: one DELETE, counted as
    expired (not a new delete), and the record forgotten."""
    page_id = project.remote()["d.md"]["id"]
    (project.docs / "d.md").unlink()
    assert (await project.sync()).counts.withdrawn == 1
    project.clock.advance(6.99)
    waiting = await project.sync()
    assert waiting.ok and project.writes() == []
    assert waiting.plan is not None and waiting.plan.still_withdrawn == 1

    project.clock.advance(0.01)
    result = await project.sync()

    assert result.ok, result.failures
    assert (result.counts.expired, result.counts.deleted) == (1, 0)
    assert project.writes() == [("DELETE", "DELETE /ai/external_pages/{page_id}")]
    assert project.emulator.requests()[-1].path == f"{PAGES}/{page_id}"
    assert project.validated() > 0
    assert "d.md" not in project.remote() and "d.md" not in project.records()
    assert [c["action"] for c in result_as_dict(result)["changes"]] == ["expire"]
    assert "expire 1" in summary_line(result)

    assert (await project.sync()).ok and project.writes() == []


async def test_the_guard_counts_withdrawals_against_the_pages_still_available(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    """Withdrawing more than ``max_delete_share`` is refused like deleting (nothing sent) unless
    allowed; the share is of the pages still available, not of those withdrawn before."""
    project = Project(tmp_path, emulator, "2.16")
    for index in range(10):
        project.write(f"p{index}.md")
    assert (await project.sync()).ok
    for index in range(6):
        (project.docs / f"p{index}.md").unlink()

    refused = await project.sync()

    assert not refused.ok and refused.error is not None
    assert refused.error.startswith("refusing to withdraw 6 of 10 pages")
    assert project.writes() == []
    allowed = await project.sync(allow_mass_delete=True)
    assert allowed.ok and allowed.counts.withdrawn == 6
    (project.docs / "p6.md").unlink()
    (project.docs / "p7.md").unlink()
    (project.docs / "p8.md").unlink()

    # 3 of the 4 still available: 75%, although 3 of the 10 recorded would be 30%.
    again = await project.sync()
    assert again.error is not None and again.error.startswith("refusing to withdraw 3 of 4 pages")
    assert project.writes() == []


async def test_no_withdrawal_while_an_upload_failed(tmp_path: Path, emulator: RunningEmulator) -> None:
    """As deletes: a failed upload may be a renamed document's new home, so nothing is withdrawn in
    that run; the next clean run withdraws it."""
    project = Project(tmp_path, emulator, "2.16")
    project.write("old.md")
    project.write("kept.md")
    assert (await project.sync()).ok
    (project.docs / "old.md").rename(project.docs / "new.md")
    emulator.set_faults(fail_next=1, fail_path=f"POST {PAGES}", fail_status=400)

    result = await project.sync()

    assert not result.ok and result.counts.withdrawn == 0
    assert project.bulk_requests() == []
    assert any("not withdrawn yet" in failure.message for failure in result.failures)
    assert flags(project.remote()["old.md"]) == (True, True, False)
    assert (await project.sync()).counts.withdrawn == 1


async def test_no_withdrawal_for_a_source_that_cannot_be_read(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    project = Project(tmp_path, emulator, "2.16")
    project.write("a.md")
    assert (await project.sync()).ok
    for path in project.docs.iterdir():
        path.unlink()
    project.docs.rmdir()

    result = await project.sync()

    assert not result.ok and project.writes() == []
    assert flags(project.remote()["a.md"]) == (True, True, False)


async def test_reconcile_takes_no_withdrawn_page_for_drift(tmp_path: Path, emulator: RunningEmulator) -> None:
    """A withdrawn page is unavailable on purpose: reconcile reports nothing (while the same flags
    on a page whose document is there would be drift)."""
    project = Project(tmp_path, emulator, "2.16")
    project.write("a.md")
    project.write("b.md")
    assert (await project.sync()).ok
    (project.docs / "b.md").unlink()
    assert (await project.sync()).counts.withdrawn == 1
    emulator.flush_bulk_actions()

    run = await reconcile(load_settings(project.config))

    (report,) = run.reports
    assert run.ok and report.findings == [] and report.checked == 2


def test_2_15_cannot_withdraw_and_says_which_key_fixes_it(tmp_path: Path) -> None:
    """2.15 has no bulk action, and a POST of a page needs the html a document gone no longer has:
    the config is refused before anything runs, naming api_version as the fix."""
    config = write_config(
        tmp_path, "http://127.0.0.1:9", api_version="2.15", on_delete="withdraw", withdraw_days=3
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    message = str(caught.value)
    assert message.startswith('sources.docs.on_delete: "withdraw" needs a bulk action')
    assert "intercom.api_version to 2.16 or Preview" in message


def test_the_report_file_counts_withdrawn_restored_and_expired(tmp_path: Path) -> None:
    """The --report JSON has the three counts beside the others (a run that did none says 0)."""
    from ingest.report import write_json_report

    report = tmp_path / "report.json"
    write_json_report(
        report, [SourceResult(source="docs", target="external_pages")], exit_code=0, dry_run=False
    )
    (source,) = json.loads(report.read_text(encoding="utf-8"))["sources"]
    assert (source["withdrawn"], source["restored"], source["expired"]) == (0, 0, 0)


async def soft_delete_runs(tmp_path: Path, *, streaming: bool) -> list[tuple[Any, ...]]:
    """Three runs through the engine (withdraw; restore one, wait for the other; expire it), each
    with what it sent (bulk actions by the external ids they name), its counts and the records."""
    clock = Clock()
    docs = tmp_path / "docs"
    docs.mkdir(parents=True)
    for index in range(6):
        (docs / f"p{index}.md").write_text(f"# P{index}\n\nText {index}.\n", encoding="utf-8")
    steps: list[tuple[Any, ...]] = []
    async with start_emulator(EmulatorConfig(token=TOKEN, bulk_action_delay_seconds=0)) as emulator:
        write_config(tmp_path, emulator.base_url, api_version="2.16", on_delete="withdraw", withdraw_days=7)
        settings = load_settings(tmp_path / "ingest.toml")

        async def run() -> None:
            emulator.clear_requests()
            with StateStore(settings.state.path) as state:
                async with make_client(settings, SecretStr(TOKEN)) as client:
                    engine = Engine(
                        state=state,
                        connector_factory=build_connector,
                        target_factory=targets_for(settings, client, state),
                        batch_size=2,
                        streaming=streaming,
                        clock=clock,
                    )
                    (result,) = await engine.sync_source(settings.sources["docs"])
                    known = state.target("docs", "external_pages").records().values()
                    by_id = {record.remote_id: record.external_id for record in known}
            sent = []
            for request in emulator.requests():
                if request.method == "GET":
                    continue
                body = dict(request.body or {})
                if "content_ids" in body:
                    body["content_ids"] = sorted(by_id.get(item["id"], "?") for item in body["content_ids"])
                sent.append((request.endpoint, json.dumps(body, sort_keys=True)))
            records = {
                external_id: (record.withdrawn_at, record.availability, record.fingerprint == "")
                for external_id, record in state_records(tmp_path).items()
            }
            steps.append((result.ok, result.counts, sorted(sent), records))

        await run()
        (docs / "p1.md").unlink()
        (docs / "p2.md").unlink()
        await run()
        clock.advance(3)
        (docs / "p1.md").write_text("# P1\n\nBack, changed.\n", encoding="utf-8")
        await run()
        clock.advance(5)
        await run()
    return steps


def state_records(tmp_path: Path) -> dict[str, DocumentRecord]:
    with StateStore(tmp_path / "ingest.db") as state:
        return state.target("docs", "external_pages").records()


async def test_a_streamed_run_withdraws_restores_and_expires_as_the_whole_plan_does(tmp_path: Path) -> None:
    streamed = await soft_delete_runs(tmp_path / "streamed", streaming=True)
    whole = await soft_delete_runs(tmp_path / "whole", streaming=False)
    assert streamed == whole
    counts = [step[1] for step in streamed]
    assert (counts[1].withdrawn, counts[2].restored, counts[3].expired) == (2, 1, 1)
    assert all(step[0] for step in streamed)
    assert sorted(streamed[3][3]) == ["p0.md", "p1.md", "p3.md", "p4.md", "p5.md"]


async def test_reconcile_fix_counts_the_withdrawals_due_with_the_orphans_it_would_delete(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    """--fix deletes pages no document makes within max_delete_share, counting the source's own
    withdrawals due in the same run, against the pages still available: 1 withdrawal and 1 orphan
    of 5 pages is 40%, past a 30% share (the orphan alone would be 20%)."""
    project = Project(tmp_path, emulator, "2.16")
    project.configure(max_delete_share=0.3)
    for name in ("a.md", "b.md", "c.md", "d.md"):
        project.write(name)
    assert (await project.sync()).ok
    source_id = project.remote()["a.md"]["source_id"]
    orphan = {"title": "Old", "html": "<p>Old.</p>", "locale": "en", "source_id": source_id}
    await Someone(emulator).call("POST", PAGES, {**orphan, "external_id": "old.md"})
    (project.docs / "d.md").unlink()

    refused = await reconcile(load_settings(project.config), fix=True)

    (report,) = refused.reports
    (finding,) = [f for f in report.findings if f.drift.kind.value == "unknown"]
    assert finding.outcome is Outcome.REFUSED
    assert "refusing to delete 2 of 5 pages" in (finding.why or "")
    assert "old.md" in project.remote() and flags(project.remote()["d.md"]) == (True, True, False)
