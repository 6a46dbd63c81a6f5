"""Text pages pull in from other files: pymdownx.snippets and ``{!file!}`` includes.

Snippets (``--8<-- "file.md"``, a block of paths between two ``--8<--`` lines, line ranges
``file.md:3:8``, sections ``file.md:name`` cut at ``--8<-- [start:name]`` / ``[end:name]``)
are found against the ``base_path`` folders in order, never outside one (``restrict_base_path``),
and indented as the marker line is; ``auto_append`` files end every page. They are expanded
everywhere, code blocks included, as pymdownx expands them; ``;--8<--`` is the escape.
``{!file!}`` (markdown-include, mdx_include) inlines a file where it stands, and FastAPI's
``{* file hl[1] *}`` (markdown_include_variants) a code file and its variants (:mod:`.variants`).

A file that includes itself, directly or not, is an :class:`IncludeProblem`; so is a
missing snippet when ``check_paths`` is on (the site's build would fail). With it off,
MkDocs publishes the page without the snippet, so the page is prepared the same way
and a warning names what was missing.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from ingest.sites.budget import IncludeBudget
from ingest.sites.mkdocs.config import MkDocsConfig, normalise
from ingest.sites.mkdocs.variants import block as variant_block
from ingest.sites.mkdocs.variants import variants

_SNIPPET_LINE = re.compile(
    r"""^(?P<space>[ \t]*)(?P<escape>;*)(?:
        (?P<inline>-+8<-+[ \t]+)(?P<snippet>"(?:\\"|[^"\n])+?"|'(?:\\'|[^'\n])+?')
        |(?P<block>-+8<-+))[ \t]*$""",
    re.VERBOSE,
)
SECTION_MARKER = re.compile(
    r"^(?P<pre>.*?)(?P<escape>;*)-+8<-+[ \t]+\[[ \t]*(?P<type>start|end)[ \t]*:[ \t]*"
    r"(?P<name>[a-z][-_0-9a-z]*)[ \t]*\](?P<post>.*)$",
    re.IGNORECASE,
)
_RANGES = re.compile(r"^(?P<path>.*?)(?P<ranges>(?::\d*(?::\d*)?)(?:,\d*(?::\d*)?)*)$")
_SECTION = re.compile(r"^(?P<path>.*?):(?P<name>[a-z][-_0-9a-z]*)$", re.IGNORECASE)
_MD_INCLUDE = re.compile(r"\{!\s*>?\s*(?P<path>[^!|\n]+?)\s*(?:\|[^!\n]*)?!\}")
_VARIANTS_INCLUDE = re.compile(r"^(?P<space>[ \t]*)\{\*\s*(?P<path>\S+)(?P<options>[^*\n]*)\*\}[ \t]*$")
_MAX_DEPTH = 20

Reader = Callable[[str], Awaitable[str | None]]


class IncludeProblem(Exception):
    """An include that makes the page impossible to prepare (a cycle, a required file missing)."""


@dataclass(frozen=True, slots=True)
class IncludeSettings:
    """How a site's includes are found (source-relative folders)."""

    snippet_bases: tuple[str, ...]
    restrict_base_path: bool = True
    check_paths: bool = False
    auto_append: tuple[str, ...] = ()
    include_bases: tuple[str, ...] = ()
    code_variants: bool = False

    @classmethod
    def of(cls, config: MkDocsConfig) -> IncludeSettings:
        snippets = config.extension("pymdownx.snippets") or {}
        bases = snippets.get("base_path", ["."])
        bases = [bases] if isinstance(bases, str) else bases if isinstance(bases, list) else ["."]
        include = config.extension("mdx_include", "markdown_include.include", "markdown_include") or {}
        include_base = include.get("base_path", ".")
        auto_append = snippets.get("auto_append", [])
        return cls(
            snippet_bases=tuple(config.path(str(base)) for base in bases),
            restrict_base_path=snippets.get("restrict_base_path", True) is not False,
            check_paths=snippets.get("check_paths", False) is True,
            auto_append=tuple(str(item) for item in auto_append) if isinstance(auto_append, list) else (),
            include_bases=(config.path(str(include_base)),),
            code_variants=config.extension("markdown_include_variants") is not None,
        )


@dataclass(slots=True)
class Expansion:
    """A page's text with its includes inlined, and what could not be included."""

    text: str
    warnings: list[str] = field(default_factory=list)
    unknown: Counter[str] = field(default_factory=Counter)
    #: Source paths of every file included.
    included: set[str] = field(default_factory=set)


class Includer:
    """Inlines the includes of one page (``read`` gives a file's text, or None when missing)."""

    def __init__(
        self, settings: IncludeSettings, read: Reader, exists: Callable[[str], bool], page: str
    ) -> None:
        self.settings = settings
        self.read = read
        self.exists = exists
        self.page = page
        self.result = Expansion("")
        self.budget = IncludeBudget()

    async def expand(self, text: str) -> Expansion:
        lines = text.split("\n")
        if self.settings.auto_append:
            lines += ["", "", "-8<-", "\n\n".join(self.settings.auto_append), "-8<-", ""]
            lines = "\n".join(lines).split("\n")
        expanded = await self._snippets(lines, [self.page])
        text = await self._includes("\n".join(expanded), [self.page])
        self.result.text = text
        return self.result

    # -- pymdownx.snippets ----------------------------------------------------------------

    async def _snippets(self, lines: list[str], stack: list[str]) -> list[str]:
        out: list[str] = []
        in_block = False
        for line in lines:
            marked = "8<-" in line  # both patterns need the scissors: most lines have none
            match = _SNIPPET_LINE.match(line) if marked else None
            if match and match["escape"]:
                out.append(line.replace(";", "", 1))
                continue
            section = SECTION_MARKER.match(line) if marked else None
            if section:
                if section["escape"]:
                    out.append(line.replace(";", "", 1))
                continue  # section markers are never shown
            if match and match["block"]:
                in_block = not in_block
                continue
            if match and match["inline"]:
                if not in_block:
                    spec = match["snippet"][1:-1].strip()
                    out.extend(await self._snippet(spec, match["space"].expandtabs(4), stack))
                continue
            if not in_block:
                out.append(line)
                continue
            spec = line.strip()
            if not spec:
                out.append("")
            elif not spec.startswith(";"):
                out.extend(await self._snippet(spec, line[: len(line) - len(line.lstrip())], stack))
        return out

    async def _snippet(self, spec: str, indent: str, stack: list[str]) -> list[str]:
        path, pick = _split_spec(spec)
        if path.lower().startswith(("http://", "https://")):
            self.result.unknown["snippet:url"] += 1
            self.result.warnings.append(f"{self.page}: the remote snippet {path} is not fetched")
            return []
        found = self._find(path, self.settings.snippet_bases, restrict=self.settings.restrict_base_path)
        text = await self.read(found) if found is not None else None
        if found is None or text is None:
            return self._missing(f'the snippet "{path}"', required=self.settings.check_paths)
        if found in stack:
            raise IncludeProblem(f"snippets include each other in a cycle: {' -> '.join([*stack, found])}")
        if len(stack) > _MAX_DEPTH:
            raise IncludeProblem(f"snippets nested more than {_MAX_DEPTH} deep at {found}")
        self.budget.charge(found, text)
        self.result.included.add(found)
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        picked = _pick(lines, pick)
        if picked is None:
            return self._missing(
                f'the section "{pick}" of the snippet "{path}"', required=self.settings.check_paths
            )
        inner = await self._snippets(picked, [*stack, found])
        return [indent + line if line else line for line in inner]

    def _missing(self, what: str, *, required: bool) -> list[str]:
        if required:
            raise IncludeProblem(f"{what} cannot be found (check_paths is on)")
        self.result.warnings.append(
            f"{self.page}: {what} cannot be found; the site shows the page without it"
        )
        return []

    def _find(self, path: str, bases: tuple[str, ...], *, restrict: bool) -> str | None:
        for base in bases:
            candidate = normalise(posixpath.join(base, path))
            if restrict and not (base == "" or candidate == base or candidate.startswith(base + "/")):
                continue
            if not candidate.startswith("..") and self.exists(candidate):
                return candidate
        return None

    # -- {!file!} and {* file *} --------------------------------------------------------------

    async def _includes(self, text: str, stack: list[str]) -> str:
        if "{!" not in text and "{*" not in text:
            return text
        lines = text.split("\n")
        out: list[str] = []
        for line in lines:
            variant = _VARIANTS_INCLUDE.match(line) if self.settings.code_variants else None
            if variant:
                out.extend(await self._code_include(variant["path"], variant["options"], variant["space"]))
                continue
            if "{!" not in line:
                out.append(line)
                continue
            pieces: list[str] = []
            last = 0
            for match in _MD_INCLUDE.finditer(line):
                pieces.append(line[last : match.start()])
                pieces.append(await self._include(match["path"], stack))
                last = match.end()
            pieces.append(line[last:])
            out.append("".join(pieces))
        return "\n".join(out)

    async def _include(self, path: str, stack: list[str]) -> str:
        found = self._find(path, self.settings.include_bases, restrict=False)
        text = await self.read(found) if found is not None else None
        if found is None or text is None:
            return "\n".join(self._missing(f'the include "{path}"', required=False))
        if found in stack:
            raise IncludeProblem(f"includes include each other in a cycle: {' -> '.join([*stack, found])}")
        self.budget.charge(found, text)
        self.result.included.add(found)
        return await self._includes(text.removesuffix("\n"), [*stack, found])

    async def _code_include(self, path: str, options: str, indent: str) -> list[str]:
        found = self._find(path, self.settings.include_bases, restrict=False)
        text = await self.read(found) if found is not None else None
        if found is None or text is None:
            return self._missing(f'the code file "{path}"', required=False)
        self.budget.charge(found, text)
        shown = variants(found, self.exists)
        self.result.included.update(variant.path for variant in shown)
        self.result.included.add(found)
        body = await variant_block(found, options, self.read, self.exists)
        return [indent + line if line else line for line in body]


def _split_spec(spec: str) -> tuple[str, str | list[tuple[int | None, int | None]] | None]:
    """``file.md:3:8,12:`` -> path and line ranges; ``file.md:name`` -> path and section name."""
    ranges = _RANGES.match(spec)
    if ranges and ranges["ranges"] and ranges["path"]:
        picked: list[tuple[int | None, int | None]] = []
        for part in ranges["ranges"][1:].split(","):
            start, _, end = part.partition(":")
            picked.append((max(0, int(start) - 1) if start else None, int(end) if end else None))
        return ranges["path"].strip(), picked
    section = _SECTION.match(spec)
    if section and "/" not in section["name"]:
        return section["path"].strip(), section["name"]
    return spec, None


def _pick(lines: list[str], pick: str | list[tuple[int | None, int | None]] | None) -> list[str] | None:
    if pick is None:
        return lines
    if isinstance(pick, list):
        return [line for start, end in pick for line in lines[slice(start, end)]]
    out: list[str] = []
    inside = found = False
    for line in lines:
        marker = SECTION_MARKER.match(line)
        if marker and not marker["escape"]:
            if marker["name"] == pick:
                if marker["type"].lower() == "start":
                    inside = found = True
                elif inside:
                    break
            continue
        if inside:
            out.append(line)
    return out if found else None
