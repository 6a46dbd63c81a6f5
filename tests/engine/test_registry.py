"""Connector discovery through the ``ingest.connectors`` entry-point group."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from pydantic import AliasChoices, AliasPath, ConfigDict, Field

from connectors import factories
from connectors.filesystem import FilesystemConnector, FilesystemOptions
from connectors.git import GitRepoConnector
from ingest import registry
from ingest.catalog import describe_connectors
from ingest.connector import ConnectorOptions
from ingest.errors import ConfigError
from ingest.registry import (
    GROUP,
    available,
    check_options_boundary,
    common_keys,
    installed,
    load_connector,
    url_variables,
)
from ingest.settings import SourceSettings


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


def test_an_options_model_that_is_not_connector_options_is_refused() -> None:
    """options_model must derive from ConnectorOptions (unknown keys are errors, values frozen)."""
    entries = {"odd": entry("odd", "tests.testing.toys:NotConnectorOptions")}
    with pytest.raises(
        ConfigError, match=r"options_model .*PlainModel.* is not a subclass of ConnectorOptions"
    ):
        load_connector("odd", entries)


def test_a_factory_that_cannot_be_called_is_refused() -> None:
    """Something with an options_model that cannot build a connector is refused by name."""
    entries = {"odd": entry("odd", "tests.engine.test_registry:NOT_CALLABLE")}
    with pytest.raises(ConfigError, match=r"connector 'odd' \(.*\) is not callable"):
        load_connector("odd", entries)


class _OptionsOnly:
    options_model = FilesystemOptions


#: Has an options model but cannot be called to build a connector.
NOT_CALLABLE = _OptionsOnly()


def test_an_option_named_like_a_common_key_is_refused_in_one_sentence() -> None:
    """A connector option that [sources.<name>] would keep for itself is refused when the connector loads."""
    entries = {"colliding": entry("colliding", "tests.testing.toys:CollidingOption")}
    with pytest.raises(ConfigError) as raised:
        load_connector("colliding", entries)
    assert str(raised.value) == (
        "connector 'colliding' declares option 'url', which collides with the common key 'url' of "
        "[sources.<name>]: that key is fin-ingest's, so the option could never reach the connector; rename it"
    )


def test_an_alias_colliding_with_a_common_key_is_refused_too() -> None:
    """The boundary holds for the key a user writes, so a field aliased to a common key is refused."""

    class Aliased(ConnectorOptions):
        source_targets: str = Field("x", alias="targets")

    with pytest.raises(
        ConfigError, match="declares option 'source_targets', which collides with the common key 'targets'"
    ):
        check_options_boundary("aliased", Aliased)
    check_options_boundary("filesystem", FilesystemOptions)  # no collision: no error


def test_an_option_named_like_a_target_table_is_refused_in_one_sentence() -> None:
    """``[sources.<name>.articles]`` is the articles target's table, never a connector option: an option
    named ``articles`` could not be set (the key is taken as the table, or refused when the source has
    no articles target), so it is refused when the connector loads."""

    class Tabled(ConnectorOptions):
        path: str = "docs"
        articles: bool = Field(False, description="Also read the articles folder.")

    with pytest.raises(ConfigError) as raised:
        check_options_boundary("tabled", Tabled)
    assert str(raised.value) == (
        "connector 'tabled' declares option 'articles', which collides with the [sources.<name>.articles] "
        "table of the articles target: that key is fin-ingest's, so the option could never reach the "
        "connector; rename it"
    )
    # What would happen otherwise: the key never reaches the connector.
    settings = SourceSettings.model_validate(
        {"connector": "tabled", "targets": ["articles"], "articles": {"help_center_id": 1}}
    )
    assert "articles" not in settings.connector_keys()


def test_the_boundary_holds_for_the_keys_an_option_is_read_under() -> None:
    """What counts is the key a user writes, as pydantic reads it: an option whose Python name is a
    common key but which is read under another key can be set; one read through an ``AliasPath``
    starting at a common key cannot."""

    class Renamed(ConnectorOptions):
        url: str = Field("https://wiki.example.com", validation_alias="wiki_url")

    check_options_boundary("renamed", Renamed)  # its key is wiki_url: no collision

    class AlsoByName(ConnectorOptions):
        model_config = ConfigDict(populate_by_name=True)

        url: str = Field("https://wiki.example.com", alias="wiki_url")

    with pytest.raises(ConfigError, match="declares option 'url', which collides with the common key 'url'"):
        check_options_boundary("also-by-name", AlsoByName)

    class Nested(ConnectorOptions):
        host: str = Field("example.com", validation_alias=AliasChoices("host", AliasPath("url", "host")))

    with pytest.raises(ConfigError, match="declares option 'host', which collides with the common key 'url'"):
        check_options_boundary("nested", Nested)


def test_common_keys_are_the_fields_of_source_settings() -> None:
    """The common keys are derived from SourceSettings, so a key added there is guarded at once
    (a target's table is guarded apart, with its own sentence)."""
    assert common_keys() == frozenset(SourceSettings.model_fields)
    assert {"connector", "targets", "url", "include", "exclude", "url_template"} <= common_keys()


def test_url_variables_default_to_none() -> None:
    """A factory naming no url_variables fills only {path}."""
    assert url_variables(FilesystemConnector) == frozenset()
    assert url_variables(GitRepoConnector) >= {"ref", "commit"}


def test_the_factories_module_names_every_built_in_entry_point() -> None:
    """connectors/factories.py (mypy checks it against ConnectorFactory) covers each built-in entry point."""
    built_in = {ep.name for ep in installed() if ep.dist is not None and ep.dist.name == "fin-ingest"}
    assert built_in == {"filesystem", "confluence_export", "git", "notion_export"}
    for name in built_in:
        assert getattr(factories, name) is load_connector(name)


def install_distribution(site: Path, name: str, version: str, entries: dict[str, str]) -> None:
    """A distribution's metadata as pip leaves it in site-packages: enough for entry points."""
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    lines = "".join(f"{key} = {value}\n" for key, value in entries.items())
    (info / "entry_points.txt").write_text(f"[{GROUP}]\n{lines}")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder on sys.path where test distributions are installed; the registry reads it afresh."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    registry._registered.cache_clear()
    yield folder
    monkeypatch.undo()
    registry._registered.cache_clear()


def test_a_name_two_packages_register_is_refused_naming_both(site: Path) -> None:
    """Two installed packages registering one connector name: which one a source gets is not left to the
    order of sys.path (a plugin could silently replace a built-in); the name is refused, naming both."""
    install_distribution(site, "notes-a", "1.0", {"notes": "connectors.filesystem:FilesystemConnector"})
    install_distribution(site, "notes-b", "2.0", {"notes": "connectors.git:GitRepoConnector"})
    install_distribution(site, "my-fs", "0.1", {"filesystem": "connectors.git:GitRepoConnector"})
    with pytest.raises(ConfigError) as raised:
        load_connector("notes")
    assert str(raised.value) == (
        "connector 'notes' is registered by 2 packages (notes-a 1.0: "
        "connectors.filesystem:FilesystemConnector; notes-b 2.0: connectors.git:GitRepoConnector): "
        "uninstall all but one"
    )
    with pytest.raises(
        ConfigError, match=r"connector 'filesystem' is registered by 2 packages \(.*fin-ingest"
    ):
        load_connector("filesystem")
    assert load_connector("git") is GitRepoConnector  # the others are unaffected
    listed = [(info.name, info.package, info.error) for info in describe_connectors()]
    assert sorted((name, package) for name, package, _ in listed if name in ("notes", "filesystem")) == [
        ("filesystem", "fin-ingest"),
        ("filesystem", "my-fs"),
        ("notes", "notes-a"),
        ("notes", "notes-b"),
    ]
    assert all(
        error is not None and "registered by 2 packages" in error
        for name, _, error in listed
        if name in ("notes", "filesystem")
    )
