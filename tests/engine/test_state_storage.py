"""The state file on a full disk: a write is a StorageError naming the file and the space left
(never SQLite's error, nor a failed ROLLBACK hiding it), what was committed stays, and the store
works again once there is room."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from ingest.errors import StorageError
from ingest.state import PendingWork, StateStore

#: SQLite's largest page count: no cap.
NO_CAP = 1_073_741_823


@pytest.fixture
def capped(monkeypatch: pytest.MonkeyPatch) -> list[sqlite3.Connection]:
    """Every connection sqlite3 opens from now on, to cap (or uncap) its file's page count."""
    opened: list[sqlite3.Connection] = []
    connect = sqlite3.connect

    def keep(database: str | os.PathLike[str], *args: Any, **kwargs: Any) -> sqlite3.Connection:
        db = connect(database, *args, **kwargs)
        opened.append(db)
        return db

    monkeypatch.setattr(sqlite3, "connect", keep)
    return opened


def test_a_write_on_a_full_disk_is_a_storage_error_and_the_store_recovers(
    tmp_path: Path, capped: list[sqlite3.Connection]
) -> None:
    """A transaction that needs a page the disk has not: StorageError naming the file (SQLite has
    already rolled it back: no 'cannot rollback' error instead), nothing of it kept, the earlier
    work intact; with room made, the same write succeeds."""
    path = tmp_path / "state.db"
    with StateStore(path) as state:
        pending = PendingWork(state)
        pending.add("docs", ["kept.md"])
        (db,) = capped
        db.execute(f"PRAGMA max_page_count = {db.execute('PRAGMA page_count').fetchone()[0]}")
        many = [f"folder/{'x' * 200}-{index}.md" for index in range(2_000)]
        with pytest.raises(StorageError) as raised:
            pending.add("docs", many)
        assert re.fullmatch(
            rf"cannot write the state file {path}: database or disk is full \(.+ free on its disk\)",
            str(raised.value),
        )
        assert pending.load("docs").locators == {"kept.md"}
        db.execute(f"PRAGMA max_page_count = {NO_CAP}")
        pending.add("docs", many)
        assert pending.load("docs").locators == {"kept.md", *many}
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
