"""The one way to group writes to the state file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[None]:
    """Several writes in one commit, or none of them; outside one, every statement commits on its own.

    ``BEGIN IMMEDIATE`` takes the write lock up front, so two processes (a run and the
    watch daemon) wait for each other (``timeout``) instead of failing when a read turns
    into a write. Inside a transaction already, this is a savepoint of it: an exception
    undoes this group's writes on its way out, and the outer transaction commits the rest.
    """
    if db.in_transaction:
        db.execute("SAVEPOINT nested")
        try:
            yield
        except BaseException:
            if db.in_transaction:  # SQLite may have rolled it all back itself (SQLITE_FULL)
                db.execute("ROLLBACK TO nested")
                db.execute("RELEASE nested")
            raise
        db.execute("RELEASE nested")
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        # After some errors (a full disk, an I/O error) SQLite has already rolled the transaction
        # back; a ROLLBACK then fails, and its error would hide the one that matters.
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
