"""Which dialects there are, found by name and imported only when a source uses one.

Like connectors, a dialect is named by ``module:Class`` and imported on use, so a source
reading plain Markdown loads none of them: ``site = "auto"`` tells a dialect's sources by their
paths through :mod:`ingest.sites.recognition` and imports only the dialect it finds. A dialect
whose module is not installed is passed over by ``site = "auto"`` and refused, in one sentence,
when a source names it.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Collection, Mapping
from types import MappingProxyType
from typing import cast

from ingest.errors import ConnectorError
from ingest.sites import recognition
from ingest.sites.contract import Dialect

#: Every dialect by name: ``module:Class``.
DIALECTS: Mapping[str, str] = MappingProxyType(
    {
        "plain": "ingest.sites.plain:PlainDialect",
        "hugo": "ingest.sites.hugo:HugoDialect",
        "docusaurus": "ingest.sites.docusaurus:DocusaurusDialect",
        "mkdocs": "ingest.sites.mkdocs:MkDocsDialect",
        "obsidian": "ingest.sites.obsidian:ObsidianDialect",
        "confluence": "ingest.sites.confluence:ConfluenceDialect",
    }
)

#: Config files in hidden folders (at a source's root or in a top-level folder) that dialects
#: read: a source's reader lists these, and only these, of what hidden folders hold.
HIDDEN_CONFIGS: tuple[str, ...] = (
    ".obsidian/templates.json",
    ".obsidian/plugins/templater-obsidian/data.json",
)

#: How a dialect's sources are told without importing it: the same function as its ``recognises``.
#: A dialect not listed is imported to be asked.
RECOGNISERS: Mapping[str, Callable[[Collection[str]], bool]] = MappingProxyType(
    {
        "hugo": recognition.is_hugo_site,
        "docusaurus": recognition.is_docusaurus_site,
        "mkdocs": recognition.is_mkdocs_site,
        "obsidian": recognition.is_obsidian_vault,
        "confluence": recognition.is_confluence_export,
    }
)

#: The order ``site = "auto"`` asks the dialects in; plain, which takes anything, comes last.
AUTO_ORDER: tuple[str, ...] = ("hugo", "docusaurus", "mkdocs", "obsidian", "confluence", "plain")


def installed(name: str) -> bool:
    """Whether the dialect ``name`` exists and its module is installed (nothing is imported)."""
    target = DIALECTS.get(name)
    if target is None:
        return False
    try:
        return importlib.util.find_spec(target.partition(":")[0]) is not None
    except (ImportError, ValueError):
        return False


def unavailable(name: str) -> str | None:
    """Why a source cannot use the dialect ``name`` (one sentence), or None when it can."""
    if name not in DIALECTS:
        return f"there is no {name!r} site dialect (known: {', '.join(sorted(DIALECTS))})"
    if not installed(name):
        module = DIALECTS[name].partition(":")[0]
        return f"the {name!r} site dialect is not available in this installation ({module} is not installed)"
    return None


def load_dialect(name: str) -> type[Dialect]:
    """The dialect class named ``name``; :class:`ConnectorError` in one sentence when it cannot be had."""
    reason = unavailable(name)
    if reason is not None:
        raise ConnectorError(reason)
    module_name, _, class_name = DIALECTS[name].partition(":")
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # a dialect that fails to import is named, never a traceback
        raise ConnectorError(
            f"the {name!r} site dialect failed to load: {type(exc).__name__}: {exc}"
        ) from exc
    dialect = getattr(module, class_name, None)
    if dialect is None:
        raise ConnectorError(f"the {name!r} site dialect failed to load: {module_name} has no {class_name}")
    return cast("type[Dialect]", dialect)


def detect(paths: Collection[str]) -> type[Dialect]:
    """The first installed dialect (in :data:`AUTO_ORDER`) that recognises a source holding
    ``paths``; plain when no other does."""
    paths = recognition.Listing(paths)  # the text every recogniser searches, joined once
    for name in AUTO_ORDER:
        if name == "plain" or not installed(name):
            continue
        recognises = RECOGNISERS.get(name) or load_dialect(name).recognises
        try:
            recognised = recognises(paths)
        except Exception as exc:
            raise ConnectorError(
                f"the {name!r} site dialect failed to look at the source: {type(exc).__name__}: {exc}"
            ) from exc
        if recognised:
            return load_dialect(name)
    return load_dialect("plain")
