"""One line per configured source, as ``ingest config check`` prints it."""

from __future__ import annotations

from ingest.config import Settings
from ingest.notify_settings import masked_url, webhook_url


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


def notify_lines(settings: Settings) -> list[str]:
    """``notify.webhooks.0: ops (slack) at https://hooks.slack.com, URL from SLACK_URL``: each
    webhook's URL read (ConfigError when it cannot be) and shown as its scheme and host only."""
    lines = []
    for position, webhook in enumerate(settings.notify.webhooks):
        url = webhook_url(webhook, position)
        origin = f"from {webhook.url_env}" if webhook.url_env else "from url_file"
        where = f"{webhook.name} ({webhook.format}) at {masked_url(url)}"
        lines.append(f"notify.webhooks.{position}: {where}, URL {origin}")
    return lines
