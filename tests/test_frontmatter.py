"""Tests for front matter in its three forms: ingest.textdoc.split_front_matter (ingest.frontmatter)."""

from __future__ import annotations

import pytest

from ingest.document import Failure
from ingest.textdoc import split_front_matter

PATH = "content/docs/page.md"


def split(
    text: str | bytes, formats: tuple[str, ...] | None = None
) -> tuple[dict[str, object], str, str | None]:
    result = (
        split_front_matter(text, PATH) if formats is None else split_front_matter(text, PATH, formats=formats)  # type: ignore[arg-type]
    )
    assert not isinstance(result, Failure), result
    return result


def failure(text: str) -> str:
    result = split_front_matter(text, PATH)
    assert isinstance(result, Failure), result
    assert result.locator == PATH
    return result.message


def test_yaml_front_matter_is_split() -> None:
    """YAML between '---' lines is read; the body starts after the closing line."""
    assert split("---\ntitle: Hi\nweight: 3\n---\nBody\n") == ({"title": "Hi", "weight": 3}, "Body\n", "yaml")


def test_toml_front_matter_is_split() -> None:
    """TOML between '+++' lines (Hugo) is read with tomllib."""
    front, body, fmt = split('+++\ntitle = "Hugo"\nurl = "/commands/hugo/"\n[params]\nkey = 1\n+++\n# Body\n')
    assert front == {"title": "Hugo", "url": "/commands/hugo/", "params": {"key": 1}}
    assert (body, fmt) == ("# Body\n", "toml")


def test_json_front_matter_is_split() -> None:
    """A JSON object first (Hugo) is front matter; the body follows it."""
    front, body, fmt = split('{\n  "title": "JSON page",\n  "tags": ["a"]\n}\n\nBody text\n')
    assert front == {"title": "JSON page", "tags": ["a"]}
    assert (body, fmt) == ("Body text\n", "json")


def test_bytes_are_decoded_like_documents() -> None:
    """Bytes lose a UTF-8 BOM and CRLF line ends before the front matter is looked for."""
    assert split(b"\xef\xbb\xbf+++\r\ntitle = 'x'\r\n+++\r\nBody\r\n") == ({"title": "x"}, "Body\n", "toml")


@pytest.mark.parametrize("text", ["{{< note >}}\nHi\n{{< /note >}}\n", "{% raw %}\nx\n", "Plain text\n"])
def test_a_body_opening_with_braces_is_not_json(text: str) -> None:
    """A shortcode or template tag at the top is body, not (broken) JSON front matter."""
    assert split(text) == ({}, text, None)


def test_formats_limit_what_is_read() -> None:
    """A source reading YAML only (plain Markdown) leaves '+++' as body text."""
    text = '+++\ntitle = "x"\n+++\nBody\n'
    assert split(text, ("yaml",)) == ({}, text, None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('+++\ntitle = "x"\nBody', "never closed with '+++'"),
        ("+++\ntitle = \n+++\n", "front matter is not valid TOML"),
        ('{"title": "x",\n}\nBody', "front matter is not valid JSON at line 2"),
    ],
)
def test_broken_toml_and_json_are_failures(text: str, message: str) -> None:
    """Front matter that does not parse fails the page, naming its path and the problem."""
    found = failure(text)
    assert found.startswith(f"{PATH}: ") and message in found


@pytest.mark.parametrize(
    "text",
    [
        "+++\n" + "a = " + "[" * 40 + "]" * 40 + "\n+++\n",
        '{"a": ' + "[" * 40 + "]" * 40 + "}\n",
        '{"a": ' + "[" * 100000 + "]" * 100000 + "}\n",
    ],
)
def test_toml_and_json_are_held_to_the_nesting_limit(text: str) -> None:
    """TOML and JSON front matter nested more than 32 levels is refused, as YAML is."""
    assert "nested more than 32 levels deep" in failure(text)


@pytest.mark.parametrize("text", ["+++\n+++\n", "+++\n\n+++\nBody"])
def test_empty_toml_is_an_empty_mapping(text: str) -> None:
    """Empty TOML front matter is allowed."""
    assert split(text)[0] == {}


def test_a_top_level_list_is_body_not_front_matter() -> None:
    """Only an object opens JSON front matter: a page starting with a list keeps it as text."""
    assert split("[1, 2]\n") == ({}, "[1, 2]\n", None)


def test_yaml_that_is_not_a_mapping_is_refused() -> None:
    """Front matter must be a mapping, whatever its form."""
    assert "must be a mapping of keys to values, not a list" in failure("---\n- a\n---\n")
