"""Connector discovery through the ``ingest.connectors`` entry-point group."""

from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

from connectors.filesystem import FilesystemConnector
from ingest.errors import ConfigError
from ingest.registry import GROUP, available, load_connector


def entry(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=GROUP)


def test_builtin_filesystem_is_registered_like_a_plugin() -> None:
    """The filesystem connector is found through the installed entry points."""
    assert "filesystem" in available()
    assert load_connector("filesystem") is FilesystemConnector


def test_a_third_party_entry_point_is_loaded_on_use() -> None:
    """A connector from another package is imported only when asked for."""
    entries = {"fs": entry("fs", "connectors.filesystem:FilesystemConnector")}
    assert available(entries) == ["fs"]
    assert load_connector("fs", entries) is FilesystemConnector


def test_unknown_connector_lists_the_known_ones() -> None:
    """An unknown name is a ConfigError that lists what is available."""
    with pytest.raises(ConfigError, match=r"unknown connector 'wiki' \(available: fs\)"):
        load_connector("wiki", {"fs": entry("fs", "connectors.filesystem:FilesystemConnector")})


def test_a_plugin_that_fails_to_import_is_one_named_error() -> None:
    """A broken plugin becomes one ConfigError naming it, not a traceback."""
    entries = {"wiki": entry("wiki", "no_such_package.wiki:Wiki")}
    with pytest.raises(ConfigError, match=r"connector 'wiki' \(no_such_package.wiki:Wiki\) failed to load"):
        load_connector("wiki", entries)


def test_an_entry_point_that_is_not_a_connector_is_refused() -> None:
    """Something without an options_model is refused by name."""
    with pytest.raises(ConfigError, match="has no options_model"):
        load_connector("odd", {"odd": entry("odd", "json:dumps")})
