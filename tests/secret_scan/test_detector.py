"""Lines through detect-secrets: the candidate lines it is shown find what every line would."""

from __future__ import annotations

from ingest.secret_scan import detector
from tests.secret_scan.seeded import seeded_secrets


def _lines() -> list[str]:
    filler = ["# Runbook", "", "Plain words, a [link](https://example.com/a?b=c) and `code`.", "| a | b |"]
    lines = list(filler)
    for item in seeded_secrets():
        lines += [item.line, "Some text between.", ""]
    lines += [
        "-----BEGIN RSA PRIVATE KEY-----",
        "MIIEowIBAAKCAQEA7bq98S7VJTUt9Us8cKjMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC",
    ]
    lines += ["<!-- pragma: allowlist nextline secret -->", seeded_secrets()[0].line]
    return lines


def _as_set(found: list[detector.Detected]) -> set[tuple[int, str, str, bool]]:
    return {(item.line, item.detector, item.hashed_secret, item.pragma) for item in found}


def test_candidate_lines_find_what_every_line_finds() -> None:
    detector.use_plugins(detector.DEFAULT_PLUGINS)
    lines = _lines()
    shortcut = list(detector.detect(lines, "runbook.md"))
    every_line = list(detector._detect_in(lines, range(len(lines)), "runbook.md"))
    assert _as_set(shortcut) == _as_set(every_line)
    assert len(shortcut) >= len(seeded_secrets())


def test_a_page_with_no_pattern_anywhere_reaches_no_plugin() -> None:
    detector.use_plugins(detector.DEFAULT_PLUGINS)
    assert list(detector.detect(["# Title", "", "Nothing secret at all."], "a.md")) == []


def test_keyword_and_entropy_plugins_read_every_line() -> None:
    """Plugins that read lines their own way get every line: no shortcut applies to them."""
    detector.use_plugins(detector.DEFAULT_PLUGINS | {"KeywordDetector"})
    (found,) = detector.detect(["intro", 'password = "Tr0ub4dor&3horse"'], "a.md")
    assert found.line == 2 and found.detector == "Secret Keyword"
    detector.use_plugins(detector.DEFAULT_PLUGINS)
