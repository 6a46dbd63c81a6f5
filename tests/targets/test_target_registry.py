"""The target registry: one declaration per target, read by the settings and by the runner."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.config import Settings, load_settings
from ingest.errors import ConfigError
from ingest.intercom import IntercomClient
from ingest.plan import Plan
from ingest.runner import target_factory
from ingest.state import StateStore
from ingest.targets.articles.planning import ArticlesPlanner
from ingest.targets.articles.sending import ArticlesSender
from ingest.targets.articles.settings import ArticlesSettings
from ingest.targets.base import BoundTarget
from ingest.targets.external_pages.planning import ExternalPagesPlanner
from ingest.targets.external_pages.sending import ExternalPagesSender
from ingest.targets.internal_articles.settings import InternalArticlesSettings
from ingest.targets.registry import TARGETS, target_names, target_spec

BOTH = """
[intercom]
base_url = "http://127.0.0.1:9"

[sources.docs]
connector = "filesystem"
path = "docs"
targets = ["external_pages", "articles"]
url = "https://docs.example.com"

[sources.docs.articles]
author_id = 1
collection = "Handbook"
"""


def load(tmp_path: Path, text: str = BOTH) -> Settings:
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "ingest.toml").write_text(text, encoding="utf-8")
    return load_settings(tmp_path / "ingest.toml")


def error_for(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    return str(caught.value)


def test_names_are_declared_once() -> None:
    """Each target has one declaration, found by its name."""
    assert target_names() == ("external_pages", "articles", "internal_articles")
    assert all(target_spec(spec.name) is spec for spec in TARGETS)
    assert target_spec("articles").settings_model is ArticlesSettings
    assert target_spec("internal_articles").settings_model is InternalArticlesSettings
    assert target_spec("external_pages").settings_model is None


def test_a_config_of_today_reads_unchanged(tmp_path: Path) -> None:
    """Both targets with an articles table: the table is validated by the articles model and
    is not handed to the connector as one of its options."""
    source = load(tmp_path).sources["docs"]
    assert source.settings.targets == ("external_pages", "articles")
    assert source.target_tables == {"articles": ArticlesSettings(author_id=1, collection="Handbook")}
    assert "articles" not in source.settings.connector_keys()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ('targets = ["external_pages", "articles"]', 'targets = ["articles", "pdf"]'),
            'sources.docs.targets: unknown target "pdf"; the targets are external_pages, articles, '
            "internal_articles",
        ),
        (
            ('targets = ["external_pages", "articles"]', 'targets = ["external_pages"]'),
            'sources.docs.articles: set, but targets does not include "articles"',
        ),
        (("author_id = 1\n", ""), "sources.docs.articles.author_id: required key is missing"),
        (("author_id = 1\n", 'author_id = 1\ncolour = "red"\n'), "sources.docs.articles.colour: unknown key"),
        (
            ('url = "https://docs.example.com"\n', ""),
            "sources.docs.url: required for the external_pages target",
        ),
    ],
)
def test_each_target_is_checked_by_its_declaration(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    """Unknown names, a table without its target, the table's own keys, and a target's
    requirements of the source's keys: one line naming the key."""
    assert error_for(tmp_path, BOTH.replace(*change)).startswith(expected)


def test_a_target_with_a_table_needs_it(tmp_path: Path) -> None:
    """Listing articles without its table is one line saying which table to add."""
    text = BOTH.split("[sources.docs.articles]")[0]
    assert error_for(tmp_path, text) == (
        'sources.docs.articles: a [sources.<name>.articles] table is required for the "articles" target'
    )


async def test_the_runner_builds_each_listed_target_from_its_declaration(tmp_path: Path) -> None:
    """With a client, each target joins its planning half and its sending half; the sending half
    gets the typed state of its own source and target."""
    source = load(tmp_path).sources["docs"]
    with StateStore(tmp_path / "ingest.db") as state:
        async with IntercomClient(base_url="http://127.0.0.1:9", token="t") as client:
            targets = target_factory(client, state)(source)
    assert [target.name for target in targets] == ["external_pages", "articles"]
    pages, articles = targets
    assert isinstance(pages, BoundTarget) and isinstance(articles, BoundTarget)
    assert isinstance(pages.planner, ExternalPagesPlanner) and isinstance(pages.sender, ExternalPagesSender)
    assert isinstance(articles.planner, ArticlesPlanner) and isinstance(articles.sender, ArticlesSender)
    assert articles.planner.settings == ArticlesSettings(author_id=1, collection="Handbook")


async def test_a_target_built_to_plan_cannot_send(tmp_path: Path) -> None:
    """Without a client (``ingest plan``, --dry-run) a target hashes pages but refuses to send."""
    source = load(tmp_path).sources["docs"]
    with StateStore(tmp_path / "ingest.db") as state:
        (pages, _) = target_factory(None, state)(source)
    assert pages.settings_digest() == ExternalPagesPlanner(url="https://docs.example.com").settings_digest()
    with pytest.raises(RuntimeError, match="the external_pages target was built for planning only"):
        await pages.prepare(Plan(source="docs", target="external_pages"))


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("COLLECTION", "2024", {"collection": "2024"}),
        ("COLLECTION", '"Handbook"', {"collection": '"Handbook"'}),
        ("DEFAULT_LOCALE", "1", {"default_locale": "1"}),
        ("AUTHOR_ID", "7", {"author_id": 7}),
        ("STATE", "published", {"state": "published"}),
    ],
)
def test_a_target_table_key_from_the_environment_is_read_by_its_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: dict[str, object]
) -> None:
    """``INGEST_SOURCES__DOCS__ARTICLES__COLLECTION=2024`` names the collection "2024", as
    ``collection = "2024"`` in the file does: a table's value is read as its key's type says,
    not decoded as JSON into a number the string key then refuses."""
    monkeypatch.setenv(f"INGEST_SOURCES__DOCS__ARTICLES__{variable}", value)
    table = load(tmp_path).sources["docs"].target_tables["articles"]
    assert table == ArticlesSettings(author_id=1, collection="Handbook").model_copy(update=expected)
