"""Configuration of who may use the content: the source's three keys, and what the API version can do."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.config import load_settings
from ingest.errors import ConfigError


def config(tmp_path: Path, *, version: str | None = None, source: str = "", tables: str = "") -> Path:
    (tmp_path / "docs").mkdir(exist_ok=True)
    path = tmp_path / "ingest.toml"
    intercom = f'api_version = "{version}"\n' if version is not None else ""
    path.write_text(
        f'[intercom]\nbase_url = "http://127.0.0.1:8111"\n{intercom}\n'
        f'[sources.docs]\nconnector = "filesystem"\npath = "docs"\nurl = "https://docs.example.com"\n{source}\n'
        f"{tables}",
        encoding="utf-8",
    )
    return path


def refusal(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    return str(caught.value)


def test_fin_for_sales_is_off_unless_the_source_says_so(tmp_path: Path) -> None:
    """Intercom's own default: pages are not for Fin for sales; AI Agent and Copilot are on."""
    settings = load_settings(config(tmp_path)).sources["docs"].settings
    assert (settings.ai_agent, settings.ai_copilot, settings.ai_sales_agent) == (True, True, False)


@pytest.mark.parametrize("version", ["2.16", "Preview"])
def test_fin_for_sales_can_be_asked_for_from_2_16(tmp_path: Path, version: str) -> None:
    """2.16 (bulk actions) and Preview (the page's request) can set it."""
    settings = load_settings(config(tmp_path, version=version, source="ai_sales_agent = true\n"))
    assert settings.sources["docs"].settings.ai_sales_agent is True


def test_fin_for_sales_with_2_15_is_one_sentence_naming_the_key_and_the_versions_that_can(
    tmp_path: Path,
) -> None:
    """Refused before anything runs, rather than silently never set."""
    assert refusal(config(tmp_path, version="2.15", source="ai_sales_agent = true\n")) == (
        "sources.docs.ai_sales_agent: Intercom API 2.15 cannot make content available to Fin for sales; "
        "set intercom.api_version to 2.16 or Preview"
    )


def test_an_api_version_fin_ingest_does_not_speak_is_refused(tmp_path: Path) -> None:
    """One sentence naming the key and the versions it takes."""
    assert refusal(config(tmp_path, version="2.14")) == (
        "intercom.api_version: must be one of 2.15, 2.16, Preview (the Intercom versions fin-ingest "
        "speaks), not '2.14'"
    )


def test_the_environment_sets_fin_for_sales_as_the_file_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """INGEST_SOURCES__DOCS__AI_SALES_AGENT=true with INGEST_INTERCOM__API_VERSION=2.16."""
    monkeypatch.setenv("INGEST_SOURCES__DOCS__AI_SALES_AGENT", "true")
    monkeypatch.setenv("INGEST_INTERCOM__API_VERSION", "2.16")
    assert load_settings(config(tmp_path)).sources["docs"].settings.ai_sales_agent is True


def test_internal_articles_take_their_own_availability_from_2_16(tmp_path: Path) -> None:
    """Their table's keys, Copilot only by default; with 2.16 they may be set."""
    table = "[sources.docs.internal_articles]\nauthor_id = 1\nai_agent = true\n"
    path = config(tmp_path, version="2.16", source='targets = ["internal_articles"]\n', tables=table)
    settings = load_settings(path).sources["docs"].target_tables["internal_articles"]
    assert (settings.ai_agent, settings.ai_copilot, settings.ai_sales_agent) == (True, True, False)  # type: ignore[attr-defined]
