"""The processes a process started, read from /proc (Linux): what a test checks is left running."""

from __future__ import annotations

from pathlib import Path


def _parents() -> dict[int, int]:
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # it ended while we looked
            continue
        fields = text[text.rindex(")") + 2 :].split()
        if fields[0] != "Z":  # a zombie has ended; only its parent's wait is missing
            parents[int(stat.parent.name)] = int(fields[1])
    return parents


def descendants(pid: int) -> set[int]:
    """The running processes ``pid`` started, and the ones they started, and so on."""
    parents = _parents()
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def running(pids: set[int]) -> set[int]:
    """Those of ``pids`` still running (not ended, not a zombie)."""
    return pids & set(_parents())


def command_line(pid: int) -> str:
    """How ``pid`` was started, its arguments joined by spaces ("" once it ended)."""
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_text().replace("\0", " ").strip()
    except OSError:
        return ""


def children(pid: int) -> set[int]:
    """The running processes ``pid`` started itself."""
    return {child for child, parent in _parents().items() if parent == pid}
