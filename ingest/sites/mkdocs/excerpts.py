"""Material's blog index as its readers see it: the index's own text, then post excerpts.

The blog plugin shows on its index (``<blog_dir>/index.md``) the excerpts of the latest posts,
pinned ones first, then newest first, one page of ``pagination_per_page`` (10) of them. An
excerpt is the post up to ``post_excerpt_separator`` (``<!-- more -->``; the whole post when
it has none) under the post's title, a heading one level down linking to the post, with the
post's own headings one level down too. The plugin renders the whole post and cuts the HTML,
so reference-style links keep working in the excerpt although they are defined below the
separator: those definitions are kept here. The post's relative links are made relative to
the index, where its text now stands.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator

from ingest.sites.mkdocs.config import normalise
from ingest.sites.mkdocs.lines import Fence, track_fence
from ingest.sites.mkdocs.pages import first_heading

_ATX_H1 = re.compile(r"^[ ]{0,3}#[ \t]+(?P<text>.+?)(?:[ \t]+#+)?[ \t]*$")
_HEADING_ID = re.compile(r"[ \t]*\{[^{}]*\}[ \t]*$")
_SETEXT_H1 = re.compile(r"^[ ]{0,3}=+[ \t]*$")
_HEADING = re.compile(r"^[ ]{0,3}#{1,5}(?=[ \t]|$)")
_REFERENCE = re.compile(r"^[ ]{0,3}\[(?!\^)[^\]\n]+\]:[ \t]*\S")
_LINK_TARGET = re.compile(
    r"(?P<head>\]\([ \t]*<?|^[ ]{0,3}\[[^\]\n]+\]:[ \t]*<?|\b(?:href|src)=[\"'])(?P<target>[^\s)<>\"'#?]+)"
)
_ABSOLUTE = re.compile(r"^(?:[A-Za-z][\w+.-]*:|/)")
_TITLE_SPECIALS = re.compile(r"[\\`*_\[\]<>]")


def excerpt(body: str, *, title: str, link: str, separator: str, from_dir: str, to_dir: str) -> str:
    """The excerpt of a post whose Markdown (front matter split off) is ``body``, as a block of
    the index: ``## [title](link)`` and the post's text up to ``separator``; ``from_dir`` and
    ``to_dir`` are the docs-relative folders of the post and of the index."""
    shown, _, rest = body.partition(separator)
    own_title, lines = _split_title(shown.split("\n"))
    text = "\n".join(_outside_code(lines, lambda line: _HEADING.sub(r"\g<0>#", line))).strip("\n")
    references = [line for line in _prose(rest.split("\n")) if _REFERENCE.match(line)]
    if references:
        text = f"{text}\n\n" + "\n".join(references)
    text = rebase_links(text, from_dir, to_dir)
    heading = "## [{}](<{}>)".format(own_title or _TITLE_SPECIALS.sub(r"\\\g<0>", title), link)
    return f"{heading}\n\n{text}\n" if text.strip() else f"{heading}\n"


def rebase_links(text: str, from_dir: str, to_dir: str) -> str:
    """Relative link targets in ``text`` (inline, reference definitions, ``href``/``src``), written
    for a page in ``from_dir``, made relative to ``to_dir`` (both docs-relative folders)."""
    if from_dir == to_dir:
        return text

    def rebase(match: re.Match[str]) -> str:
        target = match["target"]
        if _ABSOLUTE.match(target):
            return match[0]
        moved = posixpath.relpath(normalise(posixpath.join(from_dir, target)) or ".", to_dir or ".")
        return match["head"] + moved + ("/" if target.endswith("/") and not moved.endswith("/") else "")

    return "\n".join(_outside_code(text.split("\n"), lambda line: _LINK_TARGET.sub(rebase, line)))


def _split_title(lines: list[str]) -> tuple[str | None, list[str]]:
    """The ``# Title`` a post opens with, as written (the plugin shows it, whatever the front
    matter's ``title``), and the lines after it; None and ``lines`` when it opens otherwise."""
    first = next((index for index, line in enumerate(lines) if line.strip()), None)
    if first is None or first_heading("\n".join(lines[first : first + 2])) is None:
        return None, lines
    atx = _ATX_H1.match(lines[first])
    if atx:
        return _HEADING_ID.sub("", atx["text"]).strip(), lines[first + 1 :]
    if first + 1 < len(lines) and _SETEXT_H1.match(lines[first + 1]):
        return _HEADING_ID.sub("", lines[first]).strip(), lines[first + 2 :]
    return None, lines


def _outside_code(lines: list[str], rewrite: Callable[[str], str]) -> list[str]:
    """``lines``, ``rewrite`` applied to those outside fenced code."""
    return [line if in_code else rewrite(line) for line, in_code in _fenced(lines)]


def _prose(lines: list[str]) -> list[str]:
    return [line for line, in_code in _fenced(lines) if not in_code]


def _fenced(lines: list[str]) -> Iterator[tuple[str, bool]]:
    """Each line, and whether it belongs to fenced code (its fences included)."""
    fence: Fence | None = None
    for line in lines:
        was_fenced = fence is not None
        fence = track_fence(line, fence)
        yield line, was_fenced or fence is not None
