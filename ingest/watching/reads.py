"""When the daemon last read each source's containers in Intercom, so that batches in between skip it.

A run reads its Content Import Source before writing (:mod:`ingest.targets.external_pages.sending`):
for a nightly run one request, for the daemon one request per batch, the largest part of a save's
way to the API after the debounce. The daemon reads it at most once per ``poll_seconds`` instead:
a batch within that time after a clean read writes without it. It stays what notices a source
deleted in Intercom or a revoked token within a poll: a batch that fails (an error, a refused
write) forgets the read, so the next one reads again; a refused token stops the daemon at the
first write anyway.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from ingest.config import Source
from ingest.engine import TargetFactory
from ingest.targets.base import Target, TrustsRemembered


class SourceReads:
    """Per source, when its containers were last read without a failure since (monotonic seconds)."""

    def __init__(self, every: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._every = every
        self._clock = clock
        self._read_at: dict[str, float] = {}

    def due(self, source: str) -> bool:
        """Whether the next batch of ``source`` must read its containers before writing."""
        read_at = self._read_at.get(source)
        return read_at is None or self._clock() - read_at >= self._every

    def read(self, source: str) -> None:
        """``source``'s containers were read just now, and what followed went well."""
        self._read_at[source] = self._clock()

    def forget(self, source: str) -> None:
        """Something failed: the next batch reads again."""
        self._read_at.pop(source, None)

    def targets(self, factory: TargetFactory) -> TargetFactory:
        """``factory``, whose targets skip the read while it is not due."""

        def build(source: Source) -> Sequence[Target]:
            targets = factory(source)
            if not self.due(source.name):
                for target in targets:
                    if isinstance(target, TrustsRemembered):
                        target.trust_remembered()
            return targets

        return build
