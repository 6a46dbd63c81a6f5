"""Finds connectors through the ``ingest.connectors`` entry-point group.

Built-in connectors are registered in this project's ``pyproject.toml`` in the same
group a separate package would use, so there is one path for both. A connector is
imported only when a configured source uses it.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import EntryPoint, entry_points

from ingest.connector import ConnectorFactory
from ingest.errors import ConfigError

GROUP = "ingest.connectors"


@cache
def _installed() -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=GROUP)}


def available(entries: dict[str, EntryPoint] | None = None) -> list[str]:
    """Names of the connectors that can be configured, sorted."""
    return sorted(entries if entries is not None else _installed())


def load_connector(name: str, entries: dict[str, EntryPoint] | None = None) -> ConnectorFactory:
    """The connector registered as ``name``, imported now; a ConfigError names what went wrong."""
    found = entries if entries is not None else _installed()
    entry = found.get(name)
    if entry is None:
        known = ", ".join(available(found)) or "none installed"
        raise ConfigError(f"unknown connector {name!r} (available: {known})")
    try:
        factory = entry.load()
    except Exception as exc:  # any import failure of a plugin is the user's one-line error
        raise ConfigError(f"connector {name!r} ({entry.value}) failed to load: {exc}") from exc
    if not hasattr(factory, "options_model"):
        raise ConfigError(f"connector {name!r} ({entry.value}) has no options_model")
    return factory  # type: ignore[no-any-return]
