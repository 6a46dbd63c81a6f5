"""A secret found in a document: where, by which detector, and a fingerprint; never the secret."""

from __future__ import annotations

from dataclasses import dataclass

#: Hex characters of detect-secrets' SHA-1 of a secret a fingerprint keeps (64 bits).
FINGERPRINT_LENGTH = 16


@dataclass(frozen=True, slots=True)
class SecretFinding:
    """One secret in one document.

    ``line`` is 1-based in the source file (front matter included), None when the secret is
    only in what the page shows of other files (an include, an embed). ``detector`` is the
    plugin's secret type (``"AWS Access Key"``). ``fingerprint`` is the first
    :data:`FINGERPRINT_LENGTH` hex characters of detect-secrets' ``hashed_secret``: enough to
    tell findings apart and to allow one in front matter, while a report never carries the
    whole hash a baseline holds (see the README's "Secret scanning" on why).
    """

    locator: str
    line: int | None
    detector: str
    fingerprint: str

    def describe(self) -> str:
        """One phrase for a summary line or a log: where, what, which."""
        where = f"line {self.line}" if self.line is not None else "included content"
        return f"{where}: {self.detector} (fingerprint {self.fingerprint})"
