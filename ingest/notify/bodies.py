"""An alert's two bodies: Slack-compatible (``text`` and ``blocks``, mrkdwn) and fin-ingest's JSON.

Every text from outside (a source's name, a locator, a reason) reaches Slack escaped as Slack
asks (``&``, ``<``, ``>``), so that a title like ``<!channel>`` or ``<https://evil|click>``
mentions no one and forges no link. Both bodies are bounded: at most ``max_failures`` failed
documents (the rest counted), each text cut, and each Slack section kept under Slack's limit.
"""

from __future__ import annotations

import time as _time
from typing import Any

from ingest.notify.alert import Alert, FailedDocument, ScopeStatus

__all__ = ["JSON_SCHEMA", "SLACK_SECTION_CHARS", "json_body", "slack_body", "slack_escape"]

#: The JSON body's ``schema``: a receiver parsing it can tell a shape it knows.
JSON_SCHEMA = "fin-ingest.alert/1"
#: Slack refuses a section whose text is longer than 3,000 characters.
SLACK_SECTION_CHARS = 3_000
_LOCATOR_CHARS = 200
_COUNTED = ("created", "updated", "deleted", "unchanged", "failed")
_HEADLINES = {
    "failure": "sync failing",
    "reminder": "still failing",
    "recovery": "recovered",
    "test": "test message",
}
_ICONS = {
    "failure": ":rotating_light:",
    "reminder": ":warning:",
    "recovery": ":white_check_mark:",
    "test": ":wave:",
}


def json_body(alert: Alert, max_failures: int) -> dict[str, Any]:
    """The generic JSON body (its shape is the README's "Alerts"; ``schema`` names its version)."""
    listed = alert.failures[:max_failures]
    return {
        "schema": JSON_SCHEMA,
        "event": alert.event,
        "origin": alert.origin,
        "summary": headline(alert),
        "sources": [
            {
                "source": scope.name or None,
                "status": scope.status,
                "failing_since": iso_time(scope.failing_since),
                "error": scope.error,
            }
            for scope in alert.scopes
        ],
        "counts": {key: alert.counts.get(key, 0) for key in _COUNTED},
        "failures": [
            {
                "source": failure.source,
                "target": failure.target,
                "locator": _cut(failure.locator, _LOCATOR_CHARS),
                "reason": failure.reason,
            }
            for failure in listed
        ],
        "failures_left_out": alert.failures_total - len(listed),
        "exit_code": alert.exit_code,
        "host": alert.host,
        "version": alert.version,
        "time": iso_time(alert.time),
    }


def slack_body(alert: Alert, max_failures: int) -> dict[str, Any]:
    """A body for a Slack incoming webhook: ``text`` (the notification's line) and ``blocks``."""
    title = f"{_ICONS[alert.event]} *fin-ingest: {_HEADLINES[alert.event]}* on `{slack_escape(alert.host)}`"
    blocks: list[dict[str, Any]] = [_section(_bounded([title, *(_scope_line(s) for s in alert.scopes)]))]
    if alert.event != "recovery" and alert.event != "test":
        counts = ", ".join(f"{key} {alert.counts.get(key, 0)}" for key in _COUNTED)
        blocks.append(_section(f"*Counts:* {counts}"))
    if alert.failures:
        lines = [_failure_line(failure) for failure in alert.failures[:max_failures]]
        left = alert.failures_total - len(lines)
        blocks.append(_section(_bounded(["*First failures:*", *lines], left_out=left)))
    context = [f"fin-ingest {slack_escape(alert.version)}", iso_time(alert.time)]
    if alert.exit_code is not None:
        context.insert(1, f"exit code {alert.exit_code}")
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": " · ".join(context)}]})
    return {"text": slack_escape(headline(alert)), "blocks": blocks}


def headline(alert: Alert) -> str:
    """One plain line: what happened, where (the notification's text)."""
    names = ", ".join(scope.name or "the run" for scope in alert.scopes) or "no source"
    what = _HEADLINES[alert.event]
    if alert.event == "test":
        return f"fin-ingest on {alert.host}: test message (alerts reach this webhook)"
    failed = f", {alert.failures_total} document(s) failed" if alert.failures_total else ""
    return _cut(f"fin-ingest on {alert.host}: {what}: {names}{failed}", SLACK_SECTION_CHARS)


def slack_escape(text: str) -> str:
    """``text`` as Slack shows it literally: its three control characters escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def iso_time(seconds: float) -> str:
    return _time.strftime("%Y-%m-%dT%H:%M:%SZ", _time.gmtime(seconds))


def _scope_line(scope: ScopeStatus) -> str:
    name = f"source `{_code(scope.name)}`" if scope.name else "the run (before any source)"
    if scope.status == "recovered":
        return f"• {name}: recovered (failing since {iso_time(scope.failing_since)})"
    error = f": {slack_escape(scope.error)}" if scope.error else ""
    return f"• {name}: failing since {iso_time(scope.failing_since)}{error}"


def _failure_line(failure: FailedDocument) -> str:
    locator = _code(_cut(failure.locator, _LOCATOR_CHARS))
    return (
        f"• `{_code(failure.source)}` ({_code(failure.target)}) `{locator}`: {slack_escape(failure.reason)}"
    )


def _code(text: str) -> str:
    # Inside a code span a backtick would end it: shown as a quote instead.
    return slack_escape(text.replace("`", "'"))


def _bounded(lines: list[str], left_out: int = 0) -> str:
    """``lines`` joined within a section's limit: lines that do not fit are counted as left out."""
    kept: list[str] = []
    size = 0
    for position, line in enumerate(lines):
        more = left_out + len(lines) - position
        room = SLACK_SECTION_CHARS - size - len(f"\n… and {more} more") - 1
        if len(line) > room:
            kept.append(f"… and {more} more")
            return "\n".join(kept)
        kept.append(line)
        size += len(line) + 1
    if left_out:
        kept.append(f"… and {left_out} more")
    return "\n".join(kept)


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
