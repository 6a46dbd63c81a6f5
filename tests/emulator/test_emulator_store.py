"""The store and the config on their own: consistent indexes, dumps that load back, refused values."""

from __future__ import annotations

import pytest

from ingest.emulator import EmulatorConfig
from ingest.emulator.store import PageFields, Store


def _fields(title: str = "T") -> PageFields:
    return PageFields(title=title, html="<p>x</p>", locale="en")


def test_indexes_follow_deletes() -> None:
    """After a page or its source is deleted, the same external_id makes a new page with a new id."""
    store = Store(clock=lambda: 1_700_000_000.0)
    source = store.create_source("https://x.example.com", "api", "active", [])
    page, created = store.upsert_page(source.id, "a", _fields())
    assert created
    store.delete_page(page.id)
    again, created = store.upsert_page(source.id, "a", _fields())
    assert created and again.id != page.id
    store.delete_source(source.id)
    assert (store.page_count(), store.find_page(source.id, "a")) == (0, None)


def test_dump_loads_back_with_listing_order_and_counters() -> None:
    """A dump loaded into a new store lists the same pages newest first and continues the id sequences."""
    store = Store(clock=lambda: 1_700_000_000.0)
    source = store.create_source("https://x.example.com", "api", "active", [3])
    for external_id in ("a", "b", "c"):
        store.upsert_page(source.id, external_id, _fields())
    copy = Store()
    copy.load(store.dump())
    assert [p.to_api() for p in copy.pages()] == [p.to_api() for p in store.pages()]
    original = store.find_page(source.id, "a")
    assert original is not None
    assert copy.upsert_page(source.id, "a", _fields("New"))[0].id == original.id
    assert copy.create_source("https://y", "api", "active", []).id == source.id + 1


def test_a_dump_keeps_what_later_versions_added_and_an_older_one_loads_with_defaults() -> None:
    """Fin for sales and the count of deleted sources survive a dump; a dump written before they
    existed (no such keys) loads with Fin for sales off and no source deleted."""
    store = Store(clock=lambda: 1_700_000_000.0)
    source = store.create_source("https://x", "api", "active", [])
    gone = store.create_source("https://gone", "api", "active", [])
    store.delete_source(gone.id)
    fields = _fields()
    fields.ai_sales_agent_availability = True
    store.upsert_page(source.id, "a", fields)
    article = store.help_center.create_article(
        title="T",
        description="",
        body="",
        author_id=1,
        state="draft",
        parent_id=None,
        parent_type=None,
        translations={},
        extra={"ai_chatbot_availability": False, "body_markdown": "T"},
    )
    internal = store.internal_articles.create(
        title="R", body="", author_id=1, owner_id=1, extra={"ai_copilot_availability": True}
    )
    copy = Store()
    copy.load(store.dump())
    assert (copy.deleted_sources, copy.pages()[0].ai_sales_agent_availability) == (1, True)
    assert copy.help_center.get_article(article.id) == article
    assert copy.internal_articles.get(internal.id) == internal
    old = store.dump()
    del old["deleted_sources"]
    for page in old["pages"]:
        del page["ai_sales_agent_availability"]
    for record in (*old["help_center"]["articles"], *old["internal_articles"]["articles"]):
        for name in ("ai_chatbot_availability", "ai_copilot_availability", "ai_sales_agent_availability"):
            del record[name]
        del record["body_markdown"]
    copy.load(old)
    assert (copy.deleted_sources, copy.pages()[0].ai_sales_agent_availability) == (0, False)
    loaded_article, loaded_internal = copy.help_center.articles()[0], copy.internal_articles.all()[0]
    assert (loaded_article.ai_chatbot_availability, loaded_article.body_markdown) == (True, None)
    assert loaded_internal.ai_copilot_availability is False


def test_load_refuses_a_page_of_an_unknown_source() -> None:
    """A dump whose page names a missing source is rejected."""
    store = Store()
    source = store.create_source("https://x.example.com", "api", "active", [])
    store.upsert_page(source.id, "a", _fields())
    dump = store.dump()
    dump["sources"] = []
    with pytest.raises(ValueError, match="unknown source"):
        Store().load(dump)


@pytest.mark.parametrize(
    "overrides",
    [
        {"token": ""},
        {"rate_limit": 0},
        {"rate_window_seconds": 0},
        {"latency_ms": (200.0, 100.0)},
        {"fail_rate": 1.5},
        {"per_page": 151},
    ],
)
def test_impossible_configs_are_refused(overrides: dict[str, object]) -> None:
    """EmulatorConfig rejects values no emulator could honour."""
    with pytest.raises(ValueError):
        EmulatorConfig(**overrides)  # type: ignore[arg-type]
