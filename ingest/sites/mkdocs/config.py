"""Reading an MkDocs site's ``mkdocs.yml``: the keys that decide pages, URLs and syntax.

MkDocs configs carry tags PyYAML's safe loader refuses (``!ENV``, ``!relative``,
``!!python/name:...``, ``!!python/object/apply:...``). They are read here without running
anything: ``!ENV [NAME, default]`` is its default (the build machine's environment is not
ours), ``!relative`` its path, and a ``python/`` tag a :class:`PythonTag` naming the object,
which is all the dialect needs (which ``slugify`` the toc extension uses).
``INHERIT: base.yml`` is merged as MkDocs merges it (nested mappings key by key).
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from ingest.errors import ConnectorError
from ingest.sites.contract import SiteFiles
from ingest.sites.safeyaml import BoundedLoader

_MAX_INHERIT = 8


@dataclass(frozen=True, slots=True)
class PythonTag:
    """A ``!!python/...`` value: the object it names (``pymdownx.slugs.slugify``), never imported."""

    name: str
    value: Any = None


class _ConfigLoader(BoundedLoader):
    """A bounded SafeLoader that reads MkDocs' own tags and any other tag as plain data."""


def _env(loader: _ConfigLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.SequenceNode):
        values = loader.construct_sequence(node, deep=True)
        return values[-1] if len(values) > 1 else None
    return None


def _python(loader: _ConfigLoader, suffix: str, node: yaml.Node) -> PythonTag:
    name = suffix.split(":", 1)[1] if ":" in suffix else suffix
    return PythonTag(name, _plain(loader, node))


def _any_tag(loader: _ConfigLoader, suffix: str, node: yaml.Node) -> Any:
    return _plain(loader, node)


def _plain(loader: _ConfigLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)  # type: ignore[arg-type]


_ConfigLoader.add_constructor("!ENV", _env)
_ConfigLoader.add_constructor("!relative", lambda loader, node: _plain(loader, node))  # type: ignore[arg-type]
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", _python)
_ConfigLoader.add_multi_constructor("!", _any_tag)


@dataclass(frozen=True, slots=True)
class MkDocsConfig:
    """What the dialect reads of ``mkdocs.yml`` (paths relative to the source's root)."""

    #: The config file itself, and the files it INHERITs from.
    files: tuple[str, ...]
    #: The folder holding the config ("" for the source's root): base of relative paths.
    root: str
    #: The source-relative docs folder ("docs", "docs/en/docs").
    docs_dir: str
    site_url: str | None = None
    use_directory_urls: bool = True
    nav: Any = None
    exclude_docs: str = ""
    draft_docs: str = ""
    not_in_nav: str = ""
    #: ``markdown_extensions``, each name with its options (a mapping, possibly empty).
    extensions: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: ``plugins``, each name with its options.
    plugins: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: ``theme.language`` (Material) or ``theme.locale`` (MkDocs' own themes).
    theme_language: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: Theme ``custom_dir`` and ``hooks`` (source-relative): site machinery, never snippets.
    machinery: tuple[str, ...] = ()
    site_dir: str = "site"
    #: The whole config as read (mkdocs-macros reads ``config.*`` and ``extra``).
    raw: Mapping[str, Any] = field(default_factory=dict)

    def extension(self, *names: str) -> Mapping[str, Any] | None:
        """The options of the first of ``names`` that is configured, or None."""
        for name in names:
            if name in self.extensions:
                return self.extensions[name]
        return None

    def plugin(self, *names: str) -> Mapping[str, Any] | None:
        """The options of the first of ``names`` that is configured, or None."""
        for name in names:
            if name in self.plugins:
                return self.plugins[name]
        return None

    def path(self, relative: str) -> str:
        """``relative`` (to the config's folder) as a normalised source-relative path."""
        return normalise(posixpath.join(self.root, relative))


def normalise(path: str) -> str:
    """A POSIX path without ``.``/``..``/empty segments ("" for the root; may start with ``..``)."""
    cleaned = posixpath.normpath(path or ".")
    return "" if cleaned == "." else cleaned


async def read_config(files: SiteFiles, path: str) -> MkDocsConfig:
    """The config at ``path`` and what it INHERITs; ConnectorError naming the file when unreadable."""
    chain: list[str] = []
    merged: dict[str, Any] = {}
    current: str | None = path
    while current is not None:
        if current in chain or len(chain) >= _MAX_INHERIT:
            raise ConnectorError(
                f"{current}: INHERIT goes round in a circle ({' -> '.join([*chain, current])})"
            )
        chain.append(current)
        loaded = await _load(files, current)
        merged = _merge(loaded, over=merged)
        parent = merged.pop("INHERIT", None)
        current = normalise(posixpath.join(posixpath.dirname(current), str(parent))) if parent else None
    try:
        return _interpret(merged, path, tuple(chain))
    except (TypeError, ValueError, AttributeError) as exc:
        raise ConnectorError(f"{path}: not an MkDocs config MkDocs could read: {exc}") from None


async def _load(files: SiteFiles, path: str) -> dict[str, Any]:
    raw = await files.read(path)
    if raw is None:
        raise ConnectorError(f"{path}: the MkDocs config cannot be read (no such file)")
    try:
        text = raw.decode("utf-8-sig")
        loaded = yaml.load(text, Loader=_ConfigLoader)  # noqa: S506  # a SafeLoader subclass
    except UnicodeDecodeError as exc:
        raise ConnectorError(f"{path}: the MkDocs config is not UTF-8 (byte {exc.start})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConnectorError(f"{path}: the MkDocs config is not valid YAML{where}: {problem}") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ConnectorError(f"{path}: the MkDocs config must be a mapping of keys to values")
    return loaded


def _merge(parent: dict[str, Any], *, over: dict[str, Any]) -> dict[str, Any]:
    """``over`` (what was read so far, down the INHERIT chain) laid over ``parent``, nested
    mappings merged key by key, as MkDocs merges an inherited config."""
    merged = dict(parent)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], over=value)
        else:
            merged[key] = value
    return merged


def _named_options(value: Any) -> dict[str, Mapping[str, Any]]:
    """``markdown_extensions`` / ``plugins`` as name -> options, from a list or a mapping."""
    items: list[tuple[Any, Any]] = []
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list):
        for entry in value:
            if isinstance(entry, dict):
                items.extend(entry.items())
            else:
                items.append((entry, None))
    named: dict[str, Mapping[str, Any]] = {}
    for name, options in items:
        if isinstance(name, str):
            named[name] = options if isinstance(options, dict) else {}
    return named


def _patterns(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(str(item) for item in value)
    return str(value) if isinstance(value, str) else ""


def _interpret(raw: Mapping[str, Any], path: str, chain: tuple[str, ...]) -> MkDocsConfig:
    root = posixpath.dirname(path)
    theme = raw.get("theme")
    theme = theme if isinstance(theme, dict) else {}
    language = theme.get("language") or theme.get("locale")
    site_url = raw.get("site_url")
    machinery = [theme.get("custom_dir")]
    hooks = raw.get("hooks")
    machinery.extend(hooks if isinstance(hooks, list) else [])
    extra = raw.get("extra")
    docs_dir = raw.get("docs_dir", "docs")
    if not isinstance(docs_dir, str) or not docs_dir.strip():
        raise ValueError(f"docs_dir must be a folder name, not {docs_dir!r}")
    folder = normalise(posixpath.join(root, docs_dir))
    if posixpath.isabs(docs_dir) or folder == ".." or folder.startswith("../"):
        raise ConnectorError(
            f"{path}: docs_dir {docs_dir!r} leads outside the source; it names the folder of the pages, "
            "such as docs"
        )
    return MkDocsConfig(
        files=chain,
        root=root,
        docs_dir=folder,
        site_url=site_url.strip() if isinstance(site_url, str) and site_url.strip() else None,
        use_directory_urls=raw.get("use_directory_urls", True) is not False,
        nav=raw.get("nav"),
        exclude_docs=_patterns(raw.get("exclude_docs")),
        draft_docs=_patterns(raw.get("draft_docs")),
        not_in_nav=_patterns(raw.get("not_in_nav")),
        extensions=_named_options(raw.get("markdown_extensions")),
        plugins=_named_options(raw.get("plugins")),
        theme_language=str(language) if isinstance(language, str) and language else None,
        extra=extra if isinstance(extra, dict) else {},
        machinery=tuple(normalise(posixpath.join(root, str(item))) for item in machinery if item),
        site_dir=normalise(posixpath.join(root, str(raw.get("site_dir") or "site"))),
        raw=raw,
    )
