"""Finds connectors through the ``ingest.connectors`` entry-point group.

Built-in connectors are registered in this project's ``pyproject.toml`` in the same
group a separate package would use, so there is one path for both. A connector is
imported only when a configured source uses it (or ``ingest connectors`` describes it).

Loading checks what the type checker cannot see in a plugin: the entry point names
something callable with an ``options_model`` derived from
:class:`~ingest.connector.ConnectorOptions`, whose options do not collide with the keys
every ``[sources.<name>]`` table has (see :func:`common_keys`) or with a target's own table.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from typing import Any, TypeGuard

from pydantic import AliasChoices, AliasPath, BaseModel

from ingest.connector import ConnectorFactory, ConnectorOptions
from ingest.errors import ConfigError
from ingest.settings import SourceSettings, target_table_keys

GROUP = "ingest.connectors"


@cache
def _registered() -> tuple[EntryPoint, ...]:
    return tuple(entry_points(group=GROUP))


def _installed() -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in _registered()}


def installed(entries: Mapping[str, EntryPoint] | None = None) -> list[EntryPoint]:
    """The registered entry points (not imported), sorted by connector name; a name several
    packages register is there once for each of them."""
    found = list(entries.values()) if entries is not None else list(_registered())
    return sorted(found, key=lambda entry: entry.name)


def shared_name(name: str) -> str | None:
    """Why ``name`` cannot be used when several installed packages register it, else None.

    Which of them the entry points would give depends on the order of ``sys.path``, so a plugin
    could silently replace a built-in connector, or another plugin: the name is refused instead.
    """
    owners = [entry for entry in _registered() if entry.name == name]
    if len(owners) < 2:
        return None
    listed = "; ".join(
        f"{entry.dist.name} {entry.dist.version}: {entry.value}" if entry.dist else entry.value
        for entry in owners
    )
    return f"connector {name!r} is registered by {len(owners)} packages ({listed}): uninstall all but one"


def available(entries: Mapping[str, EntryPoint] | None = None) -> list[str]:
    """Names of the connectors that can be configured, sorted."""
    return sorted(entries if entries is not None else _installed())


def load_connector(name: str, entries: Mapping[str, EntryPoint] | None = None) -> ConnectorFactory[Any]:
    """The connector registered as ``name``, imported and checked now; a ConfigError names what went wrong.

    Its options type is ``Any`` here: the engine builds it only from options its own
    ``options_model`` validated, a link the type checker cannot follow through a registry.
    """
    found = entries if entries is not None else _installed()
    entry = found.get(name)
    if entry is None:
        known = ", ".join(available(found)) or "none installed"
        raise ConfigError(f"unknown connector {name!r} (available: {known})")
    shared = shared_name(name) if entries is None else None
    if shared is not None:
        raise ConfigError(shared)
    return load_entry_point(entry)


def load_entry_point(entry: EntryPoint) -> ConnectorFactory[Any]:
    """Import the connector ``entry`` names and check it, as :func:`load_connector` does."""
    label = f"connector {entry.name!r} ({entry.value})"
    try:
        factory = entry.load()
    except Exception as exc:  # any import failure of a plugin is the user's one-line error
        raise ConfigError(f"{label} failed to load: {exc}") from exc
    model = getattr(factory, "options_model", None)
    if model is None:
        raise ConfigError(f"{label} has no options_model")
    if not (isinstance(model, type) and issubclass(model, ConnectorOptions)):
        raise ConfigError(f"{label}: its options_model {model!r} is not a subclass of ConnectorOptions")
    if not _is_factory(factory):
        raise ConfigError(f"{label} is not callable: it must build a connector from its options")
    check_options_boundary(entry.name, model)
    return factory


def _is_factory(value: object) -> TypeGuard[ConnectorFactory[Any]]:
    model = getattr(value, "options_model", None)
    return callable(value) and isinstance(model, type) and issubclass(model, ConnectorOptions)


def common_keys() -> frozenset[str]:
    """The keys of ``[sources.<name>]`` that fin-ingest reads itself; every other key is a connector option.

    Derived from :class:`~ingest.settings.SourceSettings`, so a key added there is covered. A
    target's table (``articles``) is fin-ingest's too: see :func:`~ingest.settings.target_table_keys`.
    """
    return frozenset(_accepted_keys(SourceSettings))


def check_options_boundary(connector: str, options_model: type[BaseModel]) -> None:
    """Refuse an options model with an option named like a common key or a target's table: that
    option could never be set."""
    common, tables = common_keys(), target_table_keys()
    for field_name, accepted in sorted(_accepted_keys_by_field(options_model).items()):
        clash = sorted(accepted & common)
        table = sorted(accepted & tables)
        if clash:
            what = f"the common key {clash[0]!r} of [sources.<name>]"
        elif table:
            what = f"the [sources.<name>.{table[0]}] table of the {table[0]} target"
        else:
            continue
        raise ConfigError(
            f"connector {connector!r} declares option {field_name!r}, which collides with {what}: that "
            "key is fin-ingest's, so the option could never reach the connector; rename it"
        )


def url_variables(factory: object) -> frozenset[str]:
    """The placeholders a factory fills in ``url_template`` besides ``{path}`` (none when it names none)."""
    names = getattr(factory, "url_variables", ())
    return frozenset(name for name in names if isinstance(name, str))


def _accepted_keys(model: type[BaseModel]) -> set[str]:
    return set().union(*_accepted_keys_by_field(model).values())


def _accepted_keys_by_field(model: type[BaseModel]) -> dict[str, set[str]]:
    """Per field, every top-level key pydantic reads it from: its validation alias (each choice;
    an ``AliasPath``'s first key), else its alias, and its name when it has neither or the model
    also validates by name."""
    config = model.model_config
    by_name = bool(config.get("populate_by_name") or config.get("validate_by_name"))
    keys: dict[str, set[str]] = {}
    for name, info in model.model_fields.items():
        alias = info.validation_alias if info.validation_alias is not None else info.alias
        choices = alias.choices if isinstance(alias, AliasChoices) else [] if alias is None else [alias]
        accepted = {key for choice in choices if (key := _first_key(choice)) is not None}
        if not accepted or by_name:
            accepted.add(name)
        keys[name] = accepted
    return keys


def _first_key(alias: str | AliasPath) -> str | None:
    first = alias.path[0] if isinstance(alias, AliasPath) else alias
    return first if isinstance(first, str) else None
