"""Shortcodes of the docs themes Hugo sites use most (Hextra, Docsy, Book, Relearn, LoveIt):
callouts and alerts as admonitions, cards as links, badges as text, file trees as lists."""

from __future__ import annotations

from ingest.sites.hugo.blocks import admonition, block, escape_text, href
from ingest.sites.hugo.context import Context, Handler
from ingest.sites.hugo.shortcodes import Shortcode

#: A theme's callout type (or colour) as the admonition kind that reads the same.
_KINDS = {
    "default": "note",
    "primary": "note",
    "secondary": "note",
    "note": "note",
    "info": "info",
    "tip": "tip",
    "hint": "tip",
    "success": "success",
    "warning": "warning",
    "caution": "warning",
    "danger": "danger",
    "error": "danger",
    "important": "important",
}


async def callout(ctx: Context, node: Shortcode, prefix: str | None) -> str:
    """``callout``/``alert``/``notice``/``hint``/``admonition`` (type from ``type``, ``color`` or
    the first argument) and ``note``/``tip``/``warning``... (type from the name): an admonition."""
    name = node.tag.name.lower()
    kind = name if name in _KINDS and name not in ("hint",) else (node.arg("type", "color", 0) or "note")
    title = node.arg("title")
    inner = (await ctx.inner(node, prefix)).strip("\n") or (node.arg("content") or "")
    return block(admonition("!!!", _KINDS.get(kind.lower(), "note"), title, inner), prefix)


async def card(ctx: Context, node: Shortcode, prefix: str | None) -> str:
    """A card: a list item linking its title (to ``link``), with its subtitle."""
    title = escape_text(node.arg("title") or node.arg("link") or "")
    link = node.arg("link")
    label = f"[{title}]({href(link)})" if link and title else f"**{title}**" if title else ""
    subtitle = node.arg("subtitle") or (await ctx.inner(node, prefix)).strip()
    text = " — ".join(part for part in (label, subtitle) if part)
    return f"- {text}" if text else ""


async def container(ctx: Context, node: Shortcode, prefix: str | None) -> str:
    """A layout container (``cards``, ``steps``, a file tree): its content."""
    return block(await ctx.inner(node, prefix), prefix, inline=True)


async def badge(ctx: Context, node: Shortcode, prefix: str | None) -> str:
    text = node.arg("content", 0) or (await ctx.inner(node, prefix)).strip()
    link = node.arg("link")
    return f"[{escape_text(text)}]({href(link)})" if link and text else text


async def tree_folder(ctx: Context, node: Shortcode, prefix: str | None) -> str:
    """A folder of a file tree: a list item holding its files as a nested list."""
    children = [line for line in (await ctx.inner(node, prefix)).split("\n") if line.strip()]
    listed = "\n".join([f"- {node.arg('name', 0) or ''}/", *("  " + line for line in children)])
    return block(listed, prefix, inline=True).rstrip("\n")


async def tree_file(ctx: Context, node: Shortcode, prefix: str | None) -> str:
    return f"- {node.arg('name', 0) or ''}"


async def decoration(ctx: Context, node: Shortcode, prefix: str | None) -> str:
    """An icon: nothing a reader of the text needs."""
    return ""


HANDLERS: dict[str, Handler] = {
    **dict.fromkeys(
        (
            "callout",
            "alert",
            "notice",
            "hint",
            "admonition",
            "note",
            "tip",
            "info",
            "warning",
            "caution",
            "danger",
            "important",
        ),
        callout,
    ),
    "card": card,
    "cards": container,
    "steps": container,
    "filetree/container": container,
    "filetree/folder": tree_folder,
    "filetree/file": tree_file,
    "badge": badge,
    "icon": decoration,
}
