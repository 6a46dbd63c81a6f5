"""A digest of what state holds for one source and target: what a saved plan was compared with.

``ingest apply`` proceeds only when state is as it was when the plan was made. The digest is
computed in a stream of rows (never a record per document in memory) over every table a plan
reads for the target, every column but the ones a run rewrites without changing what it knows
(``synced_at``, the time of a send) or that another column stands for (``sent_html``, whose hash
is ``content_hash``). Columns a later migration adds are taken in without changing this module.
"""

from __future__ import annotations

import hashlib
import sqlite3

#: Per table: the columns that scope a row to the target, and the columns left out of the digest.
_TABLES: tuple[tuple[str, tuple[str, ...], frozenset[str]], ...] = (
    ("documents", ("source", "target"), frozenset({"synced_at", "sent_html"})),
    ("skips", ("source", "target"), frozenset()),
    ("target_settings", ("source", "target"), frozenset()),
    ("collections", ("source", "target"), frozenset()),
    ("intents", ("source", "target"), frozenset({"at"})),
    ("import_sources", ("source",), frozenset()),
    ("sources", ("name",), frozenset()),  # where a resumable connector's scan starts
)


def target_state_digest(db: sqlite3.Connection, source: str, target: str) -> str:
    """The SHA-256 (hex) of what state holds for ``source`` in ``target``, in a stable order."""
    hashed = hashlib.sha256()
    key = {"source": source, "target": target, "name": source}
    for table, scope, left_out in _TABLES:
        columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]  # constant names
        taken = [column for column in columns if column not in left_out and column not in scope]
        if not taken:
            continue
        where = " AND ".join(f"{column} = ?" for column in scope)
        listed = ", ".join(taken)
        rows = db.execute(
            f"SELECT {listed} FROM {table} WHERE {where} ORDER BY {listed}",  # noqa: S608 - names from PRAGMA
            [key[column] for column in scope],
        )
        hashed.update(f"\x1e{table}\x1f{listed}".encode())
        for row in rows:
            hashed.update(repr(tuple(row)).encode("utf-8", "surrogatepass"))
            hashed.update(b"\x1d")
    return hashed.hexdigest()
