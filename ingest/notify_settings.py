"""``[notify]``: the webhooks alerted when a run or a daemon batch fails, and when it recovers.

A webhook's URL is a secret (a Slack incoming-webhook URL lets anyone post to the channel), so,
like the access token, it is never kept in the config file: ``url_env`` names an environment
variable holding it, ``url_file`` a file. It is read when a command needs it
(:func:`webhook_url`), never printed: what names a webhook in a message, a log line or
``ingest config check`` is its ``name`` and the URL's scheme and host (:func:`masked_url`).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ingest.connector import ConfigPath
from ingest.errors import ConfigError

__all__ = ["NotifySettings", "WebhookFormat", "WebhookSettings", "masked_url", "webhook_url"]

WebhookFormat = Literal["slack", "json"]
#: Keys that would put the URL in the file; refused with a pointer to url_env and url_file.
_URL_KEYS = ("url", "webhook_url")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class _Section(BaseModel):
    # A URL written where a table, a list or a format belongs is the secret itself: an error
    # names the key and never quotes the value it refused.
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class WebhookSettings(_Section):
    """``[[notify.webhooks]]``: one receiver of alerts."""

    name: str = Field(description="What names this webhook in messages and logs (never its URL).")
    format: WebhookFormat = Field(
        description='"slack": a Slack-compatible body (text and blocks, for incoming webhooks and '
        'chat tools that take them); "json": fin-ingest\'s own JSON body (its shape is documented).'
    )
    url_env: str | None = Field(
        None, description="The environment variable holding the webhook's URL (a secret: never in this file)."
    )
    url_file: ConfigPath | None = Field(
        None, description="A file holding the webhook's URL (used when url_env is not given)."
    )

    @model_validator(mode="before")
    @classmethod
    def _refuse_url_in_file(cls, data: object) -> object:
        if isinstance(data, dict):
            for key in _URL_KEYS:
                if key in data:
                    raise ValueError(
                        f"{key}: a webhook URL is a secret and must not be kept in the config file; "
                        "name the environment variable holding it with url_env, or a file with url_file"
                    )
        return data

    @model_validator(mode="after")
    def _one_place(self) -> WebhookSettings:
        if not _NAME.match(self.name):
            raise ValueError(
                "name: letters, digits, '.', '_' and '-' (up to 64, starting with a letter or digit)"
            )
        if (self.url_env is None) == (self.url_file is None):
            raise ValueError("url_env: give exactly one of url_env (a variable) and url_file (a file)")
        if self.url_env is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", self.url_env):
            raise ValueError("url_env: the name of an environment variable (letters, digits, '_')")
        return self


class NotifySettings(_Section):
    """``[notify]``: who hears of failures and recoveries, how hard delivery tries, how often to remind."""

    webhooks: tuple[WebhookSettings, ...] = Field(
        (), description="The webhooks alerted ([[notify.webhooks]]); none: no alerts."
    )
    timeout_seconds: float = Field(
        10.0,
        ge=1,
        le=120,
        description="The whole time one notification may take, every attempt and back-off included; "
        "past it delivery is given up (one warning), never the run.",
    )
    max_attempts: int = Field(
        3, ge=1, le=10, description="Attempts per webhook (connection errors, 429, 5xx)."
    )
    remind_hours: float = Field(
        24.0,
        ge=0,
        le=8_760,
        description="While a source stays failing, a reminder at most this often (0: never remind).",
    )
    max_failures: int = Field(
        10, ge=1, le=50, description="Failed documents listed in a message (the rest are counted)."
    )

    @model_validator(mode="after")
    def _unique_names(self) -> NotifySettings:
        seen: set[str] = set()
        for position, webhook in enumerate(self.webhooks):
            if webhook.name in seen:
                raise ValueError(f"webhooks.{position}.name: {webhook.name!r} is the name of another webhook")
            seen.add(webhook.name)
        return self


def webhook_url(webhook: WebhookSettings, position: int) -> str:
    """The webhook's URL from its variable or file; ConfigError naming the key (never the URL)."""
    key = f"notify.webhooks.{position}"
    if webhook.url_env is not None:
        url = os.environ.get(webhook.url_env, "").strip()
        if not url:
            raise ConfigError(f"{key}.url_env: the environment variable {webhook.url_env} is not set")
        where = f"{key}.url_env: the URL in {webhook.url_env}"
    else:
        assert webhook.url_file is not None
        url = _read_url_file(Path(webhook.url_file), f"{key}.url_file")
        where = f"{key}.url_file: the URL in the file it names"
    problem = _url_problem(url)
    if problem:
        raise ConfigError(f"{where} {problem}")
    return url


def masked_url(url: str) -> str:
    """``https://hooks.slack.com``: the scheme and host only, since the path and query hold the secret."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or '?'}{f':{parts.port}' if _port(url) else ''}"


def _port(url: str) -> int | None:
    try:
        return urlsplit(url).port
    except ValueError:
        return None


def _url_problem(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return "is not a valid URL"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an http:// or https:// URL with a host"
    if parts.username or parts.password:
        return "must not carry a user name or password"
    if any(character.isspace() for character in url):
        return "must not contain spaces"
    return None


def _read_url_file(path: Path, key: str) -> str:
    # Never echoed, nor chained into a traceback: the file holds the secret.
    try:
        url = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(
            f"{key}: the file it names cannot be read: {exc.strerror or type(exc).__name__}"
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{key}: the file it names is not UTF-8 text; it must hold only the URL") from None
    if not url:
        raise ConfigError(f"{key}: the file it names is empty")
    return url
