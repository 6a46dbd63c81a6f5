"""The container's health check of a monitored daemon: ``python -m ingest.health_probe``.

Asks ``/healthz`` on the port ``INGEST_WATCH__METRICS_PORT`` names (the same variable sets
``[watch] metrics_port`` for the daemon), at ``INGEST_WATCH__METRICS_ADDRESS`` unless that is a
wildcard (then loopback). Exit 0 on a 200; 1 otherwise (Docker reserves 2). Standard library only,
so that a probe every minute loads nothing of the project.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request
from typing import Final

PORT_VARIABLE: Final = "INGEST_WATCH__METRICS_PORT"
ADDRESS_VARIABLE: Final = "INGEST_WATCH__METRICS_ADDRESS"
_WILDCARDS: Final = frozenset({"", "0.0.0.0", "::"})  # noqa: S104 (read, never bound)
TIMEOUT_SECONDS: Final = 10.0


def health_url(environ: dict[str, str] | os._Environ[str]) -> str | None:
    """Where the daemon's /healthz answers, from the environment; None when no port is set."""
    port = environ.get(PORT_VARIABLE, "").strip()
    if not port:
        return None
    address = environ.get(ADDRESS_VARIABLE, "").strip()
    host = "127.0.0.1" if address in _WILDCARDS else address
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/healthz"


def main() -> int:
    url = health_url(os.environ)
    if url is None:
        print(f"{PORT_VARIABLE} is not set: no health endpoint to ask", file=sys.stderr)
        return 1
    # Never through HTTP_PROXY (set for the egress to Intercom): the daemon is on this host.
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with direct.open(url, timeout=TIMEOUT_SECONDS) as answer:
            status = int(answer.status)
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (OSError, ValueError) as exc:
        print(f"{url}: {exc}", file=sys.stderr)
        return 1
    if status != 200:
        print(f"{url}: HTTP {status}", file=sys.stderr)
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
