"""A Hugo page's Markdown as its reader sees it: shortcodes rendered, includes inlined.

Shortcodes Hugo embeds (:mod:`.builtins`), those of the Hugo docs that sites copy
(:mod:`.docs`) and those of common docs themes (:mod:`.themes`) become standard Markdown: code
blocks, images, links, admonitions (``!!! note``), content tabs (``=== "x"``); a site's own
shortcode whose template is plain text is that text. Any other shortcode keeps its inner
content and is counted in ``unknown`` as ``shortcode:<name>``; an include that is missing or
includes itself is an :class:`IncludeProblem`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from typing import Any

from ingest.sites.budget import IncludeBudget
from ingest.sites.hugo import builtins, codetoggle, docs, text, themes
from ingest.sites.hugo.blocks import block, dedent, dotted, fence, href
from ingest.sites.hugo.content import ContentFile
from ingest.sites.hugo.context import Handler, Pages
from ingest.sites.hugo.frontmatter import FrontMatterError, split_front_matter
from ingest.sites.hugo.shortcodes import Code, Node, Shortcode, parse, source_of

_LINE_PREFIX = re.compile(r"[ \t>]*")
_REFERENCE_DEFINITION = re.compile(r"\s{0,3}\[[^\]]+\]:\s*$")
INCLUDES = ("include", "readfile", "content", "embed-md")
#: Shortcodes whose inner text is code: it is shown as written, nothing in it is rendered.
_CODE_LIKE = ("highlight", "code-toggle", "code", "hl")
_HANDLERS: dict[str, Handler] = {**themes.HANDLERS, **builtins.HANDLERS, **docs.HANDLERS}


class IncludeProblem(Exception):
    """An include that cannot be inlined: missing, or including itself."""


class Renderer:
    """Renders one page (and what it includes): the :class:`~.context.Context` of its shortcodes."""

    def __init__(self, pages: Pages, path: str, front: Mapping[str, Any], language: str) -> None:
        self.pages = pages
        self.front = front
        self.language = language
        self.unknown: Counter[str] = Counter()
        self.warnings: list[str] = []
        self._stack = [path]
        self._budget = IncludeBudget()

    @property
    def current_path(self) -> str:
        return self._stack[-1]

    async def render(self, body: str) -> str:
        return text.tidy(await self._nodes(parse(body)), self.pages.config, self._glossary_href)

    async def inner(self, node: Shortcode, prefix: str | None) -> str:
        if node.inner is None:
            return ""
        return dedent(await self._nodes(node.inner), prefix)

    async def include_file(self, item: ContentFile) -> str:
        if item.path in self._stack:
            return ""
        raw = await self.pages.text(item.path) or ""
        self._budget.charge(item.path, raw)
        try:
            _, body = split_front_matter(raw)
        except FrontMatterError:
            body = raw
        return await self._inlined(item.path, body)

    def term(self, term: str) -> ContentFile | None:
        glossary = self.pages.glossary(self.language)
        if glossary is None or not term:
            return None
        return next((glossary[1][key] for key in text.term_keys(term) if key in glossary[1]), None)

    async def _inlined(self, path: str, body: str) -> str:
        self._stack.append(path)
        try:
            return (await self._nodes(parse(body))).strip("\n")
        finally:
            self._stack.pop()

    async def _nodes(self, nodes: list[Node]) -> str:
        out: list[str] = []
        for node in nodes:
            if isinstance(node, str):
                out.append(node)
            elif isinstance(node, Code):
                out.append(node.text)
            else:
                out.append(await self._shortcode(node, _line_before(out)))
        return "".join(out)

    async def _shortcode(self, node: Shortcode, before: str) -> str:
        name = node.tag.name
        lowered = name.lower()
        prefix = before if _LINE_PREFIX.fullmatch(before) else None
        if node.tag.closing:
            self.unknown[f"shortcode:{name}"] += 1
            return ""
        if lowered in ("ref", "relref"):
            return await self._ref(node, before)
        if lowered in _CODE_LIKE:
            return block(await self._code(node, prefix), prefix)
        if lowered in INCLUDES:
            return block(await self._include(node), prefix, inline=prefix is None)
        if (handler := _HANDLERS.get(lowered)) is not None:
            return await handler(self, node, prefix)
        if (written := await self.pages.static_shortcode(name)) is not None:
            return block(written, prefix, inline=True)
        self.unknown[f"shortcode:{name}"] += 1
        return block(await self.inner(node, prefix), prefix, inline=True)

    async def _code(self, node: Shortcode, prefix: str | None) -> str:
        written = dedent(source_of(node.inner or []), prefix)
        if node.tag.name.lower() != "code-toggle":
            return fence(written.strip("\n"), node.arg(0, "lang", default="") or "")
        front_matter = (node.arg("fm") or "").lower() in ("true", "1")
        value = await self._toggle_data(node)
        # Hugo's docs name a configuration taken from data after its file: hugo, or the data key.
        file = node.arg("file") or ("hugo" if node.arg("config") else node.arg("datakey"))
        return codetoggle.render(value, written, file=file, front_matter=front_matter)

    async def _toggle_data(self, node: Shortcode) -> Mapping[str, Any] | None:
        """The configuration ``config=a.b`` (or ``dataKey=a.b``) names in the site's ``data/docs``."""
        config, data_key = node.arg("config"), node.arg("datakey")
        if not config and not data_key:
            return None
        sections = (f"config.{config}" if config else str(data_key)).split(".")
        value = dotted(await self.pages.data("docs"), ".".join(sections))
        if value is None:
            self.warnings.append(f"The code-toggle of {config or data_key} names nothing in the site's data.")
            return {}
        if config and (node.arg("skipheader") or "").lower() not in ("true", "1"):
            for section in reversed(sections[1:]):
                value = {section: value}
        return value if isinstance(value, Mapping) else {sections[-1]: value}

    async def _include(self, node: Shortcode) -> str:
        """An include: a content page (``GetPage`` path, as the Hugo docs' ``include``) or a file
        of the site (``readfile``: from the root with ``/``, else from the page)."""
        target = node.arg(0, "file", "path", "src")
        if not target:
            raise IncludeProblem(f"The {node.tag.name} shortcode names no file to include.")
        found = self.pages.find(target, self.current_path, self.language)
        path = found.path if found is not None else source_path(target, self.current_path)
        raw = await self.pages.text(path)
        if raw is None:
            raise IncludeProblem(f"The {node.tag.name} shortcode includes {target}, which does not exist.")
        if path in self._stack:
            chain = " -> ".join([*self._stack[self._stack.index(path) :], path])
            raise IncludeProblem(f"The include of {target} is a cycle ({chain}).")
        self._budget.charge(path, raw)
        if found is None and not path.endswith((".md", ".markdown")):
            return fence(raw.strip("\n"), path.rpartition(".")[2] if "." in path.rpartition("/")[2] else "")
        try:
            body = split_front_matter(raw)[1] if found is not None else raw
        except FrontMatterError as exc:
            raise IncludeProblem(f"The included file {path} cannot be read: {exc}.") from exc
        return await self._inlined(path, body)

    async def _ref(self, node: Shortcode, before: str) -> str:
        """``ref``/``relref`` give the target's address; in a link (``[text](`` before it) that is
        the link's destination, anywhere else a link reading the target. With ``lang``, the
        address is the published path of the target's page in that language."""
        target = node.arg(0, "path") or ""
        if not target:
            self.warnings.append(f"A {node.tag.name} shortcode names no page.")
            return ""
        language = (node.arg("lang") or "").lower()
        if language and language != self.language:
            path, hashmark, anchor = target.partition("#")
            found = self.pages.find(path, self.current_path, language)
            if found is not None and found.language == language:
                target = await self.pages.page_path(found) + hashmark + anchor
        if before.endswith("](") or _REFERENCE_DEFINITION.match(before):
            return href(target)
        return f"[{target}]({href(target)})"

    def _glossary_href(self, term: str) -> str | None:
        glossary = self.pages.glossary(self.language)
        found = self.term(term)
        if glossary is None or found is None:
            return None
        return f"/{glossary[0].key}/#{text.anchor(found.base_name, self.pages.config)}"


def source_path(target: str, from_path: str) -> str:
    """A ``readfile``-style path: from the site's root when it starts with ``/``, else from the page."""
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = []
    for part in [*from_path.rpartition("/")[0].split("/"), *target.split("/")]:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def _line_before(out: list[str]) -> str:
    """The text before the tag on its line."""
    tail = ""
    for piece in reversed(out):
        newline = piece.rfind("\n")
        if newline >= 0:
            return piece[newline + 1 :] + tail
        tail = piece + tail
    return tail
