"""The HTTP core of the Intercom client: session, auth headers, retries, rate limiting.

Every call goes through :meth:`IntercomTransport.request`, which

* holds one of ``max_concurrency`` slots (an :class:`asyncio.Semaphore`) while a request
  is on the wire, and asks the shared :class:`~ingest.intercom.ratelimit.RateLimiter`
  for a permit before sending it (it takes ``rate_limit_share`` of each window);
* gives up an attempt whose connection is not open within ``connect_timeout``, whose answer
  stays silent for ``read_timeout`` (before its first byte or between two reads) or is not
  complete within ``request_timeout``: a lost connection costs seconds, not the whole request;
* retries 5xx answers, timeouts and dropped connections with exponential back-off and
  full jitter (at least the ``Retry-After`` of a 5xx), up to ``max_attempts`` attempts,
  then raises ``RetryableApiError``;
* on a 429 waits until ``X-RateLimit-Reset`` (on the server's clock) or for its
  ``Retry-After``, whichever is longer, and tries again: those waits do not use up the
  attempts, but more than ``MAX_CONSECUTIVE_429`` in a row raise ``RateLimitedError``;
* raises ``AuthError`` at once on 401/403 and ``RejectedError`` on any other 4xx;
* retries a call that must not run twice (a create) only with a ``look_up``: after a failure
  that may have reached the server and the same back-off, it looks for what the call would
  have made, and sends it again only when nothing is found.

The typed endpoints live in :class:`ingest.intercom.client.IntercomClient`, built on this.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from types import TracebackType
from typing import Any, Self

import aiohttp
from pydantic import SecretStr
from yarl import URL

from ingest import __version__
from ingest.api_defaults import (
    DEFAULT_API_VERSION,
    DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_RATE_LIMIT_SHARE,
    DEFAULT_READ_TIMEOUT,
    DEFAULT_REQUEST_TIMEOUT,
    REGION_URLS,
)
from ingest.api_versions import ApiFeatures, features_of
from ingest.egress_proxy import route_for
from ingest.errors import ApiError, ConfigError, ListCapError, RetryableApiError
from ingest.intercom import errors
from ingest.intercom.models import encode_json
from ingest.intercom.observer import NO_OBSERVER, RequestObserver
from ingest.intercom.pagination import next_page_url, past_reach
from ingest.intercom.ratelimit import MAX_RETRY_AFTER, RateLimiter, retry_after
from ingest.intercom.server_clock import host_clock

BACKOFF_BASE = 0.5
BACKOFF_CAP = 30.0
#: 429s are waited out without using attempts, but not forever.
MAX_CONSECUTIVE_429 = 50

_log = logging.getLogger("ingest.intercom")

#: Status, reason, headers and body of one answer.
_Answer = tuple[int, str, Mapping[str, str], bytes]
#: What a call that must not run twice looks for after an answer that leaves open whether it ran:
#: what the call would have returned when it did run, None when it did not.
LookUp = Callable[[], Awaitable[Any]]


def backoff_delay(failures: int, rng: random.Random) -> float:
    """Full-jitter exponential back-off: uniform in [0, min(cap, base * 2**(failures-1))]."""
    return rng.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, failures - 1)))


class IntercomTransport:
    """Authenticated, retried, rate-limited requests to one Intercom workspace.

    Use as ``async with``: a session is created on entry (unless one was given, which the
    caller keeps owning) and closed on exit. ``sleep`` and ``clock`` (UNIX seconds; by default
    :func:`~ingest.intercom.server_clock.host_clock`, which a step of the system clock does not
    move) are the seam for tests that wait without waiting. ``observer`` is told of every answer,
    retry and 429 (:mod:`ingest.intercom.observer`; monitoring). ``connect_timeout`` and ``read_timeout`` (at
    most ``request_timeout``, which bounds the whole attempt) end an attempt stuck on a lost
    connection early. ``api_version`` is one of the versions whose
    shapes the client reads (2.15, 2.16, Preview); any other is a ValueError.
    """

    def __init__(
        self,
        *,
        base_url: str,
        token: str,
        api_version: str = DEFAULT_API_VERSION,
        max_concurrency: int = DEFAULT_MAX_CONCURRENCY,
        session: aiohttp.ClientSession | None = None,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        request_timeout: float = DEFAULT_REQUEST_TIMEOUT,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] | None = None,
        token_fix: str = errors.DEFAULT_TOKEN_FIX,
        rate_limit_share: float = DEFAULT_RATE_LIMIT_SHARE,
        observer: RequestObserver = NO_OBSERVER,
    ) -> None:
        if min(max_concurrency, max_attempts) < 1 or min(request_timeout, connect_timeout, read_timeout) <= 0:
            raise ValueError("max_concurrency, max_attempts and the timeouts must be positive")
        self._features = features_of(api_version)
        self._base = _checked_base_url(base_url)
        # HTTPS_PROXY / HTTP_PROXY / NO_PROXY, read once: every request goes to this one host.
        self._route = route_for(self._base)
        self._proxy_auth = self._route.proxy_auth()
        self._token = _checked_token(token)
        self._redact = errors.redacting(self._token.get_secret_value())
        self._token_fix = token_fix
        self._api_version = api_version
        self._session = session
        self._owns_session = session is None
        self._max_concurrency = max_concurrency
        self._max_attempts = max_attempts
        self._timeout = aiohttp.ClientTimeout(
            total=request_timeout,
            sock_connect=min(connect_timeout, request_timeout),
            sock_read=min(read_timeout, request_timeout),
        )
        self._sleep = sleep
        self._rng = random.Random()
        self._slots = asyncio.Semaphore(max_concurrency)
        self._limiter = RateLimiter(sleep=sleep, clock=clock or host_clock(), share=rate_limit_share)
        self._sent: Counter[str] = Counter()
        self._observer = observer

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={str(self._base.with_user(None))!r}, "
            f"api_version={self._api_version!r}, max_concurrency={self._max_concurrency}, "
            f"route={self._route!r})"
        )

    @property
    def base_url(self) -> URL:
        """The URL every request path is appended to."""
        return self._base

    @property
    def api_features(self) -> ApiFeatures:
        """What the API version this client speaks lets a request say and an answer show."""
        return self._features

    @property
    def max_concurrency(self) -> int:
        """Requests this client keeps in flight at once, at most."""
        return self._max_concurrency

    @property
    def rate_limiter(self) -> RateLimiter:
        """The limiter every request of this client shares."""
        return self._limiter

    def sent(self, method: str | None = None) -> int:
        """How many requests (of ``method``, else of any) this client has sent so far: each attempt
        counts, a retry too, since each is one call of the rate budget."""
        return self._sent[method.upper()] if method is not None else self._sent.total()

    async def __aenter__(self) -> Self:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._max_concurrency), timeout=self._timeout
            )
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the session if this client created it."""
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, str | int] | None = None,
        retry: bool = True,
        look_up: LookUp | None = None,
    ) -> Any:
        """Send one API call and return its JSON document (``None`` for an empty answer).

        ``path`` is relative to the base URL, as it appears in the URL (quote id segments
        yourself) and may carry a query string; ``params`` are added to it. ``json`` is
        sent with :func:`~ingest.intercom.models.encode_json`.

        All methods are retried by default, which is right for reads, deletes and the
        External Page upsert (idempotent by ``source_id`` + ``external_id``). Calls that
        must not run twice (creating an article or a source) pass ``retry=False``: then
        only failures that certainly left the server untouched are retried (a 429, a
        connection that could not be opened). With a ``look_up`` as well, the others are
        retried too, with the same back-off and attempts, each after awaiting ``look_up()``:
        what it finds (not None) is returned as the call's result, and the call is not sent again.
        """
        body = None if json is None else encode_json(json)
        return await self._send(method.upper(), self._url(path, params), body, retry=retry, look_up=look_up)

    async def paginate(
        self,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        items_key: str = "data",
        reach: int | None = None,
    ) -> AsyncIterator[dict[str, Any]]:
        """Yield every item of a paginated list, following ``pages.next`` to the end.

        Only ``pages.next`` says where a list ends, never its totals: Intercom's may count what
        the list no longer holds (deleted sources), so its last pages may be short or empty.
        A list that stops at ``reach`` results raises :class:`~ingest.errors.ListCapError`
        instead of ending early, before asking for a page it would refuse: once ``reach`` items
        were read and it names a next page, or when that page (``page x per_page``) ends past it.
        """
        url: URL | None = self._url(path, params)
        seen: set[URL] = set()
        read = 0
        while url is not None:
            if url in seen:
                raise ApiError(f"Intercom's pagination of {path} leads back to {url.path_qs}")
            seen.add(url)
            page = await self._send("GET", url, None, retry=True)
            items = page.get(items_key) if isinstance(page, dict) else None
            if not isinstance(items, list):
                raise ApiError(f"Intercom's answer to GET {url.path_qs} has no {items_key!r} list")
            for item in items:
                read += 1
                yield item
            url = next_page_url(page.get("pages"), current=url, base=self._base)
            if url is not None and reach is not None and past_reach(url, read=read, reach=reach):
                raise ListCapError(
                    f"Intercom lists at most {reach:,} results of GET {path}, and this list goes on "
                    f"past the {read:,} read: the rest cannot be listed"
                )

    def _url(self, path: str, params: Mapping[str, str | int] | None) -> URL:
        if URL(path).is_absolute():
            raise ValueError(f"request() takes a path relative to the base URL, not {path!r}")
        url = URL(str(self._base).rstrip("/") + "/" + path.lstrip("/"))
        return url.update_query({k: str(v) for k, v in params.items()}) if params else url

    def _headers(self, has_body: bool) -> dict[str, str]:
        headers = {
            "Authorization": f"Bearer {self._token.get_secret_value()}",
            "Intercom-Version": self._api_version,
            "Accept": "application/json",
            "User-Agent": f"fin-ingest/{__version__}",
        }
        if has_body:
            headers["Content-Type"] = "application/json"
        return headers

    async def _send(
        self, method: str, url: URL, body: bytes | None, *, retry: bool, look_up: LookUp | None = None
    ) -> Any:
        operation = f"{method} {url.path}"
        failures = limited = 0
        retry = retry or look_up is not None
        while True:
            answer = await self._attempt(method, url, body, failures + limited + 1)
            if isinstance(answer, BaseException):
                failures += 1
                unsent = errors.never_sent(answer)
                may_retry = errors.is_transient(answer) and (retry or unsent)
                if not may_retry or failures >= self._max_attempts:
                    # Raised outside any `except`, and not chained: aiohttp's exception keeps
                    # the request's headers, the token among them, and its repr shows them.
                    raise errors.error_for_exception(
                        answer, operation=operation, attempts=failures, redact=self._redact, route=self._route
                    )
                self._observer.retried("timeout" if isinstance(answer, TimeoutError) else "connection")
                await self._back_off(
                    operation, self._redact(errors.describe_failure(answer, self._route)), failures
                )
                if look_up is not None and not unsent:
                    found = await self._look_up(operation, look_up)
                    if found is not None:
                        return found
                continue
            status, reason, headers, raw = answer
            if status < 300:
                return errors.parse_success_body(raw, status=status, headers=headers, operation=operation)
            details = errors.parse_error_body(status, reason, headers, raw)
            if status == 407:
                raise errors.proxy_refused(status, reason, operation=operation, route=self._route)
            if status == 429:
                self._observer.rate_limited()
                limited += 1
                if limited < MAX_CONSECUTIVE_429:
                    await self._wait_after_429(operation, headers, limited)
                    continue
            else:
                limited = 0
            error = errors.error_for_status(
                status=status,
                details=details,
                operation=operation,
                base_url=str(self._base),
                redact=self._redact,
                reset_at=errors.rate_limit_reset(headers),
                attempts=max(failures + 1, limited),
                token_fix=self._token_fix,
            )
            if isinstance(error, RetryableApiError) and status != 429 and retry:
                failures += 1
                if failures < self._max_attempts:
                    self._observer.retried("server_error")
                    await self._back_off(operation, f"HTTP {status}", failures, retry_after(headers))
                    if look_up is not None:
                        found = await self._look_up(operation, look_up)
                        if found is not None:
                            return found
                    continue
            raise error

    async def _look_up(self, operation: str, look_up: LookUp) -> Any:
        _log.info("%s: looking for what the failed attempt may have done before sending it again", operation)
        found = await look_up()
        if found is not None:
            _log.info("%s: the failed attempt had been carried out; not sent again", operation)
        return found

    async def _attempt(
        self, method: str, url: URL, body: bytes | None, attempt: int
    ) -> _Answer | BaseException:
        """The answer, or the timeout or aiohttp exception that stood in its way (returned, not raised)."""
        try:
            return await self._exchange(method, url, body, attempt)
        except (TimeoutError, aiohttp.ClientError) as exc:
            return exc

    async def _exchange(self, method: str, url: URL, body: bytes | None, attempt: int) -> _Answer:
        if self._session is None or self._session.closed:
            raise RuntimeError("use the client as `async with IntercomClient(...) as client:`")
        async with self._slots:
            seq = await self._limiter.acquire()
            self._sent[method] += 1
            started = time.perf_counter()
            try:
                async with self._session.request(
                    method,
                    url,
                    data=body,
                    headers=self._headers(body is not None),
                    timeout=self._timeout,
                    allow_redirects=False,
                    proxy=self._route.proxy,
                    proxy_auth=self._proxy_auth,
                ) as response:
                    self._limiter.observe(seq, response.headers)
                    raw = await response.read()
            finally:
                self._limiter.release(seq)
        elapsed = time.perf_counter() - started
        self._observer.answered(method, response.status, elapsed)
        elapsed_ms = elapsed * 1000
        _log.debug(
            "%s %s -> %d (attempt %d, %.0f ms)", method, url.path_qs, response.status, attempt, elapsed_ms
        )
        return response.status, response.reason or "", response.headers, raw

    async def _wait_after_429(self, operation: str, headers: Mapping[str, str], limited: int) -> None:
        # The reset or Retry-After when the answer gives one; a growing back-off only when it gives none.
        delay = self._limiter.wait_after_429(headers)
        if delay is None:
            delay = backoff_delay(limited, self._rng)
        _log.warning("%s: rate limited (429); waiting %.1f s before trying again", operation, delay)
        await self._sleep(delay)

    async def _back_off(self, operation: str, why: str, failures: int, at_least: float | None = None) -> None:
        delay = backoff_delay(failures, self._rng)
        if at_least is not None:
            delay = max(delay, min(at_least, MAX_RETRY_AFTER))
        _log.warning(
            "%s failed (%s); retrying in %.1f s (attempt %d of %d)",
            operation,
            why,
            delay,
            failures + 1,
            self._max_attempts,
        )
        await self._sleep(delay)


def _checked_base_url(base_url: str) -> URL:
    url = URL(base_url.strip())
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigError(f"The Intercom base URL must be an http(s) URL, e.g. {REGION_URLS['us']}")
    return url.with_query(None).with_fragment(None)


def _checked_token(token: str) -> SecretStr:
    token = token.strip()
    if not token:
        raise ConfigError("The Intercom access token is empty: set INTERCOM_ACCESS_TOKEN")
    if any(ch.isspace() or not ch.isprintable() for ch in token):
        # Never echo the token: say what is wrong with it, not what it is.
        raise ConfigError("The Intercom access token contains spaces or control characters: copy it again")
    return SecretStr(token)
