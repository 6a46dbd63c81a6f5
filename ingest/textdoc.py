"""Reading one text document (Markdown, HTML or plain text) from its bytes.

Shared by connectors that find documents as files: the filesystem connector reads
them from disk, a git connector from blobs. Nothing here touches the filesystem, so
:func:`read_text_document` is pure and can run for every changed document.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from itertools import pairwise
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from ingest.document import BodyFormat, Failure, RelativePath, SkippedDocument, SourceDocument
from ingest.frontmatter import ALL_FORMATS, FrontMatterError, FrontMatterFormat, kind, split
from ingest.markdown_nesting import NestingTooDeep, limit_nesting

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

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
# An ATX H1 on the first non-blank line is certainly the first H1; it saves a block parse.
_LEADING_ATX_H1 = re.compile(r"(?:[ \t]*\n)* {0,3}#(?:[ \t]+(?P<text>[^\n]*))?(?:\n|$)")
_ATX_CLOSING = re.compile(r"(?:^|[ \t]+)#+[ \t]*$")


# The parsers are built on first use: loading a connector (as reading the configuration does)
# or a run whose documents are all unchanged needs neither markdown-it nor BeautifulSoup.
@cache
def _markdown_blocks() -> MarkdownIt:
    """Block rules only: headings and code blocks are found without parsing every paragraph's
    inline markup."""
    from markdown_it import MarkdownIt

    return limit_nesting(MarkdownIt("commonmark").disable(["inline", "text_join"]))


@cache
def _markdown_inline() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


class _Invalid(Exception):
    """A document that cannot be accepted; its message becomes the Failure's."""


def format_for(path: str) -> BodyFormat | None:
    """The format a document at ``path`` is read as, or ``None`` when it is not a document."""
    # PurePosixPath(path).suffix, without building a path: called for every file of a source.
    name = path.rpartition("/")[2]
    dot = name.rfind(".")
    return SUPPORTED_SUFFIXES.get(name[dot:].lower()) if dot > 0 else None


def read_text_document(
    raw: bytes, *, path: RelativePath, fingerprint: str, modified: datetime | None
) -> SourceDocument | SkippedDocument | Failure:
    """Turn a document's bytes into a :class:`SourceDocument`.

    ``path`` is the source-relative POSIX path: it picks the format (by suffix), is the
    default ``external_id`` and the last resort for the title. Text must be UTF-8 (a
    BOM is accepted, CRLF and CR become LF). Markdown may open with YAML front matter
    (no aliases), which can set ``title``, pin ``external_id``, give ``url`` and
    ``skip: true`` the document; its other keys go to ``metadata`` (JSON-representable
    values only). A site-relative ``url`` (``/guides/setup/``) is no link on its own: it
    stays in ``metadata``. The title is the front matter's, else the first H1 (HTML: else
    ``<title>``), else the file name. Anything wrong with the document is returned as a
    :class:`Failure`.
    """
    fmt = format_for(path)
    if fmt is None:
        return Failure(path, f"{path}: not a supported document type ({', '.join(SUPPORTED_SUFFIXES)})")
    formats: tuple[FrontMatterFormat, ...] = ("yaml",) if fmt is BodyFormat.MARKDOWN else ()
    text = decode_document(raw, path)
    if isinstance(text, Failure):
        return text
    split_up = split_front_matter(text, path, formats=formats)
    if isinstance(split_up, Failure):
        return split_up
    front, body, _ = split_up
    fields = front_fields(front, path)
    if not isinstance(fields, FrontFields):
        return fields
    try:
        title = fields.title or _body_title(body, fmt) or title_from_name(path)
    except NestingTooDeep as exc:  # found looking for the title; the converter would refuse it too
        return Failure(path, f"{path}: {exc}")
    return SourceDocument(
        external_id=fields.external_id or path,
        title=title,
        body=body,
        format=fmt,
        path=path,
        fingerprint=fingerprint,
        modified=modified,
        url=fields.url,
        metadata=metadata_of(front, fields),
        source=text,
    )


def decode_document(raw: bytes | str, path: RelativePath) -> str | Failure:
    """A document's text as :func:`split_front_matter` reads it (UTF-8, BOM dropped, LF line
    ends): what the secret scan counts lines in. Undecodable bytes are a :class:`Failure`."""
    try:
        return _decode(raw, path) if isinstance(raw, bytes) else _LINE_BREAK.sub("\n", raw)
    except _Invalid as exc:
        return Failure(path, str(exc))


def split_front_matter(
    raw: bytes | str, path: RelativePath, *, formats: Collection[FrontMatterFormat] = ALL_FORMATS
) -> tuple[dict[str, Any], str, FrontMatterFormat | None] | Failure:
    """``(front matter, body, its format)`` of a page, decoded as :func:`read_text_document`
    decodes (bytes: UTF-8, BOM dropped, LF line ends): YAML between ``---`` lines, TOML between
    ``+++`` lines, or a JSON object first, among ``formats``. Front matter is held to the same
    limits whatever its form (no YAML aliases, nesting at most 32 deep, a mapping); a page
    opening with none has ``({}, text, None)``. Anything wrong is a :class:`Failure` naming
    ``path``."""
    try:
        text = _decode(raw, path) if isinstance(raw, bytes) else _LINE_BREAK.sub("\n", raw)
        return split(text, formats)
    except _Invalid as exc:
        return Failure(path, str(exc))
    except FrontMatterError as exc:
        return Failure(path, f"{path}: {exc}")


@dataclass(frozen=True, slots=True)
class FrontFields:
    """The front matter keys fin-ingest itself reads, checked."""

    #: The page's title, or None when the front matter gives none.
    title: str | None = None
    #: The identity the front matter pins (``external_id``), or None: the path.
    external_id: str | None = None
    #: An absolute http(s) ``url``, or None.
    url: str | None = None
    #: A ``url`` without a scheme (``/commands/hugo/``): where the page is on its site.
    site_path: str | None = None
    #: ``skip: true``.
    skip: bool = False


def front_fields(front: Mapping[str, Any], path: RelativePath) -> FrontFields | SkippedDocument | Failure:
    """The ``title``, ``external_id``, ``url`` and ``skip`` of ``front``; ``skip: true`` is a
    :class:`SkippedDocument`, a value of the wrong kind a :class:`Failure` naming the key."""
    try:
        if front.get("skip") is True:
            return SkippedDocument(path, "front matter says skip")
        if front.get("skip") not in (None, False):
            raise _Invalid(f"{path}: front matter skip must be true or false")
        url, site_path = _front_url(front, path)
        return FrontFields(_front_title(front, path), _front_external_id(front, path), url, site_path)
    except _Invalid as exc:
        return Failure(path, str(exc))


def metadata_of(front: Mapping[str, Any], fields: FrontFields) -> dict[str, object]:
    """The front matter's other keys, JSON-representable values only; a site-relative ``url``
    no link was made of is kept among them."""
    used = _RESERVED_KEYS if fields.site_path is None else _RESERVED_KEYS - {"url"}
    return _jsonable_mapping({key: value for key, value in front.items() if key not in used})


def document_title(body: str, fmt: BodyFormat, path: RelativePath) -> str:
    """The title a page without a front matter title gets: its first H1 (HTML: else ``<title>``),
    else its file name. Raises :class:`~ingest.markdown_nesting.NestingTooDeep` for Markdown
    nested too deeply to parse."""
    return _body_title(body, fmt) or title_from_name(path)


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


def _front_url(front: Mapping[str, Any], path: str) -> tuple[str | None, str | None]:
    value = front.get("url")
    if value is None:
        return None, None
    if isinstance(value, str):
        cleaned = value.strip()
        parts = urlsplit(cleaned)
        if parts.scheme in ("http", "https") and parts.netloc:
            return _unicode(cleaned, "url", path), None
        if cleaned and not parts.scheme and not parts.netloc:
            return None, _unicode(cleaned, "url", path)
    raise _Invalid(
        f"{path}: front matter url must be an absolute http(s) URL or a path on the site, "
        f"got {_url_kind(value)}"
    )


def _url_kind(value: object) -> str:
    """What a refused ``url`` is, never the value: it fails before the secret scan sees it."""
    if not isinstance(value, str):
        return _kind(value)
    parts = urlsplit(value.strip())
    if not value.strip():
        return "nothing"
    if parts.scheme in ("http", "https"):
        return f"an {parts.scheme}: URL without a host"
    return f"a {parts.scheme}: URL" if parts.scheme.isascii() and parts.scheme.isalnum() else "neither"


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
    tokens = _markdown_blocks().parse(body)
    for opening, inline in pairwise(tokens):
        if opening.type == "heading_open" and opening.tag == "h1" and (title := _inline_text(inline.content)):
            return title
    return None


def _inline_text(markdown: str) -> str:
    """The plain text of a line of inline Markdown: ``The **fast** way`` -> ``The fast way``."""
    if not markdown.strip():
        return ""
    parts: list[str] = []
    for block in _markdown_inline().parseInline(markdown):
        for token in block.children or ():
            if token.type in ("text", "code_inline", "image"):
                parts.append(token.content)
            elif token.type in ("softbreak", "hardbreak"):
                parts.append(" ")
    return _squash("".join(parts))


def _html_title(body: str) -> str | None:
    from bs4 import BeautifulSoup, SoupStrainer  # type: ignore[attr-defined]  # exported, not in __all__

    soup = BeautifulSoup(body, "lxml", parse_only=SoupStrainer(["h1", "title"]))
    for name in ("h1", "title"):
        for element in soup.find_all(name):
            if text := _squash(element.get_text()):
                return text
    return None


def title_from_name(path: str) -> str:
    """A title made of a file's name: ``getting-started.md`` -> ``getting started``."""
    name = PurePosixPath(path)
    return _squash(name.stem.replace("-", " ").replace("_", " ")) or name.name


def _squash(text: str) -> str:
    return " ".join(text.split())


def _kind(value: object) -> str:
    return kind(value)


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


def _jsonable_mapping(mapping: Mapping[Any, object]) -> dict[str, object]:
    """``mapping``'s text keys with their values as :func:`_jsonable` gives them, dropping the rest."""
    return {
        text: clean
        for key, value in mapping.items()
        if isinstance(key, str)
        and (text := _without_surrogates(key)) is not None
        and (clean := _jsonable(value)) is not _DROP
    }


def jsonable(mapping: Mapping[Any, object]) -> dict[str, object]:
    """``mapping`` as plain JSON data: text keys only, dates as ISO strings, values with no JSON
    form (and text that is not Unicode) dropped; as front matter goes to ``metadata``."""
    return _jsonable_mapping(mapping)
