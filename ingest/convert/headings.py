"""Heading ids, so that ``page#anchor`` links land on the heading they name.

Every heading gets the id its site gives it (:meth:`LinkBuilder.heading_id`: the dialect's
rule, else GitHub's), unique on the page. A Markdown heading may set its own with an attribute
list after its text, ``## Setup {#install}`` (also ``{: #install .class }``), which is honoured
and removed from the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it.token import Token

from ingest.convert.links import LinkBuilder
from ingest.sites.slugs import unique

_ATTRIBUTE = r'(?:#[\w:.+-]+|\.[\w-]+|[\w-]+=(?:"[^"\n]*"|[^\s}]+))'
# An attribute list closing a heading's text: ``{#id}``, ``{ #id .class }``, ``{: #id key=value }``.
_ATTRIBUTE_LIST = re.compile(
    rf"[ \t]*\{{:?[ \t]*(?P<attributes>{_ATTRIBUTE}(?:[ \t]+{_ATTRIBUTE})*)[ \t]*\}}[ \t]*$"
)
_ID = re.compile(r"(?:^|[ \t])#(?P<id>[\w:.+-]+)")


def custom_id(text: str) -> tuple[str, str | None] | None:
    """``(text without it, the id it sets or None)`` when ``text`` ends with an attribute list
    (``{#id .class key=value}``: classes and keys are dropped, no site shows them as text); else
    None."""
    match = _ATTRIBUTE_LIST.search(text)
    if match is None:
        return None
    found = _ID.search(match["attributes"])
    return text[: match.start()], found["id"] if found is not None else None


def plain_text(children: Sequence[Token]) -> str:
    """The text of an inline token's children: text, code, image alt text, line breaks as spaces."""
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(plain_text(child.children or []))
    return "".join(parts)


def assign_markdown_ids(tokens: Sequence[Token], links: LinkBuilder) -> None:
    """Give every ``heading_open`` token of ``tokens`` an ``id``, unique on the page: the one its
    attribute list sets (removed from its text), else the site's for its text."""
    taken: set[str] = set()
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or index + 1 >= len(tokens):
            continue
        inline = tokens[index + 1]
        wanted = _strip_custom_id(inline)
        text = plain_text(inline.children or [])
        heading_id = unique(wanted, taken) if wanted else links.heading_id(text, taken)
        if heading_id:
            token.attrs["id"] = heading_id
            taken.add(heading_id)


def _strip_custom_id(inline: Token) -> str | None:
    children = inline.children or []
    if not children or children[-1].type != "text":
        return None
    found = custom_id(children[-1].content)
    if found is None:
        return None
    children[-1].content, wanted = found[0].rstrip(), found[1]
    if not children[-1].content:
        del children[-1]
    inline.content = (custom_id(inline.content) or (inline.content, None))[0].rstrip()
    return wanted
