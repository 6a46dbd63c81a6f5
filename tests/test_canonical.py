"""The canonical JSON encoding: what every payload hash and request body is computed from.

The pinned values were computed by the encoder as it stood before it moved to one module:
a change to any of them would change every stored hash, and every page would be sent again.
"""

from __future__ import annotations

from typing import Any

import pytest

from ingest.canonical import canonical_json, digest
from ingest.intercom.models import encode_json
from ingest.targets.base import payload_digest

PAYLOAD: dict[str, Any] = {
    "title": 'Café ☕ "quoted"',
    "html": "<p>x</p>\n",
    "numbers": [1, 2.5, -0.0, 10**20],
    "flags": [True, False, None],
    "nested": {"z": 1, "a": "é", "m": {}},
}
PAYLOAD_DIGEST = "d2bc78ff8568af6bcf2e93358e2bf5068e4174428d2066fc5e704972db26ccfa"
PAYLOAD_JSON = (
    '{"flags":[true,false,null],"html":"<p>x</p>\\n","nested":{"a":"é","m":{},"z":1},'
    '"numbers":[1,2.5,-0.0,100000000000000000000],"title":"Café ☕ \\"quoted\\""}'
)


def test_the_digest_is_what_it_always_was() -> None:
    """A payload hashes to the value stored by every earlier version."""
    assert digest(PAYLOAD) == PAYLOAD_DIGEST


def test_the_text_is_sorted_compact_and_unescaped() -> None:
    """Sorted keys, compact separators, UTF-8 left unescaped."""
    assert canonical_json(PAYLOAD) == PAYLOAD_JSON


def test_key_order_does_not_change_the_digest() -> None:
    """Equal values built in a different order hash the same."""
    assert digest(dict(reversed(PAYLOAD.items()))) == PAYLOAD_DIGEST


def test_the_targets_hash_and_the_client_sends_the_same_encoding() -> None:
    """The targets' payload hash and the client's request bytes are this encoding, not a copy of it."""
    assert payload_digest(PAYLOAD) == PAYLOAD_DIGEST
    assert encode_json(PAYLOAD) == PAYLOAD_JSON.encode("utf-8")


def test_a_value_json_cannot_express_is_refused() -> None:
    """A set has no JSON form: an error, never a silently different hash."""
    with pytest.raises(TypeError):
        digest({"tags": {"a", "b"}})
