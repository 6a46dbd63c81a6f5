"""Help Center articles under write faults: a create answered 5xx is looked for before it is sent
again, a collection that cannot be created fails only the documents below it, and one rerun
converges with no duplicate article or collection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from contract import validate_recorded

from ingest.cli import main
from ingest.emulator import EmulatorConfig, RunningEmulator, running_emulator
from ingest.state import StateStore
from tests.e2e.conftest import TOKEN
from tests.e2e.test_articles import Project, write

COLLECTIONS = "/help_center/collections"


def write_tree(root: Path, count: int) -> dict[str, tuple[str, ...]]:
    """``count`` documents in a tree up to three folders deep; {title: collections below the root}."""
    places: dict[str, tuple[str, ...]] = {}
    for n in range(count):
        folders = [f"area-{n % 3}", *([f"topic-{n % 2}"] if n % 4 else []), *(["deep"] if n % 5 == 0 else [])]
        write(root, "/".join([*folders, f"article-{n:03d}.md"]), f"# Article {n}\n\nAbout {n}.\n")
        places[f"Article {n}"] = tuple(folder.replace("-", " ").capitalize() for folder in folders)
    return places


def with_attempts(project: Project, attempts: int | None) -> None:
    """Rewrite the config with ``[intercom] max_attempts`` (None: the default)."""
    project.configure()
    if attempts is not None:
        config = project.tmp_path / "ingest.toml"
        config.write_text(
            config.read_text().replace("[intercom]\n", f"[intercom]\nmax_attempts = {attempts}\n", 1)
        )


def assert_converged(
    project: Project, places: dict[str, tuple[str, ...]], kept: dict[str, tuple[str, ...]] | None = None
) -> None:
    """One article per document (by title: its collections below the root), in its folders'
    collection; one collection per folder; state holds every document's article and every
    collection, and no intent is left. ``kept``: articles of removed documents, kept unsynced."""
    articles = project.articles()  # fails on a duplicate title
    assert {title: project.place(article) for title, article in articles.items()} == {
        title: ("Handbook", *place) for title, place in (places | (kept or {})).items()
    }
    remote_collections = project.emulator.collections()
    by_path = project.collections()
    assert len(by_path) == len(remote_collections), "duplicate collections"
    with StateStore(project.tmp_path / "ingest.db") as state:
        store = state.target("docs", "articles")
        assert store.book.intents() == []
        recorded = sorted(str(record.remote_id) for record in store.records().values())
        known = {str(c.remote_id) for c in store.book.collections().values()}
    assert recorded == sorted(str(articles[title]["id"]) for title in places)
    assert known == {str(c["id"]) for c in remote_collections}


@pytest.fixture
def project(tmp_path: Path, emulator: RunningEmulator) -> Project:
    return Project(tmp_path, emulator)


@pytest.mark.parametrize("after", [False, True], ids=["5xx-before-the-write", "5xx-after-the-write"])
async def test_write_faults_converge_in_one_rerun_without_a_duplicate(project: Project, after: bool) -> None:
    """A fifth of every write answered 503 (undone, or done and unheard of) while a nested tree
    is created, one document edited and one removed; the first run with two attempts a write, the
    rerun at the same fault rate with the default: it ends clean, exactly one article per document
    and one collection per folder, all recorded, nothing left to send."""
    places = write_tree(project.docs, 6)
    assert (await project.sync_articles()).ok
    places |= write_tree(project.docs, 45)
    write(project.docs, "area-1/topic-1/article-001.md", "# Article 1\n\nRewritten.\n")
    (project.docs / "area-1/article-004.md").unlink()
    del places["Article 4"]
    with_attempts(project, 2)
    project.emulator.clear_requests()
    project.emulator.set_faults(
        fail_rate=0.2, fail_status=503, fail_methods=("POST", "PUT", "DELETE"), fail_after=after, seed=5
    )
    await project.sync_articles()
    with_attempts(project, None)
    rerun = await project.sync_articles()
    assert rerun.ok, rerun.failures
    statuses = [r.status for r in project.emulator.requests() if r.method != "GET"]
    assert statuses.count(503) >= 5, "hardly a fault was injected"
    validate_recorded(project.emulator.requests())

    project.emulator.set_faults(fail_rate=0.0)
    project.emulator.clear_requests()
    clean = await project.sync_articles()
    assert clean.ok and clean.counts.unchanged == 44 and project.article_writes() == []
    assert "Rewritten." in project.articles()["Article 1"]["body"]
    removed = project.articles()["Article 4"]
    assert removed["state"] == "draft"  # on_delete = "draft": kept, unpublished
    assert_converged(project, places, kept={"Article 4": ("Area 1",)})


@pytest.mark.parametrize("path", ["/articles", COLLECTIONS], ids=["article", "collection"])
async def test_a_create_done_but_answered_5xx_is_found_not_sent_again(project: Project, path: str) -> None:
    """The emulator carries out the first create, then answers 503: the sender looks for it, finds
    it and goes on in the same run: every create POSTed once, no duplicate."""
    places = write_tree(project.docs, 6)
    project.emulator.set_faults(fail_next=1, fail_path=f"POST {path}", fail_after=True, fail_status=503)
    result = await project.sync_articles()
    assert result.ok, result.failures
    posts = [r.status for r in project.emulator.requests() if r.method == "POST" and r.path == path]
    assert posts.count(503) == 1
    expected = len(places) if path == "/articles" else len(project.emulator.collections())
    assert len(posts) == expected, "a create that had happened was sent again"
    assert_converged(project, places)


async def test_articles_sharing_a_title_each_get_one_after_an_unheard_create(project: Project) -> None:
    """Two documents with one title in one folder, the first create done but answered 503: each
    document ends with an article of its own, and there are exactly two."""
    for name in ("a", "b", "c"):
        write(project.docs, f"faq/{name}.md", "# Questions\n\nAsked often.\n")
    project.emulator.set_faults(fail_next=1, fail_path="POST /articles", fail_after=True, fail_status=503)
    result = await project.sync_articles()
    assert result.ok, result.failures
    articles = project.emulator.articles()
    assert len(articles) == 3
    with StateStore(project.tmp_path / "ingest.db") as state:
        recorded = {str(r.remote_id) for r in state.target("docs", "articles").records().values()}
    assert recorded == {str(article["id"]) for article in articles}


def test_a_collection_that_cannot_be_created_fails_only_the_documents_below_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every create of one new collection answered 503: the documents below it (in it and in the
    collection below it) fail, saying which collection could not be created and why; the other
    documents sync; exit 1. The next run converges."""
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    with running_emulator(EmulatorConfig(token=TOKEN)) as emulator:
        project = Project(tmp_path, emulator)
        with_attempts(project, 2)
        config = str(tmp_path / "ingest.toml")
        places = write_tree(project.docs, 6)
        assert main(["run", "--all", "--config", config]) == 0
        write(project.docs, "area-0/topic-1/extra.md", "# Extra\n\nIn a collection that exists.\n")
        places["Extra"] = ("Area 0", "Topic 1")
        write(project.docs, "security/keys.md", "# Keys\n\nRotate them.\n")
        write(project.docs, "security/audit/logs.md", "# Logs\n\nKept a year.\n")
        emulator.set_faults(fail_next=1000, fail_path=f"POST {COLLECTIONS}", fail_status=503)
        emulator.clear_requests()
        report = tmp_path / "report.json"
        assert main(["run", "--all", "--config", config, "--report", str(report)]) == 1

        (source,) = json.loads(report.read_text())["sources"]
        failures = {failure["document"]: failure["message"] for failure in source["failures"]}
        assert set(failures) == {"security/keys.md", "security/audit/logs.md"}
        for message in failures.values():
            assert "collection Handbook/Security could not be created" in message
            assert "HTTP 503" in message
        assert source["created"] == 1
        assert {project.place(a) for a in emulator.articles()} == {("Handbook", *p) for p in places.values()}
        # Two attempts of the one collection, none of the one below it.
        assert [r.path for r in emulator.requests() if r.method == "POST" and r.path == COLLECTIONS] == [
            COLLECTIONS
        ] * 2
        capsys.readouterr()

        emulator.set_faults(fail_next=0)
        assert main(["run", "--all", "--config", config]) == 0
        places |= {"Keys": ("Security",), "Logs": ("Security", "Audit")}
        assert_converged(project, places)
