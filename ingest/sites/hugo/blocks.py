"""Markdown blocks a shortcode becomes, placed where its tag was."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any


def fence(code: str, language: str = "") -> str:
    """``code`` as a fenced code block whose fence no line of it can close."""
    longest = run = 0
    for char in code:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    marker = "`" * max(3, longest + 1)
    return f"{marker}{language}\n{code.rstrip(chr(10))}\n{marker}"


def block(rendered: str, prefix: str | None, *, inline: bool = False) -> str:
    """A rendering that takes lines of its own, placed where the tag was: the lines after the
    first carry the tag's line prefix (a list item's indentation, a quote's ``>``); a tag
    after text on its line starts a new block (``inline``: a one-line rendering stays put)."""
    if not rendered:
        return ""
    if inline and "\n" not in rendered:
        return rendered
    if prefix is None:
        return "\n\n" + rendered + "\n\n"
    lines = rendered.split("\n")
    return "\n".join([lines[0], *((prefix + line) if line else prefix.rstrip() for line in lines[1:])]) + "\n"


def dedent(inner: str, prefix: str | None) -> str:
    """Inner text without the indentation (or quote markers) of the tag's own line."""
    quote = (prefix or "").rstrip(" \t")
    if quote:
        inner = "\n".join(
            line[len(quote) :] if line.startswith(quote) else line for line in inner.split("\n")
        )
    return textwrap.dedent(inner).strip("\n")


def indent(inner: str) -> str:
    return "\n".join(("    " + line) if line.strip() else "" for line in inner.split("\n"))


def admonition(marker: str, kind: str, title: str | None, inner: str) -> str:
    """``!!! kind "Title"`` (or ``???``) with the content indented four spaces."""
    heading = f'{marker} {kind} "{quoted(title)}"' if title else f"{marker} {kind}"
    return f"{heading}\n\n{indent(inner)}".rstrip()


def quoted(title: str | None) -> str:
    return " ".join((title or "").replace('"', "'").split())


def escape_text(value: str) -> str:
    return value.replace("[", "\\[").replace("]", "\\]")


def href(target: str) -> str:
    """A link destination, in angle brackets when it holds spaces or brackets."""
    return f"<{target}>" if any(char in target for char in " ()<>") else target


def params(front: Mapping[str, Any]) -> Mapping[str, Any]:
    value = front.get("params")
    return {str(key).lower(): item for key, item in value.items()} if isinstance(value, Mapping) else {}


def dotted(source: object, name: str) -> object | None:
    """``a.b.c`` looked up in nested tables, keys compared without case."""
    value = source
    for part in name.split("."):
        if not isinstance(value, Mapping):
            return None
        lowered = {str(key).lower(): item for key, item in value.items()}
        value = lowered.get(part.lower())
    return value
