"""Targets: how a Plan becomes API calls for one kind of Intercom content."""

from __future__ import annotations

from ingest.targets.base import Target, payload_digest

__all__ = ["Target", "payload_digest"]
