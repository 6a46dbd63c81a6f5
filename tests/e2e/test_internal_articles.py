"""Internal articles in the emulator over loopback: the whole life of a document, and no duplicate ever."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from contract import validate_recorded
from pydantic import SecretStr

from ingest.cli import main
from ingest.config import load_settings
from ingest.emulator import EmulatorAdmin, EmulatorConfig, RunningEmulator
from ingest.engine import SourceResult
from ingest.runner import run_sources
from ingest.state import StateStore, TargetStore
from tests.e2e.conftest import TOKEN, TOKEN_READ, VERSIONS, endpoints

PATH = "/internal_articles"
ADMINS = (EmulatorAdmin(1, "Ada", "ada@example.com"), EmulatorAdmin(2, "Bob", "bob@example.com"))


def write(root: Path, path: str, text: str) -> None:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


class Crash(Exception):
    """A process dying at one precise point, raised there instead."""


class Project:
    """A docs folder synced into an emulator as internal articles."""

    def __init__(self, tmp_path: Path, emulator: RunningEmulator) -> None:
        self.tmp_path, self.emulator = tmp_path, emulator
        self.config = tmp_path / "ingest.toml"
        self.docs = tmp_path / "docs"
        self.docs.mkdir()
        #: The [intercom] api_version written into the config; None leaves the default.
        self.api_version: str | None = None
        self.configure()

    def configure(self, *, targets: str = '["internal_articles"]', **table: Any) -> None:
        options = {"author_id": 1, "owner_id": 2, **table}
        rendered = "\n".join(f"{key} = {json.dumps(value)}" for key, value in options.items())
        version = "" if self.api_version is None else f'api_version = "{self.api_version}"\n'
        self.config.write_text(
            f'[intercom]\nbase_url = "{self.emulator.base_url}"\nmax_concurrency = 8\n{version}\n'
            f'[sources.docs]\nconnector = "filesystem"\npath = "docs"\ntargets = {targets}\n'
            'url = "https://docs.example.com"\n\n'
            f"[sources.docs.internal_articles]\n{rendered}\n",
            encoding="utf-8",
        )

    async def sync(self, **kwargs: Any) -> SourceResult:
        settings = load_settings(self.config)
        results = await run_sources(settings, settings.select(None), token=SecretStr(TOKEN), **kwargs)
        (result,) = [r for r in results if r.target == "internal_articles"]
        return result

    def articles(self) -> dict[str, dict[str, Any]]:
        """Internal articles by title (failing on a duplicate title)."""
        articles = self.emulator.internal_articles()
        by_title = {a["title"]: a for a in articles}
        assert len(by_title) == len(articles), (
            f"duplicate internal articles: {sorted(a['title'] for a in articles)}"
        )
        return by_title

    def writes(self) -> list[tuple[str, str]]:
        return [
            (r.method, r.path) for r in self.emulator.requests(PATH) if r.method in {"POST", "PUT", "DELETE"}
        ]

    def forget_state(self) -> None:
        for leftover in self.tmp_path.glob("ingest.db*"):
            leftover.unlink()


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(token=TOKEN, admins=ADMINS, per_page=3)


@pytest.fixture
def project(tmp_path: Path, emulator: RunningEmulator) -> Project:
    project = Project(tmp_path, emulator)
    write(project.docs, "restart.md", "# Restart the worker\n\nRun `systemctl restart worker`.\n")
    write(project.docs, "billing/refunds.md", "# Refunds\n\nAsk finance first.\n")
    write(project.docs, "billing/escalate.md", "# Escalate\n\nPage the on-call.\n")
    return project


async def test_documents_become_internal_articles_and_an_unchanged_run_sends_nothing(
    project: Project,
) -> None:
    """One internal article per document, by the author, owned by the owner; a second run: no request."""
    result = await project.sync()
    assert result.ok and result.counts.created == 3
    articles = project.articles()
    assert set(articles) == {"Restart the worker", "Refunds", "Escalate"}
    restart = articles["Restart the worker"]
    assert (restart["author_id"], restart["owner_id"]) == (1, 2)
    assert "systemctl restart worker" in restart["body"] and "<h1>" not in restart["body"]

    project.emulator.clear_requests()
    again = await project.sync()
    assert again.ok and again.counts.unchanged == 3
    assert endpoints(project.emulator) == TOKEN_READ


async def test_an_edit_and_a_new_title_update_the_same_article(project: Project) -> None:
    """An edited body is one PUT to the article's id; a new title too: it is the same article."""
    await project.sync()
    article_id = project.articles()["Refunds"]["id"]
    project.emulator.clear_requests()
    write(project.docs, "billing/refunds.md", "# Refunds and credits\n\nAsk finance first, then credit.\n")
    result = await project.sync()
    assert result.ok and result.counts.updated == 1
    assert project.writes() == [("PUT", f"{PATH}/{article_id}")]
    assert project.articles()["Refunds and credits"]["id"] == article_id
    assert "Refunds" not in project.articles()


async def test_a_renamed_file_moves_to_a_new_article_and_the_old_one_goes(project: Project) -> None:
    """A file's path is its identity: renamed, it is a new document (created) and the old one
    is retired (deleted): one article for it in the end."""
    await project.sync()
    shutil.move(project.docs / "restart.md", project.docs / "ops-restart.md")
    result = await project.sync()
    assert result.ok and (result.counts.created, result.counts.deleted) == (1, 1)
    assert len(project.articles()) == 3 and "Restart the worker" in project.articles()


@pytest.mark.parametrize(("policy", "kept"), [("delete", False), ("keep", True)])
async def test_a_removed_document_is_deleted_or_kept_as_on_delete_says(
    project: Project, policy: str, kept: bool
) -> None:
    """delete removes the internal article; keep leaves it (no longer synced)."""
    project.configure(on_delete=policy)
    await project.sync()
    (project.docs / "billing/escalate.md").unlink()
    result = await project.sync()
    assert result.ok and result.counts.deleted == 1
    assert ("Escalate" in project.articles()) is kept
    assert {"Restart the worker", "Refunds"} <= set(project.articles())


async def test_a_lost_state_file_adopts_every_article(project: Project) -> None:
    """Without the state file, a rerun updates the articles there are: no POST, same ids."""
    await project.sync()
    before = {title: a["id"] for title, a in project.articles().items()}
    project.forget_state()
    project.emulator.clear_requests()
    result = await project.sync()
    assert result.ok and result.counts.created == 3  # created as far as state knows: adopted remotely
    assert not any(method == "POST" for method, _ in project.writes())
    assert {title: a["id"] for title, a in project.articles().items()} == before


async def test_a_crash_between_the_create_and_the_state_write_leaves_no_duplicate(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exception right after an article was created, before its id is saved, ends the run;
    the rerun adopts that article through the intent written before the create."""
    record_sent = TargetStore.record_sent

    def dying_before_the_write(self: TargetStore, **record: Any) -> None:
        if self.target == "internal_articles":
            raise Crash("killed after the create")
        record_sent(self, **record)

    monkeypatch.setattr(TargetStore, "record_sent", dying_before_the_write)
    with pytest.raises(Exception) as caught:  # the crash, alone or in the run's task group
        await project.sync()
    assert caught.errisinstance(Crash) or caught.group_contains(Crash)
    monkeypatch.undo()
    created = project.emulator.internal_articles()
    assert created, "the crash came before any create"
    with StateStore(project.tmp_path / "ingest.db") as state:
        store = state.target("docs", "internal_articles")
        assert store.records() == {} and store.book.intents() != []

    project.emulator.clear_requests()
    result = await project.sync()
    assert result.ok, result.failures
    assert len(project.articles()) == 3
    assert {a["id"] for a in created} <= {a["id"] for a in project.articles().values()}
    assert sum(method == "POST" for method, _ in project.writes()) == 3 - len(created)


@pytest.mark.parametrize("after", [False, True], ids=["5xx-before-the-write", "5xx-after-the-write"])
async def test_write_faults_converge_in_one_rerun_without_a_duplicate(project: Project, after: bool) -> None:
    """A fifth of every write answered 503 (the write undone, or done and unheard of) while
    documents are added, edited and removed, the first run with two attempts a write: the rerun,
    at the same faults with the default attempts, ends clean, with exactly one internal article
    per document, each recorded, and nothing left to send."""
    await project.sync()
    titles = {f"Runbook {n}" for n in range(40)}
    for n in range(40):
        write(project.docs, f"runbooks/r{n:02d}.md", f"# Runbook {n}\n\nStep {n}.\n")
    write(project.docs, "billing/refunds.md", "# Refunds\n\nAsk finance, then credit.\n")
    (project.docs / "billing/escalate.md").unlink()
    default_attempts = project.config.read_text()
    project.config.write_text(
        default_attempts.replace("max_concurrency = 8", "max_concurrency = 8\nmax_attempts = 2")
    )
    project.emulator.clear_requests()
    project.emulator.set_faults(
        fail_rate=0.2, fail_status=503, fail_methods=("POST", "PUT", "DELETE"), fail_after=after, seed=5
    )
    # Creates answered 5xx are retried with a look-up now: the first run may well end clean.
    await project.sync()
    project.config.write_text(default_attempts)
    rerun = await project.sync()
    assert rerun.ok, rerun.failures
    articles = project.articles()
    assert set(articles) == titles | {"Restart the worker", "Refunds"}
    assert "then credit" in articles["Refunds"]["body"]
    statuses = [r.status for r in project.emulator.requests(PATH) if r.method != "GET"]
    # 40-odd writes at 20%: which of them fail depends on the order they arrive in, but fewer
    # than two failing is a one-in-ten-thousand draw.
    assert statuses.count(503) >= 2, "hardly a fault was injected"
    validate_recorded(project.emulator.requests())
    project.emulator.set_faults(fail_rate=0.0)
    project.emulator.clear_requests()
    assert (await project.sync()).counts.unchanged == 42 and project.writes() == []
    with StateStore(project.tmp_path / "ingest.db") as state:
        store = state.target("docs", "internal_articles")
        assert store.book.intents() == []
        remote_ids = [record.remote_id for record in store.records().values()]
    assert sorted(remote_ids) == sorted(a["id"] for a in articles.values())


async def test_documents_in_another_language_are_skipped_and_reported(project: Project) -> None:
    """Intercom files every internal article in the workspace's language: a French one is left out,
    saying why."""
    write(project.docs, "restart.fr.md", "# Redémarrer\n\nLancez la commande.\n")
    result = await project.sync()
    assert result.ok and result.counts.created == 3
    assert [(s.locator, s.reason) for s in result.skipped] == [
        (
            "restart.fr.md",
            "internal articles are in the workspace's language ('en'); this document is in 'fr'",
        )
    ]
    assert "Redémarrer" not in project.articles()


async def test_beside_external_pages_each_target_keeps_its_own_records(project: Project) -> None:
    """With both targets, every document is an External Page and an internal article."""
    project.configure(targets='["external_pages", "internal_articles"]')
    settings = load_settings(project.config)
    pages, internal = await run_sources(settings, settings.select(None), token=SecretStr(TOKEN))
    assert (pages.target, internal.target) == ("external_pages", "internal_articles")
    assert pages.counts.created == internal.counts.created == 3
    assert len(project.emulator.pages()) == 3 and len(project.articles()) == 3


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ({"author_id": 9}, "sources.docs.internal_articles.author_id: 9 is not an admin"),
        ({"owner_id": 7}, "sources.docs.internal_articles.owner_id: 7 is not an admin"),
    ],
)
def test_an_unknown_author_or_owner_is_one_sentence_and_exit_2(
    tmp_path: Path,
    table: dict[str, int],
    expected: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The run stops before any write, with one line naming the key and the admins there are."""
    from ingest.emulator import running_emulator

    with running_emulator(EmulatorConfig(token=TOKEN, admins=ADMINS)) as emulator:
        project = Project(tmp_path, emulator)
        write(project.docs, "restart.md", "# Restart\n\nRun it.\n")
        project.configure(**table)
        monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
        assert main(["run", "--all", "--config", str(project.config)]) == 2
        assert emulator.internal_articles() == []
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert expected in err and "(admins: 1 (Ada), 2 (Bob))" in err


@pytest.mark.parametrize("version", VERSIONS)
async def test_every_request_of_a_lifecycle_keeps_the_contract(project: Project, version: str) -> None:
    """Create (with a retried 503), update, adopt, rename and delete, as sent, validate against the
    description of their version."""
    project.api_version = version
    project.configure()
    project.emulator.set_faults(fail_next=1, fail_path=f"POST {PATH}", fail_after=True)
    await project.sync()
    write(project.docs, "restart.md", "# Restart the worker\n\nChanged.\n")
    (project.docs / "billing/escalate.md").unlink()
    await project.sync()
    project.forget_state()
    await project.sync()
    requests = project.emulator.requests()
    assert {r.method for r in requests if r.path.startswith(PATH)} == {"GET", "POST", "PUT", "DELETE"}
    assert {r.headers["Intercom-Version"] for r in requests} == {version}
    validate_recorded(requests)
