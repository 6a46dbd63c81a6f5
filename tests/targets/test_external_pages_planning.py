"""External Pages, planning half: English pages only, hashed exactly as they would be sent."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from ingest.api_versions import features_of
from ingest.plan import Action, Upsert
from ingest.targets.external_pages.planning import ExternalPagesPlanner
from tests.targets.pages import page

PLANNER = ExternalPagesPlanner(url="https://docs.example.com")


def test_the_request_is_the_page_under_its_content_import_source() -> None:
    """Title, HTML, link and external id go as they are; the locale is English; availability as set."""
    planner = ExternalPagesPlanner(url="https://docs.example.com", ai_agent=False, ai_copilot=True)
    body = planner.request(page("guides/setup.md", "Setup", "<p>Hi</p>"), source_id=7).to_body()
    assert body == {
        "title": "Setup",
        "html": "<p>Hi</p>",
        "url": "https://git.example.com/blob/main/guides/setup.md",
        "locale": "en",
        "source_id": 7,
        "external_id": "guides/setup.md",
        "ai_agent_availability": False,
        "ai_copilot_availability": True,
    }


def test_only_english_pages_are_taken() -> None:
    """A page in another locale is left out, with the reason; English and unmarked pages are taken."""
    assert PLANNER.accepts(page("guide.md")) is None
    assert PLANNER.accepts(page("guide.en.md")) is None
    assert PLANNER.accepts(page("guide.fr.md")) == "External Pages are English-only; this document is in 'fr'"
    assert PLANNER.accepts(page("notes.md", locale="de")) == (
        "External Pages are English-only; this document is in 'de'"
    )


@pytest.mark.parametrize(
    "change",
    [{"title": "Guide v2"}, {"html": "<p>Read me again.</p>"}, {"url": "https://elsewhere/guide.md"}],
    ids=["title", "html", "url"],
)
def test_the_hash_changes_with_what_is_sent(change: dict[str, Any]) -> None:
    """Title, HTML and link are part of the hash."""
    original = page("guide.md")
    assert PLANNER.payload_hash(replace(original, **change)) != PLANNER.payload_hash(original)


def test_the_hash_ignores_what_is_not_sent() -> None:
    """The fingerprint, the locator and metadata the request does not carry leave the hash alone;
    so does the Content Import Source's id, unknown while planning."""
    original = page("guide.md")
    moved = replace(original, locator="moved/guide.md", fingerprint="other-fp", metadata={"x": 1})
    assert PLANNER.payload_hash(moved) == PLANNER.payload_hash(original)
    assert PLANNER.request(original, 1).to_body() | {"source_id": 2} == PLANNER.request(original, 2).to_body()


def test_in_2_15_availability_is_part_of_the_hash_and_of_the_settings_digest() -> None:
    """In 2.15, whose only way to say it is the page's request, switching Fin or Copilot
    availability re-sends every page (with bulk actions it does not: test_external_pages_availability)."""
    features = features_of("2.15")
    before = ExternalPagesPlanner(url="https://docs.example.com", features=features)
    other = ExternalPagesPlanner(url="https://docs.example.com", ai_agent=False, features=features)
    assert other.payload_hash(page("guide.md")) != before.payload_hash(page("guide.md"))
    assert other.settings_digest() != before.settings_digest()
    moved = ExternalPagesPlanner(url="https://help.example.com")
    assert moved.settings_digest() != PLANNER.settings_digest()
    assert ExternalPagesPlanner(url="https://docs.example.com").settings_digest() == PLANNER.settings_digest()


def test_upserts_run_as_one_batch() -> None:
    """External Pages do not depend on each other: every upsert may run at once."""
    items = [Upsert(Action.CREATE, page(name), "h") for name in ("a.md", "b.fr.md", "c.md")]
    assert PLANNER.batches(items) == [items]
