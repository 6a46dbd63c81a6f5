"""An alert as plain data: what failed or recovered, the counts and the first failures.

It is built only from names, counts, locators and one-line reasons (a secret finding as its
detector and fingerprint), so that no document content can reach a message; :func:`scrubbed`
blanks the token and the webhooks' URLs in whatever text it carries all the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from ingest.document import Failure

__all__ = ["REASON_CHARS", "Alert", "AlertEvent", "FailedDocument", "ScopeStatus", "reason_of", "scrubbed"]

AlertEvent = Literal["failure", "reminder", "recovery", "test"]
AlertOrigin = Literal["run", "watch", "test"]
#: A reason (a failure's message, a source's error) is cut to this many characters: a message is
#: for telling what broke, and a long reason is where document text could hide.
REASON_CHARS = 300
REDACTED = "[redacted]"


@dataclass(frozen=True)
class FailedDocument:
    """One document that failed: where, and why in one line."""

    source: str
    target: str
    locator: str
    reason: str


@dataclass(frozen=True)
class ScopeStatus:
    """A source (or the run before any source, ``name`` empty) in an alert."""

    name: str
    status: Literal["failing", "recovered"]
    #: When it started failing (epoch seconds); for a recovery, when the failure began.
    failing_since: float
    #: Why the source as a whole failed (its error), when it did; None when only documents failed.
    error: str | None = None


@dataclass(frozen=True)
class Alert:
    """One message to every webhook."""

    event: AlertEvent
    origin: AlertOrigin
    scopes: tuple[ScopeStatus, ...]
    time: float
    host: str
    version: str
    counts: Mapping[str, int] = field(default_factory=dict)
    failures: tuple[FailedDocument, ...] = ()
    #: Every failed document, of which ``failures`` lists the first.
    failures_total: int = 0
    exit_code: int | None = None


def reason_of(failure: Failure) -> str:
    """A failure's reason in one line: a secret as its detector and fingerprint, never more."""
    if failure.secrets:
        found = ", ".join(
            f"{finding.detector} (fingerprint {finding.fingerprint})" for finding in failure.secrets
        )
        return f"holds a secret: {found}"
    return one_line(failure.message)


def one_line(text: str) -> str:
    """The first line of ``text``, cut to :data:`REASON_CHARS`."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first if len(first) <= REASON_CHARS else first[: REASON_CHARS - 1] + "…"


def scrubbed(alert: Alert, secrets: Iterable[str]) -> Alert:
    """``alert`` with every occurrence of ``secrets`` (the token, the webhooks' URLs) blanked."""
    hidden = [secret for secret in secrets if len(secret) >= 4]
    if not hidden:
        return alert

    def clean(text: str) -> str:
        for secret in hidden:
            text = text.replace(secret, REDACTED)
        return text

    return replace(
        alert,
        scopes=tuple(
            replace(scope, name=clean(scope.name), error=None if scope.error is None else clean(scope.error))
            for scope in alert.scopes
        ),
        failures=tuple(
            FailedDocument(clean(f.source), clean(f.target), clean(f.locator), clean(f.reason))
            for f in alert.failures
        ),
    )
