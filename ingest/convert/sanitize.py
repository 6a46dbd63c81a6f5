"""The last pass every converted document takes: an explicit nh3 allow-list, then tidy whitespace.

Whatever the earlier stages missed, only the tags and attributes below leave this
module, and URLs only with an ``http``, ``https`` or ``mailto`` scheme (or none).
The allow-list matches what Intercom renders: headings, paragraphs, lists, tables,
code, quotes, links, images and simple emphasis.
"""

from __future__ import annotations

import re

import nh3

ALLOWED_TAGS = frozenset(
    {
        "a", "b", "blockquote", "br", "caption", "code", "dd", "del", "dl", "dt", "em",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p",
        "pre", "s", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "ul",
    }
)  # fmt: skip

ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "ol": {"start"},
    "code": {"class"},
    # Headings keep their id, so that a link to ``page#section`` lands on the section.
    **{f"h{level}": {"id"} for level in range(1, 7)},
}

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})

# Tags whose content is dropped along with them, even if an earlier pass missed them.
_DROP_WITH_CONTENT = frozenset(
    {
        "script", "style", "iframe", "object", "embed", "noscript", "svg", "math",
        "template", "textarea", "select", "title", "frame", "frameset", "applet",
    }
)  # fmt: skip

_LANGUAGE_CLASS = re.compile(r"language-[A-Za-z0-9_+#.\-]{1,40}")
_PRE_BLOCK = re.compile(r"(<pre\b.*?</pre>)", re.DOTALL)
_NEWLINE_RUN = re.compile(r"\n[ \t]*(?:\n[ \t]*)*")
_TRAILING_SPACE = re.compile(r"[ \t]+\n")
_EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>")
#: html5ever (nh3's parser) takes time in the square of the ampersands and no-break spaces of one
#: text: 5 MB of "a &amp; b" took minutes, in one call no time budget can look into. Texts longer
#: than this are cut by an empty ``<span>`` it drops (their output unchanged), read in linear time.
_TEXT_RUN = 2048
_LONG_TEXT = re.compile(rf"(?<=>)[^<]{{{_TEXT_RUN * 2},}}")  # after a tag: "<" and ">" in text are escaped
#: Where a text may be cut: before a character no entity (``&name;``, ``&#38;``) holds.
_CUT = re.compile(r"[^A-Za-z0-9#;]")


def _keep_language_class(tag: str, attribute: str, value: str) -> str | None:
    if tag == "code" and attribute == "class":
        # Only the first ``language-x`` class: it names the code's language, nothing else is needed.
        for name in value.split():
            if _LANGUAGE_CLASS.fullmatch(name):
                return name
        return None
    return value


def sanitize(html: str) -> str:
    """``html`` reduced to the allow-list, comments gone, links without a ``rel``.

    No ``rel`` is added: nothing here opens a new window (``target`` is not allowed),
    so ``noopener`` would change nothing and only add bytes to every page.
    """
    return nh3.clean(
        _LONG_TEXT.sub(_cut_text, html),
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(_DROP_WITH_CONTENT),
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_language_class,
        strip_comments=True,
        link_rel=None,
        url_schemes=set(ALLOWED_SCHEMES),
    )


def _cut_text(match: re.Match[str]) -> str:
    text, pieces, start = match.group(), [], 0
    while len(text) - start > 2 * _TEXT_RUN and (cut := _CUT.search(text, start + _TEXT_RUN)) is not None:
        pieces.append(text[start : cut.start()])
        start = cut.start()
    pieces.append(text[start:])
    return "<span></span>".join(pieces)


def tidy(html: str) -> str:
    """Normalise whitespace so equal content gives equal bytes.

    Line endings become ``\\n``, trailing spaces and empty paragraphs go (what is left
    of one whose content was removed), and outside ``<pre>`` indentation goes and runs
    of blank lines collapse to one newline; inside ``<pre>``, where spacing is content,
    only trailing spaces are touched.
    """
    html = html.replace("\r\n", "\n").replace("\r", "\n")
    parts = _PRE_BLOCK.split(html)
    for index in range(0, len(parts), 2):
        parts[index] = _NEWLINE_RUN.sub("\n", _EMPTY_PARAGRAPH.sub("", parts[index]))
    return _TRAILING_SPACE.sub("\n", "".join(parts) + "\n").strip()
