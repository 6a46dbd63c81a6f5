"""Configuration: TOML, environment overrides, the token, and one clear line per mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.config import load_settings
from ingest.connector import ConnectorOptions
from ingest.errors import ConfigError

MINIMAL = """
[intercom]
base_url = "http://127.0.0.1:8111"

[sources.docs]
connector = "filesystem"
path = "docs"
url = "https://docs.example.com"
"""


def write_config(tmp_path: Path, text: str) -> Path:
    (tmp_path / "docs").mkdir(exist_ok=True)
    path = tmp_path / "ingest.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_for(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load_settings(write_config(tmp_path, text))
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_minimal_config_is_read_with_defaults(tmp_path: Path) -> None:
    """A minimal file gives defaults for every other key and resolves paths against its folder."""
    settings = load_settings(write_config(tmp_path, MINIMAL))
    assert settings.intercom.api_url == "http://127.0.0.1:8111"
    assert settings.intercom.api_version == "2.15"
    assert settings.intercom.max_concurrency == 64
    assert settings.state.path == tmp_path / "ingest.db"
    source = settings.sources["docs"]
    assert source.settings.include == ("**",)
    assert source.settings.ai_agent is True and source.settings.ai_copilot is True
    assert source.settings.max_delete_share == 0.5
    assert isinstance(source.options, ConnectorOptions)
    assert source.options.path == tmp_path / "docs"  # type: ignore[attr-defined]


def test_region_picks_the_regional_host(tmp_path: Path) -> None:
    """region = "eu" without base_url talks to the EU host."""
    text = MINIMAL.replace('base_url = "http://127.0.0.1:8111"', 'region = "eu"')
    assert load_settings(write_config(tmp_path, text)).intercom.api_url == "https://api.eu.intercom.io"


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """INGEST_INTERCOM__BASE_URL and INGEST_SOURCES__DOCS__AI_AGENT win over the TOML values."""
    monkeypatch.setenv("INGEST_INTERCOM__BASE_URL", "http://127.0.0.1:9999")
    monkeypatch.setenv("INGEST_SOURCES__DOCS__AI_AGENT", "false")
    settings = load_settings(write_config(tmp_path, MINIMAL))
    assert settings.intercom.api_url == "http://127.0.0.1:9999"
    assert settings.sources["docs"].settings.ai_agent is False
    assert settings.sources["docs"].settings.url == "https://docs.example.com"


def test_token_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """INTERCOM_ACCESS_TOKEN is the token, and it is kept as a secret."""
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", "tok-from-env")
    token = load_settings(write_config(tmp_path, MINIMAL)).access_token()
    assert token.get_secret_value() == "tok-from-env"
    assert "tok-from-env" not in repr(token) and "tok-from-env" not in str(token)


def test_token_from_secrets_file(tmp_path: Path) -> None:
    """intercom.token_file names a file (relative to the config) whose stripped content is the token."""
    (tmp_path / "secret").write_text("tok-from-file\n", encoding="utf-8")
    text = MINIMAL.replace("[intercom]", '[intercom]\ntoken_file = "secret"')
    assert load_settings(write_config(tmp_path, text)).access_token().get_secret_value() == "tok-from-file"


def test_missing_token_says_where_to_put_it(tmp_path: Path) -> None:
    """No token anywhere: one line naming the variable and the key."""
    settings = load_settings(write_config(tmp_path, MINIMAL))
    with pytest.raises(ConfigError, match=r"INTERCOM_ACCESS_TOKEN or intercom\.token_file"):
        settings.access_token()


def test_token_in_the_file_is_refused(tmp_path: Path) -> None:
    """A token written into the TOML is refused without echoing it."""
    message = error_for(tmp_path, MINIMAL.replace("[intercom]", '[intercom]\naccess_token = "tok-secret"'))
    assert "intercom.access_token" in message and "INTERCOM_ACCESS_TOKEN" in message
    assert "tok-secret" not in message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("[sources.docs]", '[sources.docs]\nai_agent = "maybe"'), "sources.docs.ai_agent:"),
        (
            ('url = "https://docs.example.com"', ""),
            "sources.docs.url: required for the external_pages target",
        ),
        (("[sources.docs]", '[sources.docs]\ntargets = ["articles"]'), "sources.docs.articles: a [sources"),
        (("[sources.docs]", '[sources.docs]\ntargets = ["pdf"]'), "sources.docs.targets.0: Input should be"),
        (('url = "https://docs.example.com"', 'url = "docs"'), "sources.docs.url: must be an http(s) URL"),
        (("[intercom]", "[intercom]\ncolour = 1"), "intercom.colour: unknown key"),
        (("[intercom]", '[intercom]\nregion = "mars"'), "intercom.region:"),
        (("[intercom]", "[intercom]\nmax_concurrency = 0"), "intercom.max_concurrency:"),
        (
            ('connector = "filesystem"', 'connector = "ftp"'),
            "sources.docs.connector: unknown connector 'ftp'",
        ),
        (('path = "docs"', 'path = "nowhere"'), "sources.docs.path:"),
        (('path = "docs"', 'path = "docs"\ncolour = 1'), "sources.docs.colour: unknown key"),
        (("[sources.docs]", "[sources.docs]\nmax_delete_share = 2"), "sources.docs.max_delete_share:"),
        (
            ("[sources.docs]", '[sources.docs]\nurl_template = "https://x/{nope}"'),
            "sources.docs.url_template:",
        ),
        (("[intercom]", "[intercom\n"), "is not valid TOML"),
    ],
)
def test_mistakes_are_one_line_naming_the_key(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    """Each mistake gives one ConfigError line that names the key and the reason."""
    assert expected in error_for(tmp_path, MINIMAL.replace(*change))


def test_two_sources_on_one_content_import_source_are_refused(tmp_path: Path) -> None:
    """Each source would delete the other's pages as gone; a source publishing only articles may share."""
    wiki = '\n[sources.wiki]\nconnector = "filesystem"\npath = "docs"\nurl = "https://docs.example.com"\n'
    message = error_for(tmp_path, MINIMAL + wiki)
    assert message == (
        "sources.wiki.url: https://docs.example.com is already the url of sources.docs; "
        "each source needs a Content Import Source of its own"
    )
    articles_only = (
        wiki + 'targets = ["articles"]\n[sources.wiki.articles]\nauthor_id = 1\ncollection = "Wiki"\n'
    )
    assert set(load_settings(write_config(tmp_path, MINIMAL + articles_only)).sources) == {"docs", "wiki"}


def test_missing_explicit_config_file(tmp_path: Path) -> None:
    """--config pointing nowhere says so and suggests --config."""
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "absent.toml")


def test_select_sources(tmp_path: Path) -> None:
    """--source picks named sources; an unknown name lists the configured ones."""
    settings = load_settings(write_config(tmp_path, MINIMAL))
    assert [source.name for source in settings.select(None)] == ["docs"]
    with pytest.raises(ConfigError, match="unknown source 'faq' \\(configured: docs\\)"):
        settings.select(["faq"])
