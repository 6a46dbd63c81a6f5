"""The ``ingest`` command's files as Markdown for the job summary, and as counts for outputs.

Everything taken from a document or the configuration (a path, a title, a message) is escaped
with the plan summary's own helpers: it shows as text and cannot add HTML or mention anyone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from ingest.planfile.markdown import code, text

#: Findings and failures listed in the job summary at most; the rest are counted.
MAX_LISTED = 50
_LEVELS = ("error", "warning", "note")
_COUNTED = ("created", "updated", "deleted", "unchanged", "skipped", "failed")
_PLAN_KINDS = ("create", "update", "delete")


def check_counts(sarif: Mapping[str, Any] | None) -> dict[str, int]:
    """Findings per level (``error``, ``warning``, ``note``) in a SARIF log of ``ingest check``."""
    levels = Counter(result.get("level", "warning") for result in _sarif_results(sarif))
    return {level: levels[level] for level in _LEVELS}


def check_markdown(sarif: Mapping[str, Any] | None, *, exit_code: int, errors: Iterable[str]) -> str:
    lines = ["### ingest check", ""]
    if sarif is None:
        lines += _failed(exit_code, errors, "no findings were written")
        return "\n".join(lines) + "\n"
    counts = check_counts(sarif)
    lines.append(", ".join(f"{count} {level}{'s' if count != 1 else ''}" for level, count in counts.items()))
    results = list(_sarif_results(sarif))
    if results:
        lines += ["", "| level | rule | where | finding |", "|---|---|---|---|"]
        for result in results[:MAX_LISTED]:
            lines.append(
                f"| {text(str(result.get('level', '')))} | {code(str(result.get('ruleId', '')))} "
                f"| {code(_where(result))} | {text(str(result.get('message', {}).get('text', '')))} |"
            )
        if len(results) > MAX_LISTED:
            lines += ["", f"... and {len(results) - MAX_LISTED} more in the SARIF file."]
    return "\n".join(lines) + "\n"


def plan_counts(plan: Mapping[str, Any] | None) -> dict[str, int]:
    """Creates, updates and deletes in a saved plan, across its sources and targets."""
    kinds: Counter[str] = Counter()
    for source in (plan or {}).get("sources", []):
        for target in source.get("targets", []):
            kinds.update(item.get("kind", "") for item in target.get("items", []))
    return {kind: kinds[kind] for kind in _PLAN_KINDS}


def report_counts(report: Mapping[str, Any] | None) -> dict[str, int]:
    """The run's counts summed over its sources and targets."""
    return {key: sum(int(row.get(key, 0)) for row in (report or {}).get("sources", [])) for key in _COUNTED}


def report_markdown(report: Mapping[str, Any] | None, *, exit_code: int, errors: Iterable[str]) -> str:
    lines = ["### ingest run", ""]
    if report is None:
        lines += _failed(exit_code, errors, "no report was written")
        return "\n".join(lines) + "\n"
    lines.append(f"Exit code {int(report.get('exit_code', exit_code))}.")
    if report.get("error"):
        lines += ["", f"**Error:** {text(str(report['error']))}"]
    rows = report.get("sources", [])
    if rows:
        lines += ["", "| source | target | " + " | ".join(_COUNTED) + " |"]
        lines.append("|---|---|" + "---:|" * len(_COUNTED))
        for row in rows:
            counts = " | ".join(str(int(row.get(key, 0))) for key in _COUNTED)
            names = f"{text(str(row.get('source', '')))} | {text(str(row.get('target', '')))}"
            lines.append(f"| {names} | {counts} |")
    problems = [
        (str(row.get("source", "")), failure) for row in rows for failure in row.get("failures", [])
    ] + [(str(row.get("source", "")), {"error": row["error"]}) for row in rows if row.get("error")]
    if problems:
        lines += ["", "Failures:", ""]
        for source, failure in problems[:MAX_LISTED]:
            where = failure.get("document") or failure.get("locator") or ""
            reason = failure.get("reason") or failure.get("error") or failure.get("message") or ""
            lines.append(f"- {text(source)} {code(str(where)) if where else ''} {text(str(reason))}".rstrip())
        if len(problems) > MAX_LISTED:
            lines.append(f"- ... and {len(problems) - MAX_LISTED} more in the report.")
    return "\n".join(lines) + "\n"


def state_markdown(found: bool | None, *, review: bool) -> str:
    """What the summary says when no state file was there before the command ran (None: the
    config could not say where it is, and the command's own error says why)."""
    if found is None or found:
        return ""
    if review:
        return (
            "> **No state was found** (no earlier sync saved one to the cache, or it expired): this "
            "plan compares with nothing, so every page shows as a create. A sync of the default "
            "branch with `state-cache: true` saves it for the next pull request.\n"
        )
    return (
        "> **No state was found** (first run, or the cache expired): this run adopts the pages "
        "Intercom already holds (no duplicates), but reads, converts and sends every document once.\n"
    )


def failed_markdown(heading: str, *, exit_code: int, errors: Iterable[str], missing: str) -> str:
    """A command that ended without its file: its exit code and the sentences it printed."""
    return "\n".join([f"### {heading}", "", *_failed(exit_code, errors, missing)]) + "\n"


def _failed(exit_code: int, errors: Iterable[str], missing: str) -> list[str]:
    sentences = [text(error) for error in errors if error]
    lines = [f"Exit code {exit_code}: {missing}."]
    if sentences:
        lines += ["", *(f"**Error:** {sentence}" for sentence in sentences)]
    return lines


def _sarif_results(sarif: Mapping[str, Any] | None) -> Iterable[Mapping[str, Any]]:
    for run in (sarif or {}).get("runs", []):
        yield from run.get("results", [])


def _where(result: Mapping[str, Any]) -> str:
    for location in result.get("locations", []):
        physical = location.get("physicalLocation", {})
        uri = str(physical.get("artifactLocation", {}).get("uri", ""))
        line = physical.get("region", {}).get("startLine")
        return f"{uri}:{line}" if line else uri
    return ""
