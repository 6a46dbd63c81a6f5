"""``code-toggle``: a configuration shown in TOML, YAML and JSON, one content tab each.

The Hugo docs' shortcode takes its configuration from its inner text (in any of the three
formats) or from the site's data (``config=build`` in ``data/docs``), and re-writes it in each
format as Hugo's ``transform.Remarshal`` does; TOML, the tab the site opens on, comes first.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any

import tomli_w
import yaml

from ingest.sites import safeyaml
from ingest.sites.hugo.blocks import fence

_FRONT_MATTER_FENCES = {"toml": "+++", "yaml": "---"}


def parse_config(text: str) -> tuple[str, Mapping[str, Any]] | None:
    """``(format, value)`` of a configuration written in TOML, YAML or JSON, or None."""
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            loaded = json.loads(stripped)
        except json.JSONDecodeError:
            loaded = None
        if isinstance(loaded, dict):
            return "json", loaded
    try:
        return "toml", tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        pass
    try:
        loaded = safeyaml.load(text)
    except yaml.YAMLError:
        return None
    return ("yaml", loaded) if isinstance(loaded, dict) else None


def render(value: Mapping[str, Any] | None, written: str, *, file: str | None, front_matter: bool) -> str:
    """The tabs of one ``code-toggle``: the configuration in each format, or as written when it
    does not parse (a sketch with ``...`` in it)."""
    if value is None:
        parsed = parse_config(written)
        if parsed is None:
            return fence(written.strip("\n"), _guess(written))
        value = parsed[1]
    tabs = []
    for language in ("toml", "yaml", "json"):
        code = _dump(value, language)
        if code is None:
            continue
        if front_matter and language in _FRONT_MATTER_FENCES:
            code = f"{_FRONT_MATTER_FENCES[language]}\n{code.rstrip()}\n{_FRONT_MATTER_FENCES[language]}"
        label = f"{file}.{language}" if file and not front_matter else language.upper()
        if file and front_matter:
            label = f"{file} ({language.upper()})"
        body = "\n".join(("    " + line).rstrip() for line in fence(code, language).split("\n"))
        tabs.append(f'=== "{label}"\n\n{body}')
    return "\n\n".join(tabs) if tabs else fence(written.strip("\n"), _guess(written))


def _dump(value: Mapping[str, Any], language: str) -> str | None:
    try:
        if language == "toml":
            return tomli_w.dumps(_plain(value, for_toml=True))
        if language == "yaml":
            dumped: str = yaml.safe_dump(
                _plain(value, for_toml=False), sort_keys=False, allow_unicode=True, default_flow_style=False
            )
            return dumped
        return json.dumps(_plain(value, for_toml=False), indent=2, ensure_ascii=False, default=str)
    except (TypeError, ValueError, yaml.YAMLError):
        return None


def _plain(value: Any, *, for_toml: bool) -> Any:
    if isinstance(value, Mapping):
        return {
            str(key): _plain(item, for_toml=for_toml)
            for key, item in value.items()
            if not (for_toml and item is None)
        }
    if isinstance(value, list):
        return [_plain(item, for_toml=for_toml) for item in value if not (for_toml and item is None)]
    if isinstance(value, (datetime, date, time)) and not for_toml:
        return value.isoformat()
    return value


def _guess(text: str) -> str:
    stripped = text.strip()
    if stripped.startswith("{"):
        return "json"
    if any(line.strip().startswith("[") or " = " in line for line in stripped.splitlines()):
        return "toml"
    return "yaml"
