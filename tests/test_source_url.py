"""The Content Import Source url rule: http(s) on a public domain name, from the Public Suffix List."""

from __future__ import annotations

import pytest

from ingest.source_url import source_url_problem


@pytest.mark.parametrize(
    "url",
    [
        "https://docs.example.com",
        "http://docs.example.com/handbook/",
        "https://Docs.Example.COM:8443/a?b=c",
        "https://example.co.uk",
        "https://handbook.example.github.io",
        "https://bücher.de/hilfe",
        "https://xn--bcher-kva.de",
        "https://docs.example.com.",
    ],
)
def test_public_domain_names_pass(url: str) -> None:
    """An http(s) URL whose host is a name under a public top-level domain is accepted as it is."""
    assert source_url_problem(url) is None


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("docs.example.com", "must be an http(s) URL"),
        ("ftp://docs.example.com", "must be an http(s) URL"),
        ("file:///srv/docs", "must be an http(s) URL"),
        ("https://", "must be an http(s) URL"),
        ("http://localhost:8000/docs", "localhost is not a public domain name"),
        ("https://wiki", "wiki is not a public domain name"),
        ("http://127.0.0.1:8111", "127.0.0.1 is an IP address"),
        ("http://[::1]/docs", "::1 is an IP address"),
        ("https://10.1.2.3", "10.1.2.3 is an IP address"),
        ("https://docs.internal", ".internal is no public top-level domain"),
        ("https://intranet.local/wiki", ".local is no public top-level domain"),
        ("https://wiki.acme.corp", ".corp is no public top-level domain"),
        ("https://docs.example", ".example is no public top-level domain"),
        ("https://co.uk", "co.uk is a public suffix"),
    ],
)
def test_what_intercom_refuses_is_one_sentence_saying_why(url: str, reason: str) -> None:
    """localhost, IP addresses, single-label and internal names, bare suffixes: refused, saying why
    and what to write instead."""
    problem = source_url_problem(url)
    assert problem is not None and reason in problem
    assert "https://docs.example.com" in problem and "\n" not in problem


def _domains_under_every_icann_rule() -> list[str]:
    """For each ICANN rule of the list (wildcards and exceptions included), the suffix itself, a
    name of its own below it and one further below, in Unicode and, for internationalised ones,
    as the punycode a config may write."""
    from ingest.source_url import _icann_rules

    domains: list[str] = []
    for line in _icann_rules():
        rule = line.partition(" ")[0].strip().lower()
        if not rule or rule.startswith("//"):
            continue
        name = rule.lstrip("!").replace("*", "wild")
        for domain in (name, f"example.{name}", f"docs.example.{name}"):
            domains.append(domain)
            try:
                encoded = domain.encode("idna").decode("ascii")
            except UnicodeError:
                continue
            if encoded != domain:
                domains.append(encoded)
    return domains


def test_the_rules_under_a_domains_tld_judge_it_as_the_whole_list_does() -> None:
    """Built of the rules that end in a domain's top-level domain, the list finds the same public
    and private suffix for it as the whole ICANN list, for names under every rule it holds (and
    top-level domains it does not know)."""
    from publicsuffixlist import PublicSuffixList

    from ingest.source_url import _suffixes

    whole = PublicSuffixList(only_icann=True, accept_unknown=False)
    domains = [*_domains_under_every_icann_rule(), "docs.internal", "wiki.corp", "a.b.local"]
    assert len(domains) > 20_000
    for domain in domains:
        under_tld = _suffixes(domain.rpartition(".")[2].lower())
        assert (under_tld.publicsuffix(domain), under_tld.privatesuffix(domain)) == (
            whole.publicsuffix(domain),
            whole.privatesuffix(domain),
        ), domain
