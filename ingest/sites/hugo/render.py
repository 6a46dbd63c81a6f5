"""A Hugo page's Markdown as its reader sees it: shortcodes rendered, includes inlined.

Built-in shortcodes (and those of the Hugo docs that many sites copy) become standard
Markdown: code blocks, images, links, admonitions (``!!! note``), content tabs (``=== "x"``).
Any other shortcode keeps its inner content and is counted in ``unknown`` as
``shortcode:<name>``; an include that is missing or includes itself is an :class:`IncludeProblem`.
"""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from collections.abc import Mapping
from typing import Any, Protocol

from ingest.sites.hugo import codetoggle, text
from ingest.sites.hugo.codetoggle import fence
from ingest.sites.hugo.config import HugoConfig
from ingest.sites.hugo.content import ContentFile
from ingest.sites.hugo.frontmatter import FrontMatterError, split_front_matter
from ingest.sites.hugo.shortcodes import Code, Node, Shortcode, parse, source_of

_LINE_PREFIX = re.compile(r"[ \t>]*")
_REFERENCE_DEFINITION = re.compile(r"\s{0,3}\[[^\]]+\]:\s*$")
_VIDEO_URLS = {
    "youtube": ("YouTube video", "https://www.youtube.com/watch?v={id}"),
    "vimeo": ("Vimeo video", "https://vimeo.com/{id}"),
    "instagram": ("Instagram post", "https://www.instagram.com/p/{id}/"),
}
_SOCIAL = ("x", "twitter", "tweet")
_INCLUDES = ("include", "readfile", "readFile", "content", "embed-md")
_FEATURE_STATES = {"new-in": "New in", "deprecated-in": "Deprecated in"}
#: Shortcodes whose inner text is code: it is shown as written, nothing in it is rendered.
_CODE_LIKE = ("highlight", "code-toggle", "code", "hl")


class IncludeProblem(Exception):
    """An include that cannot be inlined: missing, or including itself."""


class Pages(Protocol):
    """**Protocol**: what rendering a page needs of its site."""

    config: HugoConfig

    def find(self, target: str, from_path: str, language: str) -> ContentFile | None:
        """The content file a ``GetPage``-style path names, seen from ``from_path``."""
        ...

    async def text(self, path: str) -> str | None:
        """The text of a file of the source, or None."""
        ...

    def site_param(self, name: str) -> object | None:
        """A site parameter (``params.<name>``, dotted), or None."""
        ...

    async def data(self, name: str) -> object | None:
        """The site data file ``data/<name>.*``, parsed, or None."""
        ...

    def glossary(self, language: str) -> tuple[ContentFile, dict[str, ContentFile]] | None:
        """The glossary section of the site and its terms (by file base name), or None."""
        ...

    async def front(self, item: ContentFile) -> Mapping[str, Any]:
        """The front matter of a content file, keys lower-cased."""
        ...

    async def section_pages(self, section: ContentFile) -> list[tuple[ContentFile, str]]:
        """The published regular pages of a section, with their link titles."""
        ...


class Renderer:
    """Renders one page (and what it includes)."""

    def __init__(self, pages: Pages, path: str, front: Mapping[str, Any], language: str) -> None:
        self.pages = pages
        self.front = front
        self.language = language
        self.unknown: Counter[str] = Counter()
        self.warnings: list[str] = []
        self._stack = [path]

    async def render(self, body: str) -> str:
        return text.tidy(await self._nodes(parse(body)), self.pages.config, self._glossary_href)

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

    async def _inner(self, node: Shortcode, prefix: str | None) -> str:
        if node.inner is None:
            return ""
        return _dedent(await self._nodes(node.inner), prefix)

    async def _shortcode(self, node: Shortcode, before: str) -> str:
        name = node.tag.name
        lowered = name.lower()
        prefix = before if _LINE_PREFIX.fullmatch(before) else None
        if node.tag.closing:
            self.unknown[f"shortcode:{name}"] += 1
            return ""
        if lowered in ("ref", "relref"):
            return self._ref(node, before)
        if lowered in _CODE_LIKE:
            return _block(await self._code(node, prefix), prefix)
        if name in _INCLUDES:
            return _block(await self._include(node, prefix), prefix, inline=prefix is None)
        method = getattr(self, "_sc_" + lowered.replace("-", "_"), None)
        if method is not None:
            rendered: str = await method(node, prefix)
            return rendered
        self.unknown[f"shortcode:{name}"] += 1
        inner = await self._inner(node, prefix)
        return _block(inner, prefix, inline=True) if inner else ""

    async def _code(self, node: Shortcode, prefix: str | None) -> str:
        written = _dedent(source_of(node.inner or []), prefix)
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
        docs = await self.pages.data("docs")
        sections = (f"config.{config}" if config else str(data_key)).split(".")
        value = _dotted(docs, ".".join(sections))
        if value is None:
            self.warnings.append(f"The code-toggle of {config or data_key} names nothing in the site's data.")
            return {}
        if config and (node.arg("skipheader") or "").lower() not in ("true", "1"):
            for section in reversed(sections[1:]):
                value = {section: value}
        return value if isinstance(value, Mapping) else {sections[-1]: value}

    async def _include(self, node: Shortcode, prefix: str | None) -> str:
        target = node.arg(0, "file", "path", "src")
        if not target:
            raise IncludeProblem(f"The {node.tag.name} shortcode names no file to include.")
        found = self.pages.find(target, self._stack[-1], self.language)
        path = found.path if found is not None else _source_path(target, self._stack[-1], self.pages)
        if path is None or (raw := await self.pages.text(path)) is None:
            raise IncludeProblem(f"The {node.tag.name} shortcode includes {target}, which does not exist.")
        if path in self._stack:
            chain = " -> ".join([*self._stack[self._stack.index(path) :], path])
            raise IncludeProblem(f"The include of {target} is a cycle ({chain}).")
        try:
            _, body = split_front_matter(raw) if found is not None else ({}, raw)
        except FrontMatterError as exc:
            raise IncludeProblem(f"The included file {path} cannot be read: {exc}.") from exc
        if found is None and not path.endswith((".md", ".markdown")):
            return fence(body.strip("\n"), path.rpartition(".")[2] if "." in path else "")
        self._stack.append(path)
        try:
            return (await self._nodes(parse(body))).strip("\n")
        finally:
            self._stack.pop()

    def _ref(self, node: Shortcode, before: str) -> str:
        """``ref``/``relref`` give the target's address; in a link (``[text](`` before it) that is
        the link's destination, anywhere else a link reading the target."""
        target = node.arg(0, "path") or ""
        if not target:
            self.warnings.append(f"A {node.tag.name} shortcode names no page.")
            return ""
        href = f"<{target}>" if any(char in target for char in " ()<>") else target
        if before.endswith("](") or _REFERENCE_DEFINITION.match(before):
            return href
        return f"[{target}]({href})"

    async def _sc_param(self, node: Shortcode, prefix: str | None) -> str:
        name = node.arg(0, "name") or ""
        value = _dotted(self.front.get("params"), name)
        for source in (self.front,):
            value = value if value is not None else _dotted(source, name)
        value = value if value is not None else self.pages.site_param(name)
        return "" if value is None else str(value)

    async def _sc_figure(self, node: Shortcode, prefix: str | None) -> str:
        src = node.arg("src", 0) or ""
        alt = node.arg("alt") or node.arg("caption") or node.arg("title") or ""
        image = f"![{_escape_text(alt)}](<{src}>)"
        link = node.arg("link")
        if link:
            image = f"[{image}](<{link}>)"
        caption = " — ".join(part for part in (node.arg("title"), node.arg("caption")) if part)
        if not caption:
            return image
        return _block(f"{image}\n\n*{caption.strip()}*", prefix)

    _sc_img = _sc_figure
    _sc_imgproc = _sc_figure

    async def _sc_youtube(self, node: Shortcode, prefix: str | None) -> str:
        return self._video(node, "youtube")

    async def _sc_vimeo(self, node: Shortcode, prefix: str | None) -> str:
        return self._video(node, "vimeo")

    async def _sc_instagram(self, node: Shortcode, prefix: str | None) -> str:
        return self._video(node, "instagram")

    def _video(self, node: Shortcode, kind: str) -> str:
        ident = node.arg("id", 0) or ""
        default_title, url = _VIDEO_URLS[kind]
        return f"[{_escape_text(node.arg('title') or default_title)}]({url.format(id=ident)})"

    async def _sc_x(self, node: Shortcode, prefix: str | None) -> str:
        user, ident = node.arg("user", 0) or "", node.arg("id", 1) or ""
        return f"[Post by @{user} on X](https://x.com/{user}/status/{ident})"

    _sc_twitter = _sc_x
    _sc_tweet = _sc_x

    async def _sc_details(self, node: Shortcode, prefix: str | None) -> str:
        summary = node.arg("summary", 0) or "Details"
        marker = "???+" if (node.arg("open") or "").lower() in ("true", "1") else "???"
        return _block(_admonition(marker, "note", summary, await self._inner(node, prefix)), prefix)

    async def _sc_tabs(self, node: Shortcode, prefix: str | None) -> str:
        labels = [label.strip() for label in (node.arg("items") or "").split(",") if label.strip()]
        tabs = [child for child in node.inner or [] if isinstance(child, Shortcode) and _is_tab(child)]
        if not tabs:
            return _block(await self._inner(node, prefix), prefix, inline=True)
        parts = []
        for index, tab in enumerate(tabs):
            label = tab.arg("name", "header", "title", "label", 0) or (
                labels[index] if index < len(labels) else f"Tab {index + 1}"
            )
            inner = await self._inner(tab, prefix)
            parts.append(f'=== "{_quoted(label)}"\n\n{_indent(inner)}')
        return _block("\n\n".join(parts), prefix)

    _sc_tabpane = _sc_tabs

    async def _sc_tab(self, node: Shortcode, prefix: str | None) -> str:
        return _block(await self._inner(node, prefix), prefix, inline=True)

    async def _sc_new_in(self, node: Shortcode, prefix: str | None) -> str:
        return await self._feature_state(node, prefix)

    async def _sc_deprecated_in(self, node: Shortcode, prefix: str | None) -> str:
        return await self._feature_state(node, prefix)

    async def _feature_state(self, node: Shortcode, prefix: str | None) -> str:
        version = (node.arg(0, "version") or "").lstrip("vV")
        phrase = f"{_FEATURE_STATES[node.tag.name.lower()]} v{version}"
        inner = (await self._inner(node, prefix)).strip("\n")
        if not inner:
            return phrase
        return _block(_admonition("!!!", "note", phrase, inner), prefix)

    async def _sc_glossary_term(self, node: Shortcode, prefix: str | None) -> str:
        term = node.arg(0, "term") or ""
        found = self._term(term)
        if found is None:
            return term
        definition = await self._include_file(found)
        return _block(definition, prefix, inline=prefix is None) if definition else term

    async def _sc_glossary(self, node: Shortcode, prefix: str | None) -> str:
        glossary = self.pages.glossary(self.language)
        if glossary is None:
            self.unknown["shortcode:glossary"] += 1
            return ""
        entries = []
        for item in glossary[1].values():
            front = await self.pages.front(item)
            definition = _indent(await self._include_file(item)).lstrip()
            title = str(front.get("title") or item.base_name)
            entry = f"{title}\n:   {definition}"
            if isinstance(front.get("reference"), str):
                entry += f"\n:   See [details](<{front['reference']}>)."
            entries.append((title.lower(), entry))
        return _block("\n\n".join(entry for _, entry in sorted(entries)), prefix)

    async def _sc_get_page_desc(self, node: Shortcode, prefix: str | None) -> str:
        """The Hugo docs' ``get-page-desc``: the description of the page a path names."""
        found = self.pages.find(node.arg(0, "path") or "", self._stack[-1], self.language)
        if found is None:
            self.warnings.append(f"The get-page-desc shortcode names {node.arg(0)}, which does not exist.")
            return ""
        return str((await self.pages.front(found)).get("description") or "")

    async def _sc_render_list_of_pages_in_section(self, node: Shortcode, prefix: str | None) -> str:
        """The Hugo docs' list of a section's pages: each linked, with its description, by title;
        a filter of ``data/page_filters`` keeps (``include``) or drops (``exclude``) pages."""
        section = self.pages.find(node.arg("path") or "", self._stack[-1], self.language)
        if section is None:
            self.warnings.append(
                f"The {node.tag.name} shortcode names {node.arg('path')}, which does not exist."
            )
            return ""
        filters = await self.pages.data("page_filters")
        listed = filters.get((node.arg("filter") or "").lower()) if isinstance(filters, dict) else None
        chosen = {
            found.path
            for path in listed or ()
            if (found := self.pages.find(str(path), self._stack[-1], self.language)) is not None
        }
        kind = (node.arg("filtertype") or "none").lower()
        entries = []
        for item, link_title in await self.pages.section_pages(section):
            if (kind == "include" and item.path not in chosen) or (kind == "exclude" and item.path in chosen):
                continue
            front = await self.pages.front(item)
            label = (node.arg("titleprefix") or "") + link_title
            label = f"`{label}`" if _params(front).get("isfunctionormethod") else label
            entries.append(
                (link_title.lower(), f"[{label}](</{item.key}>)\n:   {front.get('description') or ''}")
            )
        return _block("\n\n".join(entry for _, entry in sorted(entries)), prefix)

    async def _sc_eturl(self, node: Shortcode, prefix: str | None) -> str:
        name = node.arg("filename", 0) or ""
        urls = await self.pages.data("embedded_template_urls")
        if isinstance(urls, dict) and name in urls and isinstance(urls.get("base_url"), str):
            return str(urls["base_url"]).rstrip("/") + "/" + str(urls[name]).lstrip("/")
        self.unknown["shortcode:eturl"] += 1
        return ""

    async def _include_file(self, item: ContentFile) -> str:
        if item.path in self._stack:
            return ""
        raw = await self.pages.text(item.path) or ""
        try:
            _, body = split_front_matter(raw)
        except FrontMatterError:
            body = raw
        self._stack.append(item.path)
        try:
            return (await self._nodes(parse(body))).strip("\n")
        finally:
            self._stack.pop()

    def _term(self, term: str) -> ContentFile | None:
        glossary = self.pages.glossary(self.language)
        if glossary is None or not term:
            return None
        return next((glossary[1][key] for key in text.term_keys(term) if key in glossary[1]), None)

    def _glossary_href(self, term: str) -> str | None:
        glossary = self.pages.glossary(self.language)
        found = self._term(term)
        if glossary is None or found is None:
            return None
        return f"/{glossary[0].key}/#{text.anchor(found.base_name, self.pages.config)}"


def _is_tab(node: Shortcode) -> bool:
    return node.tag.name.lower() == "tab"


def _source_path(target: str, from_path: str, pages: Pages) -> str | None:
    """A ``readfile``-style path: from the site's root when it starts with ``/``, else from the page."""
    del pages
    if target.startswith("/"):
        return target.lstrip("/")
    folder = from_path.rpartition("/")[0]
    parts: list[str] = []
    for part in [*folder.split("/"), *target.split("/")]:
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/".join(parts)


def _line_before(out: list[str]) -> str:
    """The text before the tag on its line."""
    tail = ""
    for piece in reversed(out):
        newline = piece.rfind("\n")
        if newline >= 0:
            tail = piece[newline + 1 :] + tail
            break
        tail = piece + tail
    return tail


def _dedent(inner: str, prefix: str | None) -> str:
    """Inner text without the indentation (or quote markers) of the tag's own line."""
    quote = (prefix or "").rstrip(" \t")
    if quote:
        inner = "\n".join(
            line[len(quote) :] if line.startswith(quote) else line for line in inner.split("\n")
        )
    return textwrap.dedent(inner).strip("\n")


def _block(rendered: str, prefix: str | None, *, inline: bool = False) -> str:
    """A rendering that takes lines of its own, placed where the tag was: the lines after the
    first carry the tag's line prefix (a list item's indentation, a quote's ``>``)."""
    if not rendered:
        return ""
    if inline and "\n" not in rendered:
        return rendered
    if prefix is None:
        return "\n\n" + rendered + "\n\n"
    lines = rendered.split("\n")
    return "\n".join([lines[0], *((prefix + line) if line else prefix.rstrip() for line in lines[1:])]) + "\n"


def _indent(inner: str) -> str:
    return "\n".join(("    " + line) if line.strip() else "" for line in inner.split("\n"))


def _admonition(marker: str, kind: str, title: str, inner: str) -> str:
    return f'{marker} {kind} "{_quoted(title)}"\n\n{_indent(inner)}'.rstrip()


def _quoted(title: str) -> str:
    return " ".join(title.replace('"', "'").split())


def _escape_text(value: str) -> str:
    return value.replace("[", "\\[").replace("]", "\\]")


def _params(front: Mapping[str, Any]) -> Mapping[str, Any]:
    params = front.get("params")
    return {str(key).lower(): value for key, value in params.items()} if isinstance(params, Mapping) else {}


def _dotted(source: object, name: str) -> object | None:
    value = source
    for part in name.split("."):
        if not isinstance(value, Mapping):
            return None
        lowered = {str(key).lower(): item for key, item in value.items()}
        value = lowered.get(part.lower())
    return value
