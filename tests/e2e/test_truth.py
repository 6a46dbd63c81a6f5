"""The truth checked on every run: a no-op run reads each source once, and what it finds in Intercom
(a revoked token, a deleted source, a source deactivated or moved) is acted on or reported."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.cli import main
from ingest.emulator import EmulatorConfig, RunningEmulator, running_emulator
from ingest.intercom import IntercomClient
from ingest.state import StateStore
from tests.e2e.conftest import SOURCE_READ, SOURCE_URL, TOKEN, endpoints, write_config, write_docs

WRITES = {"POST", "PUT", "DELETE"}
HANDBOOK_URL = "https://handbook.example.com"


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:  # type: ignore[override]
    with running_emulator(EmulatorConfig(token=TOKEN)) as running:
        yield running


@pytest.fixture
def project(tmp_path: Path, emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Five documents synced once into the emulator as External Pages; the token in the environment."""
    write_docs(tmp_path / "docs", 5)
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    config = write_config(tmp_path, emulator.base_url)
    assert main(["run", "--all", "--config", str(config)]) == 0
    emulator.clear_requests()
    return config


def writes(emulator: RunningEmulator) -> list[str]:
    return [request.endpoint for request in emulator.requests() if request.method in WRITES]


def run_with_report(config: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, dict[str, object]]:
    """``ingest run --all --report``: the exit code, what it printed, and the report."""
    report = config.parent / "report.json"
    code = main(["run", "--all", "--config", str(config), "--report", str(report)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err, json.loads(report.read_text())


def change_source(emulator: RunningEmulator, **changes: str) -> int:
    """Change the one Content Import Source in Intercom as a person would (``url``, ``status``), or
    delete it (no change given); its id."""
    return asyncio.run(_change_source(emulator, **changes))


async def _change_source(emulator: RunningEmulator, **changes: str) -> int:
    async with IntercomClient(base_url=emulator.base_url, token=TOKEN) as client:
        (source,) = await client.list_content_import_sources()
        if not changes:
            await client.delete_content_import_source(source.id)
        else:
            status = changes.get("status")
            await client.update_content_import_source(
                source.id,
                url=changes.get("url", source.url),
                status="deactivated" if status == "deactivated" else None,
            )
        return source.id


def test_a_no_op_run_reads_each_source_once_and_writes_nothing(
    tmp_path: Path, emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three unchanged sources, one read each: External Pages read their Content Import Source (the
    articles beside them need nothing more), and a source of Help Center articles alone proves the
    token with GET /me. Their first run, which writes, sends no /me."""
    for name in ("docs", "handbook", "faq"):
        write_docs(tmp_path / name, 2)
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    config = tmp_path / "ingest.toml"
    articles = '\n[sources.{name}.articles]\nauthor_id = 1\ncollection = "{title}"\n'
    config.write_text(
        f'[intercom]\nbase_url = "{emulator.base_url}"\n'
        f'\n[sources.docs]\nconnector = "filesystem"\npath = "docs"\nurl = "{SOURCE_URL}"\n'
        f'\n[sources.handbook]\nconnector = "filesystem"\npath = "handbook"\nurl = "{HANDBOOK_URL}"\n'
        'targets = ["external_pages", "articles"]\n'
        + articles.format(name="handbook", title="Handbook")
        + '\n[sources.faq]\nconnector = "filesystem"\npath = "faq"\ntargets = ["articles"]\n'
        + articles.format(name="faq", title="FAQ")
    )
    assert main(["run", "--all", "--config", str(config)]) == 0
    assert "GET /me" not in endpoints(emulator)

    emulator.clear_requests()
    assert main(["run", "--all", "--config", str(config)]) == 0
    assert endpoints(emulator) == [*SOURCE_READ, "GET /me", *SOURCE_READ]  # docs, faq, handbook
    assert [request.path for request in emulator.requests()][::2] == [
        "/ai/content_import_sources/1",
        "/ai/content_import_sources/2",
    ]


def test_a_revoked_token_is_caught_on_a_no_op_run(
    project: Path,
    emulator: RunningEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Nothing changed, but the token was revoked: exit 2 with the usual sentence naming what to
    fix, no write, and the report says so, instead of a green night with Fin answering from nothing."""
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", "revoked-token-0000")
    code, printed, report = run_with_report(project, capsys)

    assert code == 2 and report["exit_code"] == 2
    assert "INTERCOM_ACCESS_TOKEN" in printed and "revoked-token-0000" not in printed
    assert "INTERCOM_ACCESS_TOKEN" in str(report["error"])
    assert endpoints(emulator) == SOURCE_READ and writes(emulator) == []
    assert [request.status for request in emulator.requests()] == [401]


def test_a_source_deleted_in_intercom_is_recreated_and_every_page_sent_again(
    project: Path, emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """Someone deleted the Content Import Source (and so its pages): the next run, with nothing
    changed locally, creates it again and sends all five pages, says so, and exits 0."""
    old_id = change_source(emulator)
    assert emulator.pages() == []
    emulator.clear_requests()

    code, printed, report = run_with_report(project, capsys)

    assert code == 0
    (source,) = emulator.sources()
    assert source["id"] != old_id and source["url"] == SOURCE_URL
    assert len(emulator.pages()) == 5 and {page["source_id"] for page in emulator.pages()} == {source["id"]}
    assert writes(emulator) == ["POST /ai/content_import_sources"] + ["POST /ai/external_pages"] * 5
    (result,) = report["sources"]  # type: ignore[misc]
    assert (result["created"], result["drift"]) == (5, False)
    [finding] = result["remote"]
    assert finding["kind"] == "recreated" and f"Content Import Source {old_id}" in finding["message"]
    assert "deleted in Intercom" in printed
    with StateStore(project.parent / "ingest.db") as state:
        remembered = state.target("docs", "external_pages").import_source.get()
    assert remembered is not None and remembered.remote_id == source["id"]

    emulator.clear_requests()
    assert main(["run", "--all", "--config", str(project)]) == 0
    assert endpoints(emulator) == SOURCE_READ


def test_a_deactivated_or_moved_source_is_drift_reported_and_exit_1(
    project: Path, emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """A source deactivated in Intercom (Fin ignores its pages) or given another url is reported,
    each in a sentence saying what to do, in the summary and the report; nothing is written and
    the run exits 1 so that monitoring sees it."""
    source_id = change_source(emulator, status="deactivated", url="https://moved.example.com")
    emulator.clear_requests()

    code, printed, report = run_with_report(project, capsys)

    assert code == 1 and report["exit_code"] == 1
    assert endpoints(emulator) == SOURCE_READ and writes(emulator) == []
    (result,) = report["sources"]  # type: ignore[misc]
    assert result["ok"] is True and result["drift"] is True and result["unchanged"] == 5
    kinds = {finding["kind"]: finding["message"] for finding in result["remote"]}
    assert set(kinds) == {"url_changed", "deactivated"}
    assert f"Content Import Source {source_id} is deactivated in Intercom" in kinds["deactivated"]
    assert "https://moved.example.com" in kinds["url_changed"] and "sources.docs.url" in kinds["url_changed"]
    assert "drift docs (external_pages): Content Import Source" in printed

    change_source(emulator, url=SOURCE_URL)  # the url set back; still deactivated
    code, _, report = run_with_report(project, capsys)
    (result,) = report["sources"]  # type: ignore[misc]
    assert code == 1 and [finding["kind"] for finding in result["remote"]] == ["deactivated"]


def test_a_check_the_api_cannot_answer_fails_the_source_and_sends_nothing(
    project: Path, emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """An API that answers the check with errors (after the retries) fails the source in a sentence;
    nothing is sent for it, and the next run checks again."""
    project.write_text(project.read_text().replace("[intercom]", "[intercom]\nmax_attempts = 1"))
    emulator.set_faults(fail_next=1, fail_status=503)
    code, printed, report = run_with_report(project, capsys)

    assert code == 1
    (result,) = report["sources"]  # type: ignore[misc]
    assert str(result["error"]).startswith("could not check what Intercom holds:")
    assert "error docs (external_pages): could not check what Intercom holds" in printed
    assert writes(emulator) == [] and len(emulator.pages()) == 5

    emulator.clear_requests()
    assert main(["run", "--all", "--config", str(project)]) == 0
    assert endpoints(emulator) == SOURCE_READ


def test_a_run_that_writes_reads_its_source_once(project: Path, emulator: RunningEmulator) -> None:
    """The check's read of the Content Import Source serves the writes too: an edit is one read
    and one POST, not two reads."""
    page = project.parent / "docs" / "section-1" / "page-001.md"
    page.write_text("# Page 1\n\nEdited.\n")
    assert main(["run", "--all", "--config", str(project)]) == 0
    assert endpoints(emulator) == [*SOURCE_READ, "POST /ai/external_pages"]


def test_a_new_url_alone_moves_every_page_to_its_content_import_source(
    project: Path, emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """sources.docs.url changed, no document did: the run sends every page to the Content Import
    Source of the new url (created), says so, and leaves the old source as it is."""
    project.write_text(project.read_text().replace(SOURCE_URL, HANDBOOK_URL))
    code, printed, report = run_with_report(project, capsys)

    assert code == 0
    old, new = emulator.sources()
    assert (old["url"], new["url"]) == (SOURCE_URL, HANDBOOK_URL)
    by_source = Counter(page["source_id"] for page in emulator.pages())
    assert by_source == {old["id"]: 5, new["id"]: 5}
    (result,) = report["sources"]  # type: ignore[misc]
    assert (result["created"], result["drift"]) == (5, False)
    [finding] = result["remote"]
    assert finding["kind"] == "moved" and HANDBOOK_URL in finding["message"]
    assert "left as" in printed


def test_following_a_url_changed_in_intercom_resolves_the_drift_and_sends_nothing(
    project: Path, emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """Intercom's source got another url and the configuration follows it: the same source, so no
    page is sent again and the drift is gone."""
    change_source(emulator, url=HANDBOOK_URL)
    assert main(["run", "--all", "--config", str(project)]) == 1  # drift: url_changed
    project.write_text(project.read_text().replace(SOURCE_URL, HANDBOOK_URL))
    emulator.clear_requests()

    code, _, report = run_with_report(project, capsys)

    assert code == 0 and writes(emulator) == []
    (result,) = report["sources"]  # type: ignore[misc]
    assert result["remote"] == [] and result["unchanged"] == 5
    with StateStore(project.parent / "ingest.db") as state:
        remembered = state.target("docs", "external_pages").import_source.get()
    assert remembered is not None and remembered.url == HANDBOOK_URL
    emulator.clear_requests()
    assert main(["run", "--all", "--config", str(project)]) == 0
    assert endpoints(emulator) == SOURCE_READ
