"""The scan's packed list of documents to read: the same references, in order, let go as taken."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from ingest.document import DocumentRef
from ingest.read_queue import ReadQueue


def queue_of(items: list[tuple[DocumentRef, str]]) -> ReadQueue:
    queue = ReadQueue()
    for ref, fingerprint in items:
        queue.append(ref, fingerprint)
    return queue


@given(
    st.lists(st.tuples(st.text(min_size=1), st.text(), st.text()), max_size=60),
    st.lists(st.integers(min_value=1, max_value=9), min_size=1, max_size=20),
)
def test_taken_in_batches_gives_back_every_reference_sorted_by_locator(
    entries: list[tuple[str, str, str]], sizes: list[int]
) -> None:
    """Any text (NULs, surrogate-free Unicode, empty fingerprints), any order, any batch sizes."""
    items = [(DocumentRef(locator, fingerprint), effective) for locator, fingerprint, effective in entries]
    queue = queue_of(items)
    queue.sort()
    taken: list[tuple[DocumentRef, str]] = []
    lengths = []
    while queue:
        for size in sizes:
            taken += queue.take(size)
            lengths.append(len(queue))
    assert taken == sorted(items, key=lambda item: item[0].locator)  # a stable sort, like list.sort
    assert lengths == sorted(lengths, reverse=True) and lengths[-1:] in ([], [0])
    assert queue.take(5) == []


def test_what_is_taken_is_cut_off_the_packed_data() -> None:
    """Past half read, the packed bytes hold only what is still to read."""
    queue = queue_of(
        [(DocumentRef(f"docs/page-{n:05}.md", f"{n}-1700000000"), "f" * 40) for n in range(1000)]
    )
    whole = len(queue._data)
    queue.take(400)
    assert len(queue._data) == whole  # less than half taken: nothing moved yet
    queue.take(200)
    assert len(queue._data) < whole // 2
    assert [ref.locator for ref, _ in queue.take(2)] == ["docs/page-00600.md", "docs/page-00601.md"]


@dataclass(frozen=True, slots=True)
class GitRef(DocumentRef):
    commit: str = ""


def test_a_connector_own_reference_type_comes_back_whole() -> None:
    ref = GitRef("a.md", "fp", commit="abc123")
    queue = queue_of([(DocumentRef("b.md", "fp"), "e2"), (ref, "e1")])
    queue.sort()
    (first, effective), (second, _) = queue.take(2)
    assert first is ref and effective == "e1"
    assert type(second) is DocumentRef


class Locator(str):
    """A connector's own kind of text (the SDK takes any str)."""


def test_a_connectors_own_kind_of_text_is_read_back_as_text() -> None:
    """A locator or fingerprint of a str subclass: marshal refuses it, and the scan failed the
    whole run with ValueError (unmarshallable object)."""
    queue = queue_of(
        [(DocumentRef(Locator("b.md"), Locator("fp-b")), "e2"), (DocumentRef("a.md", "fp-a"), "e1")]
    )
    queue.sort()
    assert queue.take(2) == [(DocumentRef("a.md", "fp-a"), "e1"), (DocumentRef("b.md", "fp-b"), "e2")]
