"""Configuration: TOML, environment overrides, the token, and one clear line per mistake."""

from __future__ import annotations

import traceback
from pathlib import Path

import pytest

from ingest.collect import PathFilter
from ingest.config import SourceSettings, load_settings, token_fix
from ingest.connector import ConnectorOptions
from ingest.errors import ConfigError
from ingest.state import StateStore

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
    assert settings.intercom.api_version == "2.16"
    assert settings.intercom.max_concurrency == 64
    assert settings.intercom.rate_limit_share == 0.5
    assert settings.state.path == tmp_path / "ingest.db"
    source = settings.sources["docs"]
    assert source.settings.include == ("**",)
    assert source.settings.ai_agent is True and source.settings.ai_copilot is True
    assert source.settings.max_delete_share == 0.5
    assert isinstance(source.options, ConnectorOptions)
    assert source.options.path == tmp_path / "docs"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("written", "version"),
    [
        ('"2.15"', "2.15"),
        ('"2.16"', "2.16"),
        ('"Preview"', "Preview"),
        ('"preview"', "Preview"),
        ("2.16", "2.16"),
    ],
)
def test_api_version_names_a_version_fin_ingest_speaks(tmp_path: Path, written: str, version: str) -> None:
    """2.15, 2.16 and Preview (any case; a version written as a TOML number too) are read as such."""
    text = MINIMAL.replace("[intercom]", f"[intercom]\napi_version = {written}")
    assert load_settings(write_config(tmp_path, text)).intercom.api_version == version


async def test_the_rate_limit_share_reaches_the_client(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """intercom.rate_limit_share is the share of each window the client's limiter takes."""
    from ingest.runner import make_client

    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", "t")
    settings = load_settings(
        write_config(tmp_path, MINIMAL.replace("[intercom]", "[intercom]\nrate_limit_share = 0.3"))
    )
    async with make_client(settings) as client:
        assert client.rate_limiter.share == 0.3


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
        (
            ("[sources.docs]", '[sources.docs]\ntargets = ["pdf"]'),
            'sources.docs.targets: unknown target "pdf"; the targets are external_pages, articles',
        ),
        (('url = "https://docs.example.com"', 'url = "docs"'), "sources.docs.url: must be an http(s) URL"),
        (
            ('url = "https://docs.example.com"', 'url = "http://localhost:8000"'),
            "sources.docs.url: localhost is not a public domain name",
        ),
        (
            ('url = "https://docs.example.com"', 'url = "http://10.0.0.7/docs"'),
            "sources.docs.url: 10.0.0.7 is an IP address",
        ),
        (
            ('url = "https://docs.example.com"', 'url = "https://docs.internal"'),
            "sources.docs.url: docs.internal is not a public domain name (.internal is no public",
        ),
        (
            ('url = "https://docs.example.com"', 'url = "https://wiki.acme.corp/space"'),
            "sources.docs.url: wiki.acme.corp is not a public domain name (.corp",
        ),
        (("[intercom]", "[intercom]\ncolour = 1"), "intercom.colour: unknown key"),
        (("[intercom]", '[intercom]\nregion = "mars"'), "intercom.region:"),
        (
            ("[intercom]", '[intercom]\napi_version = "2.17"'),
            "intercom.api_version: must be one of 2.15, 2.16, Preview (the Intercom versions fin-ingest "
            "speaks), not '2.17'",
        ),
        (("[intercom]", "[intercom]\napi_version = 2.14"), "intercom.api_version: must be one of"),
        (("[intercom]", '[intercom]\napi_version = "Unstable"'), "intercom.api_version: must be one of"),
        (("[intercom]", "[intercom]\nmax_concurrency = 0"), "intercom.max_concurrency:"),
        (
            ("[intercom]", "[intercom]\nrate_limit_share = 0"),
            "intercom.rate_limit_share: must be more than 0, not 0",
        ),
        (
            ("[intercom]", "[intercom]\nrate_limit_share = 1.5"),
            "intercom.rate_limit_share: must be at most 1, not 1.5",
        ),
        (
            ('connector = "filesystem"', 'connector = "ftp"'),
            "sources.docs.connector: unknown connector 'ftp'",
        ),
        (('path = "docs"', 'path = "ingest.toml"'), "sources.docs.path: path "),
        (('path = "docs"', 'path = "docs"\ncolour = 1'), "sources.docs.colour: unknown key"),
        (("[sources.docs]", "[sources.docs]\nmax_delete_share = 2"), "sources.docs.max_delete_share:"),
        (
            ("[sources.docs]", "[sources.docs]\nmax_document_bytes = 10"),
            "sources.docs.max_document_bytes: must be at least 1024, not 10",
        ),
        (
            ("[sources.docs]", "[sources.docs]\nmax_convert_seconds = 0"),
            "sources.docs.max_convert_seconds: must be more than 0, not 0",
        ),
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


PASTED_TOKEN = "dG9rOmFiY2RlZi1TRUNSRVQtdG9rZW4tOTk5"


def token_file_error(tmp_path: Path, token_file: str) -> ConfigError:
    text = MINIMAL.replace("[intercom]", f'[intercom]\ntoken_file = "{token_file}"')
    settings = load_settings(write_config(tmp_path, text))
    with pytest.raises(ConfigError) as caught:
        settings.access_token()
    return caught.value


@pytest.mark.parametrize(
    ("made_as", "reason"),
    [
        (None, "cannot be read: No such file or directory"),
        ("folder", "cannot be read: Is a directory"),
        (b"\xff\xfe\x00tok", "is not UTF-8 text; it must hold only the token"),
        (b" \n", "is empty"),
    ],
)
def test_token_file_value_is_never_echoed(tmp_path: Path, made_as: bytes | str | None, reason: str) -> None:
    """A token pasted into token_file by mistake is not printed back, nor chained into a traceback."""
    named = tmp_path / PASTED_TOKEN
    if made_as == "folder":
        named.mkdir()
    elif isinstance(made_as, bytes):
        named.write_bytes(made_as)
    error = token_file_error(tmp_path, PASTED_TOKEN)
    assert str(error) == f"intercom.token_file: the file it names {reason}"
    assert PASTED_TOKEN not in "".join(traceback.format_exception(error))  # as -vv would log it


def test_token_file_from_the_environment_is_never_echoed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """INGEST_INTERCOM__TOKEN_FILE holding a token: the same sentence, without the value."""
    monkeypatch.setenv("INGEST_INTERCOM__TOKEN_FILE", "sk-SECRET-abc123")
    settings = load_settings(write_config(tmp_path, MINIMAL))
    with pytest.raises(ConfigError) as caught:
        settings.access_token()
    assert (
        str(caught.value)
        == "intercom.token_file: the file it names cannot be read: No such file or directory"
    )


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        (
            "INGEST_SOURCES__DOCS__INCLUDE",
            "**/*.md",
            "sources.docs.include: environment variable INGEST_SOURCES__DOCS__INCLUDE must hold JSON "
            'for a list key, e.g. ["a", "b"]',
        ),
        (
            "INGEST_SOURCES__DOCS__TARGETS",
            "articles",
            "sources.docs.targets: environment variable INGEST_SOURCES__DOCS__TARGETS must hold JSON "
            'for a list key, e.g. ["a", "b"]',
        ),
        (
            "INGEST_INTERCOM",
            "notjson",
            "intercom: environment variable INGEST_INTERCOM must hold JSON for a table key, "
            'e.g. {"key": "value"}',
        ),
        (
            "INGEST_SOURCES",
            "notjson",
            "sources: environment variable INGEST_SOURCES must hold JSON for a table key, "
            'e.g. {"key": "value"}',
        ),
    ],
)
def test_environment_value_that_is_not_json_names_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    """A list or table key set from the environment must be JSON: one line naming key and variable."""
    monkeypatch.setenv(variable, value)
    message = error_for(tmp_path, MINIMAL)
    assert message == expected
    assert value not in message


def test_environment_json_lists_still_work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The JSON form of a list, with a scalar beside it that is not JSON, is read as before."""
    monkeypatch.setenv("INGEST_SOURCES__DOCS__INCLUDE", '["**/*.{md,txt}"]')
    monkeypatch.setenv("INGEST_SOURCES__DOCS__URL_TEMPLATE", "https://git.example.com/{path}")
    source = load_settings(write_config(tmp_path, MINIMAL)).sources["docs"].settings
    assert source.include == ("**/*.{md,txt}",)
    assert source.url_template == "https://git.example.com/{path}"


def test_state_path_that_is_a_folder_is_refused(tmp_path: Path) -> None:
    """state.path naming a folder, or a place below a file, is one line naming state.path."""
    folder, config = tmp_path / "docs", tmp_path / "ingest.toml"
    message = error_for(tmp_path, '[state]\npath = "docs"\n' + MINIMAL)
    assert message == f"state.path: {folder} is a folder; name a file in it, e.g. {folder / 'ingest.db'}"
    message = error_for(tmp_path, '[state]\npath = "ingest.toml/state.db"\n' + MINIMAL)
    assert message == f"state.path: {config} is a file, so {config / 'state.db'} cannot be created"


def test_state_file_that_sqlite_cannot_open_is_a_config_error(tmp_path: Path) -> None:
    """A folder (made after the config was read) or a file that is no database: one line, no sqlite3 error."""
    with pytest.raises(ConfigError) as caught:
        StateStore(tmp_path)
    assert str(caught.value) == f"state.path: cannot open the state file {tmp_path}: it is a folder"
    not_a_database = tmp_path / "notes.txt"
    not_a_database.write_text("x" * 200)
    with pytest.raises(ConfigError) as caught:
        StateStore(not_a_database)
    assert (
        str(caught.value)
        == f"state.path: cannot use {not_a_database} as the state file: file is not a database"
    )


@pytest.mark.parametrize(
    "template", ["docs.example.com/{path}", "javascript:alert('{path}')", "https:///{path}", "ftp://h/{path}"]
)
def test_url_template_must_be_an_http_url(tmp_path: Path, template: str) -> None:
    """url_template is each page's public link: http(s) with a host, like url."""
    message = error_for(
        tmp_path, MINIMAL.replace("[sources.docs]", f'[sources.docs]\nurl_template = "{template}"')
    )
    assert message == (
        "sources.docs.url_template: must be an http(s) URL, e.g. https://host/blob/main/{path} "
        "(it is each page's public link)"
    )


def test_url_template_may_have_placeholders_in_the_host() -> None:
    """A placeholder may stand for (part of) the host."""
    settings = SourceSettings(
        connector="git", url="https://docs.example.com", url_template="https://{ref}.example.com/{path}"
    )
    assert settings.url_template == "https://{ref}.example.com/{path}"


@pytest.mark.parametrize(
    ("key", "pattern", "expected"),
    [
        ("include", "/**/*.md", '"/**/*.md" never matches: NOTE no leading "/" (write "**/*.md")'),
        ("include", "./**/*.md", '"./**/*.md" never matches: NOTE no leading "./" (write "**/*.md")'),
        ("exclude", "!/drafts/**", '"!/drafts/**" never matches: NOTE no leading "/" (write "!drafts/**")'),
        ("exclude", "../other/*.md", '"../other/*.md" never matches: NOTE no leading "../"'),
    ],
)
def test_globs_that_can_never_match_are_refused(
    tmp_path: Path, key: str, pattern: str, expected: str
) -> None:
    """Document paths are relative POSIX paths: a glob with a leading "/" or "./" would match nothing."""
    text = MINIMAL.replace("[sources.docs]", f'[sources.docs]\n{key} = ["**", "{pattern}"]')
    expected = expected.replace("NOTE", "document paths are relative to the source, with")
    assert error_for(tmp_path, text) == f"sources.docs.{key}: {expected}"


def test_globs_expand_braces(tmp_path: Path) -> None:
    """**/*.{md,txt} takes both extensions; a dotted folder name is not mistaken for "./"."""
    text = MINIMAL.replace("[sources.docs]", '[sources.docs]\ninclude = ["**/*.{md,txt}", ".github/*.md"]')
    source = load_settings(write_config(tmp_path, text)).sources["docs"].settings
    path_filter = PathFilter(source.include, source.exclude)
    assert path_filter("guides/a.md") and path_filter("a.txt") and path_filter(".github/b.md")
    assert not path_filter("a.html")


def test_a_refused_token_is_fixed_where_it_came_from(monkeypatch: pytest.MonkeyPatch) -> None:
    """The 401 advice names the variable when it is set, else the token file the token was read from."""
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", "tok-from-env")
    assert token_fix() == "set INTERCOM_ACCESS_TOKEN to a valid token"
    monkeypatch.delenv("INTERCOM_ACCESS_TOKEN")
    assert token_fix().startswith("the token was read from the file intercom.token_file names")
