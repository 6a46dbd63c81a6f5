"""Lines of text through detect-secrets, with the plugins a source uses.

detect-secrets keeps its settings in one process-wide object; this module configures it once
per set of plugins (a run's sources mostly share one) rather than per document, in whichever
process converts (the event loop's, or a conversion worker).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from detect_secrets.core.scan import _process_line_based_plugins
from detect_secrets.filters.allowlist import is_line_allowlisted
from detect_secrets.settings import cache_bust, configure_settings_from_baseline, get_filters, get_settings
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
    global _configured
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


def detect(lines: list[str], filename: str, first_line: int = 1) -> Iterator[Detected]:
    """Each secret the configured plugins find in ``lines`` (numbered from ``first_line``)."""
    numbered = list(enumerate(lines, start=first_line))
    for secret in _process_line_based_plugins(lines=numbered, filename=filename):
        number = int(secret.line_number)
        line = lines[number - first_line]
        snippet = get_code_snippet(lines=lines, line_number=number - first_line + 1)
        yield Detected(
            line=number,
            detector=str(secret.type),
            hashed_secret=str(secret.secret_hash),
            pragma=bool(is_line_allowlisted(filename, line, snippet)),
        )


def hashes_in(findings: Iterable[Detected]) -> frozenset[str]:
    """The hashes of ``findings``."""
    return frozenset(found.hashed_secret for found in findings)
