"""Configuration mistakes said in one plain sentence naming the key: no pydantic wording ("Input
should be ..."), the value refused shown as the file writes it; schemes are case-insensitive."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from connectors.confluence_export import ConfluenceExportOptions
from ingest.config import load_settings
from ingest.errors import ConfigError

BASE = """
[intercom]
base_url = "http://127.0.0.1:8111"
{intercom}

[watch]
{watch}

[sources.docs]
connector = "filesystem"
path = "docs"
url = "https://docs.example.com"
{source}
"""


def load(tmp_path: Path, *, intercom: str = "", watch: str = "", source: str = "") -> object:
    (tmp_path / "docs").mkdir(exist_ok=True)
    config = tmp_path / "ingest.toml"
    config.write_text(BASE.format(intercom=intercom, watch=watch, source=source), encoding="utf-8")
    return load_settings(config)


@pytest.mark.parametrize(
    ("where", "line", "expected"),
    [
        ("intercom", "rate_limit_share = 0", "intercom.rate_limit_share: must be more than 0, not 0"),
        ("intercom", "rate_limit_share = 2", "intercom.rate_limit_share: must be at most 1, not 2"),
        ("intercom", 'rate_limit_share = "half"', 'intercom.rate_limit_share: must be a number, not "half"'),
        ("intercom", "max_concurrency = 0", "intercom.max_concurrency: must be at least 1, not 0"),
        ("intercom", 'max_attempts = "many"', 'intercom.max_attempts: must be a whole number, not "many"'),
        ("intercom", 'region = "mars"', 'intercom.region: must be "us", "eu" or "au", not "mars"'),
        ("intercom", "read_timeout = 0", "intercom.read_timeout: must be more than 0, not 0"),
        (
            "intercom",
            "read_timeout = 45",
            "intercom.read_timeout: 45 s is above request_timeout (30 s), which bounds the whole request: "
            "lower it, or raise request_timeout",
        ),
        (
            "intercom",
            "request_timeout = 5",
            "intercom.connect_timeout: 10 s is above request_timeout (5 s), which bounds the whole "
            "request: lower it, or raise request_timeout",
        ),
        ("watch", "debounce_ms = -5", "watch.debounce_ms: must be at least 0, not -5"),
        ("source", 'ai_agent = "maybe"', 'sources.docs.ai_agent: must be true or false, not "maybe"'),
        ("source", 'include = "*.md"', 'sources.docs.include: must be a list, e.g. ["a", "b"], not "*.md"'),
        ("source", "max_delete_share = 3", "sources.docs.max_delete_share: must be at most 1, not 3"),
        (
            "source",
            'follow_symlinks = "yes please"',
            'sources.docs.follow_symlinks: must be true or false, not "yes please"',
        ),
    ],
)
def test_a_value_of_the_wrong_kind_or_range_is_one_plain_sentence(
    tmp_path: Path, where: str, line: str, expected: str
) -> None:
    """The key, what it must be, and the value given; none of pydantic's own wording."""
    with pytest.raises(ConfigError) as raised:
        load(tmp_path, **{where: line})
    assert str(raised.value) == expected


def test_a_refused_value_that_may_hold_a_password_is_not_shown(tmp_path: Path) -> None:
    """A git source's repo (a URL may carry credentials) is never echoed, even when refused."""
    config = tmp_path / "ingest.toml"
    source = 'connector = "git"\nrepo = ["https://user:s3cret@example.com/r.git"]'
    config.write_text(
        BASE.format(intercom="", watch="", source="").replace(
            'connector = "filesystem"\npath = "docs"', source
        ),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as raised:
        load_settings(config)
    assert str(raised.value) == 'sources.docs.repo: must be text in quotes, e.g. "value"'


def test_upper_case_schemes_are_accepted_and_kept_in_lower_case(tmp_path: Path) -> None:
    """Schemes (and a source url's host name) are case-insensitive: HTTPS:// is https://, and what
    is stored and sent is the normalised form, so that one source never looks like two."""
    config = tmp_path / "ingest.toml"
    load(tmp_path, source='url_template = "HTTPS://git.example.com/docs/blob/main/{path}"')
    text = config.read_text(encoding="utf-8")
    text = text.replace('url = "https://docs.example.com"', 'url = "HTTPS://Docs.Example.COM/Help"')
    text = text.replace('base_url = "http://127.0.0.1:8111"', 'base_url = "HTTP://127.0.0.1:8111/"')
    config.write_text(text, encoding="utf-8")
    loaded = load_settings(config)
    assert loaded.intercom.api_url == "http://127.0.0.1:8111"
    source = loaded.sources["docs"].settings
    assert source.url == "https://docs.example.com/Help"
    assert source.url_template == "https://git.example.com/docs/blob/main/{path}"


def test_a_confluence_base_url_with_an_upper_case_scheme_is_accepted(tmp_path: Path) -> None:
    """A Confluence export's base_url in capitals is an https URL too, kept in lower case."""
    export = tmp_path / "export.zip"
    with zipfile.ZipFile(export, "w") as archive:
        archive.writestr("DOCS/index.html", "<html></html>")
    (tmp_path / "docs").mkdir()
    config = tmp_path / "ingest.toml"
    source = 'connector = "confluence_export"\npath = "export.zip"\nbase_url = "HTTPS://wiki.example.com/"'
    config.write_text(
        BASE.format(intercom="", watch="", source="").replace(
            'connector = "filesystem"\npath = "docs"', source
        ),
        encoding="utf-8",
    )
    options = load_settings(config).sources["docs"].options
    assert isinstance(options, ConfluenceExportOptions)
    assert options.base_url == "https://wiki.example.com"
