"""Configuration of the owner tag: `[intercom] owner_tag_id`: off by default, from 2.16 only."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.config import load_settings
from ingest.errors import ConfigError


def config(tmp_path: Path, *, version: str | None = None, tag: str | None = None) -> Path:
    (tmp_path / "docs").mkdir(exist_ok=True)
    path = tmp_path / "ingest.toml"
    intercom = f'api_version = "{version}"\n' if version is not None else ""
    intercom += f"owner_tag_id = {tag}\n" if tag is not None else ""
    path.write_text(
        f'[intercom]\nbase_url = "http://127.0.0.1:8111"\n{intercom}\n'
        '[sources.docs]\nconnector = "filesystem"\npath = "docs"\nurl = "https://docs.example.com"\n',
        encoding="utf-8",
    )
    return path


def refusal(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    return str(caught.value)


def test_no_owner_tag_unless_configured(tmp_path: Path) -> None:
    """Off by default: nothing is tagged unless the configuration names a tag."""
    assert load_settings(config(tmp_path)).intercom.owner_tag_id is None


@pytest.mark.parametrize("version", ["2.16", "Preview"])
@pytest.mark.parametrize("written", ["123456", '"123456"'])
def test_a_tag_id_is_taken_from_2_16(tmp_path: Path, version: str, written: str) -> None:
    """2.16 and Preview can tag (bulk actions); the id may be written as a number or a string of digits."""
    assert load_settings(config(tmp_path, version=version, tag=written)).intercom.owner_tag_id == 123456


def test_an_owner_tag_with_2_15_is_one_sentence_naming_the_key_and_the_versions_that_can(
    tmp_path: Path,
) -> None:
    """Refused before anything runs, rather than silently never put on anything."""
    assert refusal(config(tmp_path, version="2.15", tag="7")) == (
        "intercom.owner_tag_id: Intercom API 2.15 cannot tag content (tags are put on pages and articles "
        "with bulk actions, from 2.16); set intercom.api_version to 2.16 or Preview, or remove the key"
    )


@pytest.mark.parametrize("written", ['"fin-ingest"', "0", "-3", "true", "1.5"])
def test_what_is_no_tag_id_is_one_sentence_naming_the_key(tmp_path: Path, written: str) -> None:
    """A tag's name instead of its id (or a number no tag has) is refused in one sentence."""
    message = refusal(config(tmp_path, tag=written))
    assert message.startswith(
        "intercom.owner_tag_id: must be the id of an existing tag (a positive number, e.g. 123456; not its "
        "name), not "
    )
    assert "\n" not in message


def test_the_environment_sets_the_owner_tag_as_the_file_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """INGEST_INTERCOM__OWNER_TAG_ID=42."""
    monkeypatch.setenv("INGEST_INTERCOM__OWNER_TAG_ID", "42")
    assert load_settings(config(tmp_path)).intercom.owner_tag_id == 42
