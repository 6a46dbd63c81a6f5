"""fin-ingest: keep Intercom Fin's AI Content Library in step with private documentation."""

from __future__ import annotations

__version__ = "0.1.0"
