"""Configuration of the soft delete: ``on_delete`` and ``withdraw_days`` per source, each mistake one
sentence naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.config import load_settings
from ingest.errors import ConfigError


def config(tmp_path: Path, keys: str, *, version: str = "2.16", targets: str | None = None) -> Path:
    (tmp_path / "docs").mkdir(exist_ok=True)
    path = tmp_path / "ingest.toml"
    source = '[sources.docs]\nconnector = "filesystem"\npath = "docs"\nurl = "https://docs.example.com"\n'
    if targets is not None:
        source += f"targets = {targets}\n"
    path.write_text(
        f'[intercom]\nbase_url = "http://127.0.0.1:8111"\napi_version = "{version}"\n\n{source}{keys}',
        encoding="utf-8",
    )
    return path


def refusal(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert "\n" not in message.strip(), message
    return message


def test_pages_are_deleted_unless_the_source_says_withdraw(tmp_path: Path) -> None:
    settings = load_settings(config(tmp_path, "")).sources["docs"].settings
    assert (settings.on_delete, settings.withdraw_days) == ("delete", 30.0)


@pytest.mark.parametrize("version", ["2.16", "Preview"])
@pytest.mark.parametrize(("written", "days"), [("7", 7.0), ("0.5", 0.5)])
def test_withdraw_with_a_number_of_days(tmp_path: Path, version: str, written: str, days: float) -> None:
    path = config(tmp_path, f'on_delete = "withdraw"\nwithdraw_days = {written}\n', version=version)
    settings = load_settings(path).sources["docs"].settings
    assert (settings.on_delete, settings.withdraw_days) == ("withdraw", days)


@pytest.mark.parametrize("written", ["0", "-3", '"soon"', "true", "nan", "inf"])
def test_withdraw_days_must_be_a_positive_number(tmp_path: Path, written: str) -> None:
    message = refusal(config(tmp_path, f'on_delete = "withdraw"\nwithdraw_days = {written}\n'))
    assert "sources.docs.withdraw_days" in message and "must be a positive number of days" in message


def test_an_unknown_on_delete_names_the_two_choices(tmp_path: Path) -> None:
    message = refusal(config(tmp_path, 'on_delete = "archive"\n'))
    assert "sources.docs.on_delete" in message and '"delete" or "withdraw"' in message


def test_withdraw_days_without_withdraw_is_refused(tmp_path: Path) -> None:
    message = refusal(config(tmp_path, "withdraw_days = 3\n"))
    assert "withdraw_days: set, but on_delete is" in message


def test_withdraw_keeps_external_pages_only(tmp_path: Path) -> None:
    keys = 'on_delete = "withdraw"\n\n[sources.docs.internal_articles]\nowner_id = 1\n'
    message = refusal(config(tmp_path, keys, targets='["external_pages", "internal_articles"]'))
    assert "on_delete" in message and '"internal_articles"' in message


def test_withdraw_with_2_15_names_api_version(tmp_path: Path) -> None:
    message = refusal(config(tmp_path, 'on_delete = "withdraw"\n', version="2.15"))
    assert message.startswith("sources.docs.on_delete:")
    assert "intercom.api_version to 2.16 or Preview" in message
