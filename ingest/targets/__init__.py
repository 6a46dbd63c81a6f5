"""Targets: how a Plan becomes API calls for one kind of Intercom content.

Each target is a package here with a pure planning half and a sending half, declared
once in :mod:`ingest.targets.registry`.
"""

from __future__ import annotations

from ingest.targets.base import BoundTarget, Sent, Target, TargetPlanner, TargetSender, payload_digest

__all__ = ["BoundTarget", "Sent", "Target", "TargetPlanner", "TargetSender", "payload_digest"]
