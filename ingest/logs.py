"""Logging for the CLI and the daemon: plain lines for cron, JSON for log shippers, rich on a terminal.

Every handler carries a filter that blanks the access token should it ever reach a log
message (an exception text from a proxy, a URL someone pasted), as a last line of defence;
the code itself never formats the token.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time

from ingest.api_defaults import TOKEN_ENV
from ingest.egress_proxy import proxy_secrets

REDACTED = "[redacted]"


#: The attributes every log record has; any other one came in through ``extra``.
_STANDARD_FIELDS = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class RedactSecrets(logging.Filter):
    """Replaces known secrets in a record's rendered message (and exception text) by ``[redacted]``."""

    def __init__(self, secrets: list[str] | None = None) -> None:
        super().__init__()
        self._secrets = [s for s in (secrets or []) if len(s) >= 4]

    def add(self, secret: str) -> None:
        if len(secret) >= 4 and secret not in self._secrets:
            self._secrets.append(secret)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        cleaned = self._clean(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            if any(secret in text for secret in self._secrets):
                record.exc_info, record.exc_text = None, self._clean(text)
        for key, value in vars(record).items():
            if key not in _STANDARD_FIELDS:  # ``extra`` fields, which the JSON format writes out
                setattr(record, key, self._clean_value(value))
        return True

    def _clean_value(self, value: object) -> object:
        if isinstance(value, str):
            return self._clean(value)
        text = json.dumps(value, ensure_ascii=False, default=str)
        if not any(secret in text for secret in self._secrets):
            return value
        return json.loads(self._clean(text))

    def _clean(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and any ``extra`` fields."""

    _standard = _STANDARD_FIELDS

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in self._standard})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False, default=str)


redactor = RedactSecrets()


def setup_logging(*, verbose: int = 0, json_format: bool = False) -> None:
    """Configure the ``ingest`` loggers once per process."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    token = os.environ.get(TOKEN_ENV)
    if token:
        redactor.add(token.strip())
    for secret in proxy_secrets():  # a proxy's password, should an error ever show its URL
        redactor.add(secret)
    handler: logging.Handler
    if json_format:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
    elif sys.stderr.isatty():
        from rich.logging import RichHandler  # only on a terminal: cron and systemd never load it

        handler = RichHandler(show_path=False, markup=False, rich_tracebacks=False)
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(redactor)
    # On the root logger, so that what aiohttp, asyncio or watchdog log is blanked too.
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose >= 2 else logging.WARNING)
    ingest = logging.getLogger("ingest")
    ingest.handlers[:] = []
    ingest.setLevel(level)
