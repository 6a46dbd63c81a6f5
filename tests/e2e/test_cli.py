"""The ``ingest`` command against an emulator in a background thread: exit codes, output, report, status."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ingest.cli import main
from ingest.emulator import EmulatorConfig, RunningEmulator, running_emulator
from ingest.intercom import IntercomClient
from ingest.state import StateStore
from tests.e2e.conftest import TOKEN, write_config, write_docs


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:  # type: ignore[override]
    with running_emulator(EmulatorConfig(token=TOKEN)) as running:
        yield running


@pytest.fixture
def project(tmp_path: Path, emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with docs and an ingest.toml pointing at the emulator; the token in the environment."""
    write_docs(tmp_path / "docs", 5)
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    return write_config(tmp_path, emulator.base_url)


def test_run_prints_one_line_per_source_and_writes_a_report(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without a terminal, a run prints a plain summary line and --report writes the JSON summary."""
    report = tmp_path / "out" / "report.json"
    assert main(["run", "--all", "--config", str(project), "--report", str(report)]) == 0
    out = capsys.readouterr().out
    assert (
        "source docs (external_pages): did create 5, update 0, delete 0; unchanged 0, skipped 0, failed 0"
        in out
    )
    body = json.loads(report.read_text())
    assert body["exit_code"] == 0 and body["dry_run"] is False
    assert body["sources"][0]["created"] == 5 and body["sources"][0]["ok"] is True
    changes = body["sources"][0]["changes"]
    assert len(changes) == 5 and {change["action"] for change in changes} == {"create"}
    assert {"document", "external_id", "title"} <= set(changes[0])


def test_dry_run_sends_and_records_nothing(
    project: Path, emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """--dry-run reports what it would do, sends no request and leaves state empty."""
    assert main(["run", "--source", "docs", "--dry-run", "--config", str(project)]) == 0
    assert "source docs (external_pages): would create 5" in capsys.readouterr().out
    assert emulator.requests() == []
    assert main(["run", "--all", "--config", str(project)]) == 0
    assert "did create 5" in capsys.readouterr().out


def test_status_and_plan_diff_after_an_edit(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """status reads the state; plan --diff shows the edited lines as Markdown, and sends nothing."""
    assert main(["run", "--all", "--config", str(project)]) == 0
    capsys.readouterr()
    assert main(["status", "--config", str(project)]) == 0
    status = capsys.readouterr().out
    assert "docs" in status and "ok" in status
    page = project.parent / "docs" / "section-1" / "page-001.md"
    page.write_text("# Page 1\n\nA brand new sentence.\n")
    assert main(["plan", "--diff", "--config", str(project)]) == 0
    out = capsys.readouterr().out
    assert "docs (external_pages): update section-1/page-001.md" in out
    assert "+A brand new sentence." in out
    assert "-Body of page 1" in out


def test_sources_lists_the_remote_import_sources(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """sources shows the workspace's Content Import Sources and which configured source owns each."""
    main(["run", "--all", "--config", str(project)])
    capsys.readouterr()
    assert main(["sources", "--config", str(project)]) == 0
    out = capsys.readouterr().out
    assert "https://docs.example.com" in out and "docs" in out


def test_wrong_token_exits_2_without_leaking_it(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A rejected token: exit 2, one line saying what to fix, the token nowhere in output or report."""
    secret = "sk-wrong-0000-1111-2222"
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", secret)
    report = tmp_path / "report.json"
    assert main(["run", "--all", "--config", str(project)]) == 2
    plain = capsys.readouterr()
    assert "INTERCOM_ACCESS_TOKEN" in plain.err and "Traceback" not in plain.err
    # At debug level every request and the error's traceback are logged: still no token.
    assert main(["-vv", "run", "--all", "--config", str(project), "--report", str(report)]) == 2
    verbose = capsys.readouterr()
    assert "Authorization" not in verbose.err or "Bearer" not in verbose.err
    for text in (plain.out, plain.err, verbose.out, verbose.err, report.read_text()):
        assert secret not in text
    state = (project.parent / "ingest.db").read_bytes()
    assert secret.encode() not in state


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run"], "--source NAME (repeatable) or --all"),
        (["run", "--all", "--source", "docs"], "not both"),
        (["run", "--source", "nope"], "unknown source 'nope'"),
    ],
)
def test_usage_mistakes_exit_2(
    project: Path, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Wrong arguments exit 2 with a sentence saying what to do."""
    assert main([*argv, "--config", str(project)]) == 2
    assert message in capsys.readouterr().err


def test_config_mistake_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A broken config file gives exit 2 and a single error line, no traceback."""
    config = tmp_path / "ingest.toml"
    config.write_text('[sources.docs]\nconnector = "filesystem"\n')
    assert main(["run", "--all", "--config", str(config)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and err.startswith("error:") and "sources.docs" in err


@pytest.mark.parametrize(
    "command", [[], ["run"], ["plan"], ["apply"], ["status"], ["sources"], ["emulator"], ["demo"], ["watch"]]
)
def test_every_command_has_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """--help works on every command and exits 0."""
    assert main([*command, "--help"]) == 0
    assert "Usage:" in capsys.readouterr().out


def test_json_logs_for_log_shippers(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--log-format json writes one JSON object per log line, with level, logger and message."""
    assert main(["--log-format", "json", "-vv", "run", "--all", "--config", str(project)]) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert lines
    entries = [json.loads(line) for line in lines]
    assert {"time", "level", "logger", "message"} <= set(entries[0])
    assert any(entry["logger"] == "ingest.intercom" for entry in entries)
    assert all(TOKEN not in line for line in lines)


def test_a_token_from_a_secrets_file_is_blanked_in_logs(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A token read from intercom.token_file never shows in output, even if a message quoted it."""
    import logging

    secret_file = project.parent / "token"
    secret_file.write_text(TOKEN + "\n")
    monkeypatch.delenv("INTERCOM_ACCESS_TOKEN")
    project.write_text(project.read_text().replace("[intercom]", '[intercom]\ntoken_file = "token"'))
    assert main(["-v", "run", "--all", "--config", str(project)]) == 0
    logging.getLogger("ingest.test").warning("a careless message quoting %s", TOKEN)
    captured = capsys.readouterr()
    assert "did create 5" in captured.out
    assert TOKEN not in captured.out + captured.err
    assert "a careless message quoting [redacted]" in captured.err


def test_status_shows_work_the_daemon_has_pending(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Documents the watch daemon still has to sync are counted per source in status."""
    from ingest.state import PendingWork, StateStore

    with StateStore(project.parent / "ingest.db") as state:
        PendingWork(state).add("docs", ["a.md", "b.md"])
    assert main(["status", "--config", str(project)]) == 0
    assert "pending: 2" in capsys.readouterr().out


def test_a_token_pasted_into_token_file_is_never_printed(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """token_file holding a token by mistake: exit 2, one line without it, in output, report and -vv."""
    pasted = "dG9rOmFiY2RlZi1TRUNSRVQtdG9rZW4tOTk5"
    monkeypatch.delenv("INTERCOM_ACCESS_TOKEN")
    project.write_text(project.read_text().replace("[intercom]", f'[intercom]\ntoken_file = "{pasted}"'))
    report = tmp_path / "report.json"
    expected = "intercom.token_file: the file it names cannot be read: No such file or directory"
    assert main(["run", "--all", "--config", str(project), "--report", str(report)]) == 2
    plain = capsys.readouterr()
    assert plain.err == f"error: {expected}\n"
    assert json.loads(report.read_text())["error"] == expected
    monkeypatch.setenv("INGEST_INTERCOM__TOKEN_FILE", "sk-SECRET-abc123")
    assert main(["-vv", "run", "--all", "--config", str(project)]) == 2
    verbose = capsys.readouterr()
    assert f"error: {expected}" in verbose.err
    for text in (plain.out, plain.err, verbose.out, verbose.err, report.read_text()):
        assert pasted not in text and "sk-SECRET-abc123" not in text


def test_a_refused_token_from_token_file_names_the_file(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A 401 for a token read from intercom.token_file says to fix that file, not INTERCOM_ACCESS_TOKEN."""
    secret = "sk-wrong-in-file-0000"
    (project.parent / "token").write_text(secret + "\n")
    monkeypatch.delenv("INTERCOM_ACCESS_TOKEN")
    project.write_text(project.read_text().replace("[intercom]", '[intercom]\ntoken_file = "token"'))
    report = tmp_path / "report.json"
    hint = "the token was read from the file intercom.token_file names: replace the token in that file"
    for argv in (["run", "--all", "--report", str(report)], ["sources"]):
        assert main([*argv, "--config", str(project)]) == 2
        captured = capsys.readouterr()
        assert captured.err.startswith("error: Intercom rejected the access token")
        assert hint in captured.err and "set INTERCOM_ACCESS_TOKEN" not in captured.err
        assert secret not in captured.out + captured.err and "Traceback" not in captured.err
    assert hint in json.loads(report.read_text())["error"]


@pytest.mark.parametrize("where", ["read-only folder", "name too long"])
def test_a_report_that_cannot_be_written_fails_the_run_in_one_line(
    project: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, where: str
) -> None:
    """The sync is done and summarised, then one error line naming the report; exit 1 (not a success)."""
    if where == "read-only folder":
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only folders")
        folder = tmp_path / "read-only"
        folder.mkdir(mode=0o555)
        report, reason = folder / "report.json", "Permission denied"
    else:
        report, reason = tmp_path / ("r" * 300 + ".json"), "File name too long"
    assert main(["run", "--all", "--config", str(project), "--report", str(report)]) == 1
    captured = capsys.readouterr()
    assert "did create 5" in captured.out
    assert captured.err == f"error: --report: cannot write {report}: {reason}\n"


def make_read_only(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``path`` a file SQLite may only read: by its permissions, or for root (who writes
    whatever they say) by opening it as SQLite opens such a file, read-only."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        return
    connect = sqlite3.connect

    def read_only_connect(database: str | os.PathLike[str], *args: Any, **kwargs: Any) -> sqlite3.Connection:
        if Path(database) == path:
            return connect(f"file:{path}?mode=ro", *args, uri=True, **kwargs)
        return connect(database, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", read_only_connect)


def test_a_state_file_that_cannot_be_written_is_one_line_exit_2(
    project: Path,
    emulator: RunningEmulator,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A state file that cannot be written (its permissions, a read-only mount) is refused when it
    is opened, as release 0.1.0 refused it: one line naming state.path, exit 2, nothing sent; not a
    traceback at the run's first write (nor, in the watch daemon, a batch retried for ever)."""
    assert main(["run", "--all", "--config", str(project)]) == 0
    capsys.readouterr()
    emulator.clear_requests()
    state = project.parent / "ingest.db"
    make_read_only(state, monkeypatch)
    assert main(["run", "--all", "--config", str(project)]) == 2
    err = capsys.readouterr().err
    assert (
        err.startswith(f"error: state.path: cannot use {state} as the state file: ") and err.count("\n") == 1
    )
    assert "readonly" in err
    assert emulator.requests() == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("[sources.docs]", '[sources.docs]\ninclude = ["/**/*.md"]'), "sources.docs.include: "),
        (('url_template = "https', 'url_template = "javascript://'), "sources.docs.url_template: "),
        (("[intercom]", '[state]\npath = "docs"\n[intercom]'), "state.path: "),
    ],
)
def test_config_mistakes_found_late_are_one_line_exit_2(
    project: Path, change: tuple[str, str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Globs that never match, a url_template that is no http(s) URL, a folder as state: exit 2, one line."""
    project.write_text(project.read_text().replace(*change))
    for argv in (["run", "--all"], ["plan"], ["status"]):
        assert main([*argv, "--config", str(project)]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"error: {expected}") and err.count("\n") == 1


def test_environment_value_that_is_not_json_is_one_line_exit_2(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """INGEST_SOURCES__DOCS__INCLUDE='**/*.md' (not JSON): one line naming the variable, not a traceback."""
    monkeypatch.setenv("INGEST_SOURCES__DOCS__INCLUDE", "**/*.md")
    assert main(["plan", "--config", str(project)]) == 2
    assert capsys.readouterr().err == (
        "error: sources.docs.include: environment variable INGEST_SOURCES__DOCS__INCLUDE must hold JSON "
        'for a list key, e.g. ["a", "b"]\n'
    )


def test_plan_without_sources_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Like run and watch, plan with no [sources.<name>] table exits 2 with one line."""
    config = tmp_path / "ingest.toml"
    config.write_text('[intercom]\nbase_url = "http://127.0.0.1:1"\n')
    assert main(["plan", "--config", str(config)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"error: no sources configured: add a [sources.<name>] table to the config file {config}\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--port", "99999"], "Invalid value for '--port': 99999 is not in the range 0<=x<=65535."),
        (["--fail-rate", "2"], "Invalid value for '--fail-rate': 2.0 is not in the range 0.0<=x<=1.0."),
        (["--rate-limit", "0"], "Invalid value for '--rate-limit': 0 is not in the range x>=1."),
        (
            ["--request-log-limit", "-1"],
            "Invalid value for '--request-log-limit': -1 is not in the range x>=0.",
        ),
        (["--latency-ms", "5", "1"], "Invalid value for '--latency-ms': MIN 5 is above MAX 1"),
        (["--token", ""], "Invalid value for '--token': must not be empty"),
        (
            ["--rate-window-phase", "10"],
            "Invalid value for '--rate-window-phase': 10 s is outside the 10-second window "
            "(from 0 up to, not including, 10)",
        ),
        (
            ["--rate-window-phase", "soon"],
            "Invalid value for '--rate-window-phase': 'soon' is neither a number of seconds nor 'random'",
        ),
        (
            ["--rate-reset-rounding", "sideways"],
            "Invalid value for '--rate-reset-rounding': 'sideways' is not one of 'down', 'up', 'exact'.",
        ),
    ],
)
def test_emulator_option_mistakes_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Out-of-range emulator options are usage errors, not tracebacks."""
    assert main(["emulator", *argv]) == 2
    err = capsys.readouterr().err
    assert f"Error: {message}\n" in err and "Traceback" not in err


def test_emulator_on_a_port_in_use_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """A port another process listens on: one line saying so."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["emulator", "--port", str(port)]) == 2
    assert capsys.readouterr().err == (
        f"Error: the emulator cannot listen on 127.0.0.1:{port}: the port is in use "
        "(is an emulator already running? pick another --port)\n"
    )


def test_watch_with_a_refused_token_from_token_file_names_the_file(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The daemon stops with exit 2; its last line, the refusal, says the token came from
    intercom.token_file (and not to set INTERCOM_ACCESS_TOKEN)."""
    (project.parent / "token").write_text("sk-wrong-in-file-0000\n")
    monkeypatch.delenv("INTERCOM_ACCESS_TOKEN")
    project.write_text(project.read_text().replace("[intercom]", '[intercom]\ntoken_file = "token"'))
    assert main(["watch", "--config", str(project)]) == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert "Intercom rejected the access token" in last and "INTERCOM_ACCESS_TOKEN" not in last
    assert (
        "the token was read from the file intercom.token_file names: "
        "replace the token in that file with a valid one"
    ) in last


@pytest.mark.parametrize("command", [["run", "--all"], ["plan"], ["reconcile"], ["watch"]])
def test_no_config_file_says_which_file_was_looked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    """Without --config and without ./ingest.toml: exit 2, one line naming the file looked for and
    how to point at another, rather than "no sources configured"."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    assert main(command) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        f"error: no config file: {tmp_path / 'ingest.toml'} does not exist; create it (see "
        "config.example.toml) or pass --config PATH\n"
    )


def test_an_upper_case_source_url_is_synced_under_its_lower_case_form(
    tmp_path: Path,
    emulator: RunningEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """url = "HTTPS://Docs.Example.COM" syncs (schemes and host names are case-insensitive) under a
    Content Import Source whose url is the normalised https://docs.example.com; a rerun with the
    lower-case spelling sends nothing: it is the same source."""
    write_docs(tmp_path / "docs", 2)
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    config = write_config(tmp_path, emulator.base_url, url="HTTPS://Docs.Example.COM")
    assert main(["run", "--all", "--config", str(config)]) == 0
    assert [source["url"] for source in emulator.sources()] == ["https://docs.example.com"]
    config = write_config(tmp_path, emulator.base_url, url="https://docs.example.com")
    capsys.readouterr()
    assert main(["run", "--all", "--config", str(config)]) == 0
    assert "did create 0, update 0, delete 0; unchanged 2" in capsys.readouterr().out
    assert len(emulator.sources()) == 1


@pytest.mark.parametrize("state_remembers_it", [True, False], ids=["upgraded-state", "lost-state"])
def test_a_source_made_under_a_mixed_case_host_is_still_its_source(
    tmp_path: Path,
    emulator: RunningEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    state_remembers_it: bool,
) -> None:
    """A Content Import Source an earlier release made for url = "https://Docs.Example.com" (kept as
    written, in Intercom and in state) is the source of that url once it is read in lower case: no
    second source with every page sent again, no drift; a rerun sends nothing."""
    written = "https://Docs.Example.com"

    async def make_source() -> int:
        async with IntercomClient(base_url=emulator.base_url, token=TOKEN) as client:
            return (await client.create_content_import_source(written)).id

    source_id = asyncio.run(make_source())
    write_docs(tmp_path / "docs", 2)
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    config = write_config(tmp_path, emulator.base_url, url=written)
    if state_remembers_it:
        state = StateStore(tmp_path / "ingest.db")
        state.target("docs", "external_pages").import_source.remember(source_id, written)
        state.close()
    assert main(["run", "--all", "--config", str(config)]) == 0
    assert [source["id"] for source in emulator.sources()] == [source_id]
    assert {page["source_id"] for page in emulator.pages()} == {source_id}
    capsys.readouterr()
    assert main(["run", "--all", "--config", str(config)]) == 0
    assert "did create 0, update 0, delete 0; unchanged 2" in capsys.readouterr().out
