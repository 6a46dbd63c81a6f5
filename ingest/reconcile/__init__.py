"""``ingest reconcile``: what Intercom holds, compared with state and the source, and repaired on request.

:mod:`~ingest.reconcile.reconciler` asks each target to compare (the optional
:class:`~ingest.targets.reconciling.Reconciles` capability), :mod:`~ingest.reconcile.repairs` turns
``--fix`` into changes of state and one ordinary run per source, :mod:`~ingest.reconcile.findings`
holds what was found and done. The command's front end is :mod:`ingest.reconcile_command`.
"""

from __future__ import annotations

from ingest.reconcile.findings import Finding, Outcome, TargetReport
from ingest.reconcile.reconciler import Reconciler, ReconcileRun, reconcile_sources

__all__ = ["Finding", "Outcome", "ReconcileRun", "Reconciler", "TargetReport", "reconcile_sources"]
