"""A JSON document written piece by piece: the bytes of ``json.dumps(value, indent=2,
ensure_ascii=False)``, without the whole text, or a list marked :class:`StreamedList`, in memory.

A run's report lists every document it changed: at 50,000 documents the list and its text would
be built whole at the very end of the run, the moment memory is fullest. A :class:`StreamedList`
is produced item by item as the text is written instead, each item encoded on its own and
indented to its depth (JSON strings hold no raw newline, so re-indenting line by line is exact).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Final

INDENT: Final = 2


class StreamedList:
    """A JSON array whose items ``produce`` gives one at a time, once, when it is written."""

    __slots__ = ("_produce",)

    def __init__(self, produce: Callable[[], Iterable[Any]]) -> None:
        self._produce = produce

    def items(self) -> Iterator[Any]:
        return iter(self._produce())


def json_chunks(value: Any) -> Iterator[str]:
    """``value`` as the text ``json.dumps(value, indent=2, ensure_ascii=False)`` gives (its
    :class:`StreamedList` as lists), in pieces."""
    yield from _chunks(value, 0)


def _chunks(value: Any, depth: int) -> Iterator[str]:
    if isinstance(value, StreamedList):
        yield from _array(value.items(), depth)
    elif isinstance(value, list | tuple) and _streams(value):
        yield from _array(iter(value), depth)
    elif isinstance(value, dict) and _streams(value) and all(isinstance(key, str) for key in value):
        yield from _object(value, depth)
    else:
        yield _encoded(value, depth)


def _array(items: Iterator[Any], depth: int) -> Iterator[str]:
    first = next(items, _END)
    if first is _END:
        yield "[]"
        return
    inner = "\n" + " " * (INDENT * (depth + 1))
    yield "[" + inner
    yield from _chunks(first, depth + 1)
    for item in items:
        yield "," + inner
        yield from _chunks(item, depth + 1)
    yield "\n" + " " * (INDENT * depth) + "]"


def _object(value: dict[str, Any], depth: int) -> Iterator[str]:
    inner = "\n" + " " * (INDENT * (depth + 1))
    separator = "{"
    for key, item in value.items():
        yield separator + inner + json.dumps(key, ensure_ascii=False) + ": "
        yield from _chunks(item, depth + 1)
        separator = ","
    yield "\n" + " " * (INDENT * depth) + "}"


def _encoded(value: Any, depth: int) -> str:
    text = json.dumps(value, indent=INDENT, ensure_ascii=False)
    return text.replace("\n", "\n" + " " * (INDENT * depth)) if depth else text


def _streams(value: Any) -> bool:
    """Whether ``value`` holds a :class:`StreamedList` at any depth."""
    if isinstance(value, StreamedList):
        return True
    if isinstance(value, dict):
        return any(_streams(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_streams(item) for item in value)
    return False


_END: Final = object()
