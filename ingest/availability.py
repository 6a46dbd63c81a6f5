"""Which Fin surfaces may use a piece of content: the AI Agent, Copilot, and Fin for sales.

One value type for every place that speaks of it: a source's defaults, a document's own front
matter (``ai_agent: false``), what a request sets, and what state knows a remote page holds.
A flag that is ``None`` is not said: a default applies, the request leaves it as it is, or
nobody knows what the remote page holds. It imports nothing of fin-ingest, so state, the
planner and the targets can all read it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Final

#: The front matter keys a document sets its own availability with, as the source's keys are named.
FRONT_MATTER_KEYS: Final = ("ai_agent", "ai_copilot", "ai_sales_agent")


@dataclass(frozen=True, slots=True)
class Availability:
    """Fin (the AI Agent), Copilot and Fin for sales: may each use the content? ``None``: not said."""

    ai_agent: bool | None = None
    ai_copilot: bool | None = None
    ai_sales_agent: bool | None = None

    def over(self, defaults: Availability) -> Availability:
        """This availability where it says something, ``defaults`` where it does not."""
        return Availability(
            *(
                own if own is not None else default
                for own, default in zip(self.as_tuple(), defaults.as_tuple(), strict=True)
            )
        )

    def differences(self, held: Availability) -> Availability:
        """The flags of this (wanted) availability that ``held`` does not hold, or does not know."""
        return Availability(
            *(
                wanted if wanted is not None and wanted != current else None
                for wanted, current in zip(self.as_tuple(), held.as_tuple(), strict=True)
            )
        )

    def only(self, *names: str) -> Availability:
        """The flags named, the others not said."""
        return Availability(**{name: getattr(self, name) for name in names})

    def as_tuple(self) -> tuple[bool | None, bool | None, bool | None]:
        return (self.ai_agent, self.ai_copilot, self.ai_sales_agent)

    def is_empty(self) -> bool:
        """Nothing is said."""
        return self.as_tuple() == (None, None, None)

    def said(self) -> dict[str, bool]:
        """The flags that are said, by name."""
        return {
            field.name: value for field in fields(self) if (value := getattr(self, field.name)) is not None
        }


#: Nothing said.
UNSAID: Final = Availability()
#: What a withdrawn page holds (``on_delete = "withdraw"``): no Fin surface may use it.
WITHDRAWN: Final = Availability(ai_agent=False, ai_copilot=False, ai_sales_agent=False)


def declared_availability(metadata: Mapping[str, object]) -> Availability:
    """What a document's front matter says of its own availability (``ai_agent: false``).

    Raises ValueError, in one sentence naming the key, for a value that is not a boolean.
    """
    values: dict[str, bool] = {}
    for key in FRONT_MATTER_KEYS:
        if key not in metadata:
            continue
        value = metadata[key]
        if not isinstance(value, bool):
            raise ValueError(f"front matter {key} must be true or false, not {value!r}")
        values[key] = value
    return Availability(**values)
