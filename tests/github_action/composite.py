"""Runs ``action.yml``'s ``run:`` steps in order with bash, as a runner would: ``${{ }}``
expressions substituted from the inputs, the earlier steps' outputs and ``github.token``,
``if:`` conditions evaluated, each step's ``$GITHUB_OUTPUT`` read back in both of the runner's
forms. ``uses:`` steps (setup-python, the cache, the artifact upload) are skipped and recorded,
with what they would have been given; the install step is skipped too, its output being this
test run's own Python (fin-ingest is installed in it)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
BASH = shutil.which("bash") or "/bin/bash"
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}", re.DOTALL)
_REFERENCE = re.compile(r"\b(steps\.[\w-]+\.outputs\.[\w-]+|inputs\.[\w-]+|github\.token)\b")
_STATUS = re.compile(r"\b(always|cancelled|failure|success)\(\)")


def read_outputs(text: str) -> dict[str, str]:
    """A ``$GITHUB_OUTPUT`` file as the runner reads it: ``name=value`` or ``name<<DELIMITER``."""
    outputs: dict[str, str] = {}
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line:
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            value: list[str] = []
            while lines[index] != delimiter:
                value.append(lines[index])
                index += 1
            index += 1
            outputs[name] = "\n".join(value)
        else:
            name, value_text = line.split("=", 1)
            outputs[name] = value_text
    return outputs


@dataclass
class CompositeRun:
    """One use of the action: its inputs and the job's environment."""

    inputs: dict[str, str]
    environment: dict[str, str]
    workspace: Path
    github_token: str = ""
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)
    skipped_uses: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    failed: bool = False
    exit_codes: dict[str, int] = field(default_factory=dict)

    def value(self, reference: str) -> str:
        if reference == "github.token":
            return self.github_token
        if reference.startswith("inputs."):
            name = reference.removeprefix("inputs.")
            declared = ACTION["inputs"][name]  # an undeclared input fails the test
            default = str(declared.get("default", ""))
            return self.inputs.get(name, self.substitute(default))
        _, step, _, name = reference.split(".")
        return self.outputs.get(step, {}).get(name, "")

    def evaluate(self, expression: str) -> Any:
        """A ``${{ }}`` expression of the forms action.yml uses (references, literals, ==, !=, &&,
        ||, !, parentheses, cancelled())."""
        python = _STATUS.sub(lambda match: {"cancelled": "False"}.get(match[1], "True"), expression)
        python = _REFERENCE.sub(lambda match: repr(self.value(match[1])), python)
        python = python.replace("&&", " and ").replace("||", " or ")
        python = re.sub(r"!(?!=)", " not ", python)
        return eval(python, {"__builtins__": {}}, {})  # noqa: S307 (our own action.yml's expressions)

    def substitute(self, text: str) -> str:
        return _EXPRESSION.sub(lambda match: str(self.evaluate(match[1])), text)

    def runs(self, step: dict[str, Any]) -> bool:
        condition = str(step.get("if", "")).strip()
        if not condition:
            return not self.failed
        if self.failed and not _STATUS.search(condition):
            return False
        return bool(self.evaluate(condition.removeprefix("${{").removesuffix("}}")))

    def run(self) -> CompositeRun:
        summary = Path(self.environment["GITHUB_STEP_SUMMARY"])
        summary.touch()
        for index, step in enumerate(ACTION["runs"]["steps"]):
            step_id = step.get("id", f"step{index}")
            if "uses" in step:
                if self.runs(step):
                    given = {key: self.substitute(str(value)) for key, value in step.get("with", {}).items()}
                    self.skipped_uses.append((step["uses"], given))
                if step_id == "python":
                    self.outputs["python"] = {"python-path": sys.executable}
                continue
            if step_id == "install":
                self.outputs["install"] = {"python": sys.executable}
                continue
            if not self.runs(step):
                continue
            output_file = self.workspace.parent / f"output-{step_id}"
            output_file.write_text("")
            env = {
                **self.environment,
                "GITHUB_OUTPUT": str(output_file),
                **{key: self.substitute(str(value)) for key, value in step.get("env", {}).items()},
            }
            folder = self.workspace / self.substitute(str(step.get("working-directory", ".")))
            finished = subprocess.run(  # noqa: S603
                [BASH, "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step["run"]],
                cwd=folder,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
            )
            self.exit_codes[step_id] = finished.returncode
            self.outputs[step_id] = read_outputs(output_file.read_text(encoding="utf-8"))
            self.outputs[step_id]["_log"] = finished.stdout + finished.stderr
            self.outputs[step_id]["_stdout"] = finished.stdout
            self.outputs[step_id]["_stderr"] = finished.stderr
            if finished.returncode != 0:
                self.failed = True
        return self

    def action_outputs(self) -> dict[str, str]:
        return {name: self.substitute(str(spec["value"])) for name, spec in ACTION["outputs"].items()}


def runner_commands(stream: str) -> list[tuple[str, str]]:
    """The workflow commands a runner would carry out reading ``stream`` (a step's stdout or stderr),
    as ``(name, data)``: a line is one when it starts with ``::`` after its leading blanks, and
    nothing is one between ``::stop-commands::TOKEN`` and ``::TOKEN::``."""
    carried_out: list[tuple[str, str]] = []
    stopped_until: str | None = None
    for line in stream.splitlines():
        line = line.lstrip()
        if not line.startswith("::") or line.find("::", 2) < 0:
            continue
        end = line.find("::", 2)
        name, data = line[2:end].split(" ", 1)[0], line[end + 2 :]
        if stopped_until is not None:
            if name == stopped_until:
                stopped_until = None
            continue
        if name == "stop-commands":
            stopped_until = data
            continue
        carried_out.append((name, data))
    return carried_out


def runner_environment(tmp_path: Path, *, event: str, event_path: Path, api_url: str) -> dict[str, str]:
    """What a runner sets for every step (those of it the action reads), with PATH and HOME."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path / "home"),
        "GITHUB_ACTION_PATH": str(ROOT),
        "GITHUB_API_URL": api_url,
        "GITHUB_EVENT_NAME": event,
        "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_REF": "refs/heads/main",
        "GITHUB_REPOSITORY": "acme/docs",
        "GITHUB_RUN_ID": "4242",
        "GITHUB_RUN_ATTEMPT": "1",
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "GITHUB_WORKSPACE": str(tmp_path / "workspace"),
        "RUNNER_TEMP": str(tmp_path / "runner-temp"),
    }
