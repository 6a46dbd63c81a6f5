"""Reading one text document (Markdown, HTML or plain text) from its bytes.

Shared by connectors that find documents as files: the filesystem connector reads
them from disk, a git connector from blobs. Nothing here touches the filesystem, so
:func:`read_text_document` is pure and can run for every changed document.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from itertools import pairwise
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import Any, Final, NoReturn
from urllib.parse import urlsplit

import yaml
from bs4 import BeautifulSoup, SoupStrainer  # type: ignore[attr-defined]  # exported, not in __all__
from markdown_it import MarkdownIt

from ingest.document import BodyFormat, Failure, RelativePath, SkippedDocument, SourceDocument
from ingest.markdown_nesting import NestingTooDeep, limit_nesting

#: File suffixes (lower case) read as documents, and the format each one means.
SUPPORTED_SUFFIXES: Final[Mapping[str, BodyFormat]] = MappingProxyType(
    {
        ".md": BodyFormat.MARKDOWN,
        ".markdown": BodyFormat.MARKDOWN,
        ".html": BodyFormat.HTML,
        ".htm": BodyFormat.HTML,
        ".txt": BodyFormat.TEXT,
    }
)

#: Front matter keys this module consumes; every other key is passed on in ``metadata``.
_RESERVED_KEYS: Final = frozenset({"title", "external_id", "url", "skip"})

# Git's heuristic: a NUL byte near the start means binary.
_BINARY_SNIFF_BYTES: Final = 8 * 1024
_UTF8_BOM: Final = b"\xef\xbb\xbf"
_UTF16_BOMS: Final = (b"\xff\xfe", b"\xfe\xff")

_LINE_BREAK = re.compile(r"\r\n?")
_FRONT_MATTER_OPEN = re.compile(r"---[ \t]*(?:\n|$)")
_FRONT_MATTER_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)
# An ATX H1 on the first non-blank line is certainly the first H1; it saves a block parse.
_LEADING_ATX_H1 = re.compile(r"(?:[ \t]*\n)* {0,3}#(?:[ \t]+(?P<text>[^\n]*))?(?:\n|$)")
_ATX_CLOSING = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")

# Block rules only: headings and code blocks are found without parsing every paragraph's inline markup.
_MD_BLOCKS: Final = limit_nesting(MarkdownIt("commonmark").disable(["inline", "text_join"]))
_MD_INLINE: Final = MarkdownIt("commonmark")


#: Deeper front matter is refused: no real metadata comes close, and PyYAML composes recursively.
_MAX_FRONT_MATTER_DEPTH: Final = 32


class _Invalid(Exception):
    """A document that cannot be accepted; its message becomes the Failure's."""


class _Refused(yaml.MarkedYAMLError):
    """Valid YAML that front matter does not allow."""


class _FrontMatterLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` without aliases and with bounded nesting.

    Front matter never needs aliases, and they are the YAML bombs: ``&a [*a]`` refers to
    itself, and a few nested aliases expand to gigabytes once copied out as plain data.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        # check_event peeks at the node's first event, which is then the current_event.
        if self.check_event(yaml.AliasEvent):
            self._refuse(f"aliases such as *{self.current_event.anchor} are not allowed; write the value out")
        if self._depth >= _MAX_FRONT_MATTER_DEPTH:
            self._refuse(f"nested more than {_MAX_FRONT_MATTER_DEPTH} levels deep")
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def _refuse(self, problem: str) -> NoReturn:
        raise _Refused(problem=problem, problem_mark=self.current_event.start_mark)


def format_for(path: str) -> BodyFormat | None:
    """The format a document at ``path`` is read as, or ``None`` when it is not a document."""
    return SUPPORTED_SUFFIXES.get(PurePosixPath(path).suffix.lower())


def read_text_document(
    raw: bytes, *, path: RelativePath, fingerprint: str, modified: datetime | None
) -> SourceDocument | SkippedDocument | Failure:
    """Turn a document's bytes into a :class:`SourceDocument`.

    ``path`` is the source-relative POSIX path: it picks the format (by suffix), is the
    default ``external_id`` and the last resort for the title. Text must be UTF-8 (a
    BOM is accepted, CRLF and CR become LF). Markdown may open with YAML front matter
    (no aliases), which can set ``title``, pin ``external_id``, give ``url`` and
    ``skip: true`` the document; its other keys go to ``metadata`` (JSON-representable
    values only). The title is the front matter's, else the first H1 (HTML: else
    ``<title>``), else the file name. Anything wrong with the document is returned as a
    :class:`Failure`.
    """
    fmt = format_for(path)
    if fmt is None:
        return Failure(path, f"{path}: not a supported document type ({', '.join(SUPPORTED_SUFFIXES)})")
    try:
        text = _decode(raw, path)
        front: dict[str, Any] = {}
        body = text
        if fmt is BodyFormat.MARKDOWN:
            front, body = _split_front_matter(text, path)
        if front.get("skip") is True:
            return SkippedDocument(path, "front matter says skip")
        if front.get("skip") not in (None, False):
            raise _Invalid(f"{path}: front matter skip must be true or false")
        title = _front_title(front, path) or _body_title(body, fmt) or _title_from_name(path)
        external_id = _front_external_id(front, path) or path
        url = _front_url(front, path)
    except _Invalid as exc:
        return Failure(path, str(exc))
    except NestingTooDeep as exc:  # found looking for the title; the converter would refuse it too
        return Failure(path, f"{path}: {exc}")
    metadata = _jsonable_mapping({key: value for key, value in front.items() if key not in _RESERVED_KEYS})
    return SourceDocument(
        external_id=external_id,
        title=title,
        body=body,
        format=fmt,
        path=path,
        fingerprint=fingerprint,
        modified=modified,
        url=url,
        metadata=metadata,
    )


def _decode(raw: bytes, path: str) -> str:
    if raw.startswith(_UTF16_BOMS):
        raise _Invalid(f"{path}: UTF-16 text is not supported, save it as UTF-8")
    if b"\x00" in raw[:_BINARY_SNIFF_BYTES]:
        raise _Invalid(f"{path}: binary file, not a document")
    skipped = len(_UTF8_BOM) if raw.startswith(_UTF8_BOM) else 0
    try:
        text = raw[skipped:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Invalid(f"{path}: not valid UTF-8 at byte {exc.start + skipped}") from None
    return _LINE_BREAK.sub("\n", text)


def _split_front_matter(text: str, path: str) -> tuple[dict[str, Any], str]:
    opening = _FRONT_MATTER_OPEN.match(text)
    if opening is None:
        return {}, text
    closing = _FRONT_MATTER_CLOSE.search(text, opening.end())
    if closing is None:
        raise _Invalid(f"{path}: front matter opened on line 1 is never closed with '---'")
    source = text[opening.end() : closing.start()]
    try:
        loaded = _load_yaml(source)
    except _Refused as exc:
        raise _Invalid(f"{path}: front matter{_line_of(exc)}: {exc.problem}") from None
    except yaml.MarkedYAMLError as exc:
        raise _Invalid(
            f"{path}: front matter is not valid YAML{_line_of(exc)}: {exc.problem or exc}"
        ) from None
    except yaml.YAMLError as exc:
        raise _Invalid(f"{path}: front matter is not valid YAML: {exc}") from None
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        raise _Invalid(f"{path}: front matter must be a mapping of keys to values, not {_kind(loaded)}")
    body = text[closing.end() :]
    return loaded, body[1:] if body.startswith("\n") else body


def _load_yaml(source: str) -> Any:
    loader = _FrontMatterLoader(source)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _line_of(exc: yaml.MarkedYAMLError) -> str:
    mark = exc.problem_mark or exc.context_mark
    # +2: the YAML starts on the line after the opening '---', and marks count from 0.
    return f" at line {mark.line + 2}" if mark is not None else ""


def _front_title(front: Mapping[str, Any], path: str) -> str | None:
    value = front.get("title")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _Invalid(f"{path}: front matter title must be text, not {_kind(value)}")
    return _squash(_unicode(str(value), "title", path)) or None


def _front_external_id(front: Mapping[str, Any], path: str) -> str | None:
    if "external_id" not in front:
        return None
    value = front["external_id"]
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and value.strip():
        return _unicode(value.strip(), "external_id", path)
    raise _Invalid(f"{path}: front matter external_id must be a non-empty string or an integer")


def _front_url(front: Mapping[str, Any], path: str) -> str | None:
    value = front.get("url")
    if value is None:
        return None
    if isinstance(value, str):
        parts = urlsplit(value.strip())
        if parts.scheme in ("http", "https") and parts.netloc:
            return _unicode(value.strip(), "url", path)
    raise _Invalid(f"{path}: front matter url must be an absolute http(s) URL, got {value!r}")


def _unicode(value: str, key: str, path: str) -> str:
    try:
        return _join_surrogates(value)
    except UnicodeDecodeError as exc:
        unit = int.from_bytes(exc.object[exc.start : exc.start + 2], "little")
        raise _Invalid(
            f"{path}: front matter {key} holds \\u{unit:04x}, half of a UTF-16 surrogate pair "
            "without the other half, which is not a character"
        ) from None


def _join_surrogates(value: str) -> str:
    """``value`` with its surrogate pairs joined; UnicodeDecodeError if a lone surrogate is left.

    YAML's ``\\u`` escapes may spell a character as JSON does, as a surrogate pair
    (``"\\ud83d\\ude00"``); PyYAML keeps the two halves, and no UTF-8 text can hold them.
    """
    if value.isascii():
        return value
    return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le")


def _without_surrogates(value: str) -> str | None:
    try:
        return _join_surrogates(value)
    except UnicodeDecodeError:
        return None


def _body_title(body: str, fmt: BodyFormat) -> str | None:
    if fmt is BodyFormat.MARKDOWN:
        return _markdown_title(body)
    if fmt is BodyFormat.HTML:
        return _html_title(body)
    return None


def _markdown_title(body: str) -> str | None:
    leading = _LEADING_ATX_H1.match(body)
    if leading is not None and (title := _inline_text(_ATX_CLOSING.sub("", leading["text"] or ""))):
        return title
    tokens = _MD_BLOCKS.parse(body)
    for opening, inline in pairwise(tokens):
        if opening.type == "heading_open" and opening.tag == "h1" and (title := _inline_text(inline.content)):
            return title
    return None


def _inline_text(markdown: str) -> str:
    """The plain text of a line of inline Markdown: ``The **fast** way`` -> ``The fast way``."""
    if not markdown.strip():
        return ""
    parts: list[str] = []
    for block in _MD_INLINE.parseInline(markdown):
        for token in block.children or ():
            if token.type in ("text", "code_inline", "image"):
                parts.append(token.content)
            elif token.type in ("softbreak", "hardbreak"):
                parts.append(" ")
    return _squash("".join(parts))


def _html_title(body: str) -> str | None:
    soup = BeautifulSoup(body, "lxml", parse_only=SoupStrainer(["h1", "title"]))
    for name in ("h1", "title"):
        for element in soup.find_all(name):
            if text := _squash(element.get_text()):
                return text
    return None


def _title_from_name(path: str) -> str:
    name = PurePosixPath(path)
    return _squash(name.stem.replace("-", " ").replace("_", " ")) or name.name


def _squash(text: str) -> str:
    return " ".join(text.split())


_KINDS: Final = {dict: "a mapping", list: "a list", str: "text", int: "a number", float: "a number"}


def _kind(value: object) -> str:
    return "true/false" if isinstance(value, bool) else _KINDS.get(type(value), type(value).__name__)


_DROP: Final = object()


def _jsonable(value: object) -> object:
    """``value`` as plain JSON data (dates become ISO strings), or ``_DROP`` if it has no JSON form.

    Text that is not Unicode (a lone surrogate) has no JSON form either: it could not be sent.
    """
    if isinstance(value, str):
        text = _without_surrogates(value)
        return _DROP if text is None else text
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else _DROP
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [clean for item in value if (clean := _jsonable(item)) is not _DROP]
    if isinstance(value, dict):
        return _jsonable_mapping(value)
    return _DROP


def _jsonable_mapping(mapping: Mapping[object, object]) -> dict[str, object]:
    """``mapping``'s text keys with their values as :func:`_jsonable` gives them, dropping the rest."""
    return {
        text: clean
        for key, value in mapping.items()
        if isinstance(key, str)
        and (text := _without_surrogates(key)) is not None
        and (clean := _jsonable(value)) is not _DROP
    }
