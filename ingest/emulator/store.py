"""The emulator's data: content import sources and external pages, indexed for O(1) upserts.

Handlers validate requests; the store only keeps data consistent (unique
``(source_id, external_id)``, a source's pages go with it) and turns records into the
API's JSON shapes. Every write bumps :attr:`Store.version`, which persistence watches.
Help Center collections and articles live in :attr:`Store.help_center`
(:mod:`ingest.emulator.help_center_store`), internal articles in :attr:`Store.internal_articles`
(:mod:`ingest.emulator.internal_articles_store`), saved, loaded and cleared with the rest.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import islice
from typing import Any, TypeVar

from ingest.emulator.audiences_store import AudienceStore
from ingest.emulator.help_center_store import HelpCenterStore
from ingest.emulator.internal_articles_store import InternalArticleStore
from ingest.emulator.tags import SegmentStore, TagStore

_T = TypeVar("_T")

#: Seconds since the UNIX epoch, as an integer: the API's timestamp type.
UnixTime = int


@dataclass(slots=True)
class Source:
    """A content import source."""

    id: int
    url: str
    sync_behavior: str
    status: str
    audience_ids: list[int]
    created_at: UnixTime
    updated_at: UnixTime
    last_synced_at: UnixTime

    def to_api(self) -> dict[str, Any]:
        """The ``content_import_source`` JSON object."""
        return {"type": "content_import_source", **asdict(self)}


@dataclass(slots=True)
class ExternalPage:
    """An external page; ``url`` is omitted from the API shape when it was never given."""

    id: str
    source_id: int
    external_id: str
    title: str
    html: str
    locale: str
    url: str | None
    ai_agent_availability: bool
    ai_copilot_availability: bool
    created_at: UnixTime
    updated_at: UnixTime
    last_ingested_at: UnixTime
    #: Fin for sales; false unless a version that can set it did (a default, so data saved
    #: before it existed still loads).
    ai_sales_agent_availability: bool = False

    def to_api(self) -> dict[str, Any]:
        """The ``external_page`` JSON object (the same in every version)."""
        body: dict[str, Any] = {
            "type": "external_page",
            "id": self.id,
            "title": self.title,
            "html": self.html,
            "ai_agent_availability": self.ai_agent_availability,
            "ai_copilot_availability": self.ai_copilot_availability,
            "ai_sales_agent_availability": self.ai_sales_agent_availability,
            "fin_availability": self.ai_agent_availability,
            "locale": self.locale,
            "source_id": self.source_id,
            "external_id": self.external_id,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "last_ingested_at": self.last_ingested_at,
        }
        if self.url is not None:
            body["url"] = self.url
        return body


@dataclass(slots=True)
class PageFields:
    """What a write may set on a page; ``None`` availability means "keep, or false if new"."""

    title: str
    html: str
    locale: str
    url: str | None = None
    ai_agent_availability: bool | None = None
    ai_copilot_availability: bool | None = None
    ai_sales_agent_availability: bool | None = None


@dataclass
class Store:
    """Sources and pages in memory. Not thread-safe: use it from the app's event loop only."""

    clock: Callable[[], float] = time.time
    version: int = 0
    next_source_id: int = 1
    next_page_id: int = 1
    #: Sources deleted so far: the source list's totals still count them, as Intercom's do.
    deleted_sources: int = 0
    _sources: dict[int, Source] = field(default_factory=dict)
    # Insertion order is ascending id (ids only grow), so reversed() lists newest first.
    _pages: dict[str, ExternalPage] = field(default_factory=dict)
    _by_external: dict[tuple[int, str], str] = field(default_factory=dict)
    _by_source: dict[int, set[str]] = field(default_factory=dict)
    help_center: HelpCenterStore = field(init=False)
    internal_articles: InternalArticleStore = field(init=False)
    tags: TagStore = field(init=False)
    segments: SegmentStore = field(init=False)
    audiences: AudienceStore = field(init=False)

    def __post_init__(self) -> None:
        self.help_center = HelpCenterStore(now=self._now, on_change=self._touch)
        self.internal_articles = InternalArticleStore(now=self._now, on_change=self._touch)
        self.tags = TagStore(on_change=self._touch)
        self.segments = SegmentStore(on_change=self._touch)
        self.audiences = AudienceStore(on_change=self._touch)

    def _now(self) -> UnixTime:
        return int(self.clock())

    def _touch(self) -> None:
        self.version += 1

    def touch(self) -> None:
        """Note a change made to a record in place (a bulk action's), so it is saved."""
        self._touch()

    # -- sources -----------------------------------------------------------------

    def create_source(self, url: str, sync_behavior: str, status: str, audience_ids: list[int]) -> Source:
        """A new source with the next id."""
        now = self._now()
        source = Source(self.next_source_id, url, sync_behavior, status, audience_ids, now, now, now)
        self.next_source_id += 1
        self._sources[source.id] = source
        self._by_source[source.id] = set()
        self._touch()
        return source

    def get_source(self, source_id: int) -> Source | None:
        """The source with this id, if any."""
        return self._sources.get(source_id)

    def update_source(self, source: Source, **changes: Any) -> Source:
        """Set the given attributes of ``source`` and its ``updated_at``."""
        for name, value in changes.items():
            setattr(source, name, value)
        source.updated_at = self._now()
        self._touch()
        return source

    def delete_source(self, source_id: int) -> bool:
        """Delete a source and every page imported under it; False if it did not exist."""
        if self._sources.pop(source_id, None) is None:
            return False
        for page_id in self._by_source.pop(source_id, set()):
            page = self._pages.pop(page_id)
            del self._by_external[(page.source_id, page.external_id)]
            self.tags.forget(("external_content", page_id))
        self.deleted_sources += 1
        self._touch()
        return True

    def source_count(self) -> int:
        """How many sources exist."""
        return len(self._sources)

    def sources(self, offset: int = 0, limit: int | None = None) -> list[Source]:
        """Sources in ascending id order, ``limit`` of them from ``offset``."""
        return _window(iter(self._sources.values()), offset, limit)

    # -- pages -------------------------------------------------------------------

    def upsert_page(self, source_id: int, external_id: str, fields: PageFields) -> tuple[ExternalPage, bool]:
        """Create the page, or update the one with the same ``(source_id, external_id)``.

        Returns the page and whether it was created. The source must exist.
        """
        page_id = self._by_external.get((source_id, external_id))
        if page_id is not None:
            return self.update_page(self._pages[page_id], fields), False
        now = self._now()
        page = ExternalPage(
            id=str(self.next_page_id),
            source_id=source_id,
            external_id=external_id,
            title=fields.title,
            html=fields.html,
            locale=fields.locale,
            url=fields.url,
            ai_agent_availability=bool(fields.ai_agent_availability),
            ai_copilot_availability=bool(fields.ai_copilot_availability),
            ai_sales_agent_availability=bool(fields.ai_sales_agent_availability),
            created_at=now,
            updated_at=now,
            last_ingested_at=now,
        )
        self.next_page_id += 1
        self._add_page(page)
        self._sources[source_id].last_synced_at = now
        self._touch()
        return page, True

    def update_page(
        self, page: ExternalPage, fields: PageFields, external_id: str | None = None
    ) -> ExternalPage:
        """Overwrite a page's content; availability flags that are ``None`` keep their value.

        A new ``external_id`` must not be used by another page of the same source.
        """
        if external_id is not None and external_id != page.external_id:
            del self._by_external[(page.source_id, page.external_id)]
            page.external_id = external_id
            self._by_external[(page.source_id, external_id)] = page.id
        now = self._now()
        page.title, page.html, page.locale = fields.title, fields.html, fields.locale
        if fields.url is not None:
            page.url = fields.url
        if fields.ai_agent_availability is not None:
            page.ai_agent_availability = fields.ai_agent_availability
        if fields.ai_copilot_availability is not None:
            page.ai_copilot_availability = fields.ai_copilot_availability
        if fields.ai_sales_agent_availability is not None:
            page.ai_sales_agent_availability = fields.ai_sales_agent_availability
        page.updated_at = page.last_ingested_at = now
        self._sources[page.source_id].last_synced_at = now
        self._touch()
        return page

    def find_page(self, source_id: int, external_id: str) -> ExternalPage | None:
        """The page with this ``(source_id, external_id)``, if any."""
        page_id = self._by_external.get((source_id, external_id))
        return None if page_id is None else self._pages[page_id]

    def get_page(self, page_id: str) -> ExternalPage | None:
        """The page with this id, if any."""
        return self._pages.get(page_id)

    def delete_page(self, page_id: str) -> ExternalPage | None:
        """Remove a page and return it, or ``None`` if it did not exist."""
        page = self._pages.pop(page_id, None)
        if page is None:
            return None
        del self._by_external[(page.source_id, page.external_id)]
        self._by_source[page.source_id].discard(page_id)
        self.tags.forget(("external_content", page_id))
        self._touch()
        return page

    def page_count(self) -> int:
        """How many pages exist."""
        return len(self._pages)

    def pages(self, offset: int = 0, limit: int | None = None) -> list[ExternalPage]:
        """Pages newest first (like Intercom's list), ``limit`` of them from ``offset``."""
        return _window(reversed(self._pages.values()), offset, limit)

    def _add_page(self, page: ExternalPage) -> None:
        self._pages[page.id] = page
        self._by_external[(page.source_id, page.external_id)] = page.id
        self._by_source[page.source_id].add(page.id)

    # -- whole store -------------------------------------------------------------

    def clear(self) -> None:
        """Delete everything; ids keep increasing so stale ids never name new objects."""
        self._sources.clear()
        self.deleted_sources = 0
        self._pages.clear()
        self._by_external.clear()
        self._by_source.clear()
        self.help_center.clear()
        self.internal_articles.clear()
        self.tags.clear()
        self.segments.clear()
        self.audiences.clear()
        self._touch()

    def dump(self) -> dict[str, Any]:
        """Everything, as plain JSON-ready data (see :meth:`load`)."""
        return {
            "format": 1,
            "next_source_id": self.next_source_id,
            "next_page_id": self.next_page_id,
            "deleted_sources": self.deleted_sources,
            "sources": [asdict(s) for s in self._sources.values()],
            "pages": [asdict(p) for p in self._pages.values()],
            "help_center": self.help_center.dump(),
            "internal_articles": self.internal_articles.dump(),
            "tags": self.tags.dump(),
            "segments": self.segments.dump(),
            "audiences": self.audiences.dump(),
        }

    def load(self, data: dict[str, Any]) -> None:
        """Replace the contents with a :meth:`dump`; raises KeyError/TypeError/ValueError if malformed."""
        if data.get("format") != 1:
            raise ValueError(f"unknown format {data.get('format')!r}")
        sources = [Source(**s) for s in data["sources"]]
        pages = [ExternalPage(**p) for p in data["pages"]]
        help_center = HelpCenterStore(now=self._now, on_change=self._touch)
        if "help_center" in data:  # absent from files saved before Help Center support
            help_center.load(data["help_center"])
        internal_articles = InternalArticleStore(now=self._now, on_change=self._touch)
        if "internal_articles" in data:  # absent from files saved before internal articles
            internal_articles.load(data["internal_articles"])
        tags = TagStore(on_change=self._touch)
        if "tags" in data:  # absent from files saved before tags
            tags.load(data["tags"])
        self.clear()
        self.help_center, self.internal_articles, self.tags = help_center, internal_articles, tags
        self.segments.load(data.get("segments", []))  # absent from files saved before them
        if "audiences" in data:  # absent from files saved before audiences
            self.audiences.load(data["audiences"])
        for source in sources:
            self._sources[source.id] = source
            self._by_source[source.id] = set()
        for page in sorted(pages, key=lambda p: int(p.id)):
            if page.source_id not in self._sources:
                raise ValueError(f"page {page.id} names unknown source {page.source_id}")
            self._add_page(page)
        self.next_source_id = max([int(data["next_source_id"]), *(s.id + 1 for s in sources)])
        self.next_page_id = max([int(data["next_page_id"]), *(int(p.id) + 1 for p in pages)])
        self.deleted_sources = int(data.get("deleted_sources", 0))  # absent from older files


def _window(items: Iterator[_T], offset: int, limit: int | None) -> list[_T]:
    return list(islice(items, offset, None if limit is None else offset + limit))
