"""detect-secrets filters for what docs hold and no one could use: placeholders.

detect-secrets imports this file by path (``filters_used``), so it imports nothing of the
project. Measured on real docs (benchmarks/secret_scan_measure.py): without these, a proxy
example (``https://user:pass@proxy``) or a key's header with no key under it
(``-----BEGIN PRIVATE KEY-----\\nXXXX``) and jwt.io's sample token (FastAPI's OAuth2 tutorial, in
every translation) were all of the false positives of the plugins on by default.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import time
from typing import Any
from urllib.parse import unquote

#: Passwords docs write in examples. A real one that happens to be a bare word here is a weak
#: password the keyword plugin (when a source turns it on) still reports.
_PLACEHOLDERS = frozenset(
    {
        "pass", "password", "passwd", "pwd", "pw", "secret", "changeme", "example", "test",
        "user", "username", "token", "mypassword", "yourpassword", "dbpassword", "admin",
        "root", "postgres", "mysql", "redis", "guest", "foo", "bar", "foobar", "abc", "abc123",
        "123", "1234", "12345", "123456", "pa", "pas", "p", "x", "dummy", "sample", "placeholder",
    }
)  # fmt: skip
_REPEATED = re.compile(r"^(.)\1*$")
_FRAMED = re.compile(r"^(?:<[^>]*>|\[[^\]]*\]|\{[^}]*\}|\$\{?\w+\}?|%\w+%|:\w+)$")
_KEY_MATERIAL = re.compile(r"[A-Za-z0-9+/=]{40,}")
_URL_CREDENTIAL_TYPES = frozenset({"Basic Auth Credentials", "Database URL with password"})


def is_placeholder_credential(secret: str, plugin: Any) -> bool:
    """A URL's password that is an example: a word from the placeholder list (percent-decoded,
    punctuation aside), one character repeated (``xxxx``, ``****``), or a framed name
    (``<password>``, ``${DB_PASS}``, ``:password``)."""
    if getattr(plugin, "secret_type", None) not in _URL_CREDENTIAL_TYPES:
        return False
    value = unquote(secret).strip()
    word = re.sub(r"[^a-z0-9]", "", value.lower())
    return (
        word in _PLACEHOLDERS
        or bool(_REPEATED.match(value))
        or bool(_FRAMED.match(value))
        or "password" in word
        or word.startswith(("your", "my"))
    )


def is_private_key_without_material(plugin: Any, context: Any) -> bool:
    """A private key's header with no key under it (on its line, escaped, nor on the line after):
    an example of the format, not a key."""
    if getattr(plugin, "secret_type", None) != "Private Key":
        return False
    after = context.lines[context.target_index : context.target_index + 2]
    return not any(_KEY_MATERIAL.search(line) for line in after)


#: The claims of the sample token jwt.io shows (and tutorials copy): no one's credential.
_SAMPLE_CLAIMS = {"sub": "1234567890", "name": "John Doe"}


def is_example_jwt(secret: str, plugin: Any) -> bool:
    """A JSON Web Token that grants nothing: jwt.io's sample (its claims), or one expired
    (``exp`` in the past). A token that cannot be decoded stays a finding."""
    if getattr(plugin, "secret_type", None) != "JSON Web Token":
        return False
    parts = secret.split(".")
    if len(parts) < 2:
        return False
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (binascii.Error, ValueError):
        return False
    if not isinstance(claims, dict):
        return False
    if all(claims.get(key) == value for key, value in _SAMPLE_CLAIMS.items()):
        return True
    expiry = claims.get("exp")
    return isinstance(expiry, int | float) and expiry < time.time()
