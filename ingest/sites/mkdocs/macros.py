"""mkdocs-macros' Jinja (the ``macros`` plugin, or Zensical's ``zensical.extensions.macros``),
rendered as the site renders it.

The plugin renders every page as a Jinja template before Markdown sees it, with the config's
``extra`` (its keys also at the top), ``config``, the page (``page.meta``, its front matter,
whose keys are at the top too) and the YAML files ``include_yaml`` names (in the plugin's
options or the page's front matter; paths from the config's folder) as variables. Here it is
rendered in Jinja's sandbox; the macros and filters a project defines in Python are never
run: they, and variables nobody defines, render as nothing and are counted in ``unknown``
(``{% include %}`` and ``{% import %}`` too: they read no file). A page ``render_macros: false``
is left as it is. Rendering runs in a worker process bounded in time and memory (:mod:`.bounded`):
a page past a limit, or reaching for Python's internals (which the sandbox refuses), fails.

A page Jinja refuses (a syntax error: Jinja-like text the author did not mean as Jinja) is
reduced instead, as text: ``{{ name }}`` read from the variables, ``{% raw %}`` kept, other
expressions and tags removed (a block's text stays), comments removed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Mapping
from typing import Any

import jinja2
import yaml
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from ingest.sites import safeyaml
from ingest.sites.mkdocs.bounded import MacrosLimits, MacrosTooCostly, Rendered, render_in_worker
from ingest.sites.mkdocs.config import MkDocsConfig

_RAW = re.compile(r"\{%-?\s*raw\s*-?%\}(?P<text>.*?)\{%-?\s*endraw\s*-?%\}", re.DOTALL)
_JINJA = re.compile(
    r"\{\{-?\s*(?P<expr>.*?)\s*-?\}\}|\{%-?\s*(?P<tag>\w+)(?P<args>.*?)-?%\}|\{#.*?#\}",
    re.DOTALL,
)
_NAME = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$")
_DELIMITERS = {
    "block_start_string": "j2_block_start_string",
    "block_end_string": "j2_block_end_string",
    "variable_start_string": "j2_variable_start_string",
    "variable_end_string": "j2_variable_end_string",
    "comment_start_string": "j2_comment_start_string",
    "comment_end_string": "j2_comment_end_string",
}
_STARTS = (
    ("j2_variable_start_string", "{{"),
    ("j2_block_start_string", "{%"),
    ("j2_comment_start_string", "{#"),
)

Reader = Callable[[str], Awaitable[str | None]]


def macros_options(config: MkDocsConfig) -> Mapping[str, Any] | None:
    """The macros plugin's (or Zensical's macros extension's) options, or None when neither is on."""
    found = config.plugin("macros")
    return found if found is not None else config.extension("zensical.extensions.macros")


async def expand_macros(
    body: str,
    front: Mapping[str, Any],
    config: MkDocsConfig,
    options: Mapping[str, Any],
    read: Reader,
    unknown: Counter[str],
    limits: MacrosLimits,
) -> str:
    """``body`` (of a page with front matter ``front``) as the plugin renders it;
    :class:`~.bounded.MacrosTooCostly` when it would exceed ``limits``."""
    if not renders(body, front, options):
        return body
    extra = dict(config.extra)
    variables: dict[str, Any] = {**extra, "extra": extra, "config": dict(config.raw)}
    for include in (options.get("include_yaml"), front.get("include_yaml")):
        variables.update(await _yaml_data(include, config, read))
    variables.update(front)
    variables["page"] = {"meta": dict(front), "title": front.get("title")}
    text, counts = await render_in_worker(render, (body, variables, dict(options)), limits)
    unknown.update(counts)
    return text


def renders(body: str, front: Mapping[str, Any], options: Mapping[str, Any]) -> bool:
    """Whether the plugin renders ``body`` (of a page with front matter ``front``) as a template
    (it holds Jinja, and neither the page nor ``render_by_default`` turns rendering off)."""
    if front.get("render_macros") is False or (
        options.get("render_by_default", True) is False and front.get("render_macros") is not True
    ):
        return False
    return has_jinja(body, options)


def has_jinja(text: str, options: Mapping[str, Any]) -> bool:
    """Whether ``text`` holds the start of a Jinja variable, block or comment."""
    return any(options.get(name, default) in text for name, default in _STARTS)


def data_files(front: Mapping[str, Any], config: MkDocsConfig, options: Mapping[str, Any]) -> list[str]:
    """The source paths of the YAML files ``include_yaml`` names for a page with front matter
    ``front`` (the plugin's and the page's): what the page's variables are read from."""
    named = [*_named_files(options.get("include_yaml")), *_named_files(front.get("include_yaml"))]
    return [config.path(path) for _, path in named]


def render(text: str, variables: Mapping[str, Any], options: Mapping[str, Any], characters: int) -> Rendered:
    """``text`` rendered as a Jinja template in the sandbox (reduced when Jinja refuses it), and
    the names nobody defined, counted. Runs in the worker (:func:`~.bounded.render_in_worker`)."""
    delimiters = {key: str(value) for key, name in _DELIMITERS.items() if (value := options.get(name))}
    unknown: Counter[str] = Counter()
    environment = SandboxedEnvironment(
        undefined=_lenient(unknown),
        loader=jinja2.FunctionLoader(lambda name: _included(name, unknown)),
        keep_trailing_newline=True,
        **delimiters,
    )
    try:
        rendered = _capped(environment.from_string(text).generate(variables), characters)
    except (MacrosTooCostly, MemoryError):
        raise
    except RecursionError:
        raise MacrosTooCostly("its macros (Jinja) recurse without end (a macro that calls itself?)") from None
    except (SecurityError, OverflowError) as exc:  # OverflowError: a range() the sandbox refuses
        raise MacrosTooCostly(f"its macros (Jinja) do what the sandbox forbids: {exc}") from None
    except Exception:  # any other error of the template (syntax, type): reduce it instead
        unknown.clear()
        rendered = _capped(iter([reduce_macros(text, variables, unknown)]), characters)
    return rendered, dict(unknown)


def _capped(chunks: Iterator[str], characters: int) -> str:
    out: list[str] = []
    length = 0
    for chunk in chunks:
        length += len(chunk)
        if length > characters:
            raise MacrosTooCostly(f"its macros (Jinja) render more than {characters:,} characters")
        out.append(chunk)
    return "".join(out)


def _included(name: str, unknown: Counter[str]) -> str:
    unknown["macro:include"] += 1
    return ""


def _lenient(unknown: Counter[str]) -> type[jinja2.Undefined]:
    """Undefined that renders as nothing, can be called, iterated and read further, and counts
    the name nobody defined the first time it is used."""

    class Lenient(jinja2.ChainableUndefined):
        def _count(self) -> None:
            if self._undefined_exception is SecurityError:
                raise SecurityError(self._undefined_message)
            name = self._undefined_name or "expression"
            if not self.__dict__.get("counted"):
                unknown[f"macro:{name}"] += 1
                self.__dict__["counted"] = True

        def __str__(self) -> str:
            self._count()
            return ""

        def __bool__(self) -> bool:
            self._count()
            return False

        def __call__(self, *args: Any, **kwargs: Any) -> Lenient:  # type: ignore[override]  # a project's macro, not run: nothing
            self._count()
            return self

    return Lenient


async def _yaml_data(include: Any, config: MkDocsConfig, read: Reader) -> dict[str, Any]:
    """The variables ``include_yaml`` makes: a mapping's files under its keys, a list's files'
    keys at the top; files missing or not a mapping of YAML give nothing."""
    data: dict[str, Any] = {}
    for key, path in _named_files(include):
        text = await read(config.path(path))
        try:
            loaded = safeyaml.load(text) if text is not None else None
        except safeyaml.YAMLTooLarge as exc:
            raise MacrosTooCostly(
                f"{config.path(path)}, which include_yaml names, cannot be read: {exc}; the page is not sent"
            ) from None
        except yaml.YAMLError:
            loaded = None
        if not isinstance(loaded, dict):
            continue
        if key is None:
            data.update(loaded)
        else:
            data[key] = loaded
    return data


def _named_files(include: Any) -> list[tuple[str | None, str]]:
    """``include_yaml``'s files: a mapping's with their keys, a list's with None."""
    if isinstance(include, Mapping):
        return [(str(key), str(path)) for key, path in include.items()]
    if isinstance(include, list):
        return [(None, str(path)) for path in include]
    return []


def reduce_macros(text: str, variables: Mapping[str, Any], unknown: Counter[str]) -> str:
    """``text`` with its Jinja reduced as text (see the module's docstring)."""
    if "{{" not in text and "{%" not in text and "{#" not in text:
        return text
    kept: list[str] = []

    def keep_raw(match: re.Match[str]) -> str:
        kept.append(match["text"])
        return f"\x03{len(kept) - 1}\x03"

    def reduce(match: re.Match[str]) -> str:
        if match["expr"] is not None:
            expression = match["expr"].split("|", 1)[0].strip()
            value = _lookup(expression, variables) if _NAME.match(expression) else None
            if value is not None:
                return str(value)
            name = re.match(r"[A-Za-z_][\w.]*", expression)
            unknown[f"macro:{name[0] if name else 'expression'}"] += 1
            return ""
        if match["tag"] is not None:
            tag = match["tag"]
            if not tag.startswith("end") and tag not in ("else", "elif"):
                unknown[f"macro:{tag}"] += 1
            return ""
        return ""

    reduced = _JINJA.sub(reduce, _RAW.sub(keep_raw, text))
    return re.sub(r"\x03(\d+)\x03", lambda m: kept[int(m[1])], reduced)


def _lookup(expression: str, variables: Mapping[str, Any]) -> Any:
    value: Any = variables
    for part in expression.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value if isinstance(value, str | int | float) and not isinstance(value, bool) else None
