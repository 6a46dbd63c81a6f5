"""The action's three steps, each a function of its declared environment returning an exit code.

``prepare`` picks the mode and says where the state file is (for the cache); ``review`` runs
``ingest check`` and ``ingest plan`` for a pull request; ``sync`` runs ``ingest run``. Each writes
its outputs and its part of the job summary; the exit code is the command's.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.errors import ConfigError
from ingest.github_action import inputs, summaries
from ingest.github_action.cli import run_ingest
from ingest.github_action.comment import Posted, PullRequest, upsert_comment
from ingest.github_action.environment import StepEnvironment
from ingest.github_action.runner_files import append_summary, command, mask, write_outputs
from ingest.planfile.markdown import code, text

EXIT_CONFIG = 2
_COMMON = frozenset({"INPUT_CONFIG", "GITHUB_OUTPUT", "GITHUB_WORKSPACE"})


@dataclass(frozen=True)
class Step:
    run: Callable[[StepEnvironment], int]
    #: What the script reads.
    reads: frozenset[str]
    #: The outputs it writes (``steps.<id>.outputs.<name>`` in action.yml).
    writes: frozenset[str]
    #: What the ``ingest`` command it starts reads (the step must set it, the script never reads it).
    passes_on: frozenset[str] = frozenset()


def config_key(environment: StepEnvironment) -> str:
    """The config's path from the repository root when it is inside (the cache and comment key)."""
    config = inputs.config_path(environment).resolve()
    workspace = Path(environment.get("GITHUB_WORKSPACE") or os.getcwd()).resolve()
    return config.relative_to(workspace).as_posix() if config.is_relative_to(workspace) else config.as_posix()


def prepare(environment: StepEnvironment) -> int:
    """Mask the tokens, choose the mode, name the state file and the cache keys."""
    for name in ("INTERCOM_ACCESS_TOKEN", "INPUT_GITHUB_TOKEN"):
        if environment.get(name):
            mask(environment.get(name))
    output = Path(environment.required("GITHUB_OUTPUT"))
    try:
        mode = inputs.mode(environment)
        inputs.flag(environment, "INPUT_ALLOW_MASS_DELETE", "allow-mass-delete", False)
        inputs.flag(environment, "INPUT_COMMENT", "comment", True)
        state_cache = inputs.flag(environment, "INPUT_STATE_CACHE", "state-cache", True)
        inputs.check_severity(environment)
    except ConfigError as exc:
        command("error", str(exc))
        return EXIT_CONFIG
    key = config_key(environment)
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    prefix = f"fin-ingest-state-{digest}-"
    run = f"{environment.required('GITHUB_RUN_ID')}-{environment.get('GITHUB_RUN_ATTEMPT', '1')}"
    folder = Path(environment.required("RUNNER_TEMP")) / "fin-ingest" / digest
    folder.mkdir(parents=True, exist_ok=True)
    paths = inputs.Paths(folder)
    for earlier in (paths.plan, paths.plan_markdown, paths.sarif, paths.report):
        earlier.unlink(missing_ok=True)  # an earlier use in this job must not pass for this one's
    state_file = _state_file(environment)
    slug = "".join(c if c.isalnum() or c in "-_." else "-" for c in key).strip("-.") or "config"
    write_outputs(
        output,
        {
            "mode": mode,
            "state-file": state_file,
            "cache-paths": f"{state_file}\n{state_file}-wal" if state_cache and state_file else "",
            "cache-prefix": prefix,
            "cache-key": prefix + run,
            "output-dir": str(folder),
            "artifact-name": f"fin-ingest-{mode}-{slug}",
        },
    )
    return 0


def _state_file(environment: StepEnvironment) -> str:
    """The state file as the config names it (``[state] path``, resolved against the config's
    folder); empty if the config cannot be read (the command then says why, in its own sentence)."""
    from ingest.config import load_settings

    try:
        return str(load_settings(inputs.config_path(environment)).state.path)
    except ConfigError:
        return ""


def review(environment: StepEnvironment) -> int:
    """``ingest check`` then ``ingest plan``, the summary, and the pull request's comment."""
    paths = inputs.Paths(Path(environment.required("FIN_INGEST_OUTPUT_DIR")))
    config = str(inputs.config_path(environment))
    names = inputs.sources(environment)
    state_found = _state_found(environment)
    checked = run_ingest(
        [
            "check",
            f"--config={config}",
            *inputs.source_arguments(names),
            "--format=sarif",
            f"--output={paths.sarif}",
            f"--severity={inputs.check_severity(environment)}",
        ]
    )
    sarif = _json(paths.sarif) if paths.sarif.exists() and checked.exit_code != EXIT_CONFIG else None
    parts = [
        f"## fin-ingest: review of {code(config_key(environment))}\n",
        summaries.state_markdown(state_found, review=True),
        summaries.check_markdown(sarif, exit_code=checked.exit_code, errors=checked.errors()),
    ]
    for error in checked.errors():
        command("error", error)
    plan_code = None
    plan_markdown = ""
    if checked.exit_code != EXIT_CONFIG:
        mass_delete = ["--allow-mass-delete"] if _allow_mass_delete(environment) else []
        planned = run_ingest(
            [
                "plan",
                f"--config={config}",
                *[f"--source={name}" for name in names],
                f"--out={paths.plan}",
                f"--markdown={paths.plan_markdown}",
                *mass_delete,
            ]
        )
        plan_code = planned.exit_code
        for error in planned.errors():
            command("error", error)
        if paths.plan_markdown.exists() and plan_code != EXIT_CONFIG:
            plan_markdown = paths.plan_markdown.read_text(encoding="utf-8")
            parts += ["### ingest plan\n", plan_markdown]
        else:
            parts.append(
                summaries.failed_markdown(
                    "ingest plan", exit_code=plan_code, errors=planned.errors(), missing="no plan was written"
                )
            )
    counts = summaries.check_counts(sarif)
    # Without a plan the comment says what stopped it, so an earlier push's plan does not stay up.
    posted = _comment(environment, plan_markdown or "\n".join(parts[2:]), counts)
    if posted is not None and posted.problem:
        command("warning", posted.problem)
        parts.append(f"> {text(posted.problem)}\n")
    append_summary(Path(environment.required("GITHUB_STEP_SUMMARY")), "\n".join(p for p in parts if p))
    # The review fails where the merge's sync would: a config mistake (2), or documents failing or a
    # source refused, such as by the delete guard (1), as well as on check findings (1).
    codes = (checked.exit_code, plan_code or 0)
    exit_code = EXIT_CONFIG if EXIT_CONFIG in codes else max(codes)
    plan = _json(paths.plan) if paths.plan.exists() else None
    write_outputs(
        Path(environment.required("GITHUB_OUTPUT")),
        {
            "exit-code": str(exit_code),
            "state-found": _bool(bool(state_found)),
            "plan-path": _if_exists(paths.plan),
            "plan-markdown-path": _if_exists(paths.plan_markdown),
            "sarif-path": _if_exists(paths.sarif),
            "artifact-paths": "\n".join(p for p in map(_if_exists, (paths.plan, paths.sarif)) if p),
            "check-errors": str(counts["error"]),
            "check-warnings": str(counts["warning"]),
            "check-notes": str(counts["note"]),
            **{f"{kind}s": str(count) for kind, count in summaries.plan_counts(plan).items()},
            "comment-url": (posted.url or "") if posted else "",
        },
    )
    return exit_code


def sync(environment: StepEnvironment) -> int:
    """``ingest run`` with a report; the summary and the counts. Its exit code is the run's."""
    paths = inputs.Paths(Path(environment.required("FIN_INGEST_OUTPUT_DIR")))
    state_found = _state_found(environment)
    mass_delete = ["--allow-mass-delete"] if _allow_mass_delete(environment) else []
    finished = run_ingest(
        [
            "run",
            f"--config={inputs.config_path(environment)}",
            *inputs.source_arguments(inputs.sources(environment)),
            f"--report={paths.report}",
            *mass_delete,
        ]
    )
    for error in finished.errors():
        command("error", error)
    report = _json(paths.report) if paths.report.exists() else None
    append_summary(
        Path(environment.required("GITHUB_STEP_SUMMARY")),
        "\n".join(
            part
            for part in (
                f"## fin-ingest: sync of {code(config_key(environment))}\n",
                summaries.state_markdown(state_found, review=False),
                summaries.report_markdown(report, exit_code=finished.exit_code, errors=finished.errors()),
            )
            if part
        ),
    )
    counts = summaries.report_counts(report)
    write_outputs(
        Path(environment.required("GITHUB_OUTPUT")),
        {
            "exit-code": str(finished.exit_code),
            "state-found": _bool(bool(state_found)),
            "state-saved": _bool(bool(_state_found(environment))),
            "report-path": _if_exists(paths.report),
            "artifact-paths": _if_exists(paths.report),
            **{key: str(counts[key]) for key in ("created", "updated", "deleted", "failed")},
        },
    )
    return finished.exit_code


def _state_found(environment: StepEnvironment) -> bool | None:
    """Whether the state file is there; None when the config could not name it."""
    path = environment.get("FIN_INGEST_STATE_PATH")
    return Path(path).is_file() if path else None


def _allow_mass_delete(environment: StepEnvironment) -> bool:
    return inputs.flag(environment, "INPUT_ALLOW_MASS_DELETE", "allow-mass-delete", False)


def _comment(environment: StepEnvironment, plan_markdown: str, counts: Mapping[str, int]) -> Posted | None:
    if not inputs.flag(environment, "INPUT_COMMENT", "comment", True):
        return None
    number = _pull_request_number(environment)
    if number is None:
        return None
    token = environment.get("GITHUB_TOKEN")
    if not token:
        return Posted(problem="no github-token was given: the plan is in the job summary, not in a comment")
    pull = PullRequest(
        api_url=environment.get("GITHUB_API_URL") or "https://api.github.com",
        repository=environment.required("GITHUB_REPOSITORY"),
        number=number,
        token=token,
    )
    key = config_key(environment)
    checked = ", ".join(f"{count} {level}s" for level, count in counts.items())
    body = f"**fin-ingest plan** for {code(key)} (ingest check: {checked})\n\n{plan_markdown}"
    return asyncio.run(upsert_comment(pull, key, body))


def _pull_request_number(environment: StepEnvironment) -> int | None:
    path = environment.get("GITHUB_EVENT_PATH")
    if not path or not Path(path).is_file():
        return None
    number = _json(Path(path)).get("pull_request", {}).get("number")
    return number if isinstance(number, int) else None


def _json(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def _if_exists(path: Path) -> str:
    return str(path) if path.exists() else ""


def _bool(value: bool) -> str:
    return "true" if value else "false"


_REVIEW_READS = frozenset(
    {
        "INPUT_SOURCES",
        "INPUT_ALLOW_MASS_DELETE",
        "INPUT_COMMENT",
        "INPUT_CHECK_SEVERITY",
        "GITHUB_TOKEN",
        "GITHUB_EVENT_PATH",
        "GITHUB_REPOSITORY",
        "GITHUB_API_URL",
        "GITHUB_STEP_SUMMARY",
        "FIN_INGEST_OUTPUT_DIR",
        "FIN_INGEST_STATE_PATH",
    }
)
STEPS: dict[str, Step] = {
    "prepare": Step(
        prepare,
        _COMMON
        | {
            "INPUT_MODE",
            "INPUT_ALLOW_MASS_DELETE",
            "INPUT_COMMENT",
            "INPUT_STATE_CACHE",
            "INPUT_CHECK_SEVERITY",
            "INPUT_GITHUB_TOKEN",
            "INTERCOM_ACCESS_TOKEN",
            "GITHUB_EVENT_NAME",
            "GITHUB_EVENT_PATH",
            "GITHUB_REF",
            "GITHUB_RUN_ID",
            "GITHUB_RUN_ATTEMPT",
            "RUNNER_TEMP",
        },
        writes=frozenset(
            {"mode", "state-file", "cache-paths", "cache-prefix", "cache-key", "output-dir", "artifact-name"}
        ),
    ),
    "review": Step(
        review,
        _COMMON | _REVIEW_READS,
        writes=frozenset(
            {
                "exit-code",
                "state-found",
                "plan-path",
                "plan-markdown-path",
                "sarif-path",
                "artifact-paths",
                "check-errors",
                "check-warnings",
                "check-notes",
                "creates",
                "updates",
                "deletes",
                "comment-url",
            }
        ),
    ),
    "sync": Step(
        sync,
        _COMMON
        | {
            "INPUT_SOURCES",
            "INPUT_ALLOW_MASS_DELETE",
            "GITHUB_STEP_SUMMARY",
            "FIN_INGEST_OUTPUT_DIR",
            "FIN_INGEST_STATE_PATH",
        },
        writes=frozenset(
            {
                "exit-code",
                "state-found",
                "state-saved",
                "report-path",
                "artifact-paths",
                "created",
                "updated",
                "deleted",
                "failed",
            }
        ),
        passes_on=frozenset({"INTERCOM_ACCESS_TOKEN"}),
    ),
}
