"""Monitoring the watch daemon: Prometheus metrics, ``/healthz`` and ``/readyz`` on one port.

:class:`DaemonMetrics` holds the metric families (in a registry of its own) and is the client's
:class:`~ingest.intercom.observer.RequestObserver`; :class:`Readiness` says whether every source
finished its start-up sync and none is stuck; :class:`MonitoringServer` serves both from the
daemon's own event loop; :class:`DaemonMonitor` joins them for ``ingest watch --metrics-port``.
"""

from __future__ import annotations

from ingest.monitoring.daemon import DaemonMonitor
from ingest.monitoring.metrics import DaemonMetrics
from ingest.monitoring.readiness import Readiness
from ingest.monitoring.server import MonitoringServer

__all__ = ["DaemonMetrics", "DaemonMonitor", "MonitoringServer", "Readiness"]
