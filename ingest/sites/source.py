"""What a Markdown connector does with its source's site: open it, list its pages, load one.

Shared by the ``filesystem`` and ``git`` connectors (and open to any connector whose source is
a docs site's files): :func:`open_site` picks and opens the dialect, :func:`page_refs` lists the
pages with their fingerprints folded with the site's structure digest, and :func:`load_page`
turns a page's bytes into a document through :meth:`Site.prepare`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any

from ingest.document import BodyFormat, DocumentRef, Failure, RelativePath, SkippedDocument, SourceDocument
from ingest.errors import ConnectorError
from ingest.frontmatter import ALL_FORMATS, FrontMatterFormat
from ingest.sites.contract import NotAPage, PageProblem, Role, Site, SiteFiles
from ingest.sites.options import SiteOptions
from ingest.sites.registry import detect, load_dialect
from ingest.sites.shown import show_front_matter
from ingest.textdoc import (
    FrontFields,
    decode_document,
    format_for,
    front_fields,
    jsonable,
    metadata_of,
    split_front_matter,
    title_from_name,
)

Loaded = SourceDocument | SkippedDocument | Failure

#: Metadata keys that carry a page's warnings and unknown constructs to the run report.
_REPORTED = ("warnings", "unknown")


def reads_every_file(options: SiteOptions) -> bool:
    """Whether the source must list every file (to detect or open a site), not only documents."""
    return options.site != "plain"


async def open_site(options: SiteOptions, files: SiteFiles) -> Site:
    """The source's site: the dialect ``options.site`` names, or (``auto``) the first that
    recognises ``files``, opened, its pages showing the front matter ``shown_front_matter`` names.
    Raises :class:`ConnectorError` when it cannot be (a dialect not installed, a config that
    cannot be read), which makes the source unreadable."""
    dialect = detect(files.paths()) if options.site == "auto" else load_dialect(options.site)
    settings = options.site_settings()
    try:
        site = await dialect.open(files, settings)
    except ConnectorError:
        raise
    except Exception as exc:  # a dialect's bug is the source's error, in one sentence
        raise ConnectorError(
            f"the {dialect.name} site could not be opened: {type(exc).__name__}: {exc}"
        ) from exc
    return show_front_matter(site, settings.shown_front_matter)


def fold(fingerprint: str, structure_digest: str) -> str:
    """A page's fingerprint: its file's, bound to the site's structure. An empty digest (plain
    Markdown) leaves it as it is, so plain sources fingerprint as they always have."""
    if not structure_digest:
        return fingerprint
    return f"{fingerprint}+{_digest_of(structure_digest)}"


@lru_cache(maxsize=8)
def _digest_of(structure_digest: str) -> str:
    # A site's pages mostly share one structure digest: hashed once, not once per page.
    return hashlib.sha256(structure_digest.encode()).hexdigest()[:16]


def own_fingerprint(fingerprint: str) -> str:
    """The file's own fingerprint in a folded one."""
    return fingerprint.partition("+")[0]


def page_refs(
    site: Site, fingerprints: Mapping[str, str], wanted: Callable[[str], bool] = lambda path: True
) -> list[DocumentRef]:
    """The site's pages among ``fingerprints`` (every file of the source, by path) that are
    ``wanted``, in path order, each fingerprint folded with the structure digest."""
    structure = site.structure_digest(fingerprints)
    return [
        DocumentRef(path, fold(fingerprint, structure))
        for path, fingerprint in sorted(fingerprints.items())
        if wanted(path) and site.role(path) is Role.PAGE
    ]


def _front_formats(site: Site, fmt: BodyFormat) -> tuple[FrontMatterFormat, ...]:
    if site.dialect == "plain":
        return ("yaml",) if fmt is BodyFormat.MARKDOWN else ()
    return ALL_FORMATS if fmt is not BodyFormat.TEXT else ()


async def load_page(
    site: Site,
    raw: bytes,
    *,
    path: RelativePath,
    fingerprint: str,
    modified: datetime | None,
    locale: str | None = None,
) -> Loaded:
    """The page at ``path`` as its site's readers see it, from its bytes.

    Front matter is split (plain: YAML, as always; a dialect: YAML, TOML or JSON) and its
    ``skip``, ``external_id`` and ``title`` are checked; then the dialect prepares the page. Its
    ``metadata`` holds the front matter's other keys, the dialect's metadata, ``locale`` (the
    dialect's, else the front matter's, else ``locale``), and, when there are any, ``warnings``
    and ``unknown`` (constructs by name) for the run report. ``external_id`` is the path unless
    front matter pins it. Nothing raises: problems are values.
    """
    fmt = format_for(path) or BodyFormat.MARKDOWN
    text = decode_document(raw, path)
    if isinstance(text, Failure):
        return text
    split_up = split_front_matter(text, path, formats=_front_formats(site, fmt))
    if isinstance(split_up, Failure):
        return split_up
    front, body, _ = split_up
    fields = front_fields(front, path)
    if not isinstance(fields, FrontFields):
        return fields
    try:
        prepared = await site.prepare(path, front, body)
    except Exception as exc:  # a dialect's bug on one page is that page's failure
        return Failure(
            path, f"{path}: the {site.dialect} site could not prepare it: {type(exc).__name__}: {exc}"
        )
    if isinstance(prepared, NotAPage):
        return SkippedDocument(path, prepared.reason)
    if isinstance(prepared, PageProblem):
        return Failure(path, f"{path}: {prepared.message}")
    return SourceDocument(
        external_id=fields.external_id or path,
        title=" ".join(prepared.title.split()) or fields.title or title_from_name(path),
        body=prepared.body,
        format=fmt,
        path=path,
        fingerprint=fingerprint,
        modified=modified,
        url=prepared.url,
        metadata=_metadata(front, fields, prepared.url, prepared.metadata, prepared.locale or None, locale)
        | _report(prepared.warnings, prepared.unknown),
        source=text,
    )


def _metadata(
    front: Mapping[str, Any],
    fields: FrontFields,
    url: str | None,
    extra: Mapping[str, Any],
    page_locale: str | None,
    source_locale: str | None,
) -> dict[str, object]:
    metadata = metadata_of(front, fields)
    for reserved in _REPORTED:  # the run report's, never the front matter's
        metadata.pop(reserved, None)
    if url is not None:
        metadata.pop("url", None)  # the site made a link of it
    metadata.update(jsonable(dict(extra)))
    if page_locale is not None:
        metadata["locale"] = page_locale
    elif source_locale is not None and not isinstance(metadata.get("locale"), str):
        metadata["locale"] = source_locale
    return metadata


def _report(warnings: tuple[str, ...], unknown: Mapping[str, int]) -> dict[str, object]:
    report: dict[str, object] = {}
    if warnings:
        report["warnings"] = list(warnings)
    counts = {str(name): int(count) for name, count in unknown.items() if count}
    if counts:
        report["unknown"] = counts
    return report


def refold(own: str, scanned: str) -> str:
    """``own`` (a file's fingerprint read again while loading) folded as the scan's ``scanned`` was."""
    _, plus, structure = scanned.partition("+")
    return f"{own}{plus}{structure}"
