"""The plugin names configuration checks are exactly detect-secrets' own and ours."""

from __future__ import annotations

import inspect

from detect_secrets import plugins as library_plugins
from detect_secrets.plugins.base import BasePlugin
from detect_secrets.util.importlib import import_types_from_package

from ingest.secret_scan import catalog
from ingest.secret_scan import plugins as our_plugins


def _concrete(kind: object) -> bool:
    return inspect.isclass(kind) and issubclass(kind, BasePlugin) and not inspect.isabstract(kind)


def test_built_in_names_are_the_library_plugins() -> None:
    found = {
        kind.__name__
        for kind in import_types_from_package(library_plugins, filter=lambda x: not _concrete(x))
    }
    assert found == set(catalog.BUILT_IN)


def test_our_names_are_the_plugins_module() -> None:
    ours = {
        name
        for name, kind in vars(our_plugins).items()
        if _concrete(kind) and kind.__module__ == our_plugins.__name__
    }
    assert ours == set(catalog.OURS)
    assert catalog.OFF_BY_DEFAULT <= catalog.ALL
