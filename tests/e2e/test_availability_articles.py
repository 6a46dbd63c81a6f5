"""Who may use Help Center articles and internal articles, from API 2.16, end to end: sent in their
own requests, overridden by front matter; a change of an internal article's availability is a bulk
action, of an article's an update carrying its flags; requests valid for 2.16."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from contract import validate_recorded
from pydantic import SecretStr

from ingest.config import load_settings
from ingest.emulator import EmulatorConfig, RecordedRequest, RunningEmulator, start_emulator
from ingest.engine import SourceResult
from ingest.errors import ConfigError
from ingest.runner import run_sources
from tests.e2e.conftest import TOKEN

FLAGS = ("ai_chatbot_availability", "ai_copilot_availability", "ai_sales_agent_availability")


class Project:
    """Docs synced at one API version into one target with a table (articles or internal articles)."""

    def __init__(self, tmp_path: Path, emulator: RunningEmulator, target: str) -> None:
        self.tmp_path, self.emulator, self.target = tmp_path, emulator, target
        self.config = tmp_path / "ingest.toml"
        self.docs = tmp_path / "docs"
        self.docs.mkdir()

    def configure(self, version: str = "2.16", *, source: dict[str, Any] | None = None, **table: Any) -> None:
        options = {
            "author_id": 1,
            **({"collection": "Handbook"} if self.target == "articles" else {}),
            **table,
        }
        keys = "".join(f"{key} = {json.dumps(value)}\n" for key, value in (source or {}).items())
        rendered = "".join(f"{key} = {json.dumps(value)}\n" for key, value in options.items())
        self.config.write_text(
            f'[intercom]\nbase_url = "{self.emulator.base_url}"\napi_version = "{version}"\n\n'
            f'[sources.docs]\nconnector = "filesystem"\npath = "docs"\ntargets = ["{self.target}"]\n{keys}\n'
            f"[sources.docs.{self.target}]\n{rendered}",
            encoding="utf-8",
        )

    def write(self, name: str, **front: bool) -> None:
        matter = "".join(f"{key}: {str(value).lower()}\n" for key, value in front.items())
        text = (f"---\n{matter}---\n" if matter else "") + f"# {name}\n\nText of {name}.\n"
        (self.docs / name).write_text(text, encoding="utf-8")

    async def sync(self) -> SourceResult:
        self.emulator.clear_requests()
        settings = load_settings(self.config)
        (result,) = await run_sources(settings, settings.select(None), token=SecretStr(TOKEN))
        return result

    def held(self) -> dict[str, tuple[bool, bool, bool]]:
        """Each article's (Fin, Copilot, Fin for sales), once queued bulk actions are carried out."""
        self.emulator.flush_bulk_actions()
        shown = (
            self.emulator.internal_articles()
            if self.target == "internal_articles"
            else self.emulator.articles()
        )
        return {article["title"]: tuple(article[flag] for flag in FLAGS) for article in shown}  # type: ignore[misc]

    def writes(self) -> list[RecordedRequest]:
        return [r for r in self.emulator.requests() if r.method in ("POST", "PUT", "DELETE")]


@pytest.fixture
async def emulator() -> AsyncIterator[RunningEmulator]:
    async with start_emulator(EmulatorConfig(token=TOKEN, bulk_action_delay_seconds=None)) as running:
        yield running


async def test_internal_articles_are_for_copilot_only_unless_said_otherwise(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    """By default an internal article is available to Copilot, not to the customer-facing agent nor
    Fin for sales; front matter overrides it; every request carries all three flags, valid for 2.16."""
    project = Project(tmp_path, emulator, "internal_articles")
    project.configure()
    project.write("restart.md")
    project.write("billing.md", ai_agent=True)
    result = await project.sync()
    assert result.ok and result.counts.created == 2 and result.counts.availability == 0
    assert project.held() == {"restart.md": (False, True, False), "billing.md": (True, True, False)}
    posts = [r.body for r in project.writes() if r.path == "/internal_articles"]
    assert all(isinstance(body, dict) and set(FLAGS) <= set(body) for body in posts) and len(posts) == 2
    assert validate_recorded(emulator.requests(), version="2.16") >= 3


async def test_a_change_of_an_internal_articles_availability_is_one_bulk_action_and_no_article(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    """Turning Copilot off in the table is one ``internal_article`` bulk action on the articles that
    hold it; nothing is sent again; the run after writes nothing."""
    project = Project(tmp_path, emulator, "internal_articles")
    project.configure()
    project.write("restart.md")
    project.write("secret.md", ai_copilot=False)
    await project.sync()
    project.configure(ai_copilot=False)
    result = await project.sync()
    assert (result.counts.availability, result.counts.updated) == (1, 0)
    (bulk,) = project.writes()
    assert bulk.path == "/content/bulk_actions" and isinstance(bulk.body, dict)
    assert bulk.body["availability"] == {"copilot": False}
    assert [item["type"] for item in bulk.body["content_ids"]] == ["internal_article"]
    assert validate_recorded(emulator.requests(), version="2.16") >= 1
    assert set(project.held().values()) == {(False, False, False)}
    again = await project.sync()
    assert again.counts.availability == 0 and project.writes() == []


async def test_internal_articles_availability_keys_are_refused_with_2_15(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    """2.15 cannot set them: one sentence naming the key and the versions that can."""
    project = Project(tmp_path, emulator, "internal_articles")
    project.configure("2.15", ai_agent=True)
    with pytest.raises(ConfigError) as refused:
        load_settings(project.config)
    assert str(refused.value) == (
        "sources.docs.internal_articles.ai_agent: Intercom API 2.15 cannot set the availability of internal "
        "articles; set intercom.api_version to 2.16 or Preview, or remove the key"
    )


async def test_articles_carry_the_sources_availability_and_a_change_updates_exactly_those_that_differ(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    """An article's create says who may use it (the source's keys, front matter over them); turning the
    AI Agent off updates only the article whose front matter does not already say so, with its flags."""
    project = Project(tmp_path, emulator, "articles")
    project.configure()
    project.write("guide.md")
    project.write("pricing.md", ai_agent=False, ai_sales_agent=True)
    result = await project.sync()
    assert result.ok, result.failures
    assert project.held() == {"guide.md": (True, True, False), "pricing.md": (False, True, True)}
    assert validate_recorded(emulator.requests(), version="2.16") >= 4

    project.configure(source={"ai_agent": False})
    result = await project.sync()
    assert (result.counts.updated, result.counts.unchanged) == (1, 1)
    (put,) = project.writes()
    assert put.method == "PUT" and isinstance(put.body, dict)
    assert {flag: put.body[flag] for flag in FLAGS} == dict(zip(FLAGS, (False, True, False), strict=True))
    assert project.held()["guide.md"] == (False, True, False)
    assert (await project.sync()).counts.updated == 0 and project.writes() == []


async def test_articles_at_2_15_carry_no_availability(tmp_path: Path, emulator: RunningEmulator) -> None:
    """2.15's article requests cannot say it: none is sent, and the requests keep the 2.15 contract."""
    project = Project(tmp_path, emulator, "articles")
    project.configure("2.15")
    project.write("guide.md")
    assert (await project.sync()).ok
    creates = [r.body for r in project.writes() if r.path == "/articles"]
    assert creates and all(isinstance(body, dict) and not set(FLAGS) & set(body) for body in creates)
    assert validate_recorded(emulator.requests(), version="2.15") >= 3
