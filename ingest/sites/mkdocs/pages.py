"""A page's text as MkDocs reads it: front matter, meta lines, its title heading, whether it
says anything at all, and the front matter worth keeping as metadata."""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping
from datetime import date, datetime
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

from ingest.sites import safeyaml

_YAML_FRONT = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*(?:\n|$)", re.DOTALL)
_META_LINE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
_META_MORE = re.compile(r"^(?:[ ]{4}|\t)\s*(?P<value>.*)")
_ATX_H1 = re.compile(r"^[ ]{0,3}#[ \t]+(?P<text>.+?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT_H1 = re.compile(r"^[ ]{0,3}=+[ \t]*$")
_HEADING_ID = re.compile(r"[ \t]*\{#[^}]*\}[ \t]*$")
_MARKUP = re.compile(r"!?\[(?P<text>[^\]]*)\]\([^)]*\)|[*_`]+|<[^>]+>")
#: What of an HTML block shows no text: comments, scripts and styles, tags.
# An unclosed comment or script runs to the end (as HTML reads it), so that no later one looks to
# the end again: each unclosed "<!--" scanning the rest of the page made a page of them quadratic.
_HTML_TEXT = re.compile(
    r"<!--(?:.*?-->|.*)|<(script|style)\b(?:.*?</\1\s*>|.*)|<[^>]*(?:>|$)", re.DOTALL | re.IGNORECASE
)
_KEPT_METADATA = ("description", "tags", "keywords", "authors", "categories", "date", "summary", "subtitle")


class _Shows(Exception):
    """A block that shows something was found: the rest of the page need not be parsed."""


def _stop_at_content(state: StateBlock, *_rest: Any) -> bool:
    """A block rule that matches nothing: it raises :class:`_Shows` once a block that shows
    something has been parsed (blocks are only ever added, so it shows in the whole page too)."""
    _look(state.tokens, state.env)
    return False


def _look(tokens: list[Token], env: MutableMapping[str, Any]) -> None:
    index = env["seen"]
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if token.type == "html_block" and not _HTML_TEXT.sub("", token.content).strip():
            continue
        if not env["first_seen"]:
            env["first_seen"] = True
            if token.tag == "h1" and env["title_heading"]():
                index += 2  # its text and its end, pushed with it
                continue
        raise _Shows
    env["seen"] = index


# Blocks only (whether a page shows anything is decided at the block level), stopping at the first
# block that shows something: a page with content costs its first blocks, not two parses.
_BLOCKS = MarkdownIt("commonmark")
_BLOCKS.core.ruler.disable(["inline", "text_join"])
_BLOCKS.block.ruler.before(_BLOCKS.block.ruler.get_all_rules()[0], "stop_at_content", _stop_at_content)


def yaml_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """YAML front matter opening ``text`` as MkDocs reads it (``---`` to ``---`` or ``...``);
    none when it is not a mapping of valid YAML."""
    match = _YAML_FRONT.match(text)
    if match is None:
        return {}, text
    try:
        loaded = safeyaml.load(match[1])
    except yaml.YAMLError:
        return {}, text
    return (loaded, text[match.end() :].lstrip("\n")) if isinstance(loaded, dict) else ({}, text)


def multimarkdown_meta(body: str) -> tuple[dict[str, Any], str]:
    """MultiMarkdown-style meta lines opening ``body`` (``title: Guide``), as MkDocs reads them
    when there is no YAML front matter, and the body after them."""
    lines = body.split("\n")
    meta: dict[str, Any] = {}
    key: str | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            index += 1
            break
        match = _META_LINE.match(line)
        more = _META_MORE.match(line) if match is None else None
        if match:
            key = match["key"].lower().strip()
            value = match["value"].strip()
            meta[key] = f"{meta[key]} {value}" if key in meta else value
        elif more and key:
            meta[key] = f"{meta[key]} {more['value'].strip()}"
        else:
            break
        index += 1
    if not meta:
        return {}, body
    return meta, "\n".join(lines[index:]).lstrip("\n")


def front_matter(text: str) -> tuple[dict[str, Any], str]:
    """A page's front matter (YAML, else meta lines) and the body after it."""
    front, body = yaml_front_matter(text)
    return (front, body) if front else multimarkdown_meta(body)


def has_content(text: str, title: str) -> bool:
    """Whether ``text`` shows anything beyond an opening ``# Heading`` saying ``title`` (HTML
    comments and link reference definitions, such as those ``auto_append`` adds, show nothing)."""
    env: dict[str, Any] = {
        "seen": 0,
        "first_seen": False,
        "title_heading": lambda: first_heading(text) == title,
    }
    try:
        _look(_BLOCKS.parse(text, env), env)
    except _Shows:
        return True
    return False


def first_heading(text: str) -> str | None:
    """The text of the ``# Heading`` a page opens with (MkDocs takes it as the title), or None."""
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines:
        return None
    match = _ATX_H1.match(lines[0])
    heading = match["text"] if match else lines[0] if len(lines) > 1 and _SETEXT_H1.match(lines[1]) else None
    if heading is None:
        return None
    plain = _MARKUP.sub(lambda m: m["text"] or "", _HEADING_ID.sub("", heading)).strip()
    return plain or None


def metadata(front: Mapping[str, Any]) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    for key in _KEPT_METADATA:
        if key in front and front[key] is not None:
            kept[key] = _jsonable(front[key])
    return kept


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def decode(raw: bytes) -> str:
    text = raw.decode("utf-8-sig", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")
