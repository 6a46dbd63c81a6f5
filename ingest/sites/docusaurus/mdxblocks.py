"""Blocks of Markdown placed where an MDX construct stood: admonitions, indentation kept
right around code, titles made plain, and an included file's relative links rebased.

Lines of fenced code content start with :data:`~.mdxparse.CODE_LINE` until the page is
finished, so that re-indenting moves code as a whole and never changes what it says.
"""

from __future__ import annotations

import posixpath
import re

from ingest.sites.docusaurus.mdxparse import CODE_LINE

_ADMONITION_KINDS = {"secondary": "note"}
_INLINE_SPECIALS = re.compile(r"[\\`*_\[\]<>|]")
_BLOCK_MARKER = re.compile(r"^(?:[#>+=~:-]|\d+(?=[.)]))")
_FILE_LINK = re.compile(
    r"(?P<head>\]\(\s*<?|^[ \t]*\[[^\]\n]+\]:[ \t]*<?|(?:href|src)=\")(?P<target>[^\s)>\"#?]+)", re.M
)


def admonition(kind: str, title: str, body: str) -> str:
    """``!!! kind "Title"`` and the body indented under it."""
    kind = _ADMONITION_KINDS.get(kind, kind)
    head = f'!!! {kind} "{plain(title)}"' if title.strip() else f"!!! {kind}"
    return f"{head}\n{indent(body, '    ')}" if body else head


def placed(block: str, margin: str) -> str:
    """``block`` as blocks of its own, at the indentation (``margin``) of the construct it replaces."""
    return f"\n\n{indent(block, margin)}\n\n" if block else "\n"


def indent(text: str, margin: str) -> str:
    """``text`` with ``margin`` before each line (code lines included, blank lines left blank)."""
    if not margin:
        return text
    lines = []
    for line in text.split("\n"):
        if line.startswith(CODE_LINE):
            lines.append(CODE_LINE + margin + line[1:])
        else:
            lines.append(margin + line if line.strip() else "")
    return "\n".join(lines)


def dedent(text: str) -> str:
    """Removes the indentation common to the lines outside code (code keeps its own)."""
    lines = text.split("\n")
    widths = [
        len(line) - len(line.lstrip(" \t"))
        for line in lines
        if line.strip() and not line.startswith(CODE_LINE)
    ]
    cut = min(widths, default=0)
    if not cut:
        return text
    out = []
    for line in lines:
        if line.startswith(CODE_LINE):
            body = line[1:]
            out.append(CODE_LINE + body[min(cut, len(body) - len(body.lstrip(" \t"))) :])
        else:
            out.append(line[cut:] if line.strip() else "")
    return "\n".join(out)


def plain(text: str) -> str:
    """A title without its inline Markdown: ``**Use** `pnpm` `` -> ``Use pnpm``."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return " ".join(re.sub(r"[*_`]+", "", text).split())


def literal(text: str) -> str:
    """``text`` as one line of Markdown that reads exactly so (a code block's title)."""
    escaped = _INLINE_SPECIALS.sub(r"\\\g<0>", " ".join(text.split()))
    marker = _BLOCK_MARKER.match(escaped)
    if marker is None:
        return escaped
    if marker.group(0)[0].isdigit():  # "1. x" would open a list: "1\. x"
        return f"{marker.group(0)}\\{escaped[marker.end() :]}"
    return "\\" + escaped


def rebase_links(text: str, from_dir: str, to_dir: str) -> str:
    """Relative file links of an included file, made relative to the including page."""
    if from_dir == to_dir:
        return text

    def rebase(match: re.Match[str]) -> str:
        target = match["target"]
        if re.match(r"[A-Za-z][\w+.-]*:|/|@site/", target) or "." not in posixpath.basename(target):
            return match.group(0)
        moved = posixpath.relpath(posixpath.normpath(posixpath.join(from_dir, target)), to_dir or ".")
        return match["head"] + (moved if moved.startswith(".") else f"./{moved}")

    return "\n".join(
        line if line.startswith(CODE_LINE) else _FILE_LINK.sub(rebase, line) for line in text.split("\n")
    )
