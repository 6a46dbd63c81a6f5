"""What a target may read of its source's own keys, as a Protocol the source's settings satisfy.

Targets are declared below the configuration (``ingest.settings`` reads the registry), so
they name the keys they use here instead of importing the settings model.
"""

from __future__ import annotations

from typing import Protocol

from ingest.availability_rules import AvailabilityRules


class SourceKeys(Protocol):
    """**Protocol**: the keys of ``[sources.<name>]`` that shape what a target sends."""

    @property
    def url(self) -> str | None:
        """The Content Import Source's root URL."""
        ...

    @property
    def ai_agent(self) -> bool:
        """Whether Fin (AI Agent) may answer from the source's content."""
        ...

    @property
    def ai_copilot(self) -> bool:
        """Whether Copilot may answer from the source's content."""
        ...

    @property
    def ai_sales_agent(self) -> bool:
        """Whether Fin for sales may answer from the source's content."""
        ...

    def availability_rules(self) -> AvailabilityRules:
        """The source's availability rules (``[[sources.<name>.availability]]``), in order."""
        ...

    @property
    def audiences(self) -> tuple[str, ...] | None:
        """Names of the audiences the Content Import Source's pages are for (None: not managed)."""
        ...

    @property
    def audience_ids(self) -> tuple[int, ...] | None:
        """The same by id (None: not managed)."""
        ...

    @property
    def create_audiences(self) -> bool:
        """Whether an audience named in ``audiences`` that is missing is created."""
        ...
