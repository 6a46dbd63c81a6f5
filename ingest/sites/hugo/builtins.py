"""Hugo's embedded shortcodes as Markdown: ``param``, ``figure``, the media embeds, ``details``,
and the ``tabs``/``tab`` pair docs themes share."""

from __future__ import annotations

from ingest.sites.hugo.blocks import admonition, block, dotted, escape_text, indent, quoted
from ingest.sites.hugo.context import Context, Handler
from ingest.sites.hugo.shortcodes import Shortcode

_MEDIA = {
    "youtube": ("YouTube video", "https://www.youtube.com/watch?v={id}"),
    "vimeo": ("Vimeo video", "https://vimeo.com/{id}"),
    "instagram": ("Instagram post", "https://www.instagram.com/p/{id}/"),
}


async def param(ctx: Context, node: Shortcode, prefix: str | None) -> str:
    """The page's ``params.<name>`` (or front matter), else the site's ``params.<name>``."""
    name = node.arg(0, "name") or ""
    value = dotted(ctx.front.get("params"), name)
    value = value if value is not None else dotted(ctx.front, name)
    value = value if value is not None else ctx.pages.site_param(name)
    return "" if value is None else str(value)


async def figure(ctx: Context, node: Shortcode, prefix: str | None) -> str:
    """The image (linked when ``link`` is set), its title and caption as a paragraph below."""
    src = node.arg("src", 0) or ""
    alt = node.arg("alt") or node.arg("caption") or node.arg("title") or ""
    image = f"![{escape_text(alt)}](<{src}>)"
    if link := node.arg("link"):
        image = f"[{image}](<{link}>)"
    caption = " — ".join(part for part in (node.arg("title"), node.arg("caption")) if part)
    if not caption:
        return image
    return block(f"{image}\n\n*{caption.strip()}*", prefix)


async def media(ctx: Context, node: Shortcode, prefix: str | None) -> str:
    """An embedded video or post: a link to it."""
    title, url = _MEDIA[node.tag.name.lower()]
    ident = node.arg("id", 0) or ""
    if not ident.strip():
        ctx.warnings.append(f"The {node.tag.name} shortcode names no video or post (it needs id): left out.")
        return ""
    return f"[{escape_text(node.arg('title') or title)}]({url.format(id=ident)})"


async def x_post(ctx: Context, node: Shortcode, prefix: str | None) -> str:
    user, ident = node.arg("user", 0) or "", node.arg("id", 1) or ""
    if not user.strip() or not ident.strip():
        ctx.warnings.append(f"The {node.tag.name} shortcode names no post (it needs user and id): left out.")
        return ""
    return f"[Post by @{user} on X](https://x.com/{user}/status/{ident})"


async def details(ctx: Context, node: Shortcode, prefix: str | None) -> str:
    """A collapsible admonition (``???``; ``???+`` when open) titled by its summary."""
    summary = node.arg("summary", "title", 0) or "Details"
    is_open = (node.arg("open") or "").lower() in ("true", "1") or (
        node.arg("closed") or ""
    ).lower() == "false"
    return block(
        admonition("???+" if is_open else "???", "note", summary, await ctx.inner(node, prefix)), prefix
    )


async def tabs(ctx: Context, node: Shortcode, prefix: str | None) -> str:
    """Content tabs, one ``=== "Label"`` per ``tab``; labels from the tab or the tabs' ``items``."""
    labels = [label.strip() for label in (node.arg("items") or "").split(",") if label.strip()]
    children = [
        child for child in node.inner or [] if isinstance(child, Shortcode) and child.tag.name == "tab"
    ]
    if not children:
        return block(await ctx.inner(node, prefix), prefix, inline=True)
    parts = []
    for index, tab in enumerate(children):
        fallback = labels[index] if index < len(labels) else f"Tab {index + 1}"
        label = tab.arg("name", "header", "title", "label", 0) or fallback
        parts.append(f'=== "{quoted(label)}"\n\n{indent(await ctx.inner(tab, prefix))}')
    return block("\n\n".join(parts), prefix)


async def tab(ctx: Context, node: Shortcode, prefix: str | None) -> str:
    """A tab outside tabs: its content."""
    return block(await ctx.inner(node, prefix), prefix, inline=True)


HANDLERS: dict[str, Handler] = {
    "param": param,
    "figure": figure,
    "img": figure,
    "imgproc": figure,
    "youtube": media,
    "vimeo": media,
    "instagram": media,
    "x": x_post,
    "twitter": x_post,
    "tweet": x_post,
    "details": details,
    "tabs": tabs,
    "tabpane": tabs,
    "tab": tab,
}
