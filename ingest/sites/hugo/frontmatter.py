"""Front matter of the files a Hugo site reads itself: bundle index pages, includes, glossary terms.

The connector splits the front matter of the page it loads; the dialect also reads other
files (a section's ``_index.md`` for its cascade, an included snippet), and Hugo allows three
formats there: YAML between ``---``, TOML between ``+++``, JSON as an object at the start.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from typing import Any

import yaml

from ingest.sites import safeyaml

_YAML = re.compile(r"\A---[ \t]*\n(.*?)^---[ \t]*(?:\n|\Z)", re.DOTALL | re.MULTILINE)
_TOML = re.compile(r"\A\+\+\+[ \t]*\n(.*?)^\+\+\+[ \t]*(?:\n|\Z)", re.DOTALL | re.MULTILINE)


class FrontMatterError(ValueError):
    """Front matter that does not parse."""


def decode(data: bytes) -> str:
    """The text of a file as Hugo reads it: UTF-8 (a BOM dropped), lines ending in ``\\n``."""
    return data.decode("utf-8", errors="replace").removeprefix("\ufeff").replace("\r\n", "\n")


def split_front_matter(text: str) -> tuple[Mapping[str, Any], str]:
    """``(front matter, body)`` of a content file's text; ``({}, text)`` when it has none."""
    if match := _YAML.match(text):
        try:
            loaded = safeyaml.load(match.group(1))
        except yaml.YAMLError as exc:
            raise FrontMatterError(f"its YAML front matter does not parse ({_first_line(exc)})") from exc
        return _mapping(loaded), text[match.end() :]
    if match := _TOML.match(text):
        try:
            return tomllib.loads(match.group(1)), text[match.end() :]
        except tomllib.TOMLDecodeError as exc:
            raise FrontMatterError(f"its TOML front matter does not parse ({exc})") from exc
    if text.startswith("{"):
        try:
            loaded, end = json.JSONDecoder().raw_decode(text)
        except json.JSONDecodeError as exc:
            raise FrontMatterError(f"its JSON front matter does not parse ({exc})") from exc
        return _mapping(loaded), text[end:].lstrip("\n")
    return {}, text


def _mapping(loaded: object) -> Mapping[str, Any]:
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise FrontMatterError("its front matter is not a mapping of fields")
    return {str(key): value for key, value in loaded.items()}


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
