"""FastAPI's ``{* file *}`` (markdown_include_variants): a code file and its other variants.

``{* docs_src/x/tutorial001_an_py310.py ln[3:8] hl[4] title["main.py"] *}`` shows, as the
extension writes it in pymdownx.blocks syntax (which :mod:`.blocks` then reads):

- a tab named for the file's Python version (``Python 3.10+``) holding the file, or only the
  lines ``ln`` names, with ``# Code above omitted 👆`` (``here``, ``below``) where code is left out;
- with ``ln``, a "👀 Full file preview" block holding the whole file;
- the other variants of the file (the same name with or without ``_an``, ``_py39``, ``_py310``,
  ``_py311``; or, for a file in such a folder, the same file in the sibling folders) in a
  "🤓 Other versions and variants" block, one tab each, a non-Annotated one with a tip
  preferring the Annotated version.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

_SUFFIXES = ("_an", "_py39", "_py310", "_py311")
_VERSIONS = (("py311", "3.11"), ("py310", "3.10"), ("py39", "3.9"), ("py38", "3.8"))
_OPTION = re.compile(r"(\w+)\[([^\]]+)\]")
_TICKS = re.compile(r"`{3,}")


@dataclass(frozen=True, slots=True)
class Variant:
    path: str
    title: str
    #: True: the Annotated one of a pair; False: the one without; None: the only one.
    annotated: bool | None


def variants(path: str, exists: Callable[[str], bool]) -> list[Variant]:
    """``path``'s variants that exist, the extension's order: Annotated ones first, newest
    Python first (``path`` itself among them when it is one)."""
    folder, name = posixpath.split(path)
    stem = _base_name(posixpath.splitext(name)[0])
    found = _variants(lambda suffix: posixpath.join(folder, f"{stem}{suffix}.py"), exists)
    if len(found) == 1:
        parent, folder_name = posixpath.split(folder)
        base = _base_name(folder_name)
        in_folders = _variants(lambda suffix: posixpath.join(parent, f"{base}{suffix}", name), exists)
        if len(in_folders) > 1 or (len(in_folders) == 1 and _plain(found[0]) and not _plain(in_folders[0])):
            found = in_folders
    order = {True: 0, False: 1, None: 2}
    return sorted(found, key=lambda variant: order[variant.annotated])


async def block(
    path: str, options: str, read: Callable[[str], Awaitable[str | None]], exists: Callable[[str], bool]
) -> list[str]:
    """The Markdown the extension writes for ``{* path options *}`` (``path`` found, source-relative)."""
    chosen: list[tuple[int, int]] = []
    title = ""
    for name, value in _OPTION.findall(options):
        if name == "ln":
            chosen += _ranges(value)
        elif name == "title" and value.startswith('"') and value.endswith('"'):
            title = f' title="{value[1:-1]}"'
    found = variants(path, exists)
    preferred = next((variant for variant in found if variant.path == path), Variant(path, "Python", None))
    shown = [preferred, *(variant for variant in found if variant.path != path)]
    code = {variant.path: _lines(await read(variant.path)) for variant in shown}
    longest = max(
        (len(run) for lines in code.values() for line in lines for run in _TICKS.findall(line)), default=0
    )
    fence = "`" * max(3, longest + 1)
    opening = f"{fence}python{title}"
    lines = code[path]
    out = [f"//// tab | {preferred.title}", opening, *_shown(lines, chosen), fence, "", "////", ""]
    if chosen:
        out += ["///// details | 👀 Full file preview", "", f"//// tab | {preferred.title}", ""]
        out += [opening, *lines, fence, "", "////", "", "/////", ""]
    if len(shown) > 1:
        out += ["///// details | 🤓 Other versions and variants", ""]
        for variant in shown[1:]:
            out += [f"//// tab | {variant.title}", ""]
            if variant.annotated is False:
                out += ["/// tip", "", "Prefer to use the `Annotated` version if possible.", "", "///", ""]
            out += [opening, *code[variant.path], fence, "////"]
        out += ["", "/////", ""]
    return out


def _lines(text: str | None) -> list[str]:
    return (text or "").removesuffix("\n").split("\n")


def _shown(lines: list[str], chosen: list[tuple[int, int]]) -> list[str]:
    if not chosen:
        return lines
    out: list[str] = []
    for index, (start, end) in enumerate(sorted(chosen)):
        if index == 0 and start > 1:
            out += ["# Code above omitted 👆", ""]
        if index >= 1:
            out += ["", "# Code here omitted 👈", ""]
        out += lines[start - 1 : end]
        if index == len(chosen) - 1 and end < len(lines):
            out += ["", "# Code below omitted 👇"]
    return out


def _plain(variant: Variant) -> bool:
    """Whether ``variant`` is the one without suffixes (Python 3.8+, no Annotated pair)."""
    return variant.title == "Python 3.8+" and variant.annotated is None


def _ranges(value: str) -> list[tuple[int, int]]:
    ranges = []
    for part in value.split(","):
        start, _, end = part.strip().partition(":")
        if start.isdigit() and (end.isdigit() or not end):
            ranges.append((int(start), int(end or start)))
    return ranges


def _base_name(name: str) -> str:
    changed = True
    while changed:
        changed = False
        for suffix in _SUFFIXES:
            if name.endswith(suffix):
                name, changed = name[: -len(suffix)], True
                break
    return name


def _variants(candidate: Callable[[str], str], exists: Callable[[str], bool]) -> list[Variant]:
    found: list[Variant] = []
    for version, number in _VERSIONS:
        suffix = "" if version == "py38" else f"_{version}"
        annotated, plain = candidate(f"_an{suffix}"), candidate(suffix)
        if exists(annotated):
            found.append(Variant(annotated, f"Python {number}+", True))
            if exists(plain):
                found.append(Variant(plain, f"Python {number}+ - non-Annotated", False))
        elif exists(plain):
            found.append(Variant(plain, f"Python {number}+", None))
    return found
