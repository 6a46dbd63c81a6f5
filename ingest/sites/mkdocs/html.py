"""HTML in MkDocs pages that carries Markdown: md_in_html elements, Material's badge comments."""

from __future__ import annotations

import re
from collections import Counter

from ingest.sites.mkdocs.lines import Fence, dedent, track_fence

_MD_IN_HTML = re.compile(
    r"^(?P<indent>[ ]*)<(?P<tag>[A-Za-z][\w-]*)"
    r"(?P<attrs>[^<>]*?\bmarkdown(?:=(?:\"[^\"]*\"|'[^']*'|[\w-]+))?[^<>]*)>[ \t]*$"
)
_MD_IN_HTML_LINE = re.compile(
    r"^(?P<indent>[ ]*)<(?P<tag>[A-Za-z][\w-]*)[^<>]*?\bmarkdown\b[^<>]*>(?P<content>.*)</(?P=tag)\s*>[ \t]*$"
)
_BADGE = re.compile(r"<!--\s*md:(?P<name>[\w-]+)(?P<args>.*?)\s*-->")
#: What Material's badge comments say (its shortcodes hook renders them as badges).
_BADGE_LABELS = {
    "version": "Version", "default": "Default", "plugin": "Plugin", "extension": "Markdown extension",
    "feature": "Optional feature", "utility": "Third-party utility", "demo": "Demo", "example": "Example",
}  # fmt: skip
_FLAG_LABELS = {
    "experimental": "Experimental", "required": "Required value", "customization": "Customization",
    "metadata": "Metadata property", "multiple": "Multiple instances",
}  # fmt: skip


def unwrap_md_in_html(lines: list[str]) -> list[str]:
    """Elements opened on a line of their own with a ``markdown`` attribute, unwrapped so their
    content is read as Markdown; one-line ones (``<figcaption markdown>A caption</figcaption>``)
    reduced to their content."""
    if not any("markdown" in line for line in lines):
        return lines
    out: list[str] = []
    index = 0
    fence: Fence | None = None
    while index < len(lines):
        line = lines[index]
        fence = track_fence(line, fence)
        opening = _MD_IN_HTML.match(line) if fence is None else None
        if opening is None:
            whole = _MD_IN_HTML_LINE.match(line) if fence is None else None
            out.extend(["", whole["indent"] + whole["content"].strip(), ""] if whole else [line])
            index += 1
            continue
        end = _element_end(lines, index + 1, opening["tag"])
        inner = dedent(lines[index + 1 : end], len(opening["indent"]))
        out.extend(["", *unwrap_md_in_html(inner), ""])
        index = end + 1
    return out


def _element_end(lines: list[str], start: int, tag: str) -> int:
    """The index of the line closing the element ``tag`` opened just before ``start`` (or the
    end); content sharing that line with the closing tag is kept on a line of its own."""
    opening = re.compile(rf"<{re.escape(tag)}(?=[\s>/])", re.IGNORECASE)
    closing = re.compile(rf"</{re.escape(tag)}\s*>", re.IGNORECASE)
    depth = 1
    for index in range(start, len(lines)):
        line = lines[index]
        depth += len(opening.findall(line)) - len(closing.findall(line))
        if depth > 0:
            continue
        last = list(closing.finditer(line))[-1]
        rest = line[: last.start()] + line[last.end() :]
        if not rest.strip():
            return index
        lines[index] = rest
        lines.insert(index + 1, "")
        return index + 1
    return len(lines)


def material_badges(line: str, unknown: Counter[str], references: list[str]) -> str:
    """Material's badge comments (``<!-- md:version 9.2 -->``, which its docs' hook renders) as
    the text the badge shows; ``md:option a.b`` as the option's name with the id ``+a.b``,
    ``md:setting a.b`` with the id ``a.b`` and a link reference definition of that name (added to
    ``references``: pages link to settings as ``[text][a.b]``), as the hook makes them."""
    only_badges = not _BADGE.sub("", line).strip(" \t#")

    def badge(match: re.Match[str]) -> str:
        name, args = match["name"], match["args"].strip()
        if name in ("option", "setting"):
            key = args.split()[0] if args else ""
            if not key:
                return ""
            short = re.split(r"[.:]" if name == "option" else r"[.*]", key)[-1]
            if name == "setting":
                references.append(f"[{key}]: #{key}")
            return f"`{short}` {{#{'+' if name == 'option' else ''}{key}}}"
        if name == "flag":
            return _FLAG_LABELS.get(args.split()[0] if args else "", "")
        if name == "sponsors":
            return "Sponsors only"
        if name in _BADGE_LABELS:
            return f"{_BADGE_LABELS[name]}: {args}" if args else ""
        unknown[f"md:{name}"] += 1
        return ""

    rewritten = _BADGE.sub(badge, line)
    if only_badges and not line.lstrip().startswith("#"):
        rewritten = rewritten.rstrip() + ("  " if rewritten.strip() else "")
    return rewritten
