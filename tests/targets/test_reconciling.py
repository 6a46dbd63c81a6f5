"""What targets share to compare twins with state: flags compared only where known, "changed since
written" decided exactly where a digest is known, the planner's canonical form for pages, a bounded
number of reads at a time."""

from __future__ import annotations

import asyncio

import pytest

from ingest.api_versions import features_of
from ingest.availability import Availability
from ingest.intercom import ExternalPage
from ingest.state import DocumentRecord
from ingest.targets.external_pages.planning import ExternalPagesPlanner
from ingest.targets.reconciling import (
    CLOCK_ALLOWANCE,
    changed_since_written,
    contradicted,
    describe,
    each_bounded,
)
from tests.targets.pages import page

WRITTEN_AT = 1_000_000.0


def record(remote_digest: str | None) -> DocumentRecord:
    return DocumentRecord("a.md", "a.md", "fp", "hash", "7", "A", WRITTEN_AT, remote_digest=remote_digest)


def test_only_flags_an_answer_carries_are_compared() -> None:
    """A flag the answer leaves out is nobody's knowledge, never drift; one it contradicts is."""
    wanted = Availability(True, True, False)
    assert contradicted(wanted, Availability(True, None, None)).is_empty()
    assert contradicted(wanted, Availability(False, True, True)) == Availability(True, None, False)
    assert describe(Availability(True, None, False)) == "Fin on, Fin for sales off"


def test_a_known_digest_decides_exactly() -> None:
    """With the digest of the answer to the last write, a twin changed exactly when its digest did,
    whatever it was sent and whenever Intercom says it was updated."""
    assert not changed_since_written(record("d"), "d", as_sent=False, updated_at=None)
    assert changed_since_written(record("d"), "e", as_sent=True, updated_at=0)


@pytest.mark.parametrize(
    ("as_sent", "updated_at", "changed"),
    [
        (True, int(WRITTEN_AT) + 86_400, False),  # holds what was sent: unchanged, whatever the time
        (False, int(WRITTEN_AT + CLOCK_ALLOWANCE), False),  # Intercom's rewriting of the write itself
        (False, int(WRITTEN_AT + CLOCK_ALLOWANCE) + 1, True),  # updated after the write: edited
        (False, None, True),  # differs, and nothing says when: reported
    ],
)
def test_without_a_digest_what_was_sent_and_when_intercom_updated_it_decide(
    as_sent: bool, updated_at: int | None, changed: bool
) -> None:
    """A twin written by an earlier release: unchanged when it holds what was sent; otherwise changed
    only when Intercom updated it after fin-ingest's write (beyond the clock allowance)."""
    assert changed_since_written(record(None), "d", as_sent=as_sent, updated_at=updated_at) is changed


def twin_of(planner: ExternalPagesPlanner, sent_flags: Availability, **changes: object) -> ExternalPage:
    """The page Intercom holds after ``planner``'s request for the test page, with ``changes``."""
    body = planner.request(page("a.md", "Guide"), source_id=3).to_body()
    body.update(
        id="7",
        ai_agent_availability=sent_flags.ai_agent,
        ai_copilot_availability=sent_flags.ai_copilot,
        ai_sales_agent_availability=False,
    )
    body.update(changes)
    return ExternalPage.model_validate(body)


@pytest.mark.parametrize("version", ["2.15", "2.16", "Preview"])
def test_a_page_as_sent_hashes_as_the_planner_hashed_it(version: str) -> None:
    """The remote twin of a page as sent gives the hash the planner recorded for it; another title,
    html or url does not; flags count only where the version's requests carry them in the hash (2.15)."""
    planner = ExternalPagesPlanner(
        url="https://docs.example.com", ai_agent=False, features=features_of(version)
    )
    sent = Availability(False, True, False)
    recorded = planner.payload_hash(page("a.md", "Guide"))
    assert planner.remote_hash(twin_of(planner, sent), sent) == recorded
    for change in ({"title": "Other"}, {"html": "<p>Other.</p>"}, {"url": "https://elsewhere.example.com/a"}):
        assert planner.remote_hash(twin_of(planner, sent, **change), sent) != recorded
    switched = Availability(True, True, False)
    assert (planner.remote_hash(twin_of(planner, switched), switched) == recorded) is (version != "2.15")


async def test_reads_run_a_bounded_number_at_a_time() -> None:
    """Forty items by at most four workers: several at once, never more than four, each once."""
    in_flight = peak = 0
    done: list[int] = []

    async def work(item: int) -> None:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0)
        in_flight -= 1
        done.append(item)

    await each_bounded(range(40), work, 4)
    assert sorted(done) == list(range(40)) and 1 < peak <= 4


async def test_the_first_failure_is_raised_as_itself() -> None:
    """A failing read ends the others and is raised as itself (an AuthError must end the reconcile)."""

    async def work(item: int) -> None:
        if item == 3:
            raise PermissionError("refused")
        await asyncio.sleep(0)

    with pytest.raises(PermissionError, match="refused"):
        await each_bounded(range(10), work, 2)
