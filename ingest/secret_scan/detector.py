"""Lines of text through detect-secrets, with the plugins a source uses.

detect-secrets keeps its settings in one process-wide object; this module configures it once
per set of plugins (a run's sources mostly share one) rather than per document, in whichever
process converts (the event loop's, or a conversion worker).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from detect_secrets.core.scan import _process_line_based_plugins
from detect_secrets.filters.allowlist import is_line_allowlisted
from detect_secrets.plugins.base import BasePlugin, RegexBasedDetector
from detect_secrets.settings import (
    cache_bust,
    configure_settings_from_baseline,
    get_filters,
    get_plugins,
    get_settings,
)
from detect_secrets.util.code_snippet import get_code_snippet

from ingest.secret_scan import catalog

_PLUGINS_FILE: Final = Path(__file__).with_name("plugins.py")
_FILTERS: Final = tuple(
    f"{Path(__file__).with_name('filters.py').as_uri()}::{name}"
    for name in ("is_placeholder_credential", "is_private_key_without_material", "is_example_jwt")
)
_PRAGMA_FILTER: Final = "detect_secrets.filters.allowlist.is_line_allowlisted"

#: The plugins a source uses unless it says otherwise.
DEFAULT_PLUGINS: Final = catalog.DEFAULT_ON

_configured: frozenset[str] | None = None
#: For the configured plugins, when every one is a plain regex plugin: each pattern, as searched
#: over a whole text (``^``/``$`` at every line) and as the plugin applies it to a line. None:
#: some plugin reads lines its own way (keyword, entropy), so every line goes to detect-secrets.
_patterns: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] | None = None


@dataclass(frozen=True, slots=True)
class Detected:
    """A secret a plugin found on a line: its type, detect-secrets' hash of it, and whether the
    line (or the one before) carries the allow-list pragma."""

    line: int
    detector: str
    hashed_secret: str
    pragma: bool


def use_plugins(names: frozenset[str]) -> None:
    """Configure detect-secrets with exactly the plugins ``names`` (class names of
    :mod:`ingest.secret_scan.catalog`), unless it already is."""
    global _configured, _patterns
    if _configured == names:
        return
    cache_bust()
    plugins = [
        {"name": name, "path": _PLUGINS_FILE.as_uri()} if name in catalog.OURS else {"name": name}
        for name in sorted(names)
    ]
    configure_settings_from_baseline({"plugins_used": plugins})
    settings = get_settings()
    # The pragma is read here (a finding it allows still tells what an included copy may show).
    settings.disable_filters(_PRAGMA_FILTER)
    settings.filters.update({path: {} for path in _FILTERS})
    get_filters.cache_clear()
    _configured = names
    _patterns = _regex_patterns(get_plugins())


def _regex_patterns(plugins: list[Any]) -> tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] | None:
    if not all(
        isinstance(plugin, RegexBasedDetector) and type(plugin).analyze_line is BasePlugin.analyze_line
        for plugin in plugins
    ):
        return None
    return tuple(
        (re.compile(pattern.pattern, pattern.flags | re.MULTILINE), pattern)
        for plugin in plugins
        for pattern in plugin.denylist
    )


def detect(lines: list[str], filename: str) -> Iterator[Detected]:
    """Each secret the configured plugins find in ``lines`` (numbered from 1).

    detect-secrets calls every plugin on every line through its dependency injection, ten times
    the cost of converting the page. With regex plugins only, the lines it sees are those one of
    their patterns matches (a superset of where any can find a secret), each with the lines
    around it for its filters' context; the findings are the same."""
    if _patterns is None:
        yield from _detect_in(lines, range(len(lines)), filename)
        return
    text = "\n".join(lines)
    live = [per_line for whole, per_line in _patterns if whole.search(text)]
    if live:
        candidates = [index for index, line in enumerate(lines) if any(p.search(line) for p in live)]
        yield from _detect_in(lines, candidates, filename)


def _detect_in(lines: list[str], indexes: Iterable[int], filename: str) -> Iterator[Detected]:
    everything = isinstance(indexes, range)
    for index in [0] if everything else indexes:
        start = 0 if everything else max(0, index - 1)
        window = lines if everything else lines[start : index + 2]
        for secret in _process_line_based_plugins(lines=list(enumerate(window, start=1)), filename=filename):
            number = start + int(secret.line_number)
            if not everything and number != index + 1:
                continue  # a neighbour, there for the filters' context: found as a candidate if at all
            snippet = get_code_snippet(lines=lines, line_number=number)
            yield Detected(
                line=number,
                detector=str(secret.type),
                hashed_secret=str(secret.secret_hash),
                pragma=bool(is_line_allowlisted(filename, lines[number - 1], snippet)),
            )


def hashes_in(findings: Iterable[Detected]) -> frozenset[str]:
    """The hashes of ``findings``."""
    return frozenset(found.hashed_secret for found in findings)
