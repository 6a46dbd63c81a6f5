"""A page converted for ``ingest check``: the page a run would send, with what the check needs
beside it (the document it came from, the links it could not resolve, the relative links it took
on trust), made in the worker that converted it."""

from __future__ import annotations

from dataclasses import dataclass, field, fields

from ingest.conversion_task import ToConvert, convert_one
from ingest.convert import LinkBuilder
from ingest.document import Failure, Page, SourceDocument
from ingest.document_limits import DocumentLimits
from ingest.hrefs import settle_href


@dataclass(frozen=True, slots=True)
class LinkSeen:
    """A relative link of a page: as written, and where it leads (a source-relative path), or
    why it leads nowhere."""

    href: str
    target: str | None = None
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class CheckedPage(Page):
    """A :class:`Page` and what the check reads beside it."""

    document: SourceDocument | None = field(default=None, repr=False)
    #: Links the page's site said lead nowhere (the converter unlinked them).
    broken_links: tuple[LinkSeen, ...] = ()
    #: Relative links no site had an opinion on, resolved against the source's paths: whether the
    #: document they name exists is known only once the whole source is scanned.
    relative_links: tuple[LinkSeen, ...] = ()


class _RecordingLinks(LinkBuilder):
    """The source's link builder, noting the relative links of the page it converts."""

    def __init__(self, links: LinkBuilder) -> None:
        super().__init__(links.url_template, links.variables, links.site)
        self.broken: list[LinkSeen] = []
        self.relative: list[LinkSeen] = []

    def resolve(self, href: str, from_path: str, warnings: list[str] | None = None) -> str | None:
        cleaned, settled = settle_href(href)
        if not settled:
            resolved = self.site.resolve(cleaned, from_path) if self.site is not None else None
            if resolved is not None and resolved.url is None:
                self.broken.append(LinkSeen(cleaned, problem=resolved.warning))
            elif resolved is None:
                self.relative.append(LinkSeen(cleaned, target=self._target_path(cleaned, from_path)))
        return super().resolve(href, from_path, warnings)


def convert_for_check(item: ToConvert, links: LinkBuilder, limits: DocumentLimits) -> Page | Failure:
    """``item`` converted exactly as a run converts it (:func:`convert_one`), as a
    :class:`CheckedPage`. Runs in a conversion worker, like the function it wraps."""
    recording = _RecordingLinks(links)
    converted = convert_one(item, recording, limits)
    if isinstance(converted, Failure):
        return converted
    values = {item.name: getattr(converted, item.name) for item in fields(Page)}
    return CheckedPage(
        **values,
        document=item.document,
        broken_links=tuple(dict.fromkeys(recording.broken)),
        relative_links=tuple(dict.fromkeys(recording.relative)),
    )
