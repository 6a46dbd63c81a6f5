"""The rule a Content Import Source's ``url`` must meet: http(s), on a public domain name.

Intercom refuses a source whose ``url`` is not "an http or https URL whose host is a valid
public domain name" (2.17 docs): ``localhost``, an IP address, a single-label or internal host
name (``docs.internal``, ``wiki.corp``, ``intranet.local``) fail against production only. The
configuration checks it before anything is written and the emulator answers as Intercom does,
both with this one rule.

A public domain name is one under a top-level domain of the ICANN section of the Public Suffix
List, with a label of its own below the public suffix (``docs.example.co.uk``, not ``co.uk``).
The list is the snapshot the ``publicsuffixlist`` package ships: nothing is fetched at run time.
It imports nothing of fin-ingest, so the configuration and the emulator may both use it.
"""

from __future__ import annotations

import ipaddress
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from publicsuffixlist import PSLFILE, PublicSuffixList

#: What to write instead, in every refusal.
EXAMPLE = "https://docs.example.com"


def normalised_source_url(url: str) -> str:
    """A Content Import Source's ``url`` as it is stored and sent: scheme and host name in lower
    case (both case-insensitive), so that one address never looks like two."""
    parts = urlsplit(url.strip())  # which reads the scheme in lower case
    userinfo, at, address = parts.netloc.rpartition("@")
    host = parts.hostname or ""
    port = address[len(host) :] if address.lower().startswith(host) else ""
    return urlunsplit((parts.scheme, userinfo + at + host + port, parts.path, parts.query, parts.fragment))


def same_source_url(one: str, other: str) -> bool:
    """Whether two spellings name one Content Import Source: an earlier release kept the url as the
    config wrote it (``https://Docs.Example.com``), in state and in Intercom, and that source is
    still the one of the url read in lower case now, never a reason to make a second one."""
    return normalised_source_url(one) == normalised_source_url(other)


_ICANN_BEGIN = "// ===BEGIN ICANN DOMAINS==="
_ICANN_END = "// ===END ICANN DOMAINS==="


@cache
def _icann_rules() -> list[str]:
    """The lines of the list's ICANN section."""
    text = Path(PSLFILE).read_text(encoding="utf-8")
    start = text.index(_ICANN_BEGIN)
    return text[start : text.index(_ICANN_END, start)].splitlines()[1:]


@cache
def _suffixes(tld: str) -> PublicSuffixList:
    """The list, as it judges domains under ``tld``: built of the ICANN rules that end in it, since
    no other rule can match such a domain (the whole list costs 25 ms to build, on every command
    that reads a config with a url)."""
    unicode_tld = tld
    if tld.startswith("xn--"):  # the list writes internationalised TLDs in Unicode
        try:
            unicode_tld = tld.encode("ascii").decode("idna")
        except UnicodeError:
            return PublicSuffixList(only_icann=True, accept_unknown=False)
    under = "." + unicode_tld
    rules = [
        rule
        for rule in _icann_rules()
        if (name := rule.partition(" ")[0].rstrip().lower()) == unicode_tld or name.endswith(under)
    ]
    return PublicSuffixList([_ICANN_BEGIN, *rules, _ICANN_END], only_icann=True, accept_unknown=False)


def source_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a Content Import Source's url, in a sentence; None when it can."""
    parts = urlsplit(url.strip())
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host:
        return f"must be an http(s) URL, e.g. {EXAMPLE} (it identifies the Content Import Source)"
    if _is_ip_address(host):
        return f"{host} is an IP address; Intercom takes only a public domain name here, e.g. {EXAMPLE}"
    domain = host.rstrip(".")
    if "." not in domain:
        return (
            f"{host} is not a public domain name (Intercom refuses localhost and internal host names); "
            f"use the docs' public address, e.g. {EXAMPLE}"
        )
    suffixes = _suffixes(domain.rpartition(".")[2].lower())
    if suffixes.publicsuffix(domain) is None:
        tld = domain.rsplit(".", 1)[-1]
        return (
            f"{host} is not a public domain name (.{tld} is no public top-level domain, so Intercom "
            f"refuses it); use the docs' public address, e.g. {EXAMPLE}"
        )
    if suffixes.privatesuffix(domain) is None:
        return f"{host} is a public suffix, not a domain name of its own; e.g. {EXAMPLE}"
    return None


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
