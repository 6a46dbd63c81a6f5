"""The watch daemon's pending work; its store lives in ``ingest.state.pending``.

This is the path the watch daemon imports from.
"""

from __future__ import annotations

from ingest.state.pending import WHOLE_SOURCE, Pending, PendingWork

__all__ = ["WHOLE_SOURCE", "Pending", "PendingWork"]
