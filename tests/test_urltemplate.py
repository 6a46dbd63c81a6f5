"""URL templates: one parser for the source's url_template and a connector's own templates."""

from __future__ import annotations

import pytest

from ingest.urltemplate import UrlTemplate


def test_placeholders_are_the_names_used() -> None:
    """Each name counts once, wherever it appears; doubled braces are literal text."""
    template = UrlTemplate.parse("https://{host}/{{raw}}/{path}?from={host}", example="path")
    assert template.placeholders == frozenset({"host", "path"})


def test_render_inserts_values_as_given() -> None:
    """Values go in verbatim (escaping is the caller's choice); doubled braces become one."""
    template = UrlTemplate.parse("https://x.example/{{raw}}/{ref}/{path}", example="path")
    assert template.render({"ref": "a{b}", "path": "c%20d"}) == "https://x.example/{raw}/a{b}/c%20d"


def test_render_names_a_placeholder_without_a_value() -> None:
    """A missing value is an error naming the placeholder, never an empty part of the URL."""
    with pytest.raises(ValueError, match=r"^placeholder \{commit\} has no value$"):
        UrlTemplate.parse("https://x.example/{commit}/{path}", example="path").render({"path": "a"})


def test_check_names_the_first_unknown_placeholder_as_written() -> None:
    """The first name the user wrote that is not allowed, with the allowed names sorted."""
    template = UrlTemplate.parse("{base}/{zeta}/{alpha}", example="path")
    template.check({"base", "zeta", "alpha"})
    with pytest.raises(ValueError, match=r"^unknown placeholder \{zeta\} \(allowed: \{base\}, \{path\}\)$"):
        template.check({"path", "base"})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "https://x.example/{path",
            r"^'https://x\.example/\{path' is malformed: expected '\}' before end of string$",
        ),
        ("https://x.example/}", r"^'https://x\.example/\}' is malformed: Single '\}' encountered"),
        ("{path.upper}", r"^placeholder \{path\.upper\} must be a plain name like \{page_id\}$"),
        ("{path[0]}", r"^placeholder \{path\[0\]\} must be a plain name like \{page_id\}$"),
        ("{path:>9}", r"^placeholder \{path\} must be a plain name like \{page_id\}$"),
        ("{path!r}", r"^placeholder \{path\} must be a plain name like \{page_id\}$"),
        ("{}", r"^placeholder \{\} must be a plain name like \{page_id\}$"),
        ("{0}", r"^placeholder \{0\} must be a plain name like \{page_id\}$"),
    ],
)
def test_only_well_formed_plain_names_parse(text: str, message: str) -> None:
    """Unbalanced braces, attribute access, indexing, specs, conversions and positions are refused."""
    with pytest.raises(ValueError, match=message):
        UrlTemplate.parse(text, example="page_id")
