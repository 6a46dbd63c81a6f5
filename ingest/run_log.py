"""Where the run history's types were before ``ingest.state`` owned the whole state file.

Kept so code written against this path keeps importing; new code imports from ``ingest.state``.
"""

from __future__ import annotations

from ingest.state.runs import FailureRecord, RunCounts, RunLog, RunRecord

__all__ = ["FailureRecord", "RunCounts", "RunLog", "RunRecord"]
