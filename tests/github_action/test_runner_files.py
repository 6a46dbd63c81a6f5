"""What a step hands back to the runner cannot be forged by a value: outputs, commands, masks."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import ConfigError
from ingest.github_action import inputs
from ingest.github_action.environment import StepEnvironment, UndeclaredVariable
from ingest.github_action.runner_files import output_block, write_outputs
from tests.github_action.composite import read_outputs


def test_a_value_holding_a_delimiter_or_new_lines_sets_one_output(tmp_path: Path) -> None:
    """A value that holds the delimiter form, an output line and a would-be delimiter stays one value."""
    hostile = "x\nexit-code=0\nghadelimiter_0\nEOF\ncreated<<EOF\n5\nEOF"
    path = tmp_path / "output"
    write_outputs(path, {"plan-path": hostile, "created": "3"})
    assert read_outputs(path.read_text()) == {"plan-path": hostile, "created": "3"}


def test_the_delimiter_is_never_in_the_value() -> None:
    """The random delimiter is drawn again while the value holds it."""
    block = output_block("name", "value")
    delimiter = block.splitlines()[0].split("<<", 1)[1]
    assert block == f"name<<{delimiter}\nvalue\n{delimiter}\n" and len(delimiter) > 20
    with pytest.raises(ValueError, match="not an output name"):
        output_block("a\nb", "value")


def test_a_command_message_cannot_start_another_command(capsys: pytest.CaptureFixture[str]) -> None:
    """A message's new lines are escaped as the runner unescapes them: one command line."""
    from ingest.github_action.runner_files import command, mask

    command("warning", "50% done\n::add-mask::x\r")
    mask("line one\nline two")
    assert capsys.readouterr().out.splitlines() == [
        "::warning::50%25 done%0A::add-mask::x%0D",
        "::add-mask::line one",
        "::add-mask::line two",
    ]


def environment(**values: str) -> StepEnvironment:
    declared = {"INPUT_MODE", "GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH", "GITHUB_REF", "INPUT_COMMENT"}
    return StepEnvironment(frozenset(declared), values)


@pytest.mark.parametrize(
    ("event", "mode"),
    [
        ("pull_request", "review"),
        ("pull_request_target", "review"),
        ("push", "sync"),
        ("schedule", "sync"),
        ("workflow_dispatch", "sync"),
    ],
)
def test_auto_mode_follows_the_event(event: str, mode: str) -> None:
    assert inputs.mode(environment(GITHUB_EVENT_NAME=event)) == mode
    assert inputs.mode(environment(GITHUB_EVENT_NAME=event, INPUT_MODE="sync")) == "sync"


def test_auto_syncs_a_push_to_the_default_branch_only(tmp_path: Path) -> None:
    """A workflow on every push (no branches: filter) must not publish a feature branch's unreviewed
    docs: auto refuses a push to another branch or a tag in one sentence (exit 2), mode sync still
    syncs it, and a payload that names no default branch is not second-guessed."""
    event = tmp_path / "event.json"
    event.write_text('{"repository": {"default_branch": "trunk"}}')
    push = {"GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(event)}
    assert inputs.mode(environment(**push, GITHUB_REF="refs/heads/trunk")) == "sync"
    for ref in ("refs/heads/draft", "refs/tags/v1"):
        refused = (
            rf"^input mode: auto syncs a push to the default branch \(trunk\) only; this push is to {ref}: "
        )
        with pytest.raises(ConfigError, match=refused):
            inputs.mode(environment(**push, GITHUB_REF=ref))
        assert inputs.mode(environment(**push, GITHUB_REF=ref, INPUT_MODE="sync")) == "sync"
    event.write_text("{}")
    assert inputs.mode(environment(**push, GITHUB_REF="refs/heads/draft-pricing")) == "sync"


def test_wrong_inputs_are_one_sentence_naming_them() -> None:
    with pytest.raises(ConfigError, match=r"^input mode: 'publish' is not one of auto, review, sync$"):
        inputs.mode(environment(INPUT_MODE="publish"))
    with pytest.raises(ConfigError, match=r"^input mode: auto does not know what to do on a release event"):
        inputs.mode(environment(GITHUB_EVENT_NAME="release"))
    with pytest.raises(ConfigError, match=r"^input comment: 'yes' is neither true nor false$"):
        inputs.flag(environment(INPUT_COMMENT="yes"), "INPUT_COMMENT", "comment", True)


def test_a_step_reads_only_what_it_declares() -> None:
    """Reading an undeclared variable is refused, so the declaration the YAML is held to is complete."""
    with pytest.raises(UndeclaredVariable):
        environment(GITHUB_TOKEN="x").get("GITHUB_TOKEN")


def test_source_names_never_read_as_options() -> None:
    assert inputs.source_arguments(("docs", "--all")) == ["--source=docs", "--source=--all"]
    assert inputs.source_arguments(()) == ["--all"]


def test_prepare_names_the_state_file_and_clears_an_earlier_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """prepare resolves [state] path against the config's folder for the cache, keys the cache by the
    config's path and the run, and removes files an earlier use in the job left in its folder."""
    from ingest.github_action.steps import STEPS

    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "ingest.toml").write_text('[state]\npath = "../state/fin.db"\n')
    output = tmp_path / "output"
    values = {
        "INPUT_CONFIG": "site/ingest.toml",
        "GITHUB_WORKSPACE": str(tmp_path),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_RUN_ID": "9",
        "GITHUB_RUN_ATTEMPT": "2",
        "RUNNER_TEMP": str(tmp_path / "temp"),
    }
    step = STEPS["prepare"]
    monkeypatch.chdir(tmp_path)
    assert step.run(StepEnvironment(step.reads, values)) == 0
    written = read_outputs(output.read_text())
    stale = Path(written["output-dir"]) / "plan.json"
    stale.write_text("{}")
    output.write_text("")
    assert step.run(StepEnvironment(step.reads, values)) == 0
    assert not stale.exists()
    state = tmp_path / "state" / "fin.db"
    assert written["state-file"] == str(state)
    assert written["cache-paths"] == f"{state}\n{state}-wal"
    assert written["cache-key"] == written["cache-prefix"] + "9-2"
    assert (written["mode"], written["artifact-name"]) == ("sync", "fin-ingest-sync-site-ingest.toml")
    assert set(written) == step.writes
