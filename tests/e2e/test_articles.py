"""Help Center articles in the emulator: nested collections, translations, policies, no duplicates."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from contract import validate_recorded
from pydantic import SecretStr

from ingest.config import load_settings
from ingest.emulator import EmulatorConfig, EmulatorHelpCenter, RunningEmulator
from ingest.engine import Engine, SourceResult
from ingest.errors import ConfigError
from ingest.intercom import IntercomClient
from ingest.plan import Plan
from ingest.runner import build_connector, make_client, run_sources, target_factory
from ingest.state import StateStore
from ingest.targets.external_pages.sending import ExternalPagesSender
from tests.e2e.conftest import TOKEN, TOKEN_READ, VERSIONS, endpoints

AUTHOR = 1


def write(root: Path, path: str, text: str) -> None:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


class Project:
    """A docs folder synced into an emulator's Help Center as articles."""

    def __init__(self, tmp_path: Path, emulator: RunningEmulator) -> None:
        self.tmp_path, self.emulator = tmp_path, emulator
        self.docs = tmp_path / "docs"
        self.docs.mkdir()
        #: The [intercom] api_version written into the config; None leaves the default.
        self.api_version: str | None = None
        self.configure()

    def configure(self, *, targets: str = '["articles"]', **articles: Any) -> None:
        options = {"author_id": AUTHOR, "collection": "Handbook", "state": "published", **articles}
        rendered = "\n".join(f"{key} = {json.dumps(value)}" for key, value in options.items())
        version = "" if self.api_version is None else f'api_version = "{self.api_version}"\n'
        (self.tmp_path / "ingest.toml").write_text(
            f'[intercom]\nbase_url = "{self.emulator.base_url}"\n{version}\n'
            f'[sources.docs]\nconnector = "filesystem"\npath = "docs"\ntargets = {targets}\n'
            'url = "https://docs.example.com"\n'
            'url_template = "https://git.example.com/blob/main/{path}"\n\n'
            f"[sources.docs.articles]\n{rendered}\n",
            encoding="utf-8",
        )

    async def sync(self, **kwargs: Any) -> list[SourceResult]:
        settings = load_settings(self.tmp_path / "ingest.toml")
        return await run_sources(settings, settings.select(None), token=SecretStr(TOKEN), **kwargs)

    async def sync_unchecked(self) -> list[SourceResult]:
        """A sync that skips the check of what Intercom holds, as the watch daemon's batches between
        two checks do: a change made in Intercom meanwhile is found by the targets' prepare()."""
        settings = load_settings(self.tmp_path / "ingest.toml")
        with StateStore(settings.state.path) as state:
            async with make_client(settings, SecretStr(TOKEN)) as client:
                engine = Engine(
                    state=state,
                    connector_factory=build_connector,
                    target_factory=target_factory(client, state),
                )
                return await engine.sync_source(settings.sources["docs"], check=False)

    async def sync_articles(self) -> SourceResult:
        (result,) = [r for r in await self.sync() if r.target == "articles"]
        return result

    def collections(self) -> dict[tuple[str, ...], dict[str, Any]]:
        """Collections by their path of names from the top."""
        by_id = {str(c["id"]): c for c in self.emulator.collections()}

        def path(collection: dict[str, Any]) -> tuple[str, ...]:
            parent = collection.get("parent_id")
            return (*path(by_id[str(parent)]), collection["name"]) if parent else (collection["name"],)

        return {path(c): c for c in by_id.values()}

    def place(self, article: dict[str, Any]) -> tuple[str, ...]:
        """The names of the collections an article sits in, from the top."""
        by_id = {str(c["id"]): c for c in self.emulator.collections()}
        names: list[str] = []
        parent = article.get("parent_id")
        while parent is not None:
            names.insert(0, by_id[str(parent)]["name"])
            parent = by_id[str(parent)].get("parent_id")
        return tuple(names)

    def articles(self) -> dict[str, dict[str, Any]]:
        """Articles by title (failing on a duplicate title)."""
        articles = self.emulator.articles()
        by_title = {a["title"]: a for a in articles}
        assert len(by_title) == len(articles), "duplicate articles"
        return by_title

    def forget_state(self) -> None:
        for leftover in self.tmp_path.glob("ingest.db*"):
            leftover.unlink()

    def article_writes(self) -> list[tuple[str, str]]:
        return [
            (r.method, r.path)
            for r in self.emulator.requests()
            if r.method in {"POST", "PUT", "DELETE"} and r.path.startswith(("/articles", "/help_center"))
        ]


@pytest.fixture
def project(tmp_path: Path, emulator: RunningEmulator) -> Project:
    project = Project(tmp_path, emulator)
    write(project.docs, "index.md", "# Welcome\n\nStart here.\n")
    write(project.docs, "getting-started/install.md", "# Install\n\nDownload the app.\n")
    write(
        project.docs,
        "guides/billing/invoices.md",
        "---\ndescription: Where invoices are.\n---\n# Invoices\n\nFind them in Settings.\n",
    )
    return project


async def test_documents_become_articles_in_nested_collections(project: Project) -> None:
    """Folders become nested collections under the root; each document an article in its folder's."""
    result = await project.sync_articles()
    assert result.ok and result.counts.created == 3
    collections = project.collections()
    assert set(collections) == {
        ("Handbook",),
        ("Handbook", "Getting started"),
        ("Handbook", "Guides"),
        ("Handbook", "Guides", "Billing"),
    }
    articles = project.articles()
    assert str(articles["Install"]["parent_id"]) == str(collections[("Handbook", "Getting started")]["id"])
    assert str(articles["Welcome"]["parent_id"]) == str(collections[("Handbook",)]["id"])
    invoices = articles["Invoices"]
    assert invoices["description"] == "Where invoices are."
    assert invoices["state"] == "published" and str(invoices["author_id"]) == str(AUTHOR)
    assert "Find them in Settings." in invoices["body"] and "<h1>" not in invoices["body"]
    assert articles["Install"]["description"] == "Download the app."

    project.emulator.clear_requests()
    again = await project.sync_articles()
    assert again.counts.unchanged == 3 and endpoints(project.emulator) == TOKEN_READ


async def test_edit_is_one_put_and_a_move_changes_the_collection(project: Project) -> None:
    """An edit updates the article in place; moving the file moves the article (same id)."""
    await project.sync()
    install_id = project.articles()["Install"]["id"]
    project.emulator.clear_requests()
    write(project.docs, "getting-started/install.md", "# Install\n\nDownload the app, then sign in.\n")
    result = await project.sync_articles()
    assert result.counts.updated == 1
    assert project.article_writes() == [("PUT", f"/articles/{install_id}")]
    assert "then sign in" in project.articles()["Install"]["body"]


@pytest.mark.parametrize(("policy", "remains"), [("delete", None), ("draft", "draft"), ("keep", "published")])
async def test_on_delete_policies(project: Project, policy: str, remains: str | None) -> None:
    """A removed document's article is deleted, drafted or kept, as on_delete says."""
    project.configure(on_delete=policy)
    await project.sync()
    (project.docs / "getting-started/install.md").unlink()
    result = await project.sync_articles()
    assert result.ok and result.counts.deleted == 1
    articles = project.articles()
    if remains is None:
        assert "Install" not in articles
        assert ("Handbook", "Getting started") not in project.collections(), "empty collection left behind"
    else:
        assert articles["Install"]["state"] == remains
        assert ("Handbook", "Getting started") in project.collections()
    assert set(articles) >= {"Welcome", "Invoices"}


async def test_a_collection_that_cannot_be_removed_does_not_end_the_run(project: Project) -> None:
    """Removing a collection left empty is tidying up after the documents' work: when Intercom
    answers it 5xx (after every try), that work stands and is reported, and the collection stays
    (as one Intercom refuses to delete does), instead of the error ending the whole run, every
    source after this one unsynced."""
    project.configure(on_delete="delete")
    config = project.tmp_path / "ingest.toml"
    config.write_text(config.read_text().replace("[intercom]\n", "[intercom]\nmax_attempts = 1\n"))
    await project.sync()
    (project.docs / "getting-started/install.md").unlink()
    project.emulator.set_faults(fail_next=1, fail_status=503, fail_path="DELETE /help_center/collections")
    result = await project.sync_articles()
    assert result.ok and result.counts.deleted == 1
    assert "Install" not in project.articles()
    assert ("Handbook", "Getting started") in project.collections()


async def test_ancestors_from_front_matter_become_collections(project: Project) -> None:
    """A connector's ancestors (here given as metadata) decide the collections, not the folders."""
    write(
        project.docs, "flat/runbook.md", "---\nancestors: [Engineering, Runbooks]\n---\n# Runbook\n\nSteps.\n"
    )
    await project.sync_articles()
    runbook = project.articles()["Runbook"]
    assert str(runbook["parent_id"]) == str(
        project.collections()[("Handbook", "Engineering", "Runbooks")]["id"]
    )


async def test_translations_fill_translated_content(project: Project) -> None:
    """guide.fr.md and a front-matter translation become the article's fr and de content."""
    write(project.docs, "guides/guide.md", "# Guide\n\nHello.\n")
    write(project.docs, "guides/guide.fr.md", "# Guide (FR)\n\nBonjour.\n")
    write(
        project.docs,
        "de/anleitung.md",
        "---\nlocale: de\ntranslation_of: guides/guide.md\n---\n# Anleitung\n\nHallo.\n",
    )
    result = await project.sync_articles()
    assert result.ok, result.failures
    articles = project.articles()
    assert "Guide (FR)" not in articles and "Anleitung" not in articles
    translated = articles["Guide"]["translated_content"]
    assert translated["fr"]["title"] == "Guide (FR)" and "Bonjour." in translated["fr"]["body"]
    assert translated["de"]["title"] == "Anleitung"

    project.emulator.clear_requests()
    write(project.docs, "guides/guide.fr.md", "# Guide (FR)\n\nBonjour à tous.\n")
    await project.sync_articles()
    assert len(project.article_writes()) == 1
    assert "Bonjour à tous." in project.articles()["Guide"]["translated_content"]["fr"]["body"]


async def test_external_pages_skip_translations(project: Project) -> None:
    """With both targets, a French document becomes part of an article but no External Page."""
    project.configure(targets='["external_pages", "articles"]')
    write(project.docs, "guides/guide.md", "# Guide\n\nHello.\n")
    write(project.docs, "guides/guide.fr.md", "# Guide (FR)\n\nBonjour.\n")
    pages_result, articles_result = await project.sync()
    assert (pages_result.target, articles_result.target) == ("external_pages", "articles")
    assert pages_result.counts.created == 4 and articles_result.counts.created == 5
    assert [s.locator for s in pages_result.skipped] == ["guides/guide.fr.md"]
    assert {p["external_id"] for p in project.emulator.pages()} == {
        "index.md",
        "getting-started/install.md",
        "guides/billing/invoices.md",
        "guides/guide.md",
    }


async def test_unknown_author_is_refused_before_any_write(project: Project) -> None:
    """An author_id that is not an admin stops the run with a sentence naming the key; nothing is written."""
    project.configure(author_id=999)
    with pytest.raises(ConfigError, match=r"sources\.docs\.articles\.author_id: 999 is not an admin"):
        await project.sync()
    assert project.emulator.articles() == [] and project.emulator.collections() == []


@pytest.mark.parametrize("version", VERSIONS)
async def test_lost_state_adopts_every_article(project: Project, version: str) -> None:
    """With the state file deleted, a rerun adopts every article and collection: nothing new is
    created, in every version (2.16 and later name an article's collection in parent_ids only)."""
    project.api_version = version
    project.configure()
    await project.sync()
    before = {title: a["id"] for title, a in project.articles().items()}
    collections_before = {path: c["id"] for path, c in project.collections().items()}
    for leftover in project.tmp_path.glob("ingest.db*"):
        leftover.unlink()
    project.emulator.clear_requests()
    result = await project.sync_articles()
    assert result.ok and result.counts.created + result.counts.updated == 3
    assert not any(method == "POST" for method, _ in project.article_writes())
    assert {title: a["id"] for title, a in project.articles().items()} == before
    assert {path: c["id"] for path, c in project.collections().items()} == collections_before


async def test_a_second_machine_adopts_too(project: Project, tmp_path: Path) -> None:
    """A fresh checkout with its own state (another machine) creates no second copy."""
    await project.sync()
    other = tmp_path / "other"
    other.mkdir()
    shutil.copytree(project.docs, other / "docs")
    shutil.copy(project.tmp_path / "ingest.toml", other / "ingest.toml")
    settings = load_settings(other / "ingest.toml")
    await run_sources(settings, settings.select(None), token=SecretStr(TOKEN))
    assert len(project.emulator.articles()) == 3 and len(project.emulator.collections()) == 4


@pytest.mark.parametrize("version", VERSIONS)
async def test_every_article_request_keeps_the_contract(project: Project, version: str) -> None:
    """Every request of a create, update, translation, delete and adoption cycle validates against
    the description of its version."""
    project.api_version = version
    project.configure(on_delete="delete")
    write(project.docs, "guides/guide.md", "# Guide\n\nHello.\n")
    write(project.docs, "guides/guide.fr.md", "# Guide (FR)\n\nBonjour.\n")
    await project.sync()
    write(project.docs, "index.md", "# Welcome\n\nChanged.\n")
    (project.docs / "getting-started/install.md").unlink()
    (project.docs / "guides/guide.fr.md").unlink()
    await project.sync()
    project.forget_state()
    await project.sync()
    requests = project.emulator.requests()
    assert {r.method for r in requests} >= {"GET", "POST", "PUT", "DELETE"}
    assert {r.headers["Intercom-Version"] for r in requests} == {version}
    validate_recorded(requests)


async def test_confluence_ancestors_become_nested_collections(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    """A Confluence export as articles: each page in the collections of its parent pages."""
    from tests.connectors.confluence_builder import write_zip
    from tests.e2e.test_confluence_e2e import WIKI, make_space

    write_zip(make_space(), tmp_path / "export.zip")
    (tmp_path / "ingest.toml").write_text(
        f'[intercom]\nbase_url = "{emulator.base_url}"\n\n'
        '[sources.wiki]\nconnector = "confluence_export"\npath = "export.zip"\n'
        f'base_url = "{WIKI}"\ntargets = ["articles"]\n\n'
        '[sources.wiki.articles]\nauthor_id = 1\ncollection = "Wiki"\n',
        encoding="utf-8",
    )
    settings = load_settings(tmp_path / "ingest.toml")
    (result,) = await run_sources(settings, settings.select(None), token=SecretStr(TOKEN))
    assert result.ok, result.failures
    by_id = {str(c["id"]): c for c in emulator.collections()}

    def place(article: dict[str, Any]) -> tuple[str, ...]:
        names: list[str] = []
        parent = article.get("parent_id")
        while parent is not None:
            collection = by_id[str(parent)]
            names.insert(0, collection["name"])
            parent = collection.get("parent_id")
        return tuple(names)

    articles = {a["title"]: a for a in emulator.articles()}
    assert place(articles["Install"]) == ("Wiki", "Home", "Guides")
    assert place(articles["FAQ"]) == ("Wiki", "Home")
    assert place(articles["Home"]) == ("Wiki",)
    assert "Guides" not in articles, "a page with nothing of its own (skip_empty) is skipped"


async def test_unknown_help_center_is_refused(project: Project) -> None:
    """A help_center_id the workspace does not have is one clear error before any write."""
    project.configure(help_center_id=99)
    with pytest.raises(ConfigError, match=r"articles\.help_center_id: 99 is not a help center"):
        await project.sync()
    assert project.emulator.collections() == []


async def test_collections_it_did_not_create_are_never_removed(project: Project) -> None:
    """Collections that existed before (adopted by name) stay, even when deletions empty them."""
    async with IntercomClient(base_url=project.emulator.base_url, token=TOKEN) as client:
        root = await client.create_collection("Handbook")
        existing = await client.create_collection("Getting started", parent_id=root.id)
    project.configure(on_delete="delete")
    await project.sync()
    collections = project.collections()
    assert collections[("Handbook", "Getting started")]["id"] == existing.id, "not adopted"
    (project.docs / "getting-started/install.md").unlink()
    (project.docs / "guides/billing/invoices.md").unlink()
    (result,) = [r for r in await project.sync(allow_mass_delete=True) if r.target == "articles"]
    assert result.counts.deleted == 2
    remaining = project.collections()
    assert ("Handbook", "Getting started") in remaining and ("Handbook",) in remaining
    assert ("Handbook", "Guides", "Billing") not in remaining and ("Handbook", "Guides") not in remaining


def test_status_lists_articles_beside_external_pages(
    project: Project, capsys: pytest.CaptureFixture[str]
) -> None:
    """ingest status shows one row per source and target."""
    from ingest.cli import main

    project.configure(targets='["external_pages", "articles"]')
    assert main(["status", "--config", str(project.tmp_path / "ingest.toml")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("; ")[1] for line in lines] == ["target: external_pages", "target: articles"]


async def test_changing_the_root_collection_moves_every_article(project: Project) -> None:
    """A new root name moves every article (updated, not created again) below the root of that name,
    found (here: it exists already) or created, with the collections below it."""
    await project.sync()
    ids = {title: article["id"] for title, article in project.articles().items()}
    async with IntercomClient(base_url=project.emulator.base_url, token=TOKEN) as client:
        existing_root = await client.create_collection("Docs")
    project.configure(collection="Docs")
    project.emulator.clear_requests()
    result = await project.sync_articles()
    assert result.ok and (result.counts.created, result.counts.updated) == (0, 3)
    assert not any(method == "POST" and path == "/articles" for method, path in project.article_writes())
    articles = project.articles()
    assert {title: article["id"] for title, article in articles.items()} == ids
    assert project.place(articles["Welcome"]) == ("Docs",)
    assert project.place(articles["Install"]) == ("Docs", "Getting started")
    assert project.place(articles["Invoices"]) == ("Docs", "Guides", "Billing")
    assert project.collections()[("Docs",)]["id"] == existing_root.id, "the existing root was not found"

    write(project.docs, "guides/billing/invoices.md", "# Invoices\n\nFind them under Billing.\n")
    project.emulator.clear_requests()
    await project.sync_articles()
    assert project.article_writes() == [("PUT", f"/articles/{ids['Invoices']}")]
    assert project.place(project.articles()["Invoices"]) == ("Docs", "Guides", "Billing")


TWO_HELP_CENTERS = EmulatorConfig(
    token=TOKEN,
    help_centers=(
        EmulatorHelpCenter(1, "one", "One", "https://one.example.com"),
        EmulatorHelpCenter(2, "two", "Two", "https://two.example.com"),
    ),
)


@pytest.mark.parametrize("emulator_config", [TWO_HELP_CENTERS])
async def test_changing_the_help_center_moves_every_article(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    """Another help_center_id moves every article into collections of that Help Center."""
    project = Project(tmp_path, emulator)
    project.configure(help_center_id=1)
    write(project.docs, "index.md", "# Welcome\n\nStart here.\n")
    write(project.docs, "guides/install.md", "# Install\n\nDownload the app.\n")
    await project.sync()
    ids = {title: article["id"] for title, article in project.articles().items()}
    project.configure(help_center_id=2)
    result = await project.sync_articles()
    assert result.ok and (result.counts.created, result.counts.updated) == (0, 2)
    help_center_of = {str(c["id"]): c["help_center_id"] for c in emulator.collections()}
    articles = project.articles()
    assert {title: article["id"] for title, article in articles.items()} == ids
    assert {str(help_center_of[str(article["parent_id"])]) for article in articles.values()} == {"2"}
    assert project.place(articles["Install"]) == ("Handbook", "Guides")


async def test_lost_state_adopts_articles_sharing_a_title(project: Project) -> None:
    """Two documents with the same title in one folder: a rerun without state adopts both articles."""
    write(project.docs, "faq/a.md", "# FAQ\n\nAlpha.\n")
    write(project.docs, "faq/b.md", "# FAQ\n\nBeta.\n")
    await project.sync()
    before = sorted(article["id"] for article in project.emulator.articles())
    for leftover in project.tmp_path.glob("ingest.db*"):
        leftover.unlink()
    project.emulator.clear_requests()
    result = await project.sync_articles()
    assert result.ok and result.counts.created + result.counts.updated == 5
    assert not any(method == "POST" for method, _ in project.article_writes())
    articles = project.emulator.articles()
    assert sorted(article["id"] for article in articles) == before
    faq_bodies = sorted(article["body"] for article in articles if article["title"] == "FAQ")
    assert faq_bodies == ["<p>Alpha.</p>", "<p>Beta.</p>"]


async def test_an_article_created_again_gets_its_translations_back(project: Project) -> None:
    """An article deleted in Intercom is created again when its document changes; its unchanged
    translation is written into the new article by the next run, which changes nothing else."""
    write(project.docs, "guides/guide.md", "# Guide\n\nHello.\n")
    write(project.docs, "guides/guide.fr.md", "# Guide (FR)\n\nBonjour.\n")
    await project.sync()
    async with IntercomClient(base_url=project.emulator.base_url, token=TOKEN) as client:
        await client.delete_article(project.articles()["Guide"]["id"])
    write(project.docs, "guides/guide.md", "# Guide\n\nHello again.\n")
    assert (await project.sync_articles()).ok
    new_id = project.articles()["Guide"]["id"]

    project.emulator.clear_requests()
    result = await project.sync_articles()
    assert result.ok, result.failures
    assert project.article_writes() == [("PUT", f"/articles/{new_id}")]
    translated = project.articles()["Guide"]["translated_content"]
    assert translated["fr"]["title"] == "Guide (FR)" and "Bonjour." in translated["fr"]["body"]

    project.emulator.clear_requests()
    assert (await project.sync_articles()).counts.unchanged == 5
    assert project.article_writes() == []


async def test_a_translation_finding_its_article_gone_brings_the_article_back(project: Project) -> None:
    """An article deleted in Intercom whose translation, not its original, changes: writing the
    translation finds it gone (a failure this run, so deletes wait), and the next run creates the
    article again from its unchanged original and writes the translation into it, instead of the
    translation failing on every run until someone edits the original."""
    write(project.docs, "guides/guide.md", "# Guide\n\nHello.\n")
    write(project.docs, "guides/guide.fr.md", "# Guide (FR)\n\nBonjour.\n")
    await project.sync()
    async with IntercomClient(base_url=project.emulator.base_url, token=TOKEN) as client:
        await client.delete_article(project.articles()["Guide"]["id"])
    write(project.docs, "guides/guide.fr.md", "# Guide (FR)\n\nBonjour à tous.\n")
    first = await project.sync_articles()
    assert [failure.locator for failure in first.failures] == ["guides/guide.fr.md"]

    result = await project.sync_articles()
    assert result.ok, result.failures
    assert result.counts.created == 2
    translated = project.articles()["Guide"]["translated_content"]
    assert "Bonjour à tous." in translated["fr"]["body"]
    assert (await project.sync_articles()).counts.unchanged == 5


async def test_a_replan_brings_a_folder_prepare_never_saw(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine plans again when a target's prepare() changed state; documents saved meanwhile in
    a new folder get their collection (one, though two articles need it at once)."""
    project.configure(targets='["external_pages", "articles"]')
    await project.sync()
    async with IntercomClient(base_url=project.emulator.base_url, token=TOKEN) as client:
        (source,) = await client.list_content_import_sources()
        await client.delete_content_import_source(source.id)  # External Pages prepare() will replan
    write(project.docs, "index.md", "# Welcome\n\nStart here, please.\n")
    prepare = ExternalPagesSender.prepare

    async def prepare_while_a_writer_saves(self: ExternalPagesSender, plan: Plan) -> bool:
        changed = await prepare(self, plan)
        write(project.docs, "new-folder/one.md", "# One\n\nFirst.\n")
        write(project.docs, "new-folder/two.md", "# Two\n\nSecond.\n")
        return changed

    monkeypatch.setattr(ExternalPagesSender, "prepare", prepare_while_a_writer_saves)
    results = await project.sync_unchecked()  # a run's check would find the deletion before prepare()
    assert all(result.ok for result in results), [(r.error, r.failures) for r in results]
    articles = project.articles()
    assert project.place(articles["One"]) == project.place(articles["Two"]) == ("Handbook", "New folder")
    assert [c["name"] for c in project.emulator.collections()].count("New folder") == 1


async def test_a_root_found_after_a_change_is_never_removed(project: Project) -> None:
    """The root a changed name finds already existing is not this tool's: emptied, it stays."""
    await project.sync()
    async with IntercomClient(base_url=project.emulator.base_url, token=TOKEN) as client:
        await client.create_collection("Docs")
    project.configure(collection="Docs", on_delete="delete")
    await project.sync()
    for document in ("index.md", "getting-started/install.md", "guides/billing/invoices.md"):
        (project.docs / document).unlink()
    (result,) = [r for r in await project.sync(allow_mass_delete=True) if r.target == "articles"]
    assert result.ok and result.counts.deleted == 3
    remaining = project.collections()
    assert ("Docs",) in remaining
    assert ("Docs", "Getting started") not in remaining and ("Docs", "Guides") not in remaining


async def test_an_article_left_failing_keeps_only_itself_being_read(project: Project) -> None:
    """Articles are planned whole (not streamed): a document failing on every run (a secret left
    in place) is read again alone; the other documents cost nothing and nothing is written."""
    from tests.secret_scan.seeded import seeded_secrets

    aws = next(item for item in seeded_secrets() if item.detector == "AWS Access Key")
    write(project.docs, "guide.md", "# Guide\n\nClean text.\n")
    write(project.docs, "runbook.md", f"# Runbook\n\n{aws.line}\n")
    first = await project.sync_articles()
    assert [f.locator for f in first.failures] == ["runbook.md"] and "Guide" in project.articles()
    for _ in range(2):
        project.emulator.clear_requests()
        again = await project.sync_articles()
        assert [f.locator for f in again.failures] == ["runbook.md"]
        assert again.converted == 0
        assert project.article_writes() == []
