"""Storage errors (a full disk, a read-only mount, a quota) said in one sentence: which file, what
failed, why, and how much space is left where it lives."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

__all__ = ["NO_SPACE_ERRNOS", "free_space", "storage_problem"]

#: What a full disk or a spent quota looks like to a write.
NO_SPACE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def free_space(path: Path) -> str:
    """The space left on the file system holding ``path`` (or its nearest existing folder), in
    human units; "unknown" when even that cannot be asked."""
    probe = Path(os.path.abspath(path))
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        free = shutil.disk_usage(probe).free
    except OSError:
        return "unknown"
    return _human(free)


def storage_problem(doing: str, path: Path, reason: str) -> str:
    """One sentence: ``cannot <doing> <path>: <reason> (<free> free on its disk)``, e.g.
    ``cannot write the report /var/log/last.json: No space left on device (0 bytes free on its disk)``."""
    return f"cannot {doing} {path}: {reason} ({free_space(path)} free on its disk)"


def _human(size: int) -> str:
    amount = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if amount < 1024 or unit == "TiB":
            return f"{size} bytes" if unit == "bytes" else f"{amount:.1f} {unit}"
        amount /= 1024
    raise AssertionError("unreachable")
