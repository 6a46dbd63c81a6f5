"""Documents + state -> Plan: what one source needs done to one target, decided before anything is sent.

The planner is a pure function: it reads no files and sends no requests, so every rule
here (what counts as unchanged, what is deleted, when a delete is refused) is tested
with plain values.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from ingest.document import Failure, Page, SkippedDocument
from ingest.state import DocumentRecord


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


@dataclass(frozen=True, slots=True)
class Upsert:
    """Send ``page``; ``remote_id`` is known for an update."""

    action: Action
    page: Page
    content_hash: str
    remote_id: str | None = None


@dataclass(frozen=True, slots=True)
class Deletion:
    """Delete the remote twin of a document that is gone from the source."""

    external_id: str
    locator: str
    title: str
    remote_id: str | None


@dataclass(frozen=True, slots=True)
class Refresh:
    """A document whose file changed but whose payload did not: store the new fingerprint only."""

    external_id: str
    locator: str
    fingerprint: str


@dataclass(frozen=True)
class Plan:
    """Everything one run will do for one source and target."""

    source: str
    target: str
    creates: tuple[Upsert, ...] = ()
    updates: tuple[Upsert, ...] = ()
    deletes: tuple[Deletion, ...] = ()
    refreshes: tuple[Refresh, ...] = ()
    unchanged: int = 0
    skipped: tuple[SkippedDocument, ...] = ()
    failures: tuple[Failure, ...] = ()
    known: int = 0
    #: Set when the mass-delete guard refuses this plan: why, in one sentence. A refused
    #: plan is shown but not carried out, not even its creates and updates.
    refusal: str | None = None

    @property
    def writes(self) -> int:
        return len(self.creates) + len(self.updates) + len(self.deletes)

    @property
    def upserts(self) -> tuple[Upsert, ...]:
        return self.creates + self.updates


def _mass_delete_refusal(deleting: int, known: int, max_share: float) -> str | None:
    if known == 0 or deleting == 0 or deleting <= max_share * known:
        return None
    return (
        f"refusing to delete {deleting} of {known} pages ({deleting / known:.0%}, limit {max_share:.0%}): "
        "check that the source is complete, then rerun with --allow-mass-delete"
    )


def _protected(locator: str, failed: Collection[str]) -> bool:
    """A failure on a document, or on a folder above it (one that could not be listed)."""
    if locator in failed:
        return True
    parts = locator.split("/")
    return any("/".join(parts[:depth]) in failed for depth in range(1, len(parts)))


def make_plan(
    *,
    source: str,
    target: str,
    pages: Iterable[Page],
    unchanged_ids: Collection[str],
    skipped: Iterable[SkippedDocument],
    failures: Iterable[Failure],
    records: Mapping[str, DocumentRecord],
    payload_hash: Callable[[Page], str],
    max_delete_share: float,
    allow_mass_delete: bool = False,
) -> Plan:
    """Compare converted ``pages`` (documents whose fingerprint changed) and ``unchanged_ids``
    (documents skipped by fingerprint) with the ``records`` of the last successful sends.

    A document that failed to load keeps its remote page: only documents that are really
    gone (or skipped on purpose) are deleted.
    """
    failures_out = list(failures)
    skipped_out = tuple(skipped)
    protected_locators = {failure.locator for failure in failures_out}
    present: set[str] = set(unchanged_ids)
    owner_of = {record.external_id: record.locator for record in records.values()}
    creates: list[Upsert] = []
    updates: list[Upsert] = []
    refreshes: list[Refresh] = []
    unchanged = len(present)

    for page in sorted(pages, key=lambda page: page.locator):
        if page.external_id in present:
            other = owner_of.get(page.external_id, "another document")
            failures_out.append(
                Failure(page.locator, f"external_id {page.external_id!r} is already used by {other}")
            )
            continue
        present.add(page.external_id)
        try:
            content_hash = payload_hash(page)
        except ValueError as exc:  # the target cannot express this page (pydantic's errors are ValueErrors)
            failures_out.append(Failure(page.locator, f"cannot build the {target} request: {exc}"))
            continue
        record = records.get(page.external_id)
        if record is None:
            creates.append(Upsert(Action.CREATE, page, content_hash))
        elif record.content_hash != content_hash:
            updates.append(Upsert(Action.UPDATE, page, content_hash, record.remote_id))
        else:
            unchanged += 1
            if record.fingerprint != page.fingerprint or record.locator != page.locator:
                refreshes.append(Refresh(page.external_id, page.locator, page.fingerprint))

    protected_locators.update(failure.locator for failure in failures_out)
    deletes = tuple(
        Deletion(record.external_id, record.locator, record.title, record.remote_id)
        for external_id, record in sorted(records.items())
        if external_id not in present and not _protected(record.locator, protected_locators)
    )
    refusal = None
    if not allow_mass_delete:
        refusal = _mass_delete_refusal(len(deletes), len(records), max_delete_share)
    return Plan(
        source=source,
        target=target,
        creates=tuple(creates),
        updates=tuple(updates),
        deletes=deletes,
        refreshes=tuple(refreshes),
        unchanged=unchanged,
        skipped=skipped_out,
        failures=tuple(failures_out),
        known=len(records),
        refusal=refusal,
    )
