"""What a step reads of its environment, declared: a read of an undeclared name is a bug.

``action.yml`` must set every declared name a runner does not set itself; a test holds the file to
each step's declaration, so the YAML and the scripts cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

#: What a GitHub runner sets in every step's environment (the documented default variables).
RUNNER_DEFAULTS = frozenset(
    {
        "GITHUB_ACTION_PATH",
        "GITHUB_API_URL",
        "GITHUB_EVENT_NAME",
        "GITHUB_EVENT_PATH",
        "GITHUB_OUTPUT",
        "GITHUB_REF",
        "GITHUB_REPOSITORY",
        "GITHUB_RUN_ATTEMPT",
        "GITHUB_RUN_ID",
        "GITHUB_STEP_SUMMARY",
        "GITHUB_WORKSPACE",
        "RUNNER_TEMP",
    }
)


class UndeclaredVariable(KeyError):
    """A step read a variable it does not declare (so action.yml may not set it)."""


@dataclass(frozen=True)
class StepEnvironment:
    """The variables one step may read, and their values."""

    declared: frozenset[str]
    values: Mapping[str, str]

    def get(self, name: str, default: str = "") -> str:
        if name not in self.declared:
            raise UndeclaredVariable(name)
        return self.values.get(name, default)

    def required(self, name: str) -> str:
        value = self.get(name)
        if not value:
            raise MissingVariable(name)
        return value


class MissingVariable(Exception):
    """A variable a runner always sets is missing: the step is not running on a runner."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} is not set: this script runs as a step of the fin-ingest action")
        self.name = name
