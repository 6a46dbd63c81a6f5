"""How far a run's writes have got: the engine reports it, a front end shows it.

Kept apart from :mod:`ingest.report` so the engine can report progress without
importing the report, which presents the engine's results.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """**Protocol**: told how far a source's writes have got."""

    def start(self, source: str, total: int) -> None: ...

    def advance(self, source: str) -> None: ...

    def finish(self, source: str) -> None: ...


class NullProgress:
    """Progress for nobody (tests, the daemon)."""

    def start(self, source: str, total: int) -> None:
        pass

    def advance(self, source: str) -> None:
        pass

    def finish(self, source: str) -> None:
        pass
