"""What one document may cost to convert: its size, its time, how deep its markup nests.

A document past a limit fails alone, with a :class:`DocumentLimitExceeded` naming the limit and
the key that sets it; the rest of the run syncs. The time budget is checked at checkpoints in
the converter's own loops (and in the Markdown parser's rules), so it fires only where the
converter is working; every pass is linear in its input, so a document within the size budget
reaches a checkpoint soon. A worker that can be killed outright is a process pool's job: it
raises the same exception with the same message.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

#: Largest document body, and largest HTML it may convert to, in UTF-8 bytes: 5 MiB. Intercom
#: documents no limit on a page's ``html``; a request body past 10 MiB is refused by proxies in
#: front of APIs like it (and by the emulator), and JSON escaping of an HTML page's quotes and
#: newlines adds up to a few percent, so 5 MiB leaves room to spare.
DEFAULT_MAX_DOCUMENT_BYTES: Final = 5 * 1024 * 1024
#: Seconds one document may take to convert: 30 s. Any real page within the size budget takes
#: well under 2 s on a busy machine.
DEFAULT_MAX_CONVERT_SECONDS: Final = 30.0
#: Elements nested in one another beyond which an HTML document is refused: libxml2 (which
#: reads every HTML here) reads no deeper, and no editor writes pages anywhere near it.
MAX_HTML_DEPTH: Final = 2048

Clock = Callable[[], float]


class DocumentLimitExceeded(ValueError):
    """A document past one of its limits; the message names the limit and its key."""


class DocumentTooLarge(DocumentLimitExceeded):
    """A document (or the HTML it converts to) larger than ``max_document_bytes``."""


class ConversionTooSlow(DocumentLimitExceeded):
    """A document whose conversion took longer than ``max_convert_seconds``."""


class NestedTooDeeply(DocumentLimitExceeded):
    """Markup nested deeper than the converter reads it whole."""


@dataclass(frozen=True, slots=True)
class DocumentLimits:
    """The size and time one document may take (``[sources.<name>]`` keys of the same names)."""

    max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES
    max_convert_seconds: float = DEFAULT_MAX_CONVERT_SECONDS

    def check_size(self, text: str, what: str) -> None:
        """Raise :class:`DocumentTooLarge` when ``text`` (``what``: "the document", "its HTML")
        is larger than ``max_document_bytes`` in UTF-8."""
        # A character is at most 4 bytes: most texts are settled without encoding them.
        if len(text) * 4 <= self.max_document_bytes:
            return
        size = len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
        if size > self.max_document_bytes:
            raise DocumentTooLarge(
                f"{what} is {_mib(size)}, more than the {_mib(self.max_document_bytes)} "
                "max_document_bytes allows"
            )

    def too_slow(self) -> ConversionTooSlow:
        """The error of a conversion past ``max_convert_seconds`` (a budget that ran out, a
        worker process killed at it)."""
        return too_slow(self.max_convert_seconds)

    def budget(self, clock: Clock = time.monotonic) -> Budget:
        """A time budget of ``max_convert_seconds`` starting now."""
        return Budget(self.max_convert_seconds, clock)


@dataclass(slots=True)
class Budget:
    """The time one conversion has left; :meth:`check` at each checkpoint."""

    seconds: float
    clock: Clock = time.monotonic
    _deadline: float = field(init=False)

    def __post_init__(self) -> None:
        self._deadline = self.clock() + self.seconds

    def check(self) -> None:
        """Raise :class:`ConversionTooSlow` once the budget is spent."""
        if self.clock() > self._deadline:
            raise too_slow(self.seconds)


def too_slow(seconds: float) -> ConversionTooSlow:
    """The error of a conversion that took longer than ``seconds``, naming the key that sets it."""
    return ConversionTooSlow(f"converting took longer than the {seconds:g} s max_convert_seconds allows")


#: A budget that never runs out, for callers that convert without limits (previews, tests).
def unlimited() -> Budget:
    return Budget(float("inf"))


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB" if size >= 1024 * 1024 else f"{size:,} bytes"
