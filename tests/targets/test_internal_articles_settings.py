"""The internal articles table, as the configuration reads it, and the target the runner builds from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.config import Settings, load_settings
from ingest.errors import ConfigError
from ingest.intercom import IntercomClient
from ingest.runner import target_factory
from ingest.state import StateStore
from ingest.targets.base import BoundTarget
from ingest.targets.internal_articles.planning import InternalArticlesPlanner
from ingest.targets.internal_articles.sending import InternalArticlesSender
from ingest.targets.internal_articles.settings import InternalArticlesSettings

CONFIG = """
[intercom]
base_url = "http://127.0.0.1:9"

[sources.runbooks]
connector = "filesystem"
path = "docs"
targets = ["internal_articles"]

[sources.runbooks.internal_articles]
author_id = 1
"""


def load(tmp_path: Path, text: str = CONFIG) -> Settings:
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "ingest.toml").write_text(text, encoding="utf-8")
    return load_settings(tmp_path / "ingest.toml")


def error_for(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    return str(caught.value)


def test_the_table_is_read_by_its_model_with_its_defaults(tmp_path: Path) -> None:
    """No url is needed; the owner is the author unless named; deletes delete; English."""
    source = load(tmp_path).sources["runbooks"]
    table = source.target_tables["internal_articles"]
    assert table == InternalArticlesSettings(author_id=1)
    assert isinstance(table, InternalArticlesSettings)
    assert (table.owner, table.on_delete, table.default_locale) == (1, "delete", "en")
    assert InternalArticlesSettings(author_id=1, owner_id=2).owner == 2
    assert "internal_articles" not in source.settings.connector_keys()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            'on_delete = "draft"',
            "sources.runbooks.internal_articles.on_delete: internal articles have no draft state in "
            'the Intercom API: "delete" the article or "keep" it',
        ),
        (
            "ai_copilot = true",
            "sources.runbooks.internal_articles.ai_copilot: Intercom API 2.15 cannot set the availability "
            "of internal articles; set intercom.api_version to 2.16 or Preview, or remove the key",
        ),
        (
            "ai_copilot_availability = true",
            "sources.runbooks.internal_articles.ai_copilot_availability: unknown key; the availability "
            "key of this table is ai_copilot",
        ),
        ('state = "published"', "sources.runbooks.internal_articles.state: unknown key"),
        ('owner_id = "me"', "sources.runbooks.internal_articles.owner_id: "),
    ],
)
def test_a_wrong_key_is_one_sentence_naming_it(tmp_path: Path, line: str, expected: str) -> None:
    """What the API cannot do says so (a draft in any version; availability flags in 2.15, spoken
    here); other mistakes name the key."""
    in_2_15 = CONFIG.replace("[intercom]\n", '[intercom]\napi_version = "2.15"\n', 1)
    assert error_for(tmp_path, in_2_15 + line + "\n").startswith(expected)


def test_the_target_needs_its_table(tmp_path: Path) -> None:
    """Listing the target without its table says which table to add."""
    assert error_for(tmp_path, CONFIG.split("[sources.runbooks.internal_articles]")[0]) == (
        "sources.runbooks.internal_articles: a [sources.<name>.internal_articles] table is required "
        'for the "internal_articles" target'
    )


def test_a_key_from_the_environment_is_read_by_the_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """INGEST_SOURCES__RUNBOOKS__INTERNAL_ARTICLES__OWNER_ID=2 sets the owner, as the file would."""
    monkeypatch.setenv("INGEST_SOURCES__RUNBOOKS__INTERNAL_ARTICLES__OWNER_ID", "2")
    monkeypatch.setenv("INGEST_SOURCES__RUNBOOKS__INTERNAL_ARTICLES__ON_DELETE", "keep")
    table = load(tmp_path).sources["runbooks"].target_tables["internal_articles"]
    assert table == InternalArticlesSettings(author_id=1, owner_id=2, on_delete="keep")


async def test_the_runner_builds_both_halves_from_the_registry(tmp_path: Path) -> None:
    """With a client, the planning half from the table and the sending half with the source's own state."""
    source = load(tmp_path).sources["runbooks"]
    with StateStore(tmp_path / "ingest.db") as state:
        async with IntercomClient(base_url="http://127.0.0.1:9", token="t") as client:
            (target,) = target_factory(client, state)(source)
    assert isinstance(target, BoundTarget) and target.name == "internal_articles"
    assert isinstance(target.planner, InternalArticlesPlanner)
    assert isinstance(target.sender, InternalArticlesSender)
    assert target.planner.settings == InternalArticlesSettings(author_id=1)
