"""action.yml and the example workflow: valid against their published schemas, every action pinned
to a commit, and each run: step setting exactly what the script it runs reads (so they cannot drift)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from ingest.github_action.environment import RUNNER_DEFAULTS
from ingest.github_action.steps import STEPS

ROOT = Path(__file__).resolve().parents[2]
ACTION_FILE = ROOT / "action.yml"
WORKFLOW_FILE = ROOT / "deploy" / "github-actions" / "fin-ingest.yml"
ACTION = yaml.safe_load(ACTION_FILE.read_text(encoding="utf-8"))
STEP_LIST: list[dict[str, Any]] = ACTION["runs"]["steps"]
_SCRIPT = re.compile(r'"\$FIN_INGEST_PYTHON" -m ingest\.github_action (\w+)')
#: What a run: step may set besides what its script reads: the Python that runs it.
_PLUMBING = {"FIN_INGEST_PYTHON"}


def python_steps() -> list[tuple[dict[str, Any], str]]:
    found = []
    for step in STEP_LIST:
        match = _SCRIPT.fullmatch(str(step.get("run", "")).strip())
        if match:
            found.append((step, match[1]))
    return found


@pytest.mark.parametrize(
    ("schema", "path"),
    [("vendor.github-actions", ACTION_FILE), ("vendor.github-workflows", WORKFLOW_FILE)],
)
def test_valid_against_the_published_schema(schema: str, path: Path) -> None:
    """check-jsonschema's bundled copy of SchemaStore's schema accepts the file (no network)."""
    pytest.importorskip("check_jsonschema", reason="check-jsonschema comes with the test extra")
    checked = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("path", [ACTION_FILE, WORKFLOW_FILE])
def test_every_action_is_pinned_to_a_commit_with_its_tag(path: Path) -> None:
    """A third-party action is named by a full commit SHA (a tag can be moved), its tag in a comment."""
    lines = [line for line in path.read_text().splitlines() if re.match(r"\s*(- )?uses: actions/", line)]
    assert lines
    for line in lines:
        assert re.search(r"uses: actions/[\w/-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), line


def test_the_composite_pins_python_and_installs_from_its_own_checkout() -> None:
    """setup-python gets the python-version input (3.11 by default) and leaves the job's PATH alone;
    fin-ingest is installed from the action's path, so the action's version is the tool's."""
    assert ACTION["runs"]["using"] == "composite"
    assert ACTION["inputs"]["python-version"]["default"] == "3.11"
    (python,) = [step for step in STEP_LIST if "setup-python" in str(step.get("uses"))]
    assert python["with"] == {"python-version": "${{ inputs.python-version }}", "update-environment": False}
    (install,) = [step for step in STEP_LIST if step.get("id") == "install"]
    assert 'pip install --quiet --disable-pip-version-check "$GITHUB_ACTION_PATH"' in install["run"]


def test_no_expression_is_interpolated_into_a_shell_line() -> None:
    """A run: line holds no ${{ }}: every value reaches the shell through env (no script injection)."""
    for step in STEP_LIST:
        assert "${{" not in str(step.get("run", "")), step.get("id")


def test_each_step_sets_what_its_script_reads_and_nothing_else() -> None:
    """Every variable a step's script reads (or hands to ingest) is set by its env: or by the
    runner; the env: sets nothing the script does not read (the token only where ingest syncs)."""
    assert sorted(name for _, name in python_steps()) == sorted(STEPS)
    for step, name in python_steps():
        declared = STEPS[name].reads | STEPS[name].passes_on
        given = set(step["env"])
        assert declared - given - RUNNER_DEFAULTS == set(), name
        assert given - declared - _PLUMBING == set(), name
    review = next(step for step, name in python_steps() if name == "review")
    assert "INTERCOM_ACCESS_TOKEN" not in review["env"]  # a review needs no Intercom token


def test_each_output_read_is_one_the_step_writes() -> None:
    """Every steps.<id>.outputs.<name> action.yml reads of a script's step is among what it writes,
    and every input it reads is declared."""
    text = ACTION_FILE.read_text()
    writes = {step["id"]: STEPS[name].writes for step, name in python_steps()}
    writes["install"] = frozenset({"python"})
    writes["python"] = frozenset({"python-path"})
    for step_id, output in re.findall(r"steps\.([\w-]+)\.outputs\.([\w-]+)", text):
        assert output in writes[step_id], f"steps.{step_id}.outputs.{output}"
    used_inputs = set(re.findall(r"inputs\.([\w-]+)", text))
    assert used_inputs == set(ACTION["inputs"])


def test_the_example_workflow_has_least_privilege_and_one_sync_at_a_time() -> None:
    """contents: read and pull-requests: write only; syncs share one concurrency group; the token
    comes from a secret."""
    workflow = yaml.safe_load(WORKFLOW_FILE.read_text())
    assert workflow["permissions"] == {"contents": "read", "pull-requests": "write"}
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert set(triggers) >= {"pull_request", "push"} and triggers["push"]["branches"] == ["main"]
    group = workflow["concurrency"]["group"]
    assert "'sync'" in group and "pull_request.number" in group
    (job,) = workflow["jobs"].values()
    ours = job["steps"][-1]
    assert ours["with"]["token"] == "${{ secrets.INTERCOM_ACCESS_TOKEN }}"


def test_the_readme_shows_the_example_workflow_as_it_is() -> None:
    """The README's "GitHub Actions" section holds the example workflow file, verbatim."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## GitHub Actions\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```yaml\n(.*?)```", section, flags=re.DOTALL)
    assert WORKFLOW_FILE.read_text(encoding="utf-8") in blocks
