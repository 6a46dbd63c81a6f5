"""What a saved plan is compared with: state's digest, the scan's, the plan file's schema."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import jsonschema
import pytest

from ingest.collect import PathFilter, collect
from ingest.document import DocumentRef
from ingest.planfile.model import SCHEMA_PATH, Counts
from ingest.state import RememberedSkip, StateStore
from tests.engine.test_state import record


def test_state_digest_moves_with_what_a_plan_reads_and_only_that(tmp_path: Path) -> None:
    """A record sent, a skip remembered, another fingerprint: a new digest. The time of a send, the
    HTML kept beside its hash, and another source's or target's records: the same digest."""
    with StateStore(tmp_path / "state.db") as store:
        docs = store.target("docs", "external_pages")
        empty = docs.state_digest()
        record(store, "a")
        sent = docs.state_digest()
        assert sent != empty
        with sqlite3.connect(tmp_path / "state.db") as db:
            db.execute("UPDATE documents SET synced_at = synced_at + 100, sent_html = NULL")
        assert docs.state_digest() == sent
        store.target("wiki", "external_pages").replace_skips(
            [RememberedSkip("x.md", "f", "draft")], within=None
        )
        store.target("docs", "articles").set_settings_digest("other")
        assert docs.state_digest() == sent
        docs.refresh_fingerprints([("a", "a.md", "fp2", docs.record("a").declared, None)])  # type: ignore[union-attr]
        refreshed = docs.state_digest()
        assert refreshed != sent
        docs.replace_skips([RememberedSkip("draft.md", "f", "draft: true")], within=None)
        assert docs.state_digest() != refreshed


class Listed:
    """A connector that lists references and loads nothing (every document is unchanged or read)."""

    def __init__(self, refs: list[DocumentRef]) -> None:
        self.refs = refs

    async def scan(self):  # type: ignore[no-untyped-def]
        for ref in self.refs:
            yield ref

    async def load(self, ref: DocumentRef):  # type: ignore[no-untyped-def]
        raise AssertionError("nothing is read in this test")


async def scan_digest(refs: list[DocumentRef], *, asked: bool = True) -> str | None:
    collected = await collect(
        Listed(refs),  # type: ignore[arg-type]
        targets={},
        settings_digest="s",
        path_filter=PathFilter((), ()),
        url_template=None,
        digest_scan=asked,
    )
    return collected.scan_digest


async def test_the_scan_digest_is_every_locator_with_its_fingerprint_in_any_listing_order() -> None:
    """Order does not matter; a fingerprint, a locator, a document more do; a run does not pay for it."""
    a, b = DocumentRef("a.md", "1"), DocumentRef("b.md", "1")
    first = await scan_digest([a, b])
    assert first is not None and first == await scan_digest([b, a])
    assert first != await scan_digest([a, DocumentRef("b.md", "2")])
    assert first != await scan_digest([a, DocumentRef("c.md", "1")])
    assert first != await scan_digest([a, b, DocumentRef("c.md", "1")])
    assert await scan_digest([a, b], asked=False) is None


def test_the_schema_refuses_what_is_not_a_plan() -> None:
    """The schema is a check that can fail: a missing digest, an unknown kind, another version."""
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    digest = "0" * 64
    item = {"kind": "create", "locator": "a.md", "external_id": "a.md", "title": "A", "digest": digest}
    item |= {"previous_digest": None, "detail": None}
    counts = Counts().model_dump()
    target = {"target": "external_pages", "state_digest": digest, "items_digest": digest, "refusal": None}
    target |= {"counts": counts, "items": [item]}
    source = {
        "source": "docs",
        "config_digest": digest,
        "scan_digest": digest,
        "error": None,
        "targets": [target],
    }
    plan = {"format": "fin-ingest-plan", "version": 1, "created_at": "now", "fin_ingest": "0.1.0"}
    plan |= {"allow_mass_delete": False, "sources": [source]}
    jsonschema.validate(plan, schema)
    for broken in (
        {**plan, "version": 2},
        {**plan, "sources": [{**source, "config_digest": "short"}]},
        {**plan, "sources": [{**source, "targets": [{**target, "items": [{**item, "kind": "rename"}]}]}]},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema)
