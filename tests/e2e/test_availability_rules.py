"""Availability as code, end to end: rules by path glob and by front matter over the source's keys,
their precedence, and a changed rule touching exactly the pages whose availability it changes, once:
a bulk action where the version has them (2.16, Preview), the page sent again on 2.15."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from contract import validate_recorded

from ingest.emulator import EmulatorConfig, RecordedRequest, RunningEmulator, start_emulator
from tests.e2e.conftest import SOURCE_READ, TOKEN, SyncedProject, endpoints, write_config

BULK = "/content/bulk_actions"
PAGES = "/ai/external_pages"
#: (AI Agent, Copilot, Fin for sales)
FLAGS = tuple[bool, bool, bool]


class Project(SyncedProject):
    """A docs folder with rules in its config, at one API version, and the emulator."""

    def __init__(self, tmp_path: Path, emulator: RunningEmulator, api_version: str) -> None:
        self.tmp_path = tmp_path
        self.docs = tmp_path / "docs"
        self.docs.mkdir(exist_ok=True)
        self.emulator = emulator
        self.api_version = api_version
        self.rules("")

    def rules(self, tables: str) -> None:
        """Write the config with these ``[[sources.docs.availability]]`` tables (TOML text)."""
        path = write_config(self.tmp_path, self.emulator.base_url, api_version=self.api_version)
        path.write_text(path.read_text(encoding="utf-8") + tables, encoding="utf-8")
        self.config = path

    def write(self, name: str, front: str = "") -> None:
        path = self.docs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        matter = f"---\n{front}\n---\n" if front else ""
        path.write_text(f"{matter}# {name}\n\nSome text of {name}.\n", encoding="utf-8")

    def bulk_requests(self) -> list[RecordedRequest]:
        return [r for r in self.emulator.requests() if r.method == "POST" and r.path == BULK]

    def posted(self) -> list[str]:
        return sorted(
            r.body["external_id"]
            for r in self.emulator.requests()
            if r.method == "POST" and r.path == PAGES and isinstance(r.body, dict)
        )

    def bulk_items(self) -> list[tuple[dict[str, bool], list[str]]]:
        """Each bulk action: the flags it set and the external ids of its pages."""
        ids = {page["id"]: page["external_id"] for page in self.emulator.pages()}
        items = []
        for request in self.bulk_requests():
            assert isinstance(request.body, dict) and request.body["action"] == "set_availability"
            items.append(
                (
                    request.body["availability"],
                    sorted(ids[item["id"]] for item in request.body["content_ids"]),
                )
            )
        return items

    def availability(self) -> dict[str, FLAGS]:
        self.emulator.flush_bulk_actions()
        return {
            page["external_id"]: (
                page["ai_agent_availability"],
                page["ai_copilot_availability"],
                page["ai_sales_agent_availability"],
            )
            for page in self.emulator.pages()
        }

    def validated(self) -> int:
        return validate_recorded(self.emulator.requests(), version=self.api_version)


@pytest.fixture
async def emulator() -> AsyncIterator[RunningEmulator]:
    async with start_emulator(EmulatorConfig(token=TOKEN, bulk_action_delay_seconds=None)) as running:
        yield running


def project(tmp_path: Path, emulator: RunningEmulator, version: str) -> Project:
    return Project(tmp_path, emulator, version)


INTERNAL_OFF = """
[[sources.docs.availability]]
paths = ["internal/**"]
ai_agent = false
"""

DEEP_OFF = """
[[sources.docs.availability]]
paths = ["internal/deep/**"]
ai_agent = false
"""


def three_documents(at: Project) -> None:
    at.write("public.md")
    at.write("internal/runbook.md")
    at.write("internal/deep/keys.md")


@pytest.mark.parametrize("version", ["2.16", "Preview"])
async def test_a_path_rule_keeps_internal_pages_from_fin_and_its_change_is_one_bulk_action(
    tmp_path: Path, emulator: RunningEmulator, version: str
) -> None:
    """``internal/**`` without Fin: the internal pages are created with the AI Agent off from their
    first request. Narrowing the rule to ``internal/deep/**`` re-sends no page and converts only the
    one document it changes: one bulk action naming that page alone; the run after sends nothing."""
    at = project(tmp_path, emulator, version)
    three_documents(at)
    at.rules(INTERNAL_OFF)
    first = await at.sync_fresh()
    assert first.ok and first.counts.created == 3, first.failures
    sent = {
        r.body["external_id"]: r.body["ai_agent_availability"]
        for r in at.emulator.requests()
        if r.path == PAGES and isinstance(r.body, dict)
    }
    assert sent == {"public.md": True, "internal/runbook.md": False, "internal/deep/keys.md": False}
    assert at.availability()["internal/runbook.md"][:2] == (False, True)
    assert (await at.sync_fresh()).counts.availability == 0
    assert endpoints(at.emulator) == SOURCE_READ

    at.rules(DEEP_OFF)
    changed = await at.sync_fresh()
    assert changed.ok, changed.failures
    assert (changed.converted, changed.counts.updated, changed.counts.availability) == (1, 0, 1)
    assert at.posted() == []
    assert at.bulk_items() == [({"ai_agent": True}, ["internal/runbook.md"])]
    assert at.validated() == 2  # the source looked up, the bulk action
    assert at.availability() == {
        "public.md": (True, True, False),
        "internal/runbook.md": (True, True, False),
        "internal/deep/keys.md": (False, True, False),
    }
    again = await at.sync_fresh()
    assert (again.converted, again.counts.availability) == (0, 0)
    assert endpoints(at.emulator) == SOURCE_READ


async def test_on_2_15_a_changed_rule_sends_again_exactly_the_pages_it_changes(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    """2.15 has no bulk action: the page whose flags a rule changes is sent again, alone, with them."""
    at = project(tmp_path, emulator, "2.15")
    three_documents(at)
    at.rules(INTERNAL_OFF)
    assert (await at.sync_fresh()).counts.created == 3
    at.rules(DEEP_OFF)
    changed = await at.sync_fresh()
    assert changed.ok and (changed.converted, changed.counts.updated) == (1, 1), changed.failures
    assert at.posted() == ["internal/runbook.md"] and at.bulk_requests() == []
    assert at.validated() == 2
    assert at.availability()["internal/runbook.md"][:2] == (True, True)
    assert at.availability()["internal/deep/keys.md"][:2] == (False, True)
    again = await at.sync_fresh()
    assert (again.converted, again.counts.updated) == (0, 0)
    assert endpoints(at.emulator) == SOURCE_READ


FRONT_MATTER_RULE = """
[[sources.docs.availability]]
front_matter = { visibility = "internal" }
ai_agent = false
ai_sales_agent = false

[[sources.docs.availability]]
front_matter = { audience = ["sales", "partners"] }
ai_sales_agent = true
"""


async def test_front_matter_rules_match_values_and_lists_and_later_rules_win(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    """A rule matches a front matter value (a list in the rule: any of them); a document two rules
    match gets each flag from the later one; a value change in the rules reads again only the
    documents whose availability it changes."""
    at = project(tmp_path, emulator, "2.16")
    at.write("a.md", "visibility: internal")
    at.write("b.md", "audience: sales")
    at.write("c.md", "visibility: internal\naudience: partners")
    at.write("d.md", "visibility: public")
    at.rules(FRONT_MATTER_RULE)
    assert (await at.sync_fresh()).ok
    assert at.availability() == {
        "a.md": (False, True, False),
        "b.md": (True, True, True),
        "c.md": (False, True, True),  # Fin off from the first rule, Fin for sales on from the later
        "d.md": (True, True, False),
    }

    at.rules(FRONT_MATTER_RULE.replace('visibility = "internal"', 'visibility = "public"'))
    changed = await at.sync_fresh()
    assert changed.ok and changed.counts.updated == 0, changed.failures
    # a.md and c.md lose the rule, d.md gains it: only they are read again, b.md is not.
    assert changed.converted == 3
    assert sorted(at.bulk_items(), key=repr) == [
        ({"ai_agent": False}, ["d.md"]),
        ({"ai_agent": True}, ["a.md", "c.md"]),
    ]
    assert at.availability()["d.md"] == (False, True, False)
    assert at.availability()["a.md"] == (True, True, False)
    assert (await at.sync_fresh()).converted == 0
    assert endpoints(at.emulator) == SOURCE_READ


async def test_a_rule_naming_a_new_front_matter_key_reads_each_document_once(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    """The values of a key no rule named before are not in state: each document is read once (no
    page sent again), the matching ones are set in bulk, and the run after reads nothing."""
    at = project(tmp_path, emulator, "2.16")
    at.write("a.md", "team: support")
    at.write("b.md", "team: billing")
    at.write("c.md")
    assert (await at.sync_fresh()).counts.created == 3
    at.rules('\n[[sources.docs.availability]]\nfront_matter = { team = "billing" }\nai_copilot = false\n')
    changed = await at.sync_fresh()
    assert changed.ok and (changed.converted, changed.counts.updated) == (3, 0)
    assert at.bulk_items() == [({"copilot": False}, ["b.md"])]
    assert (await at.sync_fresh()).converted == 0


async def test_a_rule_wins_over_the_document_own_front_matter(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    """A page under ``internal/**`` saying ``ai_agent: true`` of itself stays away from Fin; a flag
    the rule does not set keeps the document's own word, and the source's keys come last."""
    at = project(tmp_path, emulator, "2.16")
    at.write("internal/leak.md", "ai_agent: true\nai_copilot: false")
    at.write("faq.md", "ai_agent: false")
    at.rules(INTERNAL_OFF)
    assert (await at.sync_fresh()).ok
    assert at.availability() == {"internal/leak.md": (False, False, False), "faq.md": (False, True, False)}


async def test_a_rule_matching_no_document_is_a_warning_naming_it(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    """A rule no document matches (a misspelt folder) warns, naming it, and fails nothing."""
    at = project(tmp_path, emulator, "2.16")
    three_documents(at)
    at.rules(INTERNAL_OFF + '\n[[sources.docs.availability]]\npaths = ["intrenal/**"]\nai_copilot = false\n')
    result = await at.sync_fresh()
    assert result.ok
    messages = [(w.locator, w.message) for w in result.warnings]
    assert messages == [
        (
            "sources.docs",
            'availability.1 ({"ai_copilot":false,"front_matter":{},"paths":["intrenal/**"]}) matches no '
            "document of the source",
        )
    ]
    assert (await at.sync_fresh()).warnings == []  # said when the rules change, not every night


async def test_removing_the_rules_gives_the_pages_back_the_source_keys(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    """Rules removed: the pages they set are set back to the source's keys, once, in bulk."""
    at = project(tmp_path, emulator, "2.16")
    three_documents(at)
    at.rules(INTERNAL_OFF)
    await at.sync_fresh()
    at.rules("")
    changed = await at.sync_fresh()
    assert changed.ok and changed.converted == 2
    assert at.bulk_items() == [({"ai_agent": True}, ["internal/deep/keys.md", "internal/runbook.md"])]
    assert (await at.sync_fresh()).converted == 0
    assert endpoints(at.emulator) == SOURCE_READ


async def test_rules_apply_to_help_center_articles_planned_whole(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    """Articles are planned whole, not streamed: a rule gives an article its flags in its own request
    (2.16), and its change updates exactly that article, once, carrying them."""
    from tests.e2e.test_availability_articles import Project as Articles

    articles = Articles(tmp_path, emulator, "articles")
    rule = '\n[[sources.docs.availability]]\npaths = ["internal*"]\nai_agent = false\n'

    def configure(paths: str) -> None:
        articles.configure()
        articles.config.write_text(
            articles.config.read_text(encoding="utf-8").replace(
                "\n[sources.docs.articles]", rule.replace('"internal*"', paths) + "\n[sources.docs.articles]"
            ),
            encoding="utf-8",
        )

    articles.write("internal.md")
    articles.write("guide.md")
    configure('"internal*"')
    assert (await articles.sync()).ok
    assert articles.held() == {"internal.md": (False, True, False), "guide.md": (True, True, False)}
    configure('"nothing*"')
    changed = await articles.sync()
    assert changed.ok and (changed.converted, changed.counts.updated) == (1, 1), changed.failures
    assert [r.method for r in articles.writes()] == ["PUT"]
    assert articles.held()["internal.md"] == (True, True, False)
    again = await articles.sync()
    assert (again.converted, again.counts.updated, articles.writes()) == (0, 0, [])
