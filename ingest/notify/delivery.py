"""Delivering an alert: one POST per webhook, retried, within one time budget, never raising.

Retried: connection errors, timeouts, 429 (after its ``Retry-After`` when that fits in what is
left of the budget) and 5xx, with back-off. Not retried: any other answer. A redirect is never
followed (an answer of 3xx is a failed delivery): a webhook's URL is where the secret goes, and
a receiver sending it elsewhere is not one to trust. The webhooks are told at once, each with the
whole budget; what a delivery reports (:class:`Delivery`) names the webhook, never its URL.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import aiohttp

from ingest.egress_proxy import Route, route_for
from ingest.logs import redactor
from ingest.notify.alert import Alert, scrubbed
from ingest.notify.bodies import json_body, slack_body
from ingest.notify.lookups import unwaited_resolver
from ingest.notify_settings import NotifySettings, WebhookFormat, masked_url, webhook_url

__all__ = ["Delivery", "Receiver", "deliver", "receivers_of"]

#: The first wait before a retry; it doubles with each attempt.
BACKOFF_SECONDS = 0.5
_USER_AGENT = "fin-ingest-notify"


@dataclass(frozen=True)
class Receiver:
    """A webhook with its URL read: ``repr`` shows only its name, format and host."""

    name: str
    format: WebhookFormat
    url: str

    @cached_property
    def route(self) -> Route:
        """Through the proxy HTTPS_PROXY/HTTP_PROXY name, unless NO_PROXY names the webhook's host."""
        return route_for(self.url)

    def __repr__(self) -> str:
        return f"Receiver(name={self.name!r}, format={self.format!r}, at={masked_url(self.url)!r})"


@dataclass(frozen=True)
class Delivery:
    """What became of one webhook's message."""

    name: str
    delivered: bool
    attempts: int
    #: Why it was not delivered, in words that never hold the URL.
    problem: str | None = None


def receivers_of(settings: NotifySettings) -> list[Receiver]:
    """The configured webhooks with their URLs; ConfigError naming the key of the first one missing."""
    receivers = [
        Receiver(webhook.name, webhook.format, webhook_url(webhook, position))
        for position, webhook in enumerate(settings.webhooks)
    ]
    for receiver in receivers:
        redactor.add(receiver.url)  # blanked in every log line too, aiohttp's included
        _ = receiver.route  # a proxy variable that is no proxy URL is said here, before any run
    return receivers


Sleep = Callable[[float], Awaitable[None]]


async def deliver(
    receivers: Sequence[Receiver],
    alert: Alert,
    settings: NotifySettings,
    *,
    secrets: Sequence[str] = (),
    sleep: Sleep = asyncio.sleep,
    backoff: float = BACKOFF_SECONDS,
) -> list[Delivery]:
    """Send ``alert`` to every receiver at once, within ``settings.timeout_seconds``; never raises
    (but for cancellation). ``secrets`` (the token) are blanked from the bodies, as are the URLs."""
    clean = scrubbed(alert, [*secrets, *(receiver.url for receiver in receivers)])
    deadline = time.monotonic() + settings.timeout_seconds
    timeout = aiohttp.ClientTimeout(total=settings.timeout_seconds)
    connector = aiohttp.TCPConnector(resolver=unwaited_resolver())
    async with aiohttp.ClientSession(
        connector=connector, timeout=timeout, headers={"User-Agent": _USER_AGENT}
    ) as session:
        return list(
            await asyncio.gather(
                *(
                    _deliver_one(
                        session,
                        receiver,
                        _body(receiver, clean, settings),
                        settings,
                        deadline,
                        sleep,
                        backoff,
                    )
                    for receiver in receivers
                )
            )
        )


def _body(receiver: Receiver, alert: Alert, settings: NotifySettings) -> dict[str, Any]:
    if receiver.format == "slack":
        return slack_body(alert, settings.max_failures)
    return json_body(alert, settings.max_failures)


async def _deliver_one(
    session: aiohttp.ClientSession,
    receiver: Receiver,
    body: dict[str, Any],
    settings: NotifySettings,
    deadline: float,
    sleep: Sleep,
    backoff: float,
) -> Delivery:
    attempts = 0
    problem = "not attempted"
    try:
        async with asyncio.timeout_at(_loop_deadline(deadline)):
            while attempts < settings.max_attempts:
                attempts += 1
                wait, problem = await _attempt(session, receiver, body)
                if wait is None and not problem:
                    return Delivery(receiver.name, True, attempts)
                if wait is None or attempts >= settings.max_attempts:
                    break
                delay = max(wait, backoff * 2 ** (attempts - 1))
                if time.monotonic() + delay >= deadline:
                    problem += (
                        f"; a retry in {delay:g} s would pass the {settings.timeout_seconds:g} s budget"
                    )
                    break
                await sleep(delay)
    except TimeoutError:
        problem = f"no answer within the {settings.timeout_seconds:g} s budget"
    except Exception as exc:  # never into the run: one line, without the URL
        problem = f"unexpected error ({type(exc).__name__})"
    return Delivery(receiver.name, False, attempts, f"{problem} after {attempts} attempt(s)")


def _loop_deadline(deadline: float) -> float:
    loop = asyncio.get_running_loop()
    return loop.time() + (deadline - time.monotonic())


async def _attempt(
    session: aiohttp.ClientSession, receiver: Receiver, body: dict[str, Any]
) -> tuple[float | None, str]:
    """One POST: (None, "") delivered; (None, why) not to be retried; (seconds, why) retry after."""
    route = receiver.route
    try:
        async with session.post(
            receiver.url,
            json=body,
            allow_redirects=False,
            proxy=route.proxy,
            proxy_auth=route.proxy_auth(),
        ) as answer:
            # The status is the answer; the body is never read: a receiver streaming one without
            # end (or a huge one) would hold the message past its budget, or fill memory, and
            # leaving it unread only costs this connection its reuse.
            status = answer.status
            if 200 <= status < 300:
                return None, ""
            if 300 <= status < 400:
                return None, f"answered {status} (a redirect, never followed)"
            if status == 429:
                return _retry_after(answer.headers.get("Retry-After")), "answered 429 (too many requests)"
            if status == 407 and route.proxy is not None:
                return None, f"{route} answered 407 (its credentials are missing or wrong)"
            if status >= 500:
                return 0.0, f"answered {status}"
            return None, f"answered {status}"
    except aiohttp.ClientHttpProxyError as exc:
        if exc.status == 407:
            return None, f"{route} answered 407 (its credentials are missing or wrong)"
        return 0.0, f"{route} answered {exc.status} instead of opening a tunnel"
    except aiohttp.ClientProxyConnectionError as exc:
        return 0.0, f"could not connect to {route} ({exc.strerror or 'refused'})"
    except aiohttp.ClientConnectorError as exc:
        reason = exc.os_error.strerror if exc.os_error is not None and exc.os_error.strerror else "refused"
        return 0.0, f"could not connect ({reason})"
    except aiohttp.ServerTimeoutError:
        return 0.0, "timed out"
    except aiohttp.ClientError as exc:
        return 0.0, f"connection failed ({type(exc).__name__})"


def _retry_after(value: str | None) -> float:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date); 0 absent or unreadable."""
    if not value:
        return 0.0
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    return max(0.0, when.timestamp() - time.time())
