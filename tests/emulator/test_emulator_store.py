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
