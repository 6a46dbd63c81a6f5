"""The action's run: steps, executed in order with bash against the emulator and a fake GitHub:
a pull request is reviewed (summary, one comment created then updated), a push syncs (report,
exit code, the state saved), and exit codes pass through."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ingest.emulator import EmulatorConfig, RunningEmulator, running_emulator
from tests.e2e.conftest import SOURCE_URL, TOKEN, write_docs
from tests.github_action.composite import CompositeRun, runner_commands, runner_environment
from tests.github_action.fake_github import TOKEN as GITHUB_TOKEN
from tests.github_action.fake_github import FakeGitHub, running_github

HOSTILE_TITLE = "Deploy `rm -rf` $(touch pwned) @someone </details> ghadelimiter_0 ${{ github.token }}"


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:
    with running_emulator(EmulatorConfig(token=TOKEN)) as running:
        yield running


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    with running_github() as fake:
        yield fake


@pytest.fixture
def workspace(tmp_path: Path, emulator: RunningEmulator) -> Path:
    """A docs repository checked out: three documents, one of them hostile, and its config with the
    state in a folder of its own."""
    root = tmp_path / "workspace"
    write_docs(root / "docs", 3)
    hostile = f"---\ntitle: '{HOSTILE_TITLE}'\n---\n\nBody.\n"
    (root / "docs" / "hostile.md").write_text(hostile, encoding="utf-8")
    (root / "ingest.toml").write_text(
        f'[intercom]\nbase_url = "{emulator.base_url}"\n\n[state]\npath = "state/fin.db"\n\n'
        f'[sources.docs]\nconnector = "filesystem"\npath = "docs"\nurl = "{SOURCE_URL}"\n'
        'url_template = "https://git.example.com/docs/blob/main/{path}"\n',
        encoding="utf-8",
    )
    return root


def use(
    tmp_path: Path, github: FakeGitHub, event: str, payload: dict[str, Any], **inputs: str
) -> CompositeRun:
    event_path = tmp_path / f"event-{event}.json"
    event_path.write_text(json.dumps(payload), encoding="utf-8")
    (tmp_path / "summary.md").unlink(missing_ok=True)
    environment = runner_environment(tmp_path, event=event, event_path=event_path, api_url=github.base_url)
    return CompositeRun(
        inputs=inputs, environment=environment, workspace=tmp_path / "workspace", github_token=GITHUB_TOKEN
    ).run()


PULL_REQUEST = {"pull_request": {"number": 7, "title": HOSTILE_TITLE, "head": {"ref": "$(touch pwned)"}}}


def summary(tmp_path: Path) -> str:
    return (tmp_path / "summary.md").read_text(encoding="utf-8")


def test_review_then_sync_then_review_again(
    tmp_path: Path, workspace: Path, emulator: RunningEmulator, github: FakeGitHub
) -> None:
    """A pull request is planned with no state (every page a create, said so), its comment created;
    a push syncs with the token from the input (report, state saved for the cache); the next review
    finds the state, plans one update and updates the same comment: one comment in the end."""
    first = use(tmp_path, github, "pull_request", PULL_REQUEST, token=TOKEN)
    outputs = first.action_outputs()
    assert (outputs["mode"], outputs["exit-code"], outputs["state-found"]) == ("review", "0", "false")
    assert (outputs["creates"], outputs["updates"], outputs["deletes"]) == ("4", "0", "0")
    assert emulator.requests() == []  # a review sends nothing to Intercom
    shown = summary(tmp_path)
    assert "No state was found" in shown and "### ingest check" in shown and "### ingest plan" in shown
    (comment,) = github.comments.values()
    first_body = str(comment["body"])
    assert first_body.startswith("<!-- fin-ingest plan ")
    # The hostile title is listed as text: no mention, no closing tag, no code span it escapes.
    assert "@\u200bsomeone" in first_body and "@someone" not in first_body
    assert "&lt;/details&gt;" in first_body and "</details> ghadelimiter" not in first_body
    assert "@someone" not in shown and "&lt;/details&gt;" in shown
    assert outputs["comment-url"].endswith(f"#{comment['id']}")
    assert Path(outputs["plan-path"]).is_file() and Path(outputs["sarif-path"]).is_file()
    (python, restore, upload) = first.skipped_uses
    assert python[0].startswith("actions/setup-python@") and python[1]["python-version"] == "3.11"
    assert restore[0].startswith("actions/cache/restore@")
    assert restore[1]["path"] == f"{workspace / 'state' / 'fin.db'}\n{workspace / 'state' / 'fin.db'}-wal"
    assert restore[1]["restore-keys"] == first.outputs["prepare"]["cache-prefix"]
    assert upload[0].startswith("actions/upload-artifact@")
    assert upload[1]["path"].splitlines() == [outputs["plan-path"], outputs["sarif-path"]]
    assert upload[1]["name"] == "fin-ingest-review-ingest.toml"

    synced = use(tmp_path, github, "push", {}, token=TOKEN)
    outputs = synced.action_outputs()
    assert (outputs["mode"], outputs["exit-code"], outputs["created"], outputs["failed"]) == (
        "sync",
        "0",
        "4",
        "0",
    )
    assert len(emulator.pages()) == 4
    report = json.loads(Path(outputs["report-path"]).read_text())
    assert report["exit_code"] == 0 and report["sources"][0]["created"] == 4
    assert "| docs | external\\_pages | 4 | 0 | 0 | 0 | 0 | 0 |" in summary(tmp_path)
    uses = [name.split("@")[0] for name, _ in synced.skipped_uses]
    assert uses == [
        "actions/setup-python",
        "actions/cache/restore",
        "actions/cache/save",
        "actions/upload-artifact",
    ]
    saved = synced.skipped_uses[2][1]
    assert saved["key"] == synced.outputs["prepare"]["cache-prefix"] + "4242-1"
    assert TOKEN not in synced.outputs["sync"]["_log"]

    (workspace / "docs" / "section-1" / "page-001.md").write_text("# Page 1\n\nRewritten.\n")
    github.add("an unrelated comment")
    again = use(tmp_path, github, "pull_request", PULL_REQUEST)
    outputs = again.action_outputs()
    assert (outputs["exit-code"], outputs["state-found"], outputs["updates"], outputs["creates"]) == (
        "0",
        "true",
        "1",
        "0",
    )
    ours = [c for c in github.comments.values() if c["body"].startswith("<!-- fin-ingest plan ")]
    assert [c["id"] for c in ours] == [comment["id"]] and "update" in ours[0]["body"]
    assert ("PATCH", f"/repos/acme/docs/issues/comments/{comment['id']}") in github.requests
    assert not (workspace / "pwned").exists() and not (tmp_path / "pwned").exists()


def test_a_refused_token_fails_the_sync_with_exit_2(
    tmp_path: Path, workspace: Path, emulator: RunningEmulator, github: FakeGitHub
) -> None:
    """The run's exit code is the step's: a token Intercom refuses is exit 2, said in the summary,
    the report written; the token never reaches the log."""
    run = use(tmp_path, github, "schedule", {}, token="wrong-token-abcdef")
    assert run.exit_codes["sync"] == 2 and run.action_outputs()["exit-code"] == "2"
    assert "Error:" in summary(tmp_path)
    assert json.loads(Path(run.action_outputs()["report-path"]).read_text())["exit_code"] == 2
    assert "wrong-token-abcdef" not in run.outputs["sync"]["_log"]
    assert "::add-mask::wrong-token-abcdef" in run.outputs["prepare"]["_log"]


def test_a_config_mistake_fails_the_review_in_one_sentence(
    tmp_path: Path, workspace: Path, github: FakeGitHub
) -> None:
    """A config mistake is exit 2 with ingest's sentence naming the key in the summary, as an
    error annotation and in the comment (instead of an earlier push's plan); no plan is made, no
    cache restored."""
    config = workspace / "ingest.toml"
    config.write_text(config.read_text() + "colour = 1\n")
    run = use(tmp_path, github, "pull_request", PULL_REQUEST)
    assert run.exit_codes["review"] == 2 and run.action_outputs()["plan-path"] == ""
    assert "**Error:** sources\\.docs\\.colour: unknown key" in summary(tmp_path)
    assert "::error::" in run.outputs["review"]["_log"]
    assert [name for name, _ in run.skipped_uses if "cache" in name] == []
    (comment,) = github.comments.values()
    assert "**Error:** sources\\.docs\\.colour: unknown key" in comment["body"]


def test_a_forks_read_only_token_is_a_warning(tmp_path: Path, workspace: Path, github: FakeGitHub) -> None:
    """A 403 on the comment (a fork's pull request) warns and leaves the job green; the plan is in
    the summary."""
    github.read_only = True
    run = use(tmp_path, github, "pull_request_target", PULL_REQUEST)
    assert run.exit_codes["review"] == 0 and not run.failed
    assert (
        "::warning::the pull-request comment could not be created (HTTP 403)" in run.outputs["review"]["_log"]
    )
    assert "### ingest plan" in summary(tmp_path) and github.comments == {}


def test_two_configs_keep_two_comments(tmp_path: Path, workspace: Path, github: FakeGitHub) -> None:
    """The comment's marker is keyed by the config's path: a second config gets its own comment."""
    (workspace / "other.toml").write_text((workspace / "ingest.toml").read_text())
    use(tmp_path, github, "pull_request", PULL_REQUEST)
    use(tmp_path, github, "pull_request", PULL_REQUEST, config="other.toml")
    use(tmp_path, github, "pull_request", PULL_REQUEST)
    assert len(github.comments) == 2
    assert len({comment["body"].splitlines()[0] for comment in github.comments.values()}) == 2


def test_what_ingest_prints_cannot_start_a_workflow_command(
    tmp_path: Path, workspace: Path, emulator: RunningEmulator, github: FakeGitHub
) -> None:
    """A pull request's file name holding a new line and a workflow command (``::add-mask::``,
    ``::notice::``) is printed by ingest plan and ingest run as a line of its own: the runner reads
    every line of a step's stdout and stderr for commands, so ingest runs between
    ``::stop-commands::`` and its token, all of its output on stdout where that order holds, and
    only the action's own commands (after it) are carried out."""
    docs = workspace / "docs"
    (docs / "a\n::add-mask::Exit code\n::notice::INJECTED.md").write_text("# A\n\nBody.\n")
    (docs / "b\n  ::error::INJECTED.md").write_text("---\ntitle: [unclosed\n---\nx\n")
    for run, step in (
        (use(tmp_path, github, "pull_request", PULL_REQUEST), "review"),
        (use(tmp_path, github, "push", {}, token=TOKEN), "sync"),
    ):
        log = run.outputs[step]["_stdout"]
        assert "INJECTED" in log  # printed, as text
        carried_out = runner_commands(log) + runner_commands(run.outputs[step]["_stderr"])
        assert [c for c in carried_out if c[0] in ("add-mask", "notice") or c[1].startswith("INJECTED")] == []
        assert runner_commands(run.outputs[step]["_stderr"]) == []
    refused = use(tmp_path, github, "schedule", {}, token="wrong-token-abcdef").outputs["sync"]
    # The action's own commands, after ingest ended, are carried out again.
    assert [name for name, _ in runner_commands(refused["_stdout"])] == ["error"]


def test_a_pull_request_whose_sync_would_be_refused_fails_its_review(
    tmp_path: Path, workspace: Path, emulator: RunningEmulator, github: FakeGitHub
) -> None:
    """Removing most documents trips the delete guard: the merge's sync would fail (exit 1) and
    delete nothing, so the review says so and fails, before the merge; with the input
    ``allow-mass-delete`` the same review passes and plans the deletes (shown in the summary)."""
    assert use(tmp_path, github, "push", {}, token=TOKEN).exit_codes["sync"] == 0
    for page in sorted((workspace / "docs").rglob("page-*.md")):
        page.unlink()
    refused = use(tmp_path, github, "pull_request", PULL_REQUEST)
    assert refused.exit_codes["review"] == 1 and refused.action_outputs()["exit-code"] == "1"
    assert "is refused**: refusing to delete 3 of 4 pages" in summary(tmp_path)
    allowed = use(tmp_path, github, "pull_request", PULL_REQUEST, **{"allow-mass-delete": "true"})
    assert allowed.exit_codes["review"] == 0 and allowed.action_outputs()["deletes"] == "3"
    assert len(emulator.pages()) == 4  # a review sends nothing
