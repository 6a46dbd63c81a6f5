"""The planner's rules as properties over random sources and states."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.document import Page
from ingest.plan import make_plan
from ingest.state import DocumentRecord

ids = st.sampled_from([f"doc-{n}.md" for n in range(12)])
versions = st.integers(min_value=0, max_value=2)


def page(external_id: str, version: int) -> Page:
    return Page(external_id, external_id, f"<p>v{version}</p>", None, external_id, f"fp{version}")


def record(external_id: str, version: int) -> DocumentRecord:
    return DocumentRecord(
        external_id, external_id, f"fp{version}", f"hash-v{version}", "r-" + external_id, "T", 0.0
    )


@settings(max_examples=300, deadline=None)
@given(
    now=st.dictionaries(ids, versions),
    before=st.dictionaries(ids, versions),
    share=st.sampled_from([0.0, 0.25, 0.5, 1.0]),
)
def test_every_document_gets_exactly_one_fate(
    now: dict[str, int], before: dict[str, int], share: float
) -> None:
    """Created, updated, unchanged and deleted partition the documents; the guard refuses exactly
    when more than the allowed share would go."""
    plan = make_plan(
        source="s",
        target="t",
        pages=[page(ext, version) for ext, version in now.items()],
        unchanged_ids=(),
        skipped=(),
        failures=(),
        records={ext: record(ext, version) for ext, version in before.items()},
        payload_hash=lambda p: "hash-" + p.html[3:5],
        max_delete_share=share,
    )
    created = {u.page.external_id for u in plan.creates}
    updated = {u.page.external_id for u in plan.updates}
    deleted = {d.external_id for d in plan.deletes}
    assert created == set(now) - set(before)
    assert updated == {ext for ext in set(now) & set(before) if now[ext] != before[ext]}
    assert plan.unchanged == len({ext for ext in set(now) & set(before) if now[ext] == before[ext]})
    assert deleted == set(before) - set(now)
    assert all(u.remote_id == "r-" + u.page.external_id for u in plan.updates)
    refused = bool(before) and len(deleted) > share * len(before)
    assert (plan.refusal is not None) == refused
