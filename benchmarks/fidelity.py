"""How faithfully a docs folder reaches Fin: what a run would send, checked for what readers would not see.

    python -m benchmarks.fidelity DOCS_FOLDER [--site NAME] [--site-url URL] [--locale LOCALE]
        [--rendered DIR] [--source-recall] [--config FILE --source NAME] [--option KEY=VALUE ...]

Runs the real ``filesystem`` connector (with its docs-site dialect) and the real converter, as a
run would, with no API and no state. Its options are those of ``--source`` in the fin-ingest
config ``--config`` (its ``path`` unless DOCS_FOLDER is given, its ``include``, ``exclude`` and
``url_template``), then ``--site``, ``--site-url`` and each ``--option key=value`` (a TOML value,
as in the config: ``--option 'shown_front_matter=["description"]'``), so the measured run is the
configured one. It prints per source: pages, documents that are not pages
(by reason), failures, pages whose text still holds site syntax (by pattern), site constructs the
dialect did not know (by name), internal links (resolved to a page URL; unresolved, by the
target named; not pages: files such as images the site serves itself), page URLs missing or not
under ``--site-url``, empty pages, duplicate titles, pages by the locale they would be sent in,
and pages that may not be English yet would be sent as ``en``. ``--locale`` is the source's
``locale`` option (a language vault's language).

With ``--rendered`` (the built site's output folder: Hugo's ``public/``, Docusaurus' ``build/``,
MkDocs' ``site/``), it also measures **text recall**: for each page with a URL, the share of the
words of the rendered page's main content that our page's text holds. The page's file is found
from its URL's path below ``--site-url`` (``guide/setup/`` -> ``guide/setup/index.html``, else
``guide/setup.html``),
and its main content is, first found: MkDocs Material's ``article.md-content__inner`` (or, on
a view such as its blog index, which lists posts in articles of their own, ``.md-content__inner``),
Docusaurus' ``article .markdown``, Hugo themes' ``main article`` / ``article``, MkDocs' own
themes' ``[role=main]``, ``main``, else
``body`` (every element the first matching selector finds, so that a page of several articles is
measured on all of them); navigation (breadcrumbs, tables of contents), headers, footers,
scripts, ``.headerlink``/``.hash-link`` anchors and what themes hide in print ("Last updated",
"Improve this page") are left out. Our side is the text of the HTML we send and the page's title:
only words our page holds count, each as many times as it holds them.

With ``--source-recall`` (an Obsidian vault, whose Publish site cannot be built here), text recall
is measured against each note's source instead, embedded notes included: the method is
:mod:`benchmarks.obsidian_recall`'s.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import tomllib
from collections import Counter
from collections.abc import AsyncIterator, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup, Tag
from pydantic import ValidationError

from benchmarks import obsidian_recall
from connectors.filesystem import FilesystemConnector, FilesystemOptions
from ingest.collect import Collected, PathFilter, TargetRecords, collect
from ingest.config import load_settings
from ingest.document import DocumentRef, Failure, Page, SkippedDocument, SourceDocument
from ingest.errors import ConfigError
from ingest.language_id import identify, prose_of
from ingest.locales import language_of
from ingest.sites import ResolvedLink, SiteLinks
from ingest.sites.options import SiteOptions
from ingest.textdoc import SUPPORTED_SUFFIXES

#: Site syntax that must not reach Fin as text, by the dialect it belongs to.
LEAKS: dict[str, re.Pattern[str]] = {
    "hugo {{<": re.compile(r"\{\{<"),
    "hugo {{%": re.compile(r"\{\{%"),
    "docusaurus :::": re.compile(r"^:::", re.MULTILINE),
    "mdx import ... from": re.compile(r"^import\s+[\w{}\s,*]+\s+from\s+['\"]", re.MULTILINE),
    "mdx <Tabs": re.compile(r"<Tabs\b|<TabItem\b"),
    "obsidian [[": re.compile(r"(?<!!)\[\["),
    "obsidian ![[": re.compile(r"!\[\["),
    "callout > [!": re.compile(r"\[![A-Za-z]+\]"),
    "snippets --8<--": re.compile(r"--8<--"),
    "obsidian %%": re.compile(r"%%"),
    "mkdocs {!": re.compile(r"\{!"),
    "mkdocs :icon-shortcode:": re.compile(r":(?:material|octicons|fontawesome|simple)-[a-z0-9-]+:"),
    "attribute list { .class }": re.compile(r"\{:?\s*[.#][\w-]+[^}]*\}"),
}
_FRONT_MATTER = re.compile(r"\A(?:---|\+\+\+)[ \t]*\n")
_CODE = re.compile(r"<(pre|code)\b[^>]*>.*?</\1>", re.DOTALL | re.IGNORECASE)
_WORD = re.compile(r"\w+")
_MAIN_CONTENT = (
    "article.md-content__inner",
    ".md-content__inner",
    "article .markdown",
    "main article",
    "article",
    "[role=main]",
    "main",
    "body",
)
_NOT_CONTENT = (
    *("nav", "header", "footer", "script", "style", "aside", ".headerlink", ".hash-link"),
    # Page chrome themes hide in print (Tailwind, Bootstrap): "Last updated", "Improve this page".
    *('[class~="print:hidden"]', ".d-print-none", ".hidden-print", ".no-print"),
)
#: Suffixes of files that are pages (the documents of a Markdown source, MDX).
_PAGE_SUFFIXES = frozenset({*SUPPORTED_SUFFIXES, ".mdx"})
_FILE_SUFFIX = re.compile(r"\.(?=[a-z0-9]*[a-z])[a-z0-9]{1,8}")


class CountingLinks:
    """The site's links, counting what each relative link became: resolved to a URL; not a page
    (a link to a file the site serves itself, an image or a PDF, on which it has no opinion); or
    unresolved, by the target its warning names. A page link the site has no opinion on is
    unresolved too, so "no opinion" never hides a link to a page that failed."""

    def __init__(self, links: SiteLinks | None) -> None:
        self._links = links
        self.resolved = 0
        self.not_pages = 0
        self.unresolved: Counter[str] = Counter()

    def resolve(self, href: str, from_path: str) -> ResolvedLink | None:
        found = self._links.resolve(href, from_path) if self._links is not None else None
        if found is not None and found.url is not None:
            self.resolved += 1
        elif found is not None:
            self.unresolved[found.warning or f"{href} (unlinked, no warning)"] += 1
        elif _names_a_file(href):
            self.not_pages += 1
        else:
            self.unresolved[f"{href} (a page link the site gave no URL)"] += 1  # unlinked: no template
        return found

    def heading_id(self, text: str, taken: Collection[str]) -> str:
        from ingest.sites.slugs import github_slug

        return self._links.heading_id(text, taken) if self._links is not None else github_slug(text, taken)


def _names_a_file(href: str) -> bool:
    """Whether ``href`` names a file that is no page: an extension, and not a document's."""
    path = unquote(urlsplit(href).path)
    suffix = PurePosixPath(path).suffix.lower()
    return (
        not path.endswith("/") and _FILE_SUFFIX.fullmatch(suffix) is not None and suffix not in _PAGE_SUFFIXES
    )


@dataclass
class Measured:
    """A folder read and converted as a run would, and what it took to see it."""

    collected: Collected
    links: CountingLinks
    bodies: dict[str, str] = field(default_factory=dict)
    dialect: str = "plain"
    #: The docs folder, to tell syntax the author escaped (``\\[\\[`` shows ``[[`` to readers too).
    folder: Path | None = None


class Recording:
    """The connector, keeping each document's body and counting the site's links."""

    def __init__(self, connector: FilesystemConnector) -> None:
        self._connector = connector
        self.bodies: dict[str, str] = {}
        self.links = CountingLinks(None)

    def scan(self) -> AsyncIterator[DocumentRef | SkippedDocument | Failure]:
        return self._connector.scan()

    async def load(self, ref: DocumentRef) -> SourceDocument | SkippedDocument | Failure:
        loaded = await self._connector.load(ref)
        if isinstance(loaded, SourceDocument):
            self.bodies[loaded.path] = loaded.body
        return loaded

    async def site_links(self) -> CountingLinks:
        self.links = CountingLinks(await self._connector.site_links())
        return self.links


async def measure(folder: Path, site: str, site_url: str | None, locale: str | None = None) -> Measured:
    options = FilesystemOptions.model_validate(
        {"path": str(folder), "site": site, "site_url": site_url, "locale": locale}
    )
    return await measure_source(options)


async def measure_source(
    options: FilesystemOptions, path_filter: PathFilter | None = None, url_template: str | None = None
) -> Measured:
    """The folder ``options`` name, read and converted as a run of a source with these options,
    ``include``/``exclude`` (``path_filter``) and ``url_template`` would."""
    connector = FilesystemConnector(options)
    recording = Recording(connector)
    collected = await collect(
        recording,
        targets={"fidelity": TargetRecords(records={})},  # a target that has seen nothing: every page is read
        settings_digest="fidelity",
        path_filter=path_filter or PathFilter(["**"], []),
        url_template=url_template,
    )
    dialect = connector.site.dialect if connector.site is not None else "?"
    return Measured(collected, recording.links, recording.bodies, dialect, Path(options.path))


def text_of(html: str) -> str:
    """The page's text outside code, as Fin reads it (site syntax shown in code is fine)."""
    return BeautifulSoup(_CODE.sub(" ", html), "lxml").get_text(" ")


def leaks(measured: Measured) -> tuple[Counter[str], int, int]:
    """Per pattern, the pages whose text holds it; how many pages hold any; and how many others
    hold site syntax only as their source shows it to readers too (escaped, never closed)."""
    found: Counter[str] = Counter()
    leaking = as_written = 0
    for page in measured.collected.pages:
        text = text_of(page.html)
        source = _source_text(measured, page.locator)
        names: set[str] = set()
        written = False
        for name, pattern in LEAKS.items():
            for match in pattern.finditer(text):
                # The page's own source first; else another document's, which it may include.
                if _shown_as_written(match, text, source) or (
                    source is not None
                    and any(_shown_as_written(match, text, other) for other in measured.bodies.values())
                ):
                    written = True
                else:
                    names.add(name)
                    break
        if _FRONT_MATTER.match(measured.bodies.get(page.locator, "")):
            names.add("raw front matter")
        found.update(names)
        leaking += bool(names)
        as_written += written and not names
    return found, leaking, as_written


def _shown_as_written(match: re.Match[str], text: str, source: str | None) -> bool:
    """Whether the source shows readers this piece of site syntax as written too: with a
    backslash escaping one of its characters (``\\[\\[Wikilinks\\]\\]``, ``[\\!warning]``), or,
    for ``[[``, never closed on its line (no site reads that as a link)."""
    if source is None:
        return False
    following = re.match(r"[^\]\n]{0,10}", text[match.end() :])
    written = "".join(rf"\\?{re.escape(char)}" for char in match.group(0))
    for candidate in re.finditer(written + re.escape(following.group(0) if following else ""), source):
        if "\\" in candidate.group(0):
            return True
        rest = source[candidate.end() :].partition("\n")[0]
        if match.group(0) == "[[" and "]]" not in rest:
            return True
    return False


def _source_text(measured: Measured, locator: str) -> str | None:
    if measured.folder is None:
        return None
    try:
        return (measured.folder / locator).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def maybe_foreign(pages: Sequence[Page]) -> list[tuple[str, str, float]]:
    """Pages sent as English whose prose the identifier thinks is at least as likely not English."""
    found = []
    for page in pages:
        if language_of(page, "en").locale != "en" or "detected_language" in page.metadata:
            continue
        guess = identify(prose_of(page.html))
        if guess is not None and guess[1] >= 0.5 and guess[0] != "la":
            found.append((page.locator, guess[0], guess[1]))
    return found


def _sent_as(page: Page) -> str:
    """The locale a page is in for the targets: declared, else detected, else English."""
    locale = language_of(page, "en").locale
    detected = page.metadata.get("detected_language")
    return f"{detected} (detected)" if locale == "en" and isinstance(detected, str) else locale


def rendered_file(rendered: Path, url: str, site_url: str | None) -> Path | None:
    """The built page of ``url``: its path below ``site_url`` (else below the host) in ``rendered``."""
    below = url[len(site_url) :] if site_url and url.startswith(site_url) else urlsplit(url).path
    path = urlsplit(below).path.strip("/")
    for candidate in (rendered / path / "index.html", rendered / f"{path}.html", rendered / path):
        if candidate.is_file():
            return candidate
    return None


def main_words(html_file: Path) -> Counter[str]:
    """The words of the rendered page's main content, chrome left out, each counted."""
    soup = BeautifulSoup(html_file.read_text(encoding="utf-8", errors="replace"), "lxml")
    words: Counter[str] = Counter()
    for main in main_content(soup):
        for selector in _NOT_CONTENT:
            for element in main.select(selector):
                element.decompose()
        words.update(word.lower() for word in _WORD.findall(main.get_text(" ")))
    return words


def main_content(soup: BeautifulSoup) -> list[Tag]:
    """Every outermost element the first selector of ``_MAIN_CONTENT`` that matches finds."""
    for selector in _MAIN_CONTENT:
        found = soup.select(selector)
        if found:
            ids = {id(element) for element in found}
            return [element for element in found if not any(id(parent) in ids for parent in element.parents)]
    return [soup]


def recall(
    pages: Sequence[Page], rendered: Path, site_url: str | None
) -> tuple[list[tuple[float, str]], int]:
    """Per page with a rendered file, the share of its rendered words our text holds; and how many
    pages had no rendered file."""
    scores, missing = [], 0
    for page in pages:
        found = rendered_file(rendered, page.url, site_url) if page.url else None
        if found is None:
            missing += 1
            continue
        theirs = main_words(found)
        ours = Counter(word.lower() for word in _WORD.findall(BeautifulSoup(page.html, "lxml").get_text(" ")))
        ours.update(word.lower() for word in _WORD.findall(page.title))
        total = sum(theirs.values())
        if total:
            scores.append(
                (sum(min(count, ours[word]) for word, count in theirs.items()) / total, page.locator)
            )
    return sorted(scores), missing


def report(
    folder: Path,
    measured: Measured,
    site_url: str | None,
    rendered: Path | None,
    against_source: bool = False,
) -> list[str]:
    collected = measured.collected
    pages = collected.pages
    lines = [f"source {folder} (site: {measured.dialect})", f"  pages: {len(pages)}"]
    reasons = Counter(skipped.reason for skipped in collected.skipped)
    lines.append(f"  not pages: {sum(reasons.values())}")
    lines += [f"    {count:>5}  {reason}" for reason, count in reasons.most_common()]
    lines.append(f"  failures: {len(collected.failures)}")
    lines += [f"    {failure.message}" for failure in collected.failures[:10]]
    leaked, leaking, as_written = leaks(measured)
    lines.append(f"  pages with leaked site syntax: {leaking}")
    lines += [f"    {count:>5}  {name}" for name, count in leaked.most_common()]
    lines.append(
        f"  pages with site syntax shown as written (escaped or never closed in the source): {as_written}"
    )
    unknown: Counter[str] = Counter()
    for counts in collected.unknown.values():
        unknown.update(counts)
    lines.append(f"  unknown constructs: {sum(unknown.values())}")
    lines += [f"    {count:>5}  {name}" for name, count in unknown.most_common(20)]
    links = measured.links
    lines.append(
        f"  internal links: {links.resolved} resolved, {links.unresolved.total()} unresolved, "
        f"{links.not_pages} not pages (files the site serves itself)"
    )
    if links.unresolved:
        lines.append("    unresolved, by target:")
        lines += [f"    {count:>5}  {target}" for target, count in links.unresolved.most_common(10)]
    lines.append(f"  warnings: {len(collected.warnings)}")
    no_url = sum(page.url is None for page in pages)
    outside = sum(
        page.url is not None and site_url is not None and not page.url.startswith(site_url) for page in pages
    )
    lines.append(f"  page URLs: {no_url} None, {outside} not under {site_url or '(no --site-url)'}")
    empty = [page.locator for page in pages if not text_of(page.html).strip()]
    lines.append(f"  empty pages: {len(empty)}" + (f" ({', '.join(empty[:5])})" if empty else ""))
    titles = Counter(page.title for page in pages)
    duplicates = {title: count for title, count in titles.items() if count > 1}
    shown = ", ".join(f"{title!r} x{count}" for title, count in sorted(duplicates.items())[:5])
    lines.append(f"  duplicate titles: {len(duplicates)}" + (f" ({shown})" if shown else ""))
    sent_as = Counter(_sent_as(page) for page in pages)
    lines.append(
        "  page locales: " + ", ".join(f"{locale} {count}" for locale, count in sent_as.most_common())
    )
    detected = Counter(
        str(page.metadata["detected_language"]) for page in pages if "detected_language" in page.metadata
    )
    lines.append(
        f"  non-English pages detected (not sent as en): {sum(detected.values())} {dict(detected) or ''}"
    )
    foreign = maybe_foreign(pages)
    lines.append(f"  pages sent as en that may not be English: {len(foreign)}")
    lines += [f"    {locator}: {language} {confidence:.2f}" for locator, language, confidence in foreign[:10]]
    if rendered is not None:
        scores, missing = recall(pages, rendered, site_url)
        if scores:
            values = [score for score, _ in scores]
            lines.append(
                f"  text recall over {len(scores)} rendered pages: mean {statistics.mean(values):.3f}, "
                f"median {statistics.median(values):.3f}, min {values[0]:.3f} "
                f"({missing} pages without a rendered file)"
            )
            lines += [f"    {score:.3f}  {locator}" for score, locator in scores[:5]]
        else:
            lines.append(f"  text recall: no page found under {rendered} ({missing} pages)")
    if against_source:
        lines += obsidian_recall.report(obsidian_recall.source_recall(folder, pages))
    return lines


@dataclass(frozen=True)
class Configured:
    """What a run of the measured source reads: the connector's options, its path filter, its template."""

    options: FilesystemOptions
    path_filter: PathFilter
    url_template: str | None


def configured(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Configured:
    """The source the arguments describe; a bad config or option ends the program in one sentence."""
    values: dict[str, object] = {}
    path_filter, url_template = PathFilter(["**"], []), None
    if args.config is not None:
        try:
            source = load_settings(args.config).sources.get(args.source)
        except ConfigError as exc:
            parser.error(str(exc))
        if source is None:
            parser.error(f"{args.config} has no source {args.source!r} (--source)")
        if isinstance(source.options, SiteOptions):
            values = source.options.model_dump(include={"path", "follow_symlinks", *SiteOptions.model_fields})
        path_filter = PathFilter(source.settings.include, source.settings.exclude)
        url_template = source.settings.url_template
    if args.folder is not None:
        values["path"] = args.folder
    elif "path" not in values:
        parser.error("DOCS_FOLDER is required (the source of --config has no folder)")
    given = (("site", args.site), ("site_url", args.site_url), ("locale", args.locale))
    values |= {key: value for key, value in given if value}
    values |= dict(option_value(parser, option) for option in args.option)
    try:
        return Configured(FilesystemOptions.model_validate(values), path_filter, url_template)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        parser.error(f"{where}: {error['msg'].removeprefix('Value error, ')}")


def option_value(parser: argparse.ArgumentParser, option: str) -> tuple[str, object]:
    """``key=value`` as the config would read it: a TOML value, else the text as written."""
    key, equals, raw = option.partition("=")
    if not equals or not key.strip():
        parser.error(f"--option takes key=value, got {option!r}")
    try:
        return key.strip(), tomllib.loads(f"value = {raw.strip()}")["value"]
    except tomllib.TOMLDecodeError:
        return key.strip(), raw.strip()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, metavar="DOCS_FOLDER", nargs="?", default=None)
    parser.add_argument("--site", default=None, help="the dialect (default: the config's, else auto)")
    parser.add_argument("--site-url", default=None, help="the published site's root")
    parser.add_argument("--rendered", type=Path, default=None, help="the built site's output folder")
    parser.add_argument("--config", type=Path, default=None, help="a fin-ingest config file")
    parser.add_argument("--source", default=None, help="the source of --config to measure")
    parser.add_argument(
        "--option", action="append", default=[], metavar="KEY=VALUE", help="a source option (repeatable)"
    )
    parser.add_argument(
        "--source-recall",
        action="store_true",
        help="Obsidian vaults: text recall against each note's source, embeds included",
    )
    parser.add_argument("--locale", default=None, help="the locale of pages that name none (the source's)")
    args = parser.parse_args(argv)
    if (args.config is None) != (args.source is None):
        parser.error("--config and --source go together")
    source = configured(parser, args)
    measured = asyncio.run(measure_source(source.options, source.path_filter, source.url_template))
    folder = Path(source.options.path)
    for line in report(folder, measured, source.options.site_url, args.rendered, args.source_recall):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
