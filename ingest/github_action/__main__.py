"""``python -m ingest.github_action STEP``: run one step of the action with this environment."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from ingest.errors import ConfigError
from ingest.github_action.environment import MissingVariable, StepEnvironment
from ingest.github_action.runner_files import command
from ingest.github_action.steps import EXIT_CONFIG, STEPS


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if len(arguments) != 1 or arguments[0] not in STEPS:
        command("error", f"usage: python -m ingest.github_action {{{','.join(STEPS)}}}")
        return EXIT_CONFIG
    step = STEPS[arguments[0]]
    try:
        return step.run(StepEnvironment(step.reads, os.environ))
    except (ConfigError, MissingVariable) as exc:
        command("error", str(exc))
        return EXIT_CONFIG


if __name__ == "__main__":
    sys.exit(main())
