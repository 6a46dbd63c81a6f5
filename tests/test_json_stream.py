"""A JSON document written in pieces: json.dumps(indent=2)'s very text, its items produced one at a time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ingest.json_stream import StreamedList, json_chunks

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=30,
)


def streamed(value: Any, marks: Iterator[bool]) -> Any:
    """``value`` with some of its lists (as ``marks`` says) turned into :class:`StreamedList`."""
    if isinstance(value, dict):
        return {key: streamed(item, marks) for key, item in value.items()}
    if isinstance(value, list):
        items = [streamed(item, marks) for item in value]
        return StreamedList(lambda: iter(items)) if next(marks) else items
    return value


@given(VALUES, st.lists(st.booleans(), min_size=1))
def test_pieces_join_to_json_dumps_with_indent_2(value: Any, marks: list[bool]) -> None:
    """Any JSON value, any of its lists streamed: the same text as json.dumps gives the value whole."""
    cycle = iter(marks * 100 + [False] * 1000)
    assert "".join(json_chunks(streamed(value, cycle))) == json.dumps(value, indent=2, ensure_ascii=False)


def test_a_report_shaped_document_with_unicode_and_nesting() -> None:
    """Keys in order, nested objects in streamed items, non-ASCII text kept as it is."""
    changes = [
        {"action": "create", "document": "é/ü.md", "details": {"author": "Zoë", "lines": 3}},
        {"action": "tag", "tag": {"add": 1, "remove": None}},
    ]
    body = {"exit_code": 0, "sources": [{"source": "docs", "changes": changes, "drift": []}], "x": {}}
    marked = {**body, "sources": [{**body["sources"][0], "changes": StreamedList(lambda: iter(changes))}]}  # type: ignore[dict-item]

    assert "".join(json_chunks(marked)) == json.dumps(body, indent=2, ensure_ascii=False)


def test_empty_streamed_list_is_an_empty_array() -> None:
    assert "".join(json_chunks({"changes": StreamedList(lambda: iter(()))})) == '{\n  "changes": []\n}'


def test_items_are_produced_one_at_a_time_as_the_text_is_written() -> None:
    """The producer is asked for an item only when the text before it is written: never the whole list."""
    produced: list[int] = []

    def produce() -> Iterator[dict[str, int]]:
        for number in range(1000):
            produced.append(number)
            yield {"n": number}

    pieces = json_chunks({"changes": StreamedList(produce)})
    written = ""
    while '"n": 2' not in written:
        written += next(pieces)

    assert produced == [0, 1, 2]
    assert "".join([written, *pieces]) == json.dumps({"changes": [{"n": n} for n in range(1000)]}, indent=2)
    assert len(produced) == 1000
