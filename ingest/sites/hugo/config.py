"""A Hugo site's configuration: where it is, and the keys that decide what is published where.

Hugo reads ``hugo.toml|yaml|json`` (or ``config.*``) at the root and the files of
``config/_default/`` (then ``config/production/``, the environment ``hugo`` builds for),
each file of that directory holding the root key it is named after. Keys are
case-insensitive, so every key is lower-cased once here.
"""

from __future__ import annotations

import json
import posixpath
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import yaml

from ingest.errors import ConnectorError
from ingest.sites import safeyaml
from ingest.sites.contract import SiteFiles
from ingest.sites.hugo.frontmatter import decode
from ingest.sites.recognition import hugo_config_paths

Config = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Language:
    """One language of the site, as ``languages.<key>`` configures it."""

    key: str
    weight: int
    #: The language's own content directory (``content/fr``), or None: the site's one.
    content_dir: str | None
    #: What the site calls the language for readers (``languageCode``/``locale``), if it says.
    code: str | None


@dataclass(frozen=True, slots=True)
class ContentRoot:
    """A folder of the source whose files are content (``content``, a language's
    ``contentDir``, or a ``module.mounts`` entry targeting ``content``)."""

    source: str
    #: Where its files land under the site's content (``""``: the content root itself).
    target: str
    #: The language of its files, or None: the default, or the one their file name names.
    language: str | None


@dataclass(frozen=True, slots=True)
class HugoConfig:
    """What the dialect needs of a Hugo site's configuration."""

    #: The configuration files read (source paths), for the structure digest.
    files: tuple[str, ...]
    values: Config
    base_url: str | None
    default_language: str
    #: Whether the site names its language (``defaultContentLanguage`` or ``languages``).
    names_language: bool
    default_language_in_subdir: bool
    languages: tuple[Language, ...]
    roots: tuple[ContentRoot, ...]
    ugly_urls: bool | Mapping[str, bool]
    lower_paths: bool
    heading_ids: str
    #: ``markup.goldmark.parser.attribute.block``: ``{.class}`` lines after blocks are attributes.
    block_attributes: bool
    #: ``enableEmoji``: ``:smile:`` reads as the emoji.
    emoji: bool = False

    @property
    def multilingual(self) -> bool:
        return len(self.languages) > 1

    def language(self, key: str) -> Language | None:
        return next((language for language in self.languages if language.key == key), None)

    def ugly(self, section: str) -> bool:
        if isinstance(self.ugly_urls, bool):
            return self.ugly_urls
        return bool(self.ugly_urls.get(section.lower(), False))


async def read_config(files: SiteFiles) -> HugoConfig:
    """The site's configuration, merged; a file that cannot be read is a ConnectorError."""
    names = hugo_config_paths(files.paths())
    merged: dict[str, Any] = {}
    for path in names:
        data = await files.read(path)
        if data is None:
            raise ConnectorError(f"The Hugo configuration {path} cannot be read.")
        try:
            loaded = _lower_keys(_parse(path, decode(data)))
        except RecursionError:
            raise ConnectorError(f"The Hugo configuration {path} is nested too deeply to read.") from None
        _merge(merged, _placed(path, loaded))
    try:
        return _interpret(tuple(names), merged)
    except _NotAFolder as exc:
        raise ConnectorError(f"The Hugo configuration {', '.join(names)}: {exc}") from None


def _parse(path: str, text: str) -> Config:
    try:
        if path.endswith(".toml"):
            loaded: object = tomllib.loads(text)
        elif path.endswith(".json"):
            loaded = json.loads(text) if text.strip() else {}
        else:
            loaded = safeyaml.load(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, yaml.YAMLError) as exc:
        problem = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ConnectorError(f"The Hugo configuration {path} does not parse: {problem}.") from exc
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ConnectorError(f"The Hugo configuration {path} is not a table of settings.")
    return loaded


def _placed(path: str, loaded: Config) -> Config:
    """A file of ``config/_default/`` holds the key it is named after (``params.toml``), or a
    language's (``menus.fr.toml``)."""
    if not path.startswith("config/"):
        return loaded
    parts = PurePosixPath(path).stem.lower().split(".")
    if parts[0] in ("hugo", "config"):
        return loaded
    if len(parts) == 2:
        return {"languages": {parts[1]: {parts[0]: loaded}}}
    return {parts[0]: loaded}


def _lower_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key).lower(): _lower_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_lower_keys(item) for item in value]
    return value


def _merge(into: dict[str, Any], other: Config) -> None:
    for key, value in other.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def _interpret(files: tuple[str, ...], values: Config) -> HugoConfig:
    default_language = str(values.get("defaultcontentlanguage") or "en").lower()
    languages = _languages(values.get("languages"), default_language)
    markup = _table(_table(_table(values.get("markup")).get("goldmark")).get("parser"))
    base_url = values.get("baseurl")
    return HugoConfig(
        files=files,
        values=values,
        base_url=str(base_url) if base_url else None,
        default_language=default_language,
        names_language="defaultcontentlanguage" in values or bool(_table(values.get("languages"))),
        default_language_in_subdir=bool(values.get("defaultcontentlanguageinsubdir", False)),
        languages=languages,
        roots=_roots(values, languages),
        ugly_urls=_ugly(values.get("uglyurls")),
        lower_paths=not bool(values.get("disablepathtolower", False)),
        heading_ids=str(markup.get("autoheadingidtype") or "github").lower(),
        block_attributes=bool(_table(markup.get("attribute")).get("block", False)),
        emoji=bool(values.get("enableemoji", False)),
    )


def _table(value: object) -> Config:
    return value if isinstance(value, dict) else {}


def _languages(value: object, default_language: str) -> tuple[Language, ...]:
    declared = _table(value)
    disabled = set()
    languages = []
    for key, settings in declared.items():
        table = _table(settings)
        if table.get("disabled"):
            disabled.add(key)
            continue
        code = table.get("languagecode") or table.get("locale")
        content_dir = _content_dir(table.get("contentdir"), f"languages.{key}.contentDir")
        languages.append(
            Language(
                key=key,
                weight=int(table.get("weight") or 0),
                content_dir=content_dir,
                code=str(code) if code else None,
            )
        )
    if not any(language.key == default_language for language in languages):
        languages.append(Language(default_language, 0, None, None))
    # Hugo orders languages by weight (0, unset, last), then by key.
    return tuple(sorted(languages, key=lambda item: (item.weight == 0, item.weight, item.key)))


def _roots(values: Config, languages: tuple[Language, ...]) -> tuple[ContentRoot, ...]:
    mounts = [_table(mount) for mount in _table(values.get("module")).get("mounts") or ()]
    content_mounts = [mount for mount in mounts if str(mount.get("target", "")).split("/")[0] == "content"]
    if content_mounts:
        # A mount for content replaces the default one (Hugo drops a component's default mount).
        return tuple(_mount_root(mount, languages) for mount in content_mounts if mount.get("source"))
    content_dir = _content_dir(values.get("contentdir"), "contentDir") or "content"
    roots = [
        ContentRoot(language.content_dir, "", language.key) for language in languages if language.content_dir
    ]
    if not roots or any(language.content_dir is None for language in languages):
        roots.append(ContentRoot(content_dir, "", None))
    return tuple(roots)


class _NotAFolder(ValueError):
    """A contentDir that names no folder of the source."""


def _content_dir(value: object, key: str) -> str | None:
    """A ``contentDir`` as a source-relative folder (None when unset)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _NotAFolder(f"{key} must be a folder name such as content, not {value!r}")
    folder = posixpath.normpath(value.strip().replace("\\", "/"))
    if posixpath.isabs(value.strip()) or folder == ".." or folder.startswith("../"):
        raise _NotAFolder(
            f"{key} {value!r} leads outside the source; it names a folder of the source, such as content"
        )
    return folder.strip("/")


def _mount_root(mount: Config, languages: tuple[Language, ...]) -> ContentRoot:
    language = mount.get("lang")
    matrix = _table(_table(mount.get("sites")).get("matrix")).get("languages")
    if not language and isinstance(matrix, list) and len(matrix) == 1:
        language = matrix[0]
    known = {item.key for item in languages}
    target = str(mount.get("target")).strip("/").removeprefix("content").strip("/")
    return ContentRoot(
        source=str(mount["source"]).strip("/"),
        target=target,
        language=str(language).lower() if language and str(language).lower() in known else None,
    )


def _ugly(value: object) -> bool | Mapping[str, bool]:
    if isinstance(value, dict):
        return {str(key).lower(): bool(item) for key, item in value.items()}
    return bool(value)
