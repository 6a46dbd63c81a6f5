"""Page bytes to UTF-8: the declared charset, else UTF-8, else charset-normalizer's best guess.

Confluence writes UTF-8 and says so in a ``<meta>`` tag, but exports pass through other
tools (a re-save in an editor, an old server with a legacy default) before they reach us.
"""

from __future__ import annotations

import codecs
import re

_DECLARED = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]{1,40})""", re.IGNORECASE)
_SNIFF = 4096
_UTF8_BOM = codecs.BOM_UTF8
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


class UndecodableError(ValueError):
    """The bytes are in no encoding we can tell."""


def declared_charset(raw: bytes) -> str | None:
    """The codec named by the page's ``<meta charset>`` (normalised), if Python knows it."""
    match = _DECLARED.search(raw, 0, _SNIFF)
    if match is None:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None


def to_utf8(raw: bytes) -> tuple[bytes, str]:
    """``raw`` as UTF-8 bytes, and the encoding it was read as.

    Raises :class:`UndecodableError` when neither the declared charset, UTF-8 nor
    detection gives text.
    """
    if raw.startswith(_UTF8_BOM):
        raw = raw[len(_UTF8_BOM) :]
    elif raw.startswith(_UTF16_BOMS):
        try:
            return raw.decode("utf-16").encode("utf-8"), "utf-16"
        except UnicodeDecodeError as exc:
            raise UndecodableError(
                f"it starts with a UTF-16 byte order mark but is not UTF-16: {exc}"
            ) from exc
    declared = declared_charset(raw)
    if declared is not None and declared != "utf-8":
        try:
            return raw.decode(declared).encode("utf-8"), declared
        except UnicodeDecodeError:
            pass  # the tag lies (a re-saved file keeps its old <meta>): try what the bytes say
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _detect(raw, exc)
    return raw, "utf-8"


def _detect(raw: bytes, utf8_error: UnicodeDecodeError) -> tuple[bytes, str]:
    # Imported here: only the rare non-UTF-8 page pays for loading the detector.
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None or not best.encoding:
        raise UndecodableError(
            f"it is not UTF-8 ({utf8_error.reason} at byte {utf8_error.start}) "
            "and its encoding cannot be detected"
        )
    return str(best).encode("utf-8"), best.encoding
