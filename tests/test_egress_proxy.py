"""The proxy a request takes: the standard variables as curl reads them, NO_PROXY honoured,
credentials never shown."""

from __future__ import annotations

import pytest

from ingest.egress_proxy import DIRECT, proxy_secrets, route_for, shown
from ingest.errors import ConfigError


def test_no_variables_no_proxy() -> None:
    """Without the variables (the autouse fixture clears the environment) every request goes direct."""
    assert route_for("https://api.intercom.io/me") is DIRECT


def test_each_scheme_takes_its_own_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """HTTPS_PROXY serves https URLs, HTTP_PROXY http ones; a bare host:port is an http proxy, as in curl."""
    monkeypatch.setenv("HTTPS_PROXY", "proxy.corp:3128")
    monkeypatch.setenv("HTTP_PROXY", "http://plain.corp:8080")
    assert str(route_for("https://api.intercom.io/me").proxy) == "http://proxy.corp:3128"
    assert str(route_for("http://127.0.0.1:9000/me").proxy) == "http://plain.corp:8080"


def test_the_lower_case_form_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    """https_proxy over HTTPS_PROXY, as in curl and the standard library."""
    monkeypatch.setenv("HTTPS_PROXY", "http://upper.corp:1")
    monkeypatch.setenv("https_proxy", "http://lower.corp:2")
    assert str(route_for("https://api.intercom.io/").proxy) == "http://lower.corp:2"


@pytest.mark.parametrize(
    "no_proxy", ["api.intercom.io", ".intercom.io", "intercom.io", "*", "x.test, api.intercom.io"]
)
def test_no_proxy_names_the_host(monkeypatch: pytest.MonkeyPatch, no_proxy: str) -> None:
    """A host NO_PROXY names (itself, a domain suffix, or *) is reached directly."""
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.corp:3128")
    monkeypatch.setenv("NO_PROXY", no_proxy)
    assert route_for("https://api.intercom.io/me") is DIRECT
    if no_proxy != "*":
        assert route_for("https://hooks.slack.com/x").proxy is not None


def test_credentials_leave_the_url_and_the_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    """user:password@ becomes the proxy's credentials, decoded; the URL, str and repr hold neither."""
    monkeypatch.setenv("HTTPS_PROXY", "http://ops%40corp:s3cr%3At@proxy.corp:3128")
    route = route_for("https://api.intercom.io/me")
    assert route.credentials == ("ops@corp", "s3cr:t")
    assert route.proxy_auth() is not None and route.proxy_auth().encode() == "Basic b3BzQGNvcnA6czNjcjp0"
    for text in (str(route.proxy), str(route), repr(route)):
        assert "s3cr" not in text and "ops" not in text
    assert repr(route) == "Route(http://proxy.corp:3128, with credentials)"
    assert set(proxy_secrets()) >= {"s3cr:t", "s3cr%3At", "http://ops%40corp:s3cr%3At@proxy.corp:3128"}


def test_a_proxy_url_that_is_no_http_proxy_is_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    """A socks URL names its variable and shows no password."""
    monkeypatch.setenv("HTTPS_PROXY", "socks5://me:pw-secret@proxy.corp:1080")
    with pytest.raises(ConfigError, match=r"^HTTPS_PROXY must be an http:// proxy URL") as raised:
        route_for("https://api.intercom.io/me")
    assert "pw-secret" not in str(raised.value)


def test_shown_drops_credentials_path_and_query() -> None:
    from yarl import URL

    assert shown(URL("http://u:p@proxy.corp:3128/x?y=1")) == "http://proxy.corp:3128"
