"""Shortcodes of the Hugo documentation that sites built on it copy: ``new-in``/``deprecated-in``,
the glossary (``glossary-term``, ``glossary``), page lists and descriptions, the quick reference
of a section's pages, tables of the site's data, ``eturl``."""

from __future__ import annotations

from collections.abc import Mapping

from ingest.sites.hugo.blocks import admonition, block, dotted, href, indent, params
from ingest.sites.hugo.context import Context, Handler
from ingest.sites.hugo.shortcodes import Shortcode

_FEATURE_STATES = {"new-in": "New in", "deprecated-in": "Deprecated in"}


async def feature_state(ctx: Context, node: Shortcode, prefix: str | None) -> str:
    """A short phrase ("New in v0.123.0"); with inner text, an admonition titled so."""
    version = (node.arg(0, "version") or "").lstrip("vV")
    phrase = f"{_FEATURE_STATES[node.tag.name.lower()]} v{version}"
    inner = (await ctx.inner(node, prefix)).strip("\n")
    return block(admonition("!!!", "note", phrase, inner), prefix) if inner else phrase


async def glossary_term(ctx: Context, node: Shortcode, prefix: str | None) -> str:
    """The term's definition (its glossary page's text), or the term itself."""
    term = node.arg(0, "term") or ""
    found = ctx.term(term)
    definition = await ctx.include_file(found) if found is not None else ""
    return block(definition, prefix, inline=prefix is None) if definition else term


async def glossary(ctx: Context, node: Shortcode, prefix: str | None) -> str:
    """Every term of the glossary section, by title, as a definition list."""
    found = ctx.pages.glossary(ctx.language)
    if found is None:
        ctx.unknown["shortcode:glossary"] += 1
        return ""
    entries = []
    for item in found[1].values():
        front = await ctx.pages.front(item)
        title = str(front.get("title") or item.base_name)
        entry = f"{title}\n:   {indent(await ctx.include_file(item)).lstrip()}"
        if isinstance(front.get("reference"), str):
            entry += f"\n:   See [details]({href(front['reference'])})."
        entries.append((title.lower(), entry))
    return block("\n\n".join(entry for _, entry in sorted(entries)), prefix)


async def page_description(ctx: Context, node: Shortcode, prefix: str | None) -> str:
    """``get-page-desc``: the description of the page a path names."""
    target = node.arg(0, "path") or ""
    found = ctx.pages.find(target, ctx.current_path, ctx.language)
    if found is None:
        ctx.warnings.append(f"The {node.tag.name} shortcode names {target}, which does not exist.")
        return ""
    return str((await ctx.pages.front(found)).get("description") or "")


async def section_list(ctx: Context, node: Shortcode, prefix: str | None) -> str:
    """``render-list-of-pages-in-section``: the section's pages, each linked with its description."""
    entries = [
        f"[{label}]({target})\n:   {described}" for label, target, described in await _pages_in(ctx, node)
    ]
    return block("\n\n".join(entries), prefix)


async def section_table(ctx: Context, node: Shortcode, prefix: str | None) -> str:
    """``render-table-of-pages-in-section``: the section's pages as a table of links and descriptions."""
    rows = []
    for label, target, described in await _pages_in(ctx, node):
        cell = " ".join(described.split()).replace("|", "\\|")
        rows.append(f"| [{label}]({target}) | {cell} |")
    if not rows:
        return ""
    heading = f"| {node.arg('headingcolumn1') or 'Item'} | {node.arg('headingcolumn2') or 'Description'} |"
    return block("\n".join([heading, "| :-- | :-- |", *rows]), prefix)


async def _pages_in(ctx: Context, node: Shortcode) -> list[tuple[str, str, str]]:
    """The pages of the section ``path`` names, by title: each one's link label (``titlePrefix``
    first, in code when it is a function or method), link and description; a ``data/page_filters``
    list (``filter``) keeps (``filterType=include``) or drops (``exclude``) pages."""
    target = node.arg("path") or ""
    section = ctx.pages.find(target, ctx.current_path, ctx.language)
    if section is None:
        ctx.warnings.append(f"The {node.tag.name} shortcode names {target}, which does not exist.")
        return []
    filters = await ctx.pages.data("page_filters")
    listed = filters.get((node.arg("filter") or "").lower()) if isinstance(filters, dict) else None
    chosen = {
        found.path
        for path in listed or ()
        if (found := ctx.pages.find(str(path), ctx.current_path, ctx.language)) is not None
    }
    kind = (node.arg("filtertype") or "none").lower()
    entries = []
    for item, link_title in await ctx.pages.section_pages(section):
        if (kind == "include" and item.path not in chosen) or (kind == "exclude" and item.path in chosen):
            continue
        front = await ctx.pages.front(item)
        label = (node.arg("titleprefix") or "") + link_title
        label = f"`{label}`" if params(front).get("isfunctionormethod") else label
        entries.append((link_title.lower(), label, href("/" + item.key), str(front.get("description") or "")))
    return [(label, target, described) for _, label, target, described in sorted(entries)]


async def quick_reference(ctx: Context, node: Shortcode, prefix: str | None) -> str:
    """``quick-reference``: each subsection of the section named, its link title as a heading,
    its description and text, then its pages as a definition list (linked, in code when they are
    functions or methods, each with its description)."""
    target = node.arg("section", 0) or ""
    section = ctx.pages.find("/" + target.lstrip("/"), ctx.current_path, ctx.language)  # site.GetPage
    if section is None:
        ctx.warnings.append(f"The {node.tag.name} shortcode names {target}, which does not exist.")
        return ""
    parts = []
    for subsection, heading in await ctx.pages.section_children(section):
        if subsection.kind != "section":
            continue
        front = await ctx.pages.front(subsection)
        parts += [f"## {heading}", str(front.get("description") or ""), await ctx.include_file(subsection)]
        entries = []
        for item, link_title in await ctx.pages.section_children(subsection):
            child = await ctx.pages.front(item)
            label = f"`{link_title}`" if params(child).get("isfunctionormethod") else link_title
            entries.append(f"[{label}]({href('/' + item.key)})\n:   {child.get('description') or ''}")
        parts.append("\n\n".join(entries))
    return block("\n\n".join(part.strip("\n") for part in parts if part.strip()), prefix)


async def data_table(ctx: Context, node: Shortcode, prefix: str | None) -> str:
    """``datatable``: a table of ``data/docs`` (``"config" "mediaTypes"`` names a list of it), a
    row per entry (in key order, the key being the ``_key`` column, headed "type"), a column per
    field named after those two."""
    package, name = node.arg(0) or "", node.arg(1) or ""
    listed = dotted(await ctx.pages.data("docs"), f"{package}.{name}")
    fields = list(node.tag.positional[2:])
    if not fields or not isinstance(listed, Mapping | list):
        ctx.unknown[f"shortcode:{node.tag.name}"] += 1
        return ""
    rows = sorted(listed.items()) if isinstance(listed, Mapping) else list(enumerate(listed))
    lines = [
        "| " + " | ".join("type" if field == "_key" else field for field in fields) + " |",
        "| " + " | ".join("---" for _ in fields) + " |",
    ]
    for key, row in rows:
        values = row if isinstance(row, Mapping) else {}
        cells = [_go_text(key if field == "_key" else values.get(field)) for field in fields]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return block("\n".join(lines), prefix)


def _go_text(value: object) -> str:
    """A value as Go templates print it: ``[a b]`` for a list, ``true`` for a boolean."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "[" + " ".join(_go_text(item) for item in value) + "]"
    return " ".join(str(value).split())


async def embedded_template_url(ctx: Context, node: Shortcode, prefix: str | None) -> str:
    """``eturl``: the URL of an embedded template's source, from ``data/embedded_template_urls``."""
    name = node.arg("filename", 0) or ""
    urls = await ctx.pages.data("embedded_template_urls")
    if isinstance(urls, dict) and name in urls and isinstance(urls.get("base_url"), str):
        return str(urls["base_url"]).rstrip("/") + "/" + str(urls[name]).lstrip("/")
    ctx.unknown["shortcode:eturl"] += 1
    return ""


HANDLERS: dict[str, Handler] = {
    "new-in": feature_state,
    "deprecated-in": feature_state,
    "glossary-term": glossary_term,
    "glossary": glossary,
    "get-page-desc": page_description,
    "render-list-of-pages-in-section": section_list,
    "render-table-of-pages-in-section": section_table,
    "quick-reference": quick_reference,
    "datatable": data_table,
    "eturl": embedded_template_url,
}
