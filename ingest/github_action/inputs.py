"""The action's inputs as typed values; a wrong one is one sentence naming it (exit 2)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ingest.errors import ConfigError
from ingest.github_action.environment import StepEnvironment

Mode = Literal["review", "sync"]

#: The mode ``auto`` picks per event: a pull request is reviewed, the rest syncs.
MODE_OF_EVENT: dict[str, Mode] = {
    "pull_request": "review",
    "pull_request_target": "review",
    "push": "sync",
    "schedule": "sync",
    "workflow_dispatch": "sync",
}
SEVERITIES = ("error", "warning", "note")


def flag(environment: StepEnvironment, variable: str, input_name: str, default: bool) -> bool:
    """A boolean input: ``true`` or ``false`` (any case); empty is the default."""
    value = environment.get(variable).strip().lower()
    if not value:
        return default
    if value not in ("true", "false"):
        raise ConfigError(f"input {input_name}: {value!r} is neither true nor false")
    return value == "true"


def mode(environment: StepEnvironment) -> Mode:
    """``review`` or ``sync``, as the ``mode`` input says or (``auto``) as the event implies."""
    chosen = environment.get("INPUT_MODE").strip().lower() or "auto"
    if chosen in ("review", "sync"):
        return "review" if chosen == "review" else "sync"
    if chosen != "auto":
        raise ConfigError(f"input mode: {chosen!r} is not one of auto, review, sync")
    event = environment.get("GITHUB_EVENT_NAME")
    if event not in MODE_OF_EVENT:
        raise ConfigError(
            f"input mode: auto does not know what to do on a {event or 'missing'} event; "
            "set mode to review or sync"
        )
    if event == "push":
        _a_push_to_the_default_branch(environment)
    return MODE_OF_EVENT[event]


def _a_push_to_the_default_branch(environment: StepEnvironment) -> None:
    """Refuse to sync a push to another branch or a tag: a workflow on every push (no
    ``branches:`` filter) would otherwise publish a feature branch's unreviewed docs."""
    path = environment.get("GITHUB_EVENT_PATH")
    try:
        payload = json.loads(Path(path).read_text(encoding="utf-8")) if path else {}
    except (OSError, ValueError):
        payload = {}
    repository = payload.get("repository") if isinstance(payload, dict) else None
    default = repository.get("default_branch") if isinstance(repository, dict) else None
    ref = environment.get("GITHUB_REF")
    if isinstance(default, str) and default and ref and ref != f"refs/heads/{default}":
        raise ConfigError(
            f"input mode: auto syncs a push to the default branch ({default}) only; this push is to "
            f"{ref}: limit the workflow's push to branches: [{default}], or set mode to sync to "
            "publish it"
        )


def config_path(environment: StepEnvironment) -> Path:
    return Path(environment.get("INPUT_CONFIG").strip() or "ingest.toml")


def sources(environment: StepEnvironment) -> tuple[str, ...]:
    """The source names (space or newline separated); empty: every source."""
    return tuple(environment.get("INPUT_SOURCES").split())


def source_arguments(names: tuple[str, ...]) -> list[str]:
    """``--source=NAME`` each (one argument, so a name cannot read as an option), or ``--all``."""
    return [f"--source={name}" for name in names] if names else ["--all"]


def check_severity(environment: StepEnvironment) -> str:
    value = environment.get("INPUT_CHECK_SEVERITY").strip().lower() or "error"
    if value not in SEVERITIES:
        raise ConfigError(f"input check-severity: {value!r} is not one of {', '.join(SEVERITIES)}")
    return value


@dataclass(frozen=True)
class Paths:
    """Where a step writes its files: one folder per config under the runner's temporary folder."""

    folder: Path

    @property
    def plan(self) -> Path:
        return self.folder / "plan.json"

    @property
    def plan_markdown(self) -> Path:
        return self.folder / "plan.md"

    @property
    def sarif(self) -> Path:
        return self.folder / "check.sarif"

    @property
    def report(self) -> Path:
        return self.folder / "report.json"
