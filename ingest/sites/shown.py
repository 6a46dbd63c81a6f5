"""Front matter a site's theme shows on its pages, as Markdown above the page's body.

A docs theme often shows more than a page's body: front matter ``description`` as a lead
paragraph, a function's signatures and return type under "Syntax" and "Returns". Readers see
that text, so Fin should read it: the source option ``shown_front_matter`` names those fields
(:class:`~ingest.sites.contract.ShownField`), and :func:`show_front_matter` wraps any dialect's
site so that every page it prepares carries them, in order, above its body (below a leading
``# Title``, which the converter reads as the page's title). The same fields fold into the
structure digest, so changing the option re-reads every page; only those whose text changed
are sent again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from ingest.document import BodyFormat
from ingest.sites.contract import (
    CrossPageReads,
    NotAPage,
    PageProblem,
    PreparedPage,
    Role,
    ShownField,
    Site,
    SiteDependencies,
    SiteLinks,
)
from ingest.textdoc import format_for

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]<>#!|~])")
_BACKTICKS = re.compile(r"`+")
_LEADING_HTML_H1 = re.compile(r"\A\s*<h1\b.*?</h1\s*>", re.IGNORECASE | re.DOTALL)


# Built on first use, so that loading a connector (reading the configuration) loads no parser.
@cache
def _first_block_parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


@cache
def _html_renderer() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


def shown_markdown(front: Mapping[str, Any], fields: Sequence[ShownField]) -> str:
    """The Markdown the theme shows for ``fields`` of a page whose front matter is ``front``:
    each field that has text, in order, its label as a bold line above it; Markdown text as
    paragraphs, code as a code block; a list one item per line. Empty when none has text."""
    blocks: list[str] = []
    for shown in fields:
        items = _texts(_value(front, shown.field))
        if not items:
            continue
        label = shown.plural_label if len(items) > 1 and shown.plural_label else shown.label
        if label:
            escaped = _MARKDOWN_PUNCTUATION.sub(r"\\\1", label.strip())
            blocks.append(f"**{escaped}**")
        if shown.style == "code":
            blocks.append(_code_block(items))
        else:
            blocks.extend(items)
    return "\n\n".join(blocks)


def listed_markdown(front: Mapping[str, Any], fields: Sequence[ShownField]) -> str:
    """What a section's list of its pages shows under the page whose front matter is ``front``:
    each field ``in_lists`` that has text, in order, its first item or all of them, unlabelled;
    Markdown text as paragraphs, code as a code block. Empty when none has text."""
    blocks: list[str] = []
    for shown in fields:
        items = _texts(_value(front, shown.field)) if shown.in_lists else []
        items = items[:1] if shown.in_lists == "first" else items
        if items:
            blocks.extend([_code_block(items)] if shown.style == "code" else items)
    return "\n\n".join(blocks)


def with_shown(body: str, shown: str, fmt: BodyFormat) -> str:
    """``body`` with ``shown`` (Markdown) above it, below the heading it opens with if any; for
    an HTML body, ``shown`` rendered as HTML."""
    if not shown:
        return body
    if fmt is BodyFormat.HTML:
        html = _html_renderer().render(shown)
        heading = _LEADING_HTML_H1.match(body)
        cut = heading.end() if heading is not None else 0
        return f"{body[:cut]}\n{html}{body[cut:]}"
    lines = body.split("\n")
    cut = _leading_h1_end(lines)
    head, rest = "\n".join(lines[:cut]), "\n".join(lines[cut:]).lstrip("\n")
    return f"{head}\n\n{shown}\n\n{rest}" if head else f"{shown}\n\n{rest}"


def show_front_matter(site: Site, fields: Sequence[ShownField]) -> Site:
    """``site``, its pages showing ``fields`` above their body; ``site`` itself when there are none."""
    if not fields:
        return site
    if isinstance(site, SiteDependencies):
        return ShowingDependentSite(site, site, tuple(fields))
    return ShowingSite(site, tuple(fields))


class ShowingSite:
    """Satisfies :class:`~ingest.sites.contract.Site`: another site whose pages show front matter."""

    def __init__(self, site: Site, fields: tuple[ShownField, ...]) -> None:
        self.dialect = site.dialect
        self._site = site
        self._fields = fields
        self._digest = hashlib.sha256(repr(fields).encode()).hexdigest()

    def role(self, path: str) -> Role:
        return self._site.role(path)

    def structure_digest(self, fingerprints: Mapping[str, str]) -> str:
        return f"{self._site.structure_digest(fingerprints)}+shown:{self._digest}"

    async def prepare(
        self, path: str, front: Mapping[str, Any], body: str
    ) -> PreparedPage | NotAPage | PageProblem:
        prepared = await self._site.prepare(path, front, body)
        fmt = format_for(path) or BodyFormat.MARKDOWN
        if not isinstance(prepared, PreparedPage) or fmt is BodyFormat.TEXT:
            return prepared
        shown = shown_markdown(front, self._fields)
        return dataclasses.replace(prepared, body=with_shown(prepared.body, shown, fmt))

    async def links(self) -> SiteLinks:
        return await self._site.links()


class ShowingDependentSite(ShowingSite):
    """A :class:`ShowingSite` of a site stating its dependencies (:class:`SiteDependencies`)."""

    def __init__(self, site: Site, dependencies: SiteDependencies, fields: tuple[ShownField, ...]) -> None:
        super().__init__(site, fields)
        self._dependencies = dependencies

    def listed_files(self, path: str) -> Collection[str]:
        return self._dependencies.listed_files(path)

    async def cross_page_reads(self) -> CrossPageReads:
        return await self._dependencies.cross_page_reads()


def _value(front: Mapping[str, Any], dotted: str) -> object:
    """The value at ``dotted`` (``params.signatures``) in ``front``; keys match exactly, else
    without regard to case (Hugo reads front matter keys so)."""
    value: object = front
    for key in dotted.split("."):
        if not isinstance(value, Mapping):
            return None
        if key in value:
            value = value[key]
            continue
        folded = key.casefold()
        value = next((item for name, item in value.items() if str(name).casefold() == folded), None)
    return value


def _texts(value: object) -> list[str]:
    """The text of a value: a scalar's, each item's of a list; maps and empty text are not shown."""
    if isinstance(value, list | tuple):
        return [text for item in value for text in _texts(item)]
    if isinstance(value, bool):
        return [str(value).lower()]
    if isinstance(value, datetime | date):
        return [value.isoformat()]
    if isinstance(value, str | int | float):
        text = str(value).strip()
        return [text] if text else []
    return []


def _code_block(lines: list[str]) -> str:
    text = "\n".join(lines)
    fence = "`" * max([3, *(len(run) + 1 for run in _BACKTICKS.findall(text))])
    return f"{fence}\n{text}\n{fence}"


def _leading_h1_end(lines: list[str]) -> int:
    """The line after the ``# Title`` (or setext title) ``lines`` open with; 0 when they open otherwise."""
    start = next((index for index, line in enumerate(lines) if line.strip()), len(lines))
    end = next((index for index in range(start, len(lines)) if not lines[index].strip()), len(lines))
    tokens = _first_block_parser().parse("\n".join(lines[start:end]))
    if tokens and tokens[0].type == "heading_open" and tokens[0].tag == "h1" and tokens[0].map:
        return start + tokens[0].map[1]
    return 0
