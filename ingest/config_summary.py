"""One line per configured source, as ``ingest config check`` prints it."""

from __future__ import annotations

from ingest.config import Settings


def source_lines(settings: Settings) -> list[str]:
    """``sources.docs: connector filesystem, targets external_pages, Intercom API 2.16``, sorted."""
    version = settings.intercom.api_version
    where = settings.config_file if settings.config_file is not None else "defaults and environment"
    lines = [f"{where}: valid, {len(settings.sources)} source(s)"]
    for source in settings.select(None):
        targets = ", ".join(source.settings.targets)
        lines.append(
            f"sources.{source.name}: connector {source.settings.connector}, targets {targets}, "
            f"Intercom API {version}"
        )
    return lines
