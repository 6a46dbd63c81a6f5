"""Where the Intercom API lives and how fin-ingest calls it unless configured otherwise.

The one definition of these values: the client's constructor and the ``[intercom]``
settings both take their defaults from here. It imports nothing of fin-ingest, so the
configuration can name a region without loading the HTTP client.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, Literal

#: An Intercom data region; a workspace's token only works in its own region.
Region = Literal["us", "eu", "au"]

#: Base URL of the API in each region.
REGION_URLS: Mapping[Region, str] = MappingProxyType(
    {
        "us": "https://api.intercom.io",
        "eu": "https://api.eu.intercom.io",
        "au": "https://api.au.intercom.io",
    }
)
DEFAULT_REGION: Region = "us"

#: The environment variable holding the access token (the logs blank its value wherever it shows).
TOKEN_ENV: Final = "INTERCOM_ACCESS_TOKEN"  # noqa: S105 - the variable name, not a token

#: Sent as the ``Intercom-Version`` header; the endpoints and shapes used are those of this version.
#: 2.16: the newest stable version (its bulk actions reach Fin for sales); Preview may change
#: without notice, 2.15 lacks what 2.16 added (README, "API versions").
DEFAULT_API_VERSION: Final = "2.16"
#: Requests in flight at once, per client.
DEFAULT_MAX_CONCURRENCY = 64
#: Tries per request on 5xx answers, time-outs and dropped connections (429s do not count).
DEFAULT_MAX_ATTEMPTS = 6
#: Seconds one request may take, from sending to the last byte of the answer.
DEFAULT_REQUEST_TIMEOUT = 30.0
#: Seconds to open a connection (TCP and TLS); the attempt is then retried. Intercom's hosts take
#: well under a second: a connection lost on the way fails in seconds, not at the whole timeout.
DEFAULT_CONNECT_TIMEOUT = 10.0
#: Seconds an answer may stay silent (until its first byte, and between two reads); the attempt is
#: then retried. Intercom answers in 0.1-2 s; one stalled connection costs this, not the whole
#: ``DEFAULT_REQUEST_TIMEOUT``, so it adds no 30-second tail to a run.
DEFAULT_READ_TIMEOUT = 10.0
#: The share of each rate-limit window (``X-RateLimit-Limit``) fin-ingest takes. The 25,000
#: calls a minute of a workspace's private apps are one pool: half of one app's 10,000 is
#: 5,000 a minute, a fifth of the pool, so the customer's other integrations keep the rest
#: while a large first sync still runs at ~83 pages/s.
DEFAULT_RATE_LIMIT_SHARE = 0.5
