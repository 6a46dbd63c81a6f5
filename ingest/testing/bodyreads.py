"""Seeing a scan read document bodies: files opened under a folder while a recorder is active.

Python's audit hooks report every ``open`` (``open()``, ``io.open``, ``os.open``) from any
thread, including the worker threads a connector scans in. A hook cannot be removed once
added, so one hook is added on first use and stays idle (one list check per event) while
no recorder is active. What another process (``git``, ``sha256sum``) or a C library opening
a file by name reads is beyond a hook's sight; the files' access times show it instead, where
the filesystem records reads (``relatime``, the default, does for a file written since it
was last read, as a sample just written is; ``noatime`` does not).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_recording: list[list[str]] = []
_hook_added = False
_lock = threading.Lock()


def _audit(event: str, args: tuple[object, ...]) -> None:
    if not _recording or event != "open":
        return
    path, mode, flags = (*args, None, None)[:3]
    if isinstance(path, int):
        return  # an already open descriptor: its opening was reported when it happened
    if isinstance(mode, str) and not ("r" in mode or "+" in mode):
        return
    if mode is None and isinstance(flags, int) and flags & os.O_ACCMODE == os.O_WRONLY:
        return
    # Only the raw value is kept here: touching the filesystem inside a hook could re-enter it.
    raw = os.fsdecode(path) if isinstance(path, str | bytes | os.PathLike) else str(path)
    for opened in _recording:
        opened.append(raw)


def _ensure_hook() -> None:
    global _hook_added
    with _lock:
        if not _hook_added:
            sys.addaudithook(_audit)
            _hook_added = True


@contextmanager
def files_opened_under(folder: Path) -> Iterator[list[str]]:
    """Collect, in the yielded list, the files under ``folder`` opened for reading meanwhile.

    The list is filled when the block ends (paths made relative to ``folder``, POSIX,
    folders left out, each once).
    """
    _ensure_hook()
    opened: list[str] = []
    found: list[str] = []
    accessed = _access_times(folder)
    _recording.append(opened)
    try:
        yield found
    finally:
        _recording.remove(opened)
        found.extend(_under(folder, opened))
        found.extend(name for name in _read_since(folder, accessed) if name not in found)


def _under(folder: Path, opened: list[str]) -> list[str]:
    root = os.path.realpath(folder)
    inside: dict[str, None] = {}
    for raw in opened:
        real = os.path.realpath(raw)
        if real.startswith(root.rstrip(os.sep) + os.sep) and not os.path.isdir(real):
            inside[Path(os.path.relpath(real, root)).as_posix()] = None
    return list(inside)


def _access_times(folder: Path) -> dict[str, int]:
    """The access time of each file under ``folder``, by POSIX path relative to it."""
    times: dict[str, int] = {}
    for path in folder.rglob("*"):
        try:
            if path.is_file():
                times[path.relative_to(folder).as_posix()] = path.stat().st_atime_ns
        except OSError:
            continue  # gone meanwhile: nothing to read there
    return times


def _read_since(folder: Path, accessed: dict[str, int]) -> list[str]:
    """The files of ``accessed`` read since: their access time moved."""
    found = []
    for name, before in accessed.items():
        try:
            if (folder / name).stat().st_atime_ns != before:
                found.append(name)
        except OSError:
            continue
    return found
