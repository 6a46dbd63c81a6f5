"""``[notify]`` end to end: ``ingest run`` against the emulator, alerts to a receiver on loopback.

The sequence across separate runs (separate processes' worth of state): a failure alerts, the
same failure again does not, the first success recovers once, the next success says nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ingest.cli import main
from ingest.emulator import EmulatorConfig, RunningEmulator, running_emulator
from ingest.state import AlertBook, StateStore
from tests.e2e.conftest import TOKEN, write_config
from tests.notify.receiver import URL_SECRET, Answer, Receiver, closed_port, running_receiver
from tests.secret_scan.seeded import seeded_secrets

AWS = next(item for item in seeded_secrets() if item.detector == "AWS Access Key")
HOOK_ENV = "FIN_INGEST_TEST_HOOK"


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:  # type: ignore[override]
    with running_emulator(EmulatorConfig(token=TOKEN)) as running:
        yield running


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


def notify_section(hook_file: Path) -> str:
    return (
        "\n[notify]\nmax_attempts = 2\n\n"
        f'[[notify.webhooks]]\nname = "chat"\nformat = "slack"\nurl_env = "{HOOK_ENV}"\n\n'
        f'[[notify.webhooks]]\nname = "pager"\nformat = "json"\nurl_file = "{hook_file.name}"\n'
    )


@pytest.fixture
def project(
    tmp_path: Path, emulator: RunningEmulator, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "clean.md").write_text("# Clean\n\nNothing here.\n", encoding="utf-8")
    (docs / "runbook.md").write_text(f"# Runbook\n\nStep one.\n\n{AWS.line}\n", encoding="utf-8")
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv(HOOK_ENV, receiver.url)
    (tmp_path / "hook.url").write_text(receiver.url + "\n", encoding="utf-8")
    config = write_config(tmp_path, emulator.base_url)
    with config.open("a", encoding="utf-8") as handle:
        handle.write(notify_section(tmp_path / "hook.url"))
    return config


def run(config: Path, *extra: str) -> int:
    return main(["run", "--config", str(config), "--all", *extra])


def by_format(bodies: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The Slack body and the JSON body of one alert (sent at once, in either order)."""
    assert len(bodies) == 2
    slack = next(body for body in bodies if "blocks" in body)
    generic = next(body for body in bodies if "schema" in body)
    return slack, generic


def assert_nothing_secret(receiver: Receiver, *outputs: str) -> None:
    posted = json.dumps(receiver.bodies)
    for secret in (TOKEN, AWS.secret, URL_SECRET):
        assert secret not in posted
        for output in outputs:
            assert secret not in output


def test_failure_once_no_repeat_one_recovery_then_silence(
    project: Path, receiver: Receiver, capsys: pytest.CaptureFixture[str]
) -> None:
    """Four runs: fail (alert), fail (nothing), succeed (one recovery), succeed (nothing)."""
    assert run(project) == 1
    slack, generic = by_format(receiver.bodies)
    assert generic["event"] == "failure" and generic["origin"] == "run" and generic["exit_code"] == 1
    assert generic["sources"][0]["source"] == "docs" and generic["sources"][0]["status"] == "failing"
    [failure] = generic["failures"]
    assert (failure["source"], failure["target"], failure["locator"]) == (
        "docs",
        "external_pages",
        "runbook.md",
    )
    assert re.fullmatch(r"holds a secret: AWS Access Key \(fingerprint [0-9a-f]{16}\)", failure["reason"])
    assert generic["counts"]["failed"] == 1 and generic["counts"]["created"] == 1
    assert slack["text"].endswith("sync failing: docs, 1 document(s) failed")
    assert receiver.paths == [f"/services/{URL_SECRET}"] * 2

    assert run(project) == 1
    assert len(receiver.bodies) == 2  # still failing: not alerted again

    (project.parent / "docs" / "runbook.md").write_text("# Runbook\n\nStep one.\n", encoding="utf-8")
    assert run(project) == 0
    slack, generic = by_format(receiver.bodies[2:])
    assert generic["event"] == "recovery" and generic["exit_code"] == 0
    assert generic["sources"] == [
        {
            "source": "docs",
            "status": "recovered",
            "failing_since": generic["sources"][0]["failing_since"],
            "error": None,
        }
    ]
    assert ":white_check_mark:" in slack["blocks"][0]["text"]["text"]

    assert run(project) == 0
    assert len(receiver.bodies) == 4
    captured = capsys.readouterr()
    assert_nothing_secret(receiver, captured.out, captured.err)


def test_a_dead_receiver_changes_neither_exit_code_nor_report_and_the_next_failure_retries(
    project: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Connections refused and 500s: the run's exit code and report are what the run did; one
    warning line per webhook, without the URL; the failure is alerted by the next run."""
    dead = f"http://127.0.0.1:{closed_port()}/services/{URL_SECRET}"
    monkeypatch.setenv(HOOK_ENV, dead)
    receiver.script(Answer(500), Answer(500))  # the pager's two attempts
    assert run(project, "--dry-run", "--report", str(project.parent / "dry.json")) == 1
    assert receiver.bodies == []  # a dry run never alerts

    assert run(project, "--report", str(project.parent / "report.json")) == 1
    report = json.loads((project.parent / "report.json").read_text(encoding="utf-8"))
    assert report["exit_code"] == 1
    assert [f["document"] for s in report["sources"] for f in s["failures"]] == ["runbook.md"]
    assert report == {**report, "exit_code": 1, "dry_run": False, "error": None}
    assert len(receiver.bodies) == 2  # two attempts, both 500
    err = capsys.readouterr().err
    warnings = [line for line in err.splitlines() if "not delivered" in line]
    assert len(warnings) == 2
    assert any("chat" in line and "could not connect" in line for line in warnings)
    assert any("pager" in line and "answered 500" in line for line in warnings)
    assert URL_SECRET not in err and "/services/" not in err

    monkeypatch.setenv(HOOK_ENV, receiver.url)
    assert run(project) == 1  # no webhook took the first alert: this failure is told
    _, generic = by_format(receiver.bodies[2:])
    assert generic["event"] == "failure"


def test_a_refused_token_alerts_the_run_and_a_good_one_recovers_it(
    project: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Exit 2 before any source: the run scope alerted (source null), never the token."""
    (project.parent / "docs" / "runbook.md").write_text("# Runbook\n", encoding="utf-8")
    wrong = "wrong-token-abcdef0123456789"
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", wrong)
    assert run(project) == 2
    _, generic = by_format(receiver.bodies)
    assert generic["exit_code"] == 2 and generic["sources"][0]["source"] is None
    assert generic["sources"][0]["error"]
    assert wrong not in json.dumps(receiver.bodies)
    with StateStore(project.parent / "ingest.db") as state:
        assert list(AlertBook(state).failing()) == [""]

    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    assert run(project) == 0
    _, generic = by_format(receiver.bodies[2:])
    assert generic["event"] == "recovery" and generic["sources"][0]["source"] is None
    captured = capsys.readouterr()
    assert wrong not in captured.out + captured.err


def test_a_webhook_url_that_cannot_be_read_stops_the_run_before_anything_is_synced(
    project: Path,
    emulator: RunningEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The variable unset: exit 2, one sentence naming the key; no request reached Intercom."""
    monkeypatch.delenv(HOOK_ENV)
    assert run(project) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"error: notify.webhooks.0.url_env: the environment variable {HOOK_ENV} is not set"
    assert emulator.requests() == []


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            'name = "x"\nformat = "slack"\nurl = "https://hooks.slack.com/services/T/B/C"',
            "notify.webhooks.0.url: a webhook URL is a secret and must not be kept in the config file",
        ),
        ('name = "x"\nformat = "teams"\nurl_env = "X"', "notify.webhooks.0.format:"),
        ('name = "x"\nformat = "json"', "notify.webhooks.0.url_env: give exactly one of url_env"),
    ],
)
def test_a_mistake_in_a_webhook_is_one_sentence_naming_the_key(
    tmp_path: Path, emulator: RunningEmulator, table: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A literal URL, an unknown format, no URL at all: exit 2 from config check, the key named."""
    config = write_config(tmp_path, emulator.base_url)
    with config.open("a", encoding="utf-8") as handle:
        handle.write(f"\n[[notify.webhooks]]\n{table}\n")
    assert main(["config", "check", "--config", str(config)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: {message}") and "\n" not in err
    assert "hooks.slack.com/services" not in err


@pytest.mark.parametrize(
    "section",
    [
        '[notify]\nwebhooks = ["https://hooks.slack.com/services/T/B/C"]',
        '[notify]\nwebhooks = "https://hooks.slack.com/services/T/B/C"',
        '[[notify.webhooks]]\nname = "x"\nformat = "https://hooks.slack.com/services/T/B/C"\nurl_env = "X"',
        '[[notify.webhooks]]\nname = "x"\nformat = "slack"\nurl_file = ["https://hooks.slack.com/services/T/B/C"]',
    ],
)
def test_a_url_written_where_a_table_or_name_belongs_is_never_echoed(
    tmp_path: Path, emulator: RunningEmulator, section: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A URL given as the list of webhooks, or in a key of the wrong type: exit 2 naming the key,
    and the refused value (the secret) is not quoted back in the error."""
    config = write_config(tmp_path, emulator.base_url)
    with config.open("a", encoding="utf-8") as handle:
        handle.write(f"\n{section}\n")
    assert main(["config", "check", "--config", str(config)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: notify.webhooks") and "\n" not in err
    assert "hooks.slack.com/services" not in err


def test_config_check_masks_the_url_and_notify_sends_a_test(
    project: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """config check names each webhook with scheme and host only; --notify delivers a marked test
    message to each and says so (exit 0), and exit 1 when one is not delivered."""
    host = f"http://127.0.0.1:{receiver.port}"
    assert main(["config", "check", "--config", str(project)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-2:] == [
        f"notify.webhooks.0: chat (slack) at {host}, URL from {HOOK_ENV}",
        f"notify.webhooks.1: pager (json) at {host}, URL from url_file",
    ]
    assert receiver.bodies == []

    assert main(["config", "check", "--config", str(project), "--notify"]) == 0
    out = capsys.readouterr().out
    assert "notify.webhooks.0 (chat): test message delivered (1 attempt(s))" in out
    assert "notify.webhooks.1 (pager): test message delivered (1 attempt(s))" in out
    slack, generic = by_format(receiver.bodies)
    assert generic["event"] == "test" and "test message" in slack["text"]

    receiver.script(Answer(404))
    monkeypatch.setenv(HOOK_ENV, f"http://127.0.0.1:{closed_port()}/services/{URL_SECRET}")
    assert main(["config", "check", "--config", str(project), "--notify"]) == 1
    captured = capsys.readouterr()
    assert "notify.webhooks.0 (chat): test message NOT delivered: could not connect" in captured.out
    assert (
        "notify.webhooks.1 (pager): test message NOT delivered: answered 404 after 1 attempt(s)"
        in captured.out
    )
    assert URL_SECRET not in captured.out + captured.err


def test_apply_refused_alerts_the_run_and_an_applied_plan_recovers_it(
    project: Path, receiver: Receiver
) -> None:
    """A saved plan refused (a document edited since): exit 2, the run alerted with why; a plan
    made again and applied: exit 0, the run recovered."""
    runbook = project.parent / "docs" / "runbook.md"
    runbook.write_text("# Runbook\n", encoding="utf-8")
    plan = project.parent / "plan.json"
    assert main(["plan", "--config", str(project), "--out", str(plan)]) == 0
    runbook.write_text("# Runbook\n\nEdited since the plan.\n", encoding="utf-8")
    assert main(["apply", str(plan), "--config", str(project)]) == 2
    _, generic = by_format(receiver.bodies)
    assert generic["event"] == "failure" and generic["exit_code"] == 2
    assert generic["sources"][0]["source"] is None
    assert generic["sources"][0]["error"].startswith("not applied: ")

    assert main(["plan", "--config", str(project), "--out", str(plan)]) == 0
    assert main(["apply", str(plan), "--config", str(project)]) == 0
    _, generic = by_format(receiver.bodies[2:])
    assert generic["event"] == "recovery" and generic["sources"][0]["source"] is None
