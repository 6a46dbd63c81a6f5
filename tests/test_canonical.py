"""The canonical JSON encoding: what every payload hash and request body is computed from.

The pinned values were computed by the encoder as it stood before it moved to one module:
a change to any of them would change every stored hash, and every page would be sent again.
"""

from __future__ import annotations

from typing import Any

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


def test_the_payload_digest_is_what_it_always_was() -> None:
    """A payload hashes to the value stored by every earlier version."""
    assert payload_digest(PAYLOAD) == PAYLOAD_DIGEST


def test_a_request_body_is_encoded_as_it_always_was() -> None:
    """Sorted keys, compact separators, UTF-8 left unescaped."""
    assert encode_json(PAYLOAD) == PAYLOAD_JSON.encode("utf-8")
