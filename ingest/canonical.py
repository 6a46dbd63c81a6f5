"""The one JSON encoding fin-ingest hashes and sends: equal values give equal text.

A payload's hash is compared with the one stored when it was last sent, so the encoding
must never drift: keys sorted, separators compact, non-ASCII kept as UTF-8. Request
bodies use the same text, so "the hash of what was sent" is the hash of the bytes sent.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(value: Any) -> str:
    """``value`` (anything :func:`json.dumps` takes) as canonical JSON text."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest(value: Any) -> str:
    """The SHA-256 (hex) of ``value``'s canonical JSON in UTF-8."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()
