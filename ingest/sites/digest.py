"""The structure digest most dialects need: what beyond a page's own text shapes it.

A page's links resolve against the set of pages, its includes read the partials, and the
site's config and the user's settings decide URLs and syntax. :func:`structure_digest` hashes
exactly those, so a page added, removed or renamed, a partial edited or the config changed
re-reads the pages, and nothing else does (a page's own edit changes only its fingerprint).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping

from ingest.sites.contract import Role, SiteSettings


def structure_digest(
    dialect: str,
    settings: SiteSettings,
    config_files: Iterable[str],
    fingerprints: Mapping[str, str],
    role: Callable[[str], Role],
) -> str:
    """A digest of ``settings``, the config files' fingerprints, every page's path and every
    partial's path and fingerprint (``fingerprints``: every file of the source, by path)."""
    digest = hashlib.sha256(f"{dialect}\0{settings!r}".encode())
    for path in config_files:
        digest.update(f"\0config\0{path}\0{fingerprints.get(path, '')}".encode())
    for path in sorted(fingerprints):
        kind = role(path)
        if kind is Role.PAGE:
            digest.update(f"\0page\0{path}".encode())
        elif kind is Role.PARTIAL:
            digest.update(f"\0partial\0{path}\0{fingerprints[path]}".encode())
    return digest.hexdigest()
