"""The MDX tree of :mod:`.mdxparse` written as the Markdown the converter reads.

* ``:::kind Title`` and ``<Admonition type title>`` -> ``!!! kind "Title"`` and the content
  indented 4 spaces; ``<Tabs>``/``<TabItem value label>`` -> ``=== "Label"`` tabs;
* ``import X from './_x.mdx'`` then ``<X />`` -> the partial's text, prepared the same way
  (``{props.name}`` in it reads the props the page passes), relative file links rebased;
* ``<CodeBlock>`` -> a fenced code block (a ``!!raw-loader!`` import read); ``<Link to>``
  -> a Markdown link; ``<Translate>`` -> its text; ``<DocCardList />`` -> the list of the
  category's pages; HTML elements (``<details>``, ``<img>``) kept as HTML, JSX attributes
  made HTML ones;
* expressions reduced to their literal text where simple (``{'{'}``, ``{props.x}``, an
  exported constant), else dropped; components the dialect does not know reduced to their
  children. Each dropped or reduced construct is counted by name.
"""

from __future__ import annotations

import html
import posixpath
import re
import textwrap
from collections import Counter
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from ingest.sites.budget import IncludeBudget
from ingest.sites.docusaurus.jsvalues import UNKNOWN, Module, ValuesTooCostly, expression_value
from ingest.sites.docusaurus.jsx import Expr
from ingest.sites.docusaurus.mdxblocks import admonition, dedent, indent, literal, placed, plain, rebase_links
from ingest.sites.docusaurus.mdxparse import (
    CODE_LINE,
    Code,
    Directive,
    Element,
    Node,
    Parsed,
    Text,
    parse,
)

DEFAULT_ADMONITIONS = frozenset(
    {"note", "tip", "info", "warning", "danger", "caution", "important", "success", "secondary"}
)
_ESCAPED = re.compile(r"([\\`*_\[\]<>])")
_PROPS = re.compile(r"props\s*(?:\.\s*(?P<dot>[\w$]+)|\[\s*(?P<q>['\"])(?P<key>[^'\"]+)(?P=q)\s*\])")
_PATH_CALL = re.compile(r"(?:require|useBaseUrl)\(\s*(?P<q>['\"])(?P<path>[^'\"]+)(?P=q)\s*\)(?:\.default)?")
_HTML_NAMES = {"className": "class", "htmlFor": "for"}
_VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "source", "track", "wbr"})
_BLANK_RUNS = re.compile(r"\n(?:[ \t]*\n){2,}")


class IncludeProblem(Exception):
    """A partial that cannot be included: missing, or including itself."""


@dataclass(slots=True)
class Context:
    """What rendering a page needs beyond its text, shared with the partials it includes."""

    #: The text of a source file, or None when there is none.
    read: Callable[[str], Awaitable[str | None]]
    #: Whether a file is MDX (``.mdx``, or ``.md`` when the site reads Markdown as MDX).
    is_mdx: Callable[[str], bool]
    #: The Markdown list of the pages of the category the page at a path opens.
    card_list: Callable[[str], Awaitable[str]]
    admonitions: Collection[str] = DEFAULT_ADMONITIONS
    #: MDX 2 and later (Docusaurus 3) read braces in text as expressions; MDX 1 as text.
    text_expressions: bool = True
    unknown: Counter[str] = field(default_factory=Counter)
    budget: IncludeBudget = field(default_factory=IncludeBudget)


def split_front_matter(text: str) -> str:
    """``text`` without its YAML front matter (a partial's is not shown)."""
    match = re.match(r"---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|$)", text, re.DOTALL)
    return text[match.end() :] if match else text


async def render_page(path: str, body: str, context: Context) -> str:
    """The Markdown a reader of the page at ``path`` sees; raises :class:`IncludeProblem`."""
    rendered = await _Renderer(path, path, _parse(body, path, context), context, {}, (path,)).all()
    return finish(rendered)


def _parse(text: str, path: str, context: Context) -> Parsed:
    return parse(text, mdx=context.is_mdx(path), text_expressions=context.text_expressions)


def finish(rendered: str) -> str:
    return _BLANK_RUNS.sub("\n\n", rendered).replace(CODE_LINE, "").strip("\n") + "\n"


class _Renderer:
    def __init__(
        self,
        page: str,
        path: str,
        parsed: Parsed,
        context: Context,
        props: Mapping[str, Any],
        chain: tuple[str, ...],
    ) -> None:
        self.page, self.path, self.parsed, self.context, self.props, self.chain = (
            page,
            path,
            parsed,
            context,
            props,
            chain,
        )
        self.constants = _constants(parsed.exports)
        if parsed.stray_fences:
            context.unknown["directive:unmatched-close"] += parsed.stray_fences

    async def all(self) -> str:
        return await self.nodes(self.parsed.nodes)

    async def nodes(self, nodes: list[Node]) -> str:
        return "".join([await self.node(node) for node in nodes])

    async def node(self, node: Node) -> str:
        if isinstance(node, Text):
            return node.text
        if isinstance(node, Code):
            return f"{node.margin}{literal(node.title)}\n{node.text}" if node.title else node.text
        if isinstance(node, Expr):
            return self.expression(node.source)
        if isinstance(node, Directive):
            return await self.directive(node)
        return await self.element(node)

    def expression(self, source: str) -> str:
        value = self.value(source)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return _ESCAPED.sub(r"\\\1", str(value))
        self.context.unknown["expression"] += 1
        return ""

    def value(self, source: str) -> Any:
        stripped = source.strip()
        prop = _PROPS.fullmatch(stripped)
        if prop is not None:
            return self.props.get(prop["dot"] or prop["key"], UNKNOWN)
        if stripped in self.constants:
            return self.constants[stripped]
        return expression_value(stripped)

    async def block(self, nodes: list[Node]) -> str:
        return dedent(await self.nodes(nodes)).strip("\n")

    async def directive(self, node: Directive) -> str:
        body = await self.block(node.children)
        if node.kind.lower() not in self.context.admonitions:
            self.context.unknown[f"directive:{node.kind}"] += 1
            return placed((f"**{plain(node.title)}**\n\n" if node.title else "") + body, node.indent)
        return placed(admonition(node.kind.lower(), node.title, body), node.indent)

    async def element(self, node: Element) -> str:
        source = self.parsed.imports.get(node.name, "")
        kind = _theme_name(source) or node.name
        if "#" not in source and _is_markdown(source):
            return await self.include(node, source)
        handler = _HANDLERS.get(kind)
        if handler is not None:
            return await handler(self, node)
        if node.name[:1].islower():
            return await self.html(node)
        if node.name:  # not a fragment, <>...</>
            self.context.unknown[f"component:{node.name}"] += 1
        return await self.transparent(node)

    async def html(self, node: Element) -> str:
        attrs = "".join(self.html_attr(name, value) for name, value in node.attrs.items())
        if node.name.lower() in _VOID:
            tag = f"<{node.name}{attrs} />"
            return placed(tag, node.indent) if node.flow else tag
        inner = await self.nodes(node.children)
        if node.flow:
            body = dedent(inner).strip("\n")
            return placed(f"<{node.name}{attrs}>\n\n{body}\n\n</{node.name}>", node.indent)
        return f"<{node.name}{attrs}>{inner}</{node.name}>"

    def html_attr(self, name: str, value: Any) -> str:
        name = _HTML_NAMES.get(name, name)
        if isinstance(value, Expr):
            path = _PATH_CALL.fullmatch(value.source.strip())
            value = path["path"] if path else self.value(value.source)
        if value is True:
            return f" {name}"
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return f' {name}="{html.escape(str(value), quote=True)}"'
        return ""

    def text_attr(self, node: Element, name: str) -> str | None:
        value = node.attrs.get(name)
        if isinstance(value, Expr):
            value = self.value(value.source)
        return value if isinstance(value, str) else None

    async def include(self, node: Element, source: str) -> str:
        target = import_path(self.path, source)
        if target in self.chain:
            cycle = " -> ".join((*self.chain[self.chain.index(target) :], target))
            raise IncludeProblem(f"the includes go round in a circle: {cycle}")
        text = await self.context.read(target)
        if text is None:
            raise IncludeProblem(f"{self.path} includes {source}, which does not exist ({target})")
        self.context.budget.charge(target, text)
        props = {name: value for name, value in node.attrs.items() if not isinstance(value, Expr)}
        props.update(
            {name: self.value(value.source) for name, value in node.attrs.items() if isinstance(value, Expr)}
        )
        parsed = _parse(split_front_matter(text), target, self.context)
        inner = await _Renderer(self.page, target, parsed, self.context, props, (*self.chain, target)).all()
        inner = rebase_links(inner, posixpath.dirname(target), posixpath.dirname(self.path))
        if node.flow:
            return placed(dedent(inner).strip("\n"), node.indent)
        return inner.strip("\n")

    async def tabs(self, node: Element) -> str:
        labels: dict[str, str] = {}
        values = node.attrs.get("values")
        if isinstance(values, Expr):
            listed = self.value(values.source)
            for item in listed if isinstance(listed, list) else []:
                if isinstance(item, dict) and isinstance(item.get("value"), str):
                    labels[item["value"]] = str(item.get("label", item["value"]))
        parts: list[str] = []
        for child in node.children:
            if (
                isinstance(child, Element)
                and (_theme_name(self.parsed.imports.get(child.name, "")) or child.name) == "TabItem"
            ):
                parts.append(await self.tab(child, labels))
            elif not (isinstance(child, Text) and not child.text.strip()):
                parts.append(await self.block([child]))
        return placed("\n\n".join(part for part in parts if part), node.indent)

    async def tab(self, node: Element, labels: Mapping[str, str] | None = None) -> str:
        value = self.text_attr(node, "value")
        label = self.text_attr(node, "label") or (labels or {}).get(value or "") or value or "Tab"
        body = await self.block(node.children)
        return f'=== "{plain(label).replace(chr(34), chr(39))}"\n\n{indent(body, "    ")}'

    async def tab_item(self, node: Element) -> str:
        return placed(await self.tab(node), node.indent)

    async def admonition(self, node: Element) -> str:
        kind = (self.text_attr(node, "type") or "note").lower()
        title = self.text_attr(node, "title") or ""
        return placed(admonition(kind, title, await self.block(node.children)), node.indent)

    async def details(self, node: Element) -> str:
        summary = self.text_attr(node, "summary")
        head = f"<summary>{html.escape(summary)}</summary>\n\n" if summary else ""
        return placed(f"<details>\n\n{head}{await self.block(node.children)}\n\n</details>", node.indent)

    async def code_block(self, node: Element) -> str:
        language = self.text_attr(node, "language") or ""
        parts: list[str] = []
        for child in node.children:
            if isinstance(child, Expr):
                raw = self.parsed.imports.get(child.source.strip(), "")
                if raw.startswith("!!raw-loader!"):
                    loaded = import_path(self.path, raw[len("!!raw-loader!") :])
                    parts.append(await self.context.read(loaded) or "")
                    self.context.budget.charge(loaded, parts[-1])
                else:
                    parts.append(
                        str(self.value(child.source)) if isinstance(self.value(child.source), str) else ""
                    )
            else:
                parts.append(await self.node(child))
        code = textwrap.dedent("".join(parts).replace(CODE_LINE, "")).strip("\n")
        fence = "`" * max([3, *(len(run) + 1 for run in re.findall(r"`+", code))])
        lines = "\n".join(CODE_LINE + line for line in code.split("\n"))
        title = self.text_attr(node, "title")
        above = f"{literal(title)}\n" if title and title.strip() else ""
        return placed(f"{above}{fence}{language}\n{lines}\n{fence}", node.indent)

    async def link(self, node: Element) -> str:
        target = self.text_attr(node, "to") or self.text_attr(node, "href")
        inner = " ".join((await self.nodes(node.children)).split())
        text = f"[{inner}](<{target}>)" if target else inner
        return placed(text, node.indent) if node.flow else text

    async def transparent(self, node: Element) -> str:
        inner = await self.nodes(node.children)
        return placed(dedent(inner).strip("\n"), node.indent) if node.flow else inner

    async def cards(self, node: Element) -> str:
        if any(not (isinstance(child, Text) and not child.text.strip()) for child in node.children):
            return await self.transparent(node)  # a list written out, as some themes allow
        return placed(await self.context.card_list(self.page), node.indent)

    async def card(self, node: Element) -> str:
        """A card written out (``<DocCard header href>``): a link to its target, then its text."""
        title = (
            self.text_attr(node, "header") or self.text_attr(node, "title") or self.text_attr(node, "label")
        )
        target = self.text_attr(node, "href") or self.text_attr(node, "to")
        if title is None:
            self.context.unknown[f"component:{node.name}"] += 1
            return await self.transparent(node)
        head = f"**[{plain(title)}](<{target}>)**" if target else f"**{plain(title)}**"
        body = await self.block(node.children)
        return placed(f"{head}\n\n{body}" if body else head, node.indent)


_HANDLERS: dict[str, Callable[[_Renderer, Element], Awaitable[str]]] = {
    "Tabs": _Renderer.tabs,
    "TabItem": _Renderer.tab_item,
    "Admonition": _Renderer.admonition,
    "Details": _Renderer.details,
    "CodeBlock": _Renderer.code_block,
    "Link": _Renderer.link,
    "Translate": _Renderer.transparent,
    "DocCardList": _Renderer.cards,
    "DocCard": _Renderer.card,
}


def _theme_name(source: str) -> str | None:
    if source.startswith(("@theme/", "@theme-original/", "@theme-init/")):
        return source.rsplit("/", 1)[-1]
    if source.startswith("@docusaurus/"):
        return source.rsplit("/", 1)[-1]
    return None


def _is_markdown(source: str) -> bool:
    return source.lower().endswith((".md", ".mdx"))


def import_path(importer: str, source: str) -> str:
    """The site path an import of ``source`` in the file at ``importer`` reads."""
    if source.startswith("@site/"):
        return posixpath.normpath(source[len("@site/") :])
    return posixpath.normpath(posixpath.join(posixpath.dirname(importer), source)).lstrip("/")


def _constants(exports: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for block in exports:
        module = Module(block.encode(), typescript=False)
        for name in re.findall(r"export\s+(?:const|let|var)\s+([\w$]+)", block):
            try:
                value = module.constant(name)
            except ValuesTooCostly:
                break  # this block's values cannot be known: the page shows them as unknown
            if isinstance(value, str | int | float) and not isinstance(value, bool):
                found[name] = value
    return found
