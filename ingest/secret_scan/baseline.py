"""A detect-secrets baseline (``.secrets.baseline``, written by ``detect-secrets scan``): the
secrets a repository has accepted, by file, as detect-secrets hashes them."""

from __future__ import annotations

import json
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


class BaselineError(ValueError):
    """A baseline that cannot be read; the message says why in one sentence (without the path)."""


@dataclass(frozen=True, slots=True)
class Baseline:
    """Accepted secrets: per document path (relative to the source), detect-secrets' hashes."""

    accepted: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "accepted", MappingProxyType(dict(self.accepted)))

    def __reduce__(self) -> tuple[type[Baseline], tuple[dict[str, frozenset[str]]]]:
        return type(self), (dict(self.accepted),)  # to a conversion worker

    def accepts(self, path: str | None, hashed_secret: str) -> bool:
        """Whether the baseline accepts ``hashed_secret`` in ``path`` (None: in any file, for
        what a page shows of files it includes)."""
        if path is None:
            return any(hashed_secret in hashes for hashes in self.accepted.values())
        return hashed_secret in self.accepted.get(path, frozenset())


NO_BASELINE = Baseline()


def parse_baseline(raw: bytes, folder: str) -> Baseline:
    """The baseline in ``raw``, its file names taken relative to ``folder`` (the baseline's own
    folder in the source, ``""`` at its root), as ``detect-secrets scan`` writes them.

    A result a person marked as a real secret (``is_secret: true`` after ``detect-secrets
    audit``) accepts nothing."""
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"it is not JSON ({exc})") from None
    results = document.get("results") if isinstance(document, dict) else None
    if not isinstance(results, dict):
        raise BaselineError("it has no 'results' table; write it with `detect-secrets scan > FILE`")
    accepted: dict[str, frozenset[str]] = {}
    for filename, entries in results.items():
        if not isinstance(entries, list):
            raise BaselineError(f"its results for {filename!r} are not a list")
        hashes = frozenset(
            str(entry["hashed_secret"])
            for entry in entries
            if isinstance(entry, dict) and "hashed_secret" in entry and entry.get("is_secret") is not True
        )
        path = posixpath.normpath(posixpath.join(folder, str(filename).replace("\\", "/")))
        accepted[path] = accepted.get(path, frozenset()) | hashes
    return Baseline(accepted)
