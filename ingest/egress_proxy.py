"""Which HTTP proxy a request to a URL goes through: the standard environment variables, as curl reads them.

``HTTPS_PROXY``/``HTTP_PROXY`` (or their lower-case forms, which win) name the proxy for each
scheme, ``NO_PROXY`` the hosts reached directly; the standard library reads them
(:func:`urllib.request.getproxies_environment`, and :func:`urllib.request.proxy_bypass`, which
reads them when they name a proxy),
environment only, so a run is the same on every system. aiohttp's ``trust_env`` is not used:
it also reads ``~/.netrc`` and sends its credentials to the host a request goes to (a webhook,
GitHub) or refuses our own ``Authorization`` header next to them.

A proxy URL may hold ``user:password@``, which authenticates to the proxy: :func:`shown` is the
proxy without them, for any message; :func:`proxy_secrets` lists them for the log redactor.
"""

from __future__ import annotations

import urllib.request
import warnings
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from yarl import URL

from ingest.errors import ConfigError

if TYPE_CHECKING:
    import aiohttp


__all__ = ["DIRECT", "Route", "proxy_secrets", "route_for", "shown"]

_PROXY_SCHEMES = ("http", "https")


@dataclass(frozen=True)
class Route:
    """How requests to one host travel: ``proxy`` (without credentials) or direct when None.

    ``credentials`` (user, password) authenticate to the proxy (:meth:`proxy_auth`, which aiohttp
    sends as ``Proxy-Authorization`` on a CONNECT and on a plain-HTTP request alike); they are kept
    apart from the URL so that no URL aiohttp holds, shows or raises with carries the password, and
    ``repr`` never shows them. ``variable`` is the one that named the proxy, for messages.
    """

    proxy: URL | None = None
    credentials: tuple[str, str] | None = field(default=None, repr=False)
    variable: str = ""

    def proxy_auth(self) -> aiohttp.BasicAuth | None:
        """The credentials as aiohttp's ``proxy_auth=``."""
        if self.credentials is None:
            return None
        # Imported here: setting up logging reads the proxy variables, and loads no HTTP client.
        import aiohttp

        # aiohttp 3.14 deprecates BasicAuth for proxy_headers, but proxy_headers reach only a
        # CONNECT: a plain-HTTP request through the proxy would go without its credentials
        # (tests/e2e/test_proxy_e2e.py shows it). proxy_auth is sent on both.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return aiohttp.BasicAuth(*self.credentials)

    def __repr__(self) -> str:
        where = shown(self.proxy) if self.proxy is not None else "direct"
        return f"Route({where}{', with credentials' if self.credentials is not None else ''})"

    def __str__(self) -> str:
        return f"the proxy {shown(self.proxy)}" if self.proxy is not None else "a direct connection"


DIRECT = Route()


def route_for(url: str | URL) -> Route:
    """The way to ``url``: through the proxy its scheme's variable names, unless NO_PROXY names its host.

    A proxy that is not an ``http://`` or ``https://`` URL with a host is a
    :class:`~ingest.errors.ConfigError` naming its variable. Read from the environment at each call
    (a few dictionary look-ups): callers ask once per session or per host.
    """
    target = URL(str(url))
    proxies = _environment_proxies()
    if target.scheme not in proxies or not target.host:
        return DIRECT
    if urllib.request.proxy_bypass(_host_port(target)):
        return DIRECT
    proxy = _checked(proxies[target.scheme], target.scheme)
    credentials = (
        (proxy.user or "", proxy.password or "")
        if proxy.user is not None or proxy.password is not None
        else None
    )
    return Route(proxy.with_user(None).with_password(None), credentials, f"{target.scheme.upper()}_PROXY")


def shown(proxy: URL) -> str:
    """The proxy as a message may name it: scheme, host and port, never its credentials."""
    return str(proxy.with_user(None).with_password(None).with_path("").with_query(None))


def proxy_secrets() -> list[str]:
    """The passwords (and the whole URLs holding them) of the proxies the environment names."""
    secrets: list[str] = []
    for value in _environment_proxies().values():
        url = URL(value) if "://" in value else URL("http://" + value)
        if url.password:
            secrets += [value, url.raw_password or url.password, url.password]
    return secrets


def _environment_proxies() -> dict[str, str]:
    return {scheme: value for scheme, value in urllib.request.getproxies_environment().items() if value}


def _host_port(url: URL) -> str:
    # A NO_PROXY entry may name a port ("host:8080"); the standard library matches either form.
    return f"{url.host}:{url.port}" if url.explicit_port is not None else str(url.host)


def _checked(value: str, scheme: str) -> URL:
    variable = f"{scheme.upper()}_PROXY"
    url = URL(value if "://" in value else "http://" + value)  # curl takes "proxy:3128" as http
    if url.scheme not in _PROXY_SCHEMES or not url.host:
        raise ConfigError(
            f"{variable} must be an http:// proxy URL such as http://proxy.example.com:3128, "
            f"not a {url.scheme or 'schemeless'} one ({shown(url)})"
        )
    return url
