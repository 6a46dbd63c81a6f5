"""Tests for ingest.textdoc: one text document read from its bytes."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from bounds import STALLED_AFTER_SECONDS

from ingest.document import BodyFormat, Failure, SkippedDocument, SourceDocument
from ingest.textdoc import SUPPORTED_SUFFIXES, format_for, read_text_document

WHEN = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def read(raw: bytes | str, path: str = "guides/setup.md") -> SourceDocument | SkippedDocument | Failure:
    data = raw.encode() if isinstance(raw, str) else raw
    return read_text_document(data, path=path, fingerprint="12-34", modified=WHEN)


def document(raw: bytes | str, path: str = "guides/setup.md") -> SourceDocument:
    result = read(raw, path)
    assert isinstance(result, SourceDocument), result
    return result


def failure(raw: bytes | str, path: str = "guides/setup.md") -> str:
    result = read(raw, path)
    assert isinstance(result, Failure), result
    assert result.locator == path
    return result.message


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("a.md", BodyFormat.MARKDOWN),
        ("a.markdown", BodyFormat.MARKDOWN),
        ("A.MD", BodyFormat.MARKDOWN),
        ("a.html", BodyFormat.HTML),
        ("a.htm", BodyFormat.HTML),
        ("a.txt", BodyFormat.TEXT),
    ],
)
def test_format_comes_from_the_suffix(path: str, expected: BodyFormat) -> None:
    """The suffix, in any case, picks the format, and the document carries it."""
    assert format_for(path) is expected
    assert document("hello", path).format is expected


def test_supported_suffixes_are_exported() -> None:
    """SUPPORTED_SUFFIXES lists exactly the suffixes read as documents."""
    assert set(SUPPORTED_SUFFIXES) == {".md", ".markdown", ".html", ".htm", ".txt"}


def test_unsupported_suffix_is_a_failure() -> None:
    """A path with another suffix is refused, not guessed at."""
    assert format_for("image.png") is None
    assert "not a supported document type" in failure("x", "image.png")


def test_plain_document_defaults() -> None:
    """Without front matter the id is the path and the other fields pass through."""
    doc = document("Body text.\n")
    assert doc.external_id == "guides/setup.md"
    assert doc.path == "guides/setup.md"
    assert doc.fingerprint == "12-34"
    assert doc.modified == WHEN
    assert doc.url is None
    assert doc.body == "Body text.\n"
    assert dict(doc.metadata) == {}


@pytest.mark.parametrize(
    ("body", "title"),
    [
        ("# Getting started\n\nText", "Getting started"),
        ("\n\n  # Closed heading ##\n", "Closed heading"),
        ("# The **fast** way &amp; `code`\n", "The fast way & code"),
        ("Intro paragraph.\n\n# Later heading\n", "Later heading"),
        ("Setext title\n============\n\nText", "Setext title"),
        ("Two line\nsetext title\n===\n", "Two line setext title"),
        ("```\n# not a title\n```\n\n# Real title\n", "Real title"),
        ("~~~~md\n# not a title\n~~~~\nSub\n---\n\n# After fence\n", "After fence"),
        ("## Only a second level\n", "setup"),
        ("#\n\n# Non-empty\n", "Non-empty"),
    ],
)
def test_markdown_title_is_the_first_h1(body: str, title: str) -> None:
    """The first non-empty H1 (ATX or setext, outside code) is the title, as plain text."""
    assert document(body).title == title


@pytest.mark.parametrize(
    ("html", "title"),
    [
        ("<html><head><title>Tab</title></head><body><h1>Main <em>page</em></h1></body></html>", "Main page"),
        ("<html><head><title>  Only\n the tab </title></head><body><p>x</p></body></html>", "Only the tab"),
        ("<p>No headings</p>", "install guide"),
    ],
)
def test_html_title_is_h1_then_title_tag_then_name(html: str, title: str) -> None:
    """HTML takes its first <h1>, else <title>, else the file name."""
    assert document(html, "docs/install_guide.html").title == title


def test_text_title_is_the_file_name() -> None:
    """Plain text has no headings: the name, with dashes and underscores as spaces, is the title."""
    assert document("# not markdown\n", "notes/release-notes_2024.txt").title == "release notes 2024"


def test_front_matter_sets_title_id_url_and_metadata() -> None:
    """Known keys are used, the rest go to metadata, and the body loses the front matter."""
    doc = document(
        "---\n"
        "title: Pinned title\n"
        "external_id: kb-42\n"
        "url: https://docs.example.com/setup\n"
        "description: How to set up\n"
        "locale: fr\n"
        "tags: [a, b]\n"
        "published: 2024-01-02\n"
        "reviewed: 2024-01-02 10:30:00\n"
        "---\n"
        "# Body heading\n"
    )
    assert doc.title == "Pinned title"
    assert doc.external_id == "kb-42"
    assert doc.url == "https://docs.example.com/setup"
    assert doc.body == "# Body heading\n"
    assert dict(doc.metadata) == {
        "description": "How to set up",
        "locale": "fr",
        "tags": ["a", "b"],
        "published": "2024-01-02",
        "reviewed": "2024-01-02T10:30:00",
    }


def test_integer_external_id_becomes_text() -> None:
    """An integer external_id pins the id as its decimal text."""
    assert document("---\nexternal_id: 1234\n---\nx").external_id == "1234"


@pytest.mark.parametrize("value", ['""', "'  '", "[1, 2]", "true", "1.5", "{a: 1}", "null"])
def test_bad_external_id_is_a_failure(value: str) -> None:
    """external_id must be a non-empty string or an integer."""
    assert "external_id must be a non-empty string or an integer" in failure(
        f"---\nexternal_id: {value}\n---\n"
    )


@pytest.mark.parametrize("value", ["javascript:alert(1)", "ftp://host/x", "42", "[a, b]", '""'])
def test_bad_url_is_a_failure(value: str) -> None:
    """A url that is neither an absolute http(s) URL nor a path on the site is refused."""
    assert "url must be an absolute http(s) URL or a path on the site" in failure(f"---\nurl: {value}\n---\n")


def test_a_site_relative_url_is_kept_in_metadata_not_a_failure() -> None:
    """A Hugo-style ``url: /commands/hugo/`` is no link without a site: the page gets none, and
    the value stays in metadata."""
    doc = document("---\nurl: /commands/hugo/\n---\n# Hugo\n")
    assert doc.url is None
    assert doc.metadata["url"] == "/commands/hugo/"


def test_front_matter_title_must_be_text() -> None:
    """A list as title is refused rather than turned into text."""
    assert "title must be text, not a list" in failure("---\ntitle: [a, b]\n---\n")


def test_empty_front_matter_title_falls_back_to_h1() -> None:
    """A blank front matter title does not win over the first H1."""
    assert document("---\ntitle: ''\n---\n# From body\n").title == "From body"


def test_metadata_keeps_only_json_values() -> None:
    """Values with no JSON form (binary, sets, infinity, non-text keys) are dropped."""
    doc = document(
        "---\nblob: !!binary aGVsbG8=\nset: !!set {a, b}\ninf: .inf\n"
        "nested: {ok: [1, 2.5, true, null], 3: dropped}\nkeep: yes\n---\n"
    )
    assert dict(doc.metadata) == {"nested": {"ok": [1, 2.5, True, None]}, "keep": True}


def test_skip_true_skips_the_document() -> None:
    """Front matter skip: true makes a SkippedDocument with the reason."""
    assert read("---\nskip: true\ntitle: Draft\n---\nbody") == SkippedDocument(
        "guides/setup.md", "front matter says skip"
    )


def test_skip_false_keeps_the_document() -> None:
    """skip: false is the same as no skip, and is not passed on as metadata."""
    assert dict(document("---\nskip: false\n---\nbody").metadata) == {}


def test_skip_must_be_true_or_false() -> None:
    """A skip value that is not a boolean is refused."""
    assert "skip must be true or false" in failure("---\nskip: maybe\n---\n")


def test_malformed_front_matter_names_file_and_line() -> None:
    """Broken YAML is a Failure that names the file and the line in the file."""
    message = failure("---\ntitle: ok\n  indented: x\n---\nbody")
    assert message == (
        "guides/setup.md: front matter is not valid YAML at line 3: mapping values are not allowed here"
    )


def test_front_matter_that_is_not_a_mapping_is_a_failure() -> None:
    """A YAML list or scalar as front matter is refused."""
    assert "front matter must be a mapping" in failure("---\n- a\n- b\n---\nbody")
    assert "front matter must be a mapping" in failure("---\njust text\n---\nbody")


def test_unclosed_front_matter_is_a_failure() -> None:
    """An opening --- without a closing line is refused instead of publishing raw YAML."""
    assert "never closed" in failure("---\ntitle: x\n\n# Heading\n")


def test_front_matter_may_close_with_dots_and_be_empty() -> None:
    """'...' closes front matter too, and empty front matter is allowed."""
    assert document("---\ntitle: Dots\n...\nbody").title == "Dots"
    assert document("---\n---\nbody").body == "body"


def test_front_matter_is_markdown_only() -> None:
    """A text file that starts with --- keeps it as content."""
    doc = document("---\ntitle: no\n---\n", "a.txt")
    assert doc.body == "---\ntitle: no\n---\n"
    assert doc.title == "a"


def test_binary_content_is_a_failure() -> None:
    """A NUL byte in the first 8 KiB means a binary file."""
    assert failure(b"PK\x03\x04\x00\x00rest") == "guides/setup.md: binary file, not a document"


def test_invalid_utf8_names_the_byte_offset() -> None:
    """Undecodable bytes are a Failure giving the offset in the file."""
    assert failure(b"ok \xff no") == "guides/setup.md: not valid UTF-8 at byte 3"
    assert failure(b"\xef\xbb\xbfok \xff no") == "guides/setup.md: not valid UTF-8 at byte 6"


def test_utf16_is_refused_with_advice() -> None:
    """UTF-16 text gets a message saying to save it as UTF-8."""
    assert "save it as UTF-8" in failure("# Hi".encode("utf-16"))


def test_bom_is_dropped_and_crlf_becomes_lf() -> None:
    """A UTF-8 BOM is accepted and removed; CRLF line ends become LF, front matter included."""
    doc = document(b"\xef\xbb\xbf---\r\ntitle: Windows\r\n---\r\nline one\r\nline two\r\n")
    assert doc.title == "Windows"
    assert doc.body == "line one\nline two\n"


def test_cr_only_line_ends_become_lf() -> None:
    """Old Mac CR line ends are line ends too: the front matter is found, not published."""
    doc = document(b"---\rtitle: Classic\r---\rline one\rline two\r")
    assert doc.title == "Classic"
    assert doc.body == "line one\nline two\n"


@pytest.mark.parametrize("key", ["title", "external_id", "url"])
def test_lone_surrogate_in_a_used_key_is_a_failure_naming_it(key: str) -> None:
    """A \\u escape of half a surrogate pair is valid YAML but no character: the document fails."""
    value = '"https://docs.example.com/\\ud83d"' if key == "url" else '"Bad \\ud83d title"'
    assert failure(f"---\n{key}: {value}\n---\nbody") == (
        f"guides/setup.md: front matter {key} holds \\ud83d, half of a UTF-16 surrogate pair "
        "without the other half, which is not a character"
    )


def test_surrogate_pairs_spelt_as_json_escapes_are_joined() -> None:
    """JSON-style escapes of an emoji (a surrogate pair) make the emoji, in title and metadata."""
    doc = document('---\ntitle: "Launch \\ud83d\\ude80"\ntags: ["\\ud83d\\ude80"]\n---\nbody')
    assert doc.title == "Launch \U0001f680"
    assert dict(doc.metadata) == {"tags": ["\U0001f680"]}


def test_metadata_drops_text_holding_a_lone_surrogate() -> None:
    """Metadata values and keys with a lone surrogate are dropped; the document and the rest stay."""
    doc = document(
        '---\nnote: "half \\udc00"\n"\\ud800key": 1\nlist: ["\\ud800", ok]\n'
        'nested: {"\\ud800": 1, fine: 2}\nkeep: yes\n---\nbody'
    )
    assert dict(doc.metadata) == {"list": ["ok"], "nested": {"fine": 2}, "keep": True}


@pytest.mark.parametrize(
    ("yaml_text", "line", "alias"),
    [
        ("a: &a [*a]", 2, "*a"),  # refers to itself
        ("a: &a {b: *a}", 2, "*a"),
        ("base: &base {x: 1}\nother:\n  <<: *base", 4, "*base"),  # a merge key is an alias too
        ("l0: &l0 [x, x, x]\nl1: &l1 [*l0, *l0, *l0]", 3, "*l0"),
    ],
)
def test_yaml_aliases_are_refused(yaml_text: str, line: int, alias: str) -> None:
    """Aliases (self-reference, billion laughs) are refused at once, naming the line in the file."""
    assert failure(f"---\n{yaml_text}\n---\n# Doc\n") == (
        f"guides/setup.md: front matter at line {line}: aliases such as {alias} are not allowed; "
        "write the value out"
    )


def test_an_alias_bomb_is_refused_quickly() -> None:
    """Seven lines of nested aliases (10^7 items once expanded) are refused without expanding them."""
    lines = ["l0: &l0 [x,x,x,x,x,x,x,x,x,x]"]
    lines += [f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 8)]
    started = time.monotonic()
    assert "aliases such as *l0 are not allowed" in failure("---\n" + "\n".join(lines) + "\n---\n")
    assert time.monotonic() - started < STALLED_AFTER_SECONDS


def test_an_anchor_without_alias_is_plain_data() -> None:
    """An anchor alone expands nothing: the document reads as usual."""
    assert dict(document("---\nbase: &base {x: 1}\n---\nbody").metadata) == {"base": {"x": 1}}


@pytest.mark.parametrize("yaml_text", ["x: " + "[" * 3000 + "]" * 3000, "x: " + "{a: " * 40 + "1" + "}" * 40])
def test_deeply_nested_front_matter_is_a_failure(yaml_text: str) -> None:
    """Nesting no metadata needs is refused with a message, not a RecursionError."""
    assert failure(f"---\n{yaml_text}\n---\n") == (
        "guides/setup.md: front matter at line 2: nested more than 32 levels deep"
    )


def test_front_matter_nested_up_to_the_limit_is_kept() -> None:
    """32 levels, the front matter's own mapping and the innermost value included, are read as usual."""
    doc = document("---\nx: " + "[" * 30 + "1" + "]" * 30 + "\n---\n")
    value: object = doc.metadata["x"]
    for _ in range(30):
        assert isinstance(value, list)
        value = value[0]
    assert value == 1
    assert "nested more than 32 levels deep" in failure("---\nx: " + "[" * 31 + "1" + "]" * 31 + "\n---\n")


def test_markdown_nested_too_deeply_to_parse_is_a_failure() -> None:
    """Lists nested past the parser's limit fail the document instead of losing what follows."""
    body = "".join("    " * level + f"- item {level}\n" for level in range(60)) + "\n# Later\n"
    assert failure(body) == (
        "guides/setup.md: Markdown nested too deeply: more than 100 levels of lists, list items, "
        "block quotes, admonitions and content tabs"
    )


@pytest.mark.parametrize(
    "path", ["a.md", "A.MD", ".md", "dir/.md", "x/a.b.html", "a.md.", "a", "dir.md/file", "a..txt", "..md"]
)
def test_format_for_reads_the_suffix_as_pathlib_does(path: str) -> None:
    """The fast suffix reading agrees with PurePosixPath.suffix on odd names (hidden, dotted...)."""
    from pathlib import PurePosixPath

    assert format_for(path) is SUPPORTED_SUFFIXES.get(PurePosixPath(path).suffix.lower())
