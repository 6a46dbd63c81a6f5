"""One record of what was last sent for a document to a target, as stored and as built.

Kept apart from :mod:`ingest.state.documents` so that :mod:`ingest.state.run_records` builds
records the same way without importing the store that hands it out.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from ingest.availability import UNSAID, Availability
from ingest.state.placement import NO_PLACEMENT, Placement, path_from_key

RECORD_COLUMNS = (
    "external_id, locator, fingerprint, content_hash, remote_id, title, synced_at, collection, locale, "
    "declared, ai_agent, ai_copilot, ai_sales_agent, remote_digest, owner_tag, withdrawn_at, rule_facts"
)


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """What was last sent for one document to one target."""

    external_id: str
    locator: str
    fingerprint: str
    content_hash: str
    remote_id: str | None
    title: str
    synced_at: float
    placement: Placement = NO_PLACEMENT
    #: What the document's front matter said of its availability when it was last read; None
    #: when that is not known (a record of an earlier release, an adopted page).
    declared: Availability | None = None
    #: What the remote twin is known to hold (a flag is None when nobody knows).
    availability: Availability = UNSAID
    #: A digest of what the remote twin held right after the last write to it (the target's, of
    #: the answer); None when not known (written by an earlier release, adopted).
    remote_digest: str | None = None
    #: The owner tag (``[intercom] owner_tag_id``) the remote twin is known to carry; None: none
    #: that fin-ingest put there (or none known, for a twin adopted or written by an earlier release).
    owner_tag: int | None = None
    #: When the remote twin was withdrawn (made unavailable to every Fin surface, its document gone
    #: from the source, ``on_delete = "withdraw"``), as a Unix time; None: it is not.
    withdrawn_at: float | None = None
    #: What the source's availability rules gave the document and the front matter values they
    #: looked at, as :mod:`ingest.availability_rules` records them; None: read without rules.
    rule_facts: str | None = None


def record_from_row(row: tuple[Any, ...]) -> DocumentRecord:
    external_id, locator, fingerprint, content_hash, remote_id, title, synced_at, collection, locale = row[:9]
    placement = NO_PLACEMENT
    if collection is not None or locale is not None:
        placement = Placement(None if collection is None else path_from_key(collection), locale)
    remote_digest = row[13]
    # Equal strings held once: a document's external id is most often its path, and a page's
    # digest of what its twin holds most often the hash of what was sent (at 50,000 records,
    # 9 MB of a no-op run's peak).
    return DocumentRecord(
        external_id,
        external_id if locator == external_id else locator,
        fingerprint,
        content_hash,
        remote_id,
        title,
        synced_at,
        placement,
        stored_declared(row[9]),
        held_from(row[10], row[11], row[12]),
        remote_digest=content_hash if remote_digest == content_hash else remote_digest,
        owner_tag=row[14],
        withdrawn_at=row[15],
        rule_facts=row[16],
    )


# There are 27 of each: one shared value apiece keeps reading 10,000 records as cheap as before.
@functools.cache
def stored_declared(stored: str | None) -> Availability | None:
    if stored is None:
        return None
    return Availability(*(None if char == "-" else char == "t" for char in stored.ljust(3, "-")[:3]))


@functools.cache
def held_from(ai_agent: int | None, ai_copilot: int | None, ai_sales_agent: int | None) -> Availability:
    return Availability(
        *(None if flag is None else bool(flag) for flag in (ai_agent, ai_copilot, ai_sales_agent))
    )
