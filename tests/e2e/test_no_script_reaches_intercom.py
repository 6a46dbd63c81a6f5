"""Hostile documents end to end: nothing executable reaches Intercom, in pages or articles."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import SecretStr

from ingest.config import load_settings
from ingest.emulator import RunningEmulator
from ingest.runner import run_sources
from tests.e2e.conftest import TOKEN

# Blank lines between the constructs: each is its own block, so Markdown links are real links.
HOSTILE_MARKDOWN = """# Hostile

<script>alert(1)</script>

<img src=x onerror="alert(2)">

[click](javascript:alert(3)) [again](JaVaScRiPt:alert(4)) [encoded](&#106;avascript:alert(5))

<a href=" javascript:alert(6)">spaced</a>

![data](data:image/svg+xml;base64,PHN2Zz48c2NyaXB0PmFsZXJ0KDcpPC9zY3JpcHQ+PC9zdmc+)

<iframe src="https://evil.example.com"></iframe>

<form action="https://evil.example.com"><input name=x></form>

<style>body { display: none }</style>

<svg><script>alert(8)</script></svg>

<div style="background:url(javascript:alert(9))" onclick="alert(10)">text</div>

<math><mi xlink:href="javascript:alert(11)">x</mi></math>
"""

HOSTILE_HTML = """<html><head><script>alert(12)</script>
<meta http-equiv="refresh" content="0;url=javascript:alert(13)"></head>
<body onload="alert(14)"><h1>Hostile page</h1><p>Safe text.</p>
<object data="evil.swf"></object><embed src="evil.swf">
<a href="vbscript:msgbox(15)">vb</a><button onclick="alert(16)">b</button>
<noscript><p>no script</p></noscript></body></html>
"""

#: Anything that could run or load: dangerous elements, event handlers, style attributes, and
#: URL attributes with a scheme other than http(s) or mailto (text that merely mentions
#: "javascript:" is inert and allowed).
DANGEROUS = re.compile(
    r"<\s*(script|iframe|object|embed|form|input|button|style|svg|math|meta|link)\b"
    r"|\son\w+\s*="
    r"|\sstyle\s*="
    r"|\s(href|src|action|xlink:href)\s*=\s*[\"']?\s*(?!https?:|mailto:|#)[a-z][a-z0-9+.-]*:",
    re.IGNORECASE,
)


def test_the_check_itself_catches_what_it_looks_for() -> None:
    """The pattern finds each kind of danger and passes ordinary links, so the test below can fail."""
    for bad in ('<a href="javascript:x">', "<a href=' JaVaScRiPt:x'>", '<img src="data:x">', "<p onclick=x>",
                "<script>", '<p style="x">', '<a href="vbscript:x">'):  # fmt: skip
        assert DANGEROUS.search(bad), bad
    for fine in (
        '<a href="https://x.example.com">',
        '<a href="mailto:a@b.c">',
        '<a href="#top">',
        "javascript: text",
    ):
        assert DANGEROUS.search(fine) is None, fine


async def test_nothing_executable_reaches_the_api(tmp_path: Path, emulator: RunningEmulator) -> None:
    """Every byte of HTML the emulator received, as External Pages and as articles, is inert."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "hostile.md").write_text(HOSTILE_MARKDOWN, encoding="utf-8")
    (docs / "hostile.html").write_text(HOSTILE_HTML, encoding="utf-8")
    (tmp_path / "ingest.toml").write_text(
        f'[intercom]\nbase_url = "{emulator.base_url}"\n\n'
        '[sources.docs]\nconnector = "filesystem"\npath = "docs"\ntargets = ["external_pages", "articles"]\n'
        'url = "https://docs.example.com"\nurl_template = "https://git.example.com/blob/main/{path}"\n\n'
        '[sources.docs.articles]\nauthor_id = 1\ncollection = "Handbook"\n',
        encoding="utf-8",
    )
    settings = load_settings(tmp_path / "ingest.toml")
    results = await run_sources(settings, settings.select(None), token=SecretStr(TOKEN))
    assert all(result.ok for result in results) and sum(r.counts.created for r in results) == 4
    sent = [
        str(request.body[field])
        for request in emulator.requests()
        if isinstance(request.body, dict)
        for field in ("html", "body")
        if field in request.body
    ]
    assert len(sent) == 4  # two External Pages, two articles
    for html in sent:
        assert DANGEROUS.search(html) is None, html
    pages = {p["external_id"]: p for p in emulator.pages()}
    assert "Safe text." in pages["hostile.html"]["html"] and "<h1>" not in pages["hostile.html"]["html"]
    # The link texts survive as text; only their targets went.
    assert "click" in pages["hostile.md"]["html"] and "spaced" in pages["hostile.md"]["html"]


HOSTILE_FRONT_MATTER = """---
title: Shown
description: |
  Lead <script>alert(20)</script> <img src=x onerror="alert(21)"> [go](javascript:alert(22))
params:
  signatures:
    - "<script>alert(23)</script>"
    - {nested: "<b onclick=alert(24)>x</b>"}
    - 42
    - 2024-05-01
    -
  returns: {a: 1}
  aliases: []
---
Body text.
"""


async def test_front_matter_a_theme_shows_reaches_the_api_inert(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    """shown_front_matter (and what a section's list shows of each page, in_lists) holding
    script, event handlers and javascript: links, and odd types (a mapping in a list, a number, a
    date, an empty item, a mapping where a list is expected): text and numbers are shown, nothing
    executable is sent."""
    content = tmp_path / "site" / "content" / "functions"
    content.mkdir(parents=True)
    (tmp_path / "site" / "hugo.toml").write_text("baseURL = 'https://docs.example.com/'\n", encoding="utf-8")
    (content / "_index.md").write_text("---\ntitle: Functions\n---\n", encoding="utf-8")
    (content / "shown.md").write_text(HOSTILE_FRONT_MATTER, encoding="utf-8")
    (tmp_path / "ingest.toml").write_text(
        f'[intercom]\nbase_url = "{emulator.base_url}"\n\n'
        '[sources.docs]\nconnector = "filesystem"\npath = "site"\nsite = "hugo"\n'
        'url = "https://docs.example.com"\nshown_front_matter = ["description", '
        '{ field = "params.signatures", label = "Syntax", style = "code", in_lists = "all" }, '
        '{ field = "params.returns", label = "Returns" }, { field = "params.aliases", label = "Alias" }]\n',
        encoding="utf-8",
    )
    settings = load_settings(tmp_path / "ingest.toml")
    results = await run_sources(settings, settings.select(None), token=SecretStr(TOKEN))
    assert all(result.ok for result in results), results
    pages = {page["external_id"]: page["html"] for page in emulator.pages()}
    assert sorted(pages) == ["content/functions/_index.md", "content/functions/shown.md"]
    for html in pages.values():
        assert DANGEROUS.search(html) is None, html
    shown = pages["content/functions/shown.md"]
    assert "Lead" in shown and "go" in shown and "Body text." in shown
    assert "42" in shown and "2024-05-01" in shown and "Returns" not in shown and "Alias" not in shown
    assert "42" in pages["content/functions/_index.md"]
