"""Every error fin-ingest raises on purpose, grouped by what the caller should do.

::

    IngestError                  the root: the CLI prints its message as one line
    ├── ConfigError              the configuration is wrong: fix it (exit 2)
    ├── LockedError              another ingest process holds the source (exit 2)
    ├── ConnectorError           a source cannot be read at all (exit 1 for that source)
    ├── DocumentError            one document cannot be sent as it is (a failure, the run goes on)
    ├── MassDeleteRefused        a run would delete too much; --allow-mass-delete (exit 1)
    ├── StorageError             the state, a lock or the report cannot be written: a full disk (exit 1)
    └── ApiError                 Intercom answered with an error (carries code, message, request_id)
        ├── AuthError            401/403: the token is wrong or lacks a permission (exit 2)
        ├── RetryableApiError    429, 5xx, timeouts, dropped connections: worth retrying
        │   └── RateLimitedError 429 with the time the window refills
        └── RejectedError        any other 4xx: this request will never succeed as it is
            ├── NotFoundError    404: what the request names does not exist (any more)
            └── ListCapError     a list goes on past what Intercom lists (10,000 External Pages)

aiohttp exceptions are translated into these inside ``ingest.intercom`` only.
"""

from __future__ import annotations


class IngestError(Exception):
    """Root of all errors fin-ingest raises on purpose."""


class ConfigError(IngestError):
    """The configuration is missing, malformed or inconsistent."""


class LockedError(IngestError):
    """Another ingest process is syncing the same source right now."""


class ConnectorError(IngestError):
    """A source (not one document) cannot be read."""


class DocumentError(IngestError):
    """One document cannot be sent as it is (e.g. a translation whose original has no article)."""


class MassDeleteRefused(IngestError):
    """A run would delete more than the allowed share of a source's pages."""


class StorageError(IngestError):
    """A file fin-ingest keeps (the state file, a lock file, the report) cannot be written: a full
    disk, a spent quota, an I/O error. Nothing is lost: what was recorded stays, the next run
    resumes once there is room."""


class ApiError(IngestError):
    """Intercom (or the emulator) answered with an ``error.list``, or not at all.

    ``code``, ``message`` and ``request_id`` are what Intercom support asks for.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
        field: str | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.api_message = message
        self.request_id = request_id
        self.field = field
        super().__init__(self._describe())

    def _describe(self) -> str:
        parts = [self.api_message]
        if self.field:
            parts.append(f"field {self.field}")
        if self.code:
            parts.append(f"code {self.code}")
        if self.status is not None:
            parts.append(f"HTTP {self.status}")
        if self.request_id:
            parts.append(f"request_id {self.request_id}")
        return parts[0] + (f" ({', '.join(parts[1:])})" if len(parts) > 1 else "")


class AuthError(ApiError):
    """401 or 403: retrying cannot help; the message says what to fix."""


class RetryableApiError(ApiError):
    """A transient failure: 5xx, a timeout or a dropped connection."""


class RateLimitedError(RetryableApiError):
    """429: the rate-limit window is spent until ``reset_at`` (UNIX seconds)."""

    def __init__(self, message: str, *, reset_at: float | None = None, **kwargs: object) -> None:
        self.reset_at = reset_at
        super().__init__(message, **kwargs)  # type: ignore[arg-type]


class RejectedError(ApiError):
    """Any other 4xx: the request is wrong and will not succeed if repeated."""


class NotFoundError(RejectedError):
    """404: what the request names does not exist (any more); deleting it again is done."""


class ListCapError(RejectedError):
    """A list goes on past the results Intercom lists (the External Page list stops at 10,000):
    what was read is not all there is, so reading on, or acting as if it were all, would be wrong."""


def ingest_error_in(group: BaseExceptionGroup[BaseException]) -> IngestError | None:
    """The first IngestError among ``group``'s leaves (a task group ends with every error of its
    tasks): the one a person is told, in one line, rather than a dump of the group."""
    found: BaseException | None = group.subgroup(lambda exc: isinstance(exc, IngestError))
    while isinstance(found, BaseExceptionGroup):
        found = found.exceptions[0]
    return found if isinstance(found, IngestError) else None
