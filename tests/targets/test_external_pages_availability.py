"""External Pages' availability per API version: what each request carries, what the hash holds,
and what is left to bulk actions."""

from __future__ import annotations

import pytest

from ingest.api_versions import features_of
from ingest.availability import Availability
from ingest.plan import Action, Plan, Upsert
from ingest.targets.external_pages.planning import ExternalPagesPlanner
from tests.targets.pages import page

URL = "https://docs.example.com"


def planner(version: str, **keys: bool) -> ExternalPagesPlanner:
    return ExternalPagesPlanner(url=URL, features=features_of(version), **keys)


def flags(version: str, **front: bool) -> dict[str, object]:
    body = planner(version, ai_sales_agent=True).request(page("a.md", **front), 1).to_body()
    return {key: value for key, value in body.items() if key.endswith("_availability")}


def test_2_15_and_2_16_requests_carry_ai_agent_and_copilot_and_preview_fin_for_sales_too() -> None:
    """Only Preview's POST can say Fin for sales; front matter wins over the source's keys in each."""
    assert flags("2.16", ai_copilot=False) == {
        "ai_agent_availability": True,
        "ai_copilot_availability": False,
    }
    assert flags("Preview", ai_sales_agent=False) == {
        "ai_agent_availability": True,
        "ai_copilot_availability": True,
        "ai_sales_agent_availability": False,
    }


def test_2_15_cannot_make_a_page_available_to_fin_for_sales() -> None:
    """A document asking for it fails (planning turns the ValueError into its failure), naming the
    versions that can."""
    with pytest.raises(ValueError, match=r"Intercom API 2\.15 cannot make a page available to Fin for sales"):
        planner("2.15").payload_hash(page("a.md", ai_sales_agent=True))
    assert planner("2.15").payload_hash(page("a.md", ai_sales_agent=False))


def test_with_bulk_actions_availability_is_no_part_of_the_hash_or_the_settings_digest() -> None:
    """2.16 and Preview: a change of the keys or of front matter re-sends no page (bulk actions set it);
    2.15: it re-sends the pages whose flags changed, as before."""
    for version in ("2.16", "Preview"):
        on, off = planner(version), planner(version, ai_agent=False, ai_sales_agent=True)
        assert on.payload_hash(page("a.md")) == off.payload_hash(page("a.md", ai_copilot=False))
        assert on.settings_digest() == off.settings_digest()
    assert planner("2.15").payload_hash(page("a.md")) != planner("2.15", ai_agent=False).payload_hash(
        page("a.md")
    )
    assert planner("2.15").settings_digest() != planner("2.15", ai_agent=False).settings_digest()


def test_the_hash_with_bulk_actions_is_the_one_earlier_releases_recorded_for_the_defaults() -> None:
    """Switching from 2.15 to 2.16 with the default keys re-sends nothing: the hashes are equal."""
    assert planner("2.16").payload_hash(page("a.md")) == planner("2.15").payload_hash(page("a.md"))


def test_only_versions_with_bulk_actions_plan_availability_apart() -> None:
    """2.15 plans no availability change (its requests carry the flags); 2.16 plans Fin for sales for
    a new page, Preview nothing (its POST says it)."""
    new = Plan(source="docs", target="external_pages", creates=(Upsert(Action.CREATE, page("a.md"), "h"),))
    assert planner("2.15").availability_changes(new, {}) == ()
    (change,) = planner("2.16", ai_sales_agent=True).availability_changes(new, {})
    assert change.flags == Availability(ai_sales_agent=True) and change.remote_id is None
    assert planner("Preview", ai_sales_agent=True).availability_changes(new, {}) == ()
