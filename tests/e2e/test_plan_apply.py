"""``ingest plan --out`` then ``ingest apply``: exactly the plan is sent, or nothing when anything moved."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ingest.cli import main
from ingest.emulator import EmulatorConfig, RunningEmulator, running_emulator
from ingest.planfile.model import SCHEMA_PATH
from tests.e2e.conftest import TOKEN, write_config, write_docs
from tests.e2e.test_truth import change_source

WRITES = {"POST", "PUT", "DELETE"}


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:  # type: ignore[override]
    with running_emulator(EmulatorConfig(token=TOKEN)) as running:
        yield running


@pytest.fixture
def project(tmp_path: Path, emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Five documents synced once into the emulator; the token in the environment."""
    write_docs(tmp_path / "docs", 5)
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    config = write_config(tmp_path, emulator.base_url)
    assert main(["run", "--all", "--config", str(config)]) == 0
    emulator.clear_requests()
    return config


def edit_create_delete(docs: Path) -> None:
    (docs / "section-1" / "page-001.md").write_text("# Page 1\n\nRewritten.\n")
    (docs / "section-0" / "new.md").write_text("# A new page\n\nHello.\n")
    (docs / "section-2" / "page-002.md").unlink()


def make_plan(config: Path, *extra: str, code: int = 0) -> dict[str, Any]:
    out = config.parent / "plan.json"
    assert main(["plan", "--config", str(config), "--out", str(out), *extra]) == code
    saved: dict[str, Any] = json.loads(out.read_text())
    return saved


def items(saved: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [item for item in saved["sources"][0]["targets"][0]["items"] if item["kind"] == kind]


def writes(emulator: RunningEmulator) -> list[Any]:
    return [request for request in emulator.requests() if request.method in WRITES]


def recorded_hashes(config: Path) -> dict[str, tuple[str, str | None]]:
    with sqlite3.connect(config.parent / "ingest.db") as db:
        rows = db.execute("SELECT external_id, content_hash, remote_id FROM documents").fetchall()
    return {row[0]: (row[1], row[2]) for row in rows}


def test_apply_sends_exactly_what_the_plan_says(
    project: Path, emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """The plan names a create, an update and a delete with digests; planning sends nothing; apply
    sends those three and nothing else, and state then holds the digests the plan showed."""
    edit_create_delete(project.parent / "docs")
    before = recorded_hashes(project)
    saved = make_plan(project)
    assert emulator.requests() == []
    jsonschema.validate(saved, json.loads(SCHEMA_PATH.read_text()))

    (create,) = items(saved, "create")
    (update,) = items(saved, "update")
    (delete,) = items(saved, "delete")
    assert (create["locator"], create["title"]) == ("section-0/new.md", "A new page")
    assert update["locator"] == "section-1/page-001.md"
    assert update["previous_digest"] == before["section-1/page-001.md"][0] != update["digest"]
    assert delete["locator"] == "section-2/page-002.md"
    assert delete["previous_digest"] == before["section-2/page-002.md"][0]

    report = project.parent / "report.json"
    assert (
        main(["apply", str(project.parent / "plan.json"), "--config", str(project), "--report", str(report)])
        == 0
    )
    sent = writes(emulator)
    upserted = sorted(request.body["external_id"] for request in sent if request.method == "POST")
    assert upserted == ["section-0/new.md", "section-1/page-001.md"]
    deleted = [request.path for request in sent if request.method == "DELETE"]
    assert deleted == [f"/ai/external_pages/{before['section-2/page-002.md'][1]}"]
    assert len(sent) == 3
    after = recorded_hashes(project)
    assert after["section-0/new.md"][0] == create["digest"]
    assert after["section-1/page-001.md"][0] == update["digest"]
    assert "section-2/page-002.md" not in after
    body = json.loads(report.read_text())
    assert body["exit_code"] == 0
    assert (body["sources"][0]["created"], body["sources"][0]["updated"], body["sources"][0]["deleted"]) == (
        1,
        1,
        1,
    )

    # Applied, the plan is history: state moved, so applying it again is refused and sends nothing.
    emulator.clear_requests()
    capsys.readouterr()
    assert main(["apply", str(project.parent / "plan.json"), "--config", str(project)]) == 2
    assert "state moved since the plan" in capsys.readouterr().err
    assert emulator.requests() == []


def test_apply_after_a_source_edit_is_refused_naming_the_documents(
    project: Path, emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """A document edited after the plan: exit 2, one sentence naming it, no request at all."""
    docs = project.parent / "docs"
    (docs / "section-1" / "page-001.md").write_text("# Page 1\n\nReviewed text.\n")
    make_plan(project)
    (docs / "section-0" / "page-000.md").write_text("# Page 0\n\nAn edit nobody reviewed.\n")
    (docs / "section-0" / "late.md").write_text("# Late\n\nAdded after the review.\n")
    capsys.readouterr()
    assert main(["apply", str(project.parent / "plan.json"), "--config", str(project)]) == 2
    err = capsys.readouterr().err
    assert (
        "2 documents of source docs changed since the plan: section-0/late.md, section-0/page-000.md" in err
    )
    assert len(err.strip().splitlines()) == 1
    assert emulator.requests() == []


def test_a_touched_but_identical_document_still_refuses(
    project: Path, emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """The scan itself is part of what was reviewed: a file rewritten with the same text (a new
    fingerprint, nothing new to send) refuses too, saying nothing to send changed."""
    make_plan(project)
    page = project.parent / "docs" / "section-0" / "page-000.md"
    text = page.read_text()
    page.write_text(text + "\n")  # same page once converted: a new size, the same payload
    capsys.readouterr()
    assert main(["apply", str(project.parent / "plan.json"), "--config", str(project)]) == 2
    assert "though nothing to send did" in capsys.readouterr().err
    assert emulator.requests() == []


def test_apply_after_a_config_edit_is_refused(
    project: Path, emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """The configuration the plan was made with is part of it: another value refuses, naming the source."""
    make_plan(project)
    write_config(project.parent, emulator.base_url, max_delete_share=0.2)
    capsys.readouterr()
    assert main(["apply", str(project.parent / "plan.json"), "--config", str(project)]) == 2
    assert "the configuration of source docs changed since the plan" in capsys.readouterr().err
    assert emulator.requests() == []


def test_apply_after_another_run_is_refused(
    project: Path, emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run between plan and apply moved state: the plan is refused though the documents are the same."""
    (project.parent / "docs" / "section-1" / "page-001.md").write_text("# Page 1\n\nReviewed.\n")
    make_plan(project)
    assert main(["run", "--all", "--config", str(project)]) == 0
    emulator.clear_requests()
    capsys.readouterr()
    assert main(["apply", str(project.parent / "plan.json"), "--config", str(project)]) == 2
    assert "state moved since the plan" in capsys.readouterr().err
    assert emulator.requests() == []


def test_an_unchanged_plan_applies_with_one_read(project: Path, emulator: RunningEmulator) -> None:
    """A plan with nothing to do applies as a no-op run: only the check of the Content Import Source."""
    saved = make_plan(project)
    assert saved["sources"][0]["targets"][0]["items"] == []
    assert main(["apply", str(project.parent / "plan.json"), "--config", str(project)]) == 0
    assert [request.endpoint for request in emulator.requests()] == [
        "GET /ai/content_import_sources/{source_id}"
    ]


def test_a_refused_mass_delete_is_applied_as_refused(
    project: Path, emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """The guard's decision is part of the plan: planned without --allow-mass-delete, most pages gone
    is a refusal in the plan and in apply (exit 1 as for run, nothing deleted); planned with it, apply
    deletes them."""
    docs = project.parent / "docs"
    for page in sorted(docs.rglob("*.md"))[1:]:
        page.unlink()
    saved = make_plan(project, code=1)  # as ingest plan says of a refused plan
    assert saved["sources"][0]["targets"][0]["refusal"].startswith("refusing to delete 4 of 5 pages")
    assert main(["apply", str(project.parent / "plan.json"), "--config", str(project)]) == 1
    assert writes(emulator) == []
    saved = make_plan(project, "--allow-mass-delete")
    assert saved["allow_mass_delete"] is True and saved["sources"][0]["targets"][0]["refusal"] is None
    assert main(["apply", str(project.parent / "plan.json"), "--config", str(project)]) == 0
    assert [request.method for request in writes(emulator)] == ["DELETE"] * 4


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("not json at all", "is not a plan made by 'ingest plan --out': it is not JSON"),
        ('{"sources": []}', 'it has no "format": "fin-ingest-plan"'),
        (
            '{"format": "fin-ingest-plan", "version": 2}',
            "is a plan of format version 2; this fin-ingest applies version 1",
        ),
        ('{"format": "fin-ingest-plan", "version": 1, "sources": 3}', "is not a valid plan:"),
    ],
)
def test_a_file_that_is_not_a_plan_is_one_sentence(
    project: Path, emulator: RunningEmulator, capsys: pytest.CaptureFixture[str], text: str, said: str
) -> None:
    """Not JSON, not a plan, another format version, a broken plan: exit 2, one line, nothing sent."""
    path = project.parent / "plan.json"
    path.write_text(text)
    assert main(["apply", str(path), "--config", str(project)]) == 2
    err = capsys.readouterr().err
    assert said in err and len(err.strip().splitlines()) == 1
    assert emulator.requests() == []


def test_a_plan_for_another_configuration_is_one_sentence(
    project: Path, emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plan naming a source this configuration does not have is refused before anything is read."""
    saved = make_plan(project)
    saved["sources"][0]["source"] = "wiki"
    path = project.parent / "plan.json"
    path.write_text(json.dumps(saved))
    capsys.readouterr()
    assert main(["apply", str(path), "--config", str(project)]) == 2
    err = capsys.readouterr().err
    assert "the plan is for source wiki, which the configuration" in err and "another configuration" in err
    assert emulator.requests() == []


def test_one_source_moved_refuses_the_whole_plan(
    project: Path, emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plan over two sources where one moved: nothing is sent for either, each result says why."""
    wiki = project.parent / "wiki"
    write_docs(wiki, 2)
    with project.open("a") as config:
        config.write(
            '\n[sources.wiki]\nconnector = "filesystem"\npath = "wiki"\nurl = "https://wiki.example.com"\n'
        )
    (project.parent / "docs" / "section-0" / "page-000.md").write_text("# Page 0\n\nReviewed.\n")
    saved = make_plan(project)
    assert [entry["source"] for entry in saved["sources"]] == ["docs", "wiki"]
    (wiki / "section-1" / "page-001.md").write_text("# Late\n")
    report = project.parent / "report.json"
    capsys.readouterr()
    assert (
        main(["apply", str(project.parent / "plan.json"), "--config", str(project), "--report", str(report)])
        == 2
    )
    assert capsys.readouterr().err.strip() == (
        "error: not applied: 1 document of source wiki changed since the plan: section-1/page-001.md"
    )
    assert emulator.requests() == []
    body = json.loads(report.read_text())
    assert body["exit_code"] == 2
    errors = {entry["source"]: entry["error"] for entry in body["sources"]}
    assert errors == {
        "docs": "not applied: another source of the plan moved",
        "wiki": "1 document of source wiki changed since the plan: section-1/page-001.md",
    }


def test_a_source_unreadable_when_planned(
    project: Path, emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """A source that could not be read is planned as such: applied while it still cannot be read, it
    fails as in a run (exit 1, nothing sent); once it can be read again, the plan is refused."""
    docs = project.parent / "docs"
    docs.rename(project.parent / "unmounted")
    saved = make_plan(project, code=1)
    assert saved["sources"][0]["error"] is not None and saved["sources"][0]["targets"] == []
    assert main(["apply", str(project.parent / "plan.json"), "--config", str(project)]) == 1
    assert emulator.requests() == []
    (project.parent / "unmounted").rename(docs)
    capsys.readouterr()
    assert main(["apply", str(project.parent / "plan.json"), "--config", str(project)]) == 2
    assert "source docs could not be read when the plan was made and can now" in capsys.readouterr().err
    assert emulator.requests() == []


def test_a_source_deleted_in_intercom_after_the_plan_refuses_the_plan_made_again(
    project: Path, emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """The plan proved unchanged, the check of what Intercom holds finds its Content Import Source
    deleted meanwhile: the source would be sent again whole, which is not the reviewed plan, so
    nothing is written and apply exits 2."""
    (project.parent / "docs" / "section-1" / "page-001.md").write_text("# Page 1\n\nReviewed.\n")
    make_plan(project)
    change_source(emulator)
    emulator.clear_requests()
    capsys.readouterr()
    assert main(["apply", str(project.parent / "plan.json"), "--config", str(project)]) == 2
    assert "state moved since the plan" in capsys.readouterr().err
    assert writes(emulator) == []


def test_a_withdrawal_and_a_restore_are_planned_and_applied_as_such(
    tmp_path: Path, emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``on_delete = "withdraw"`` a document gone is a ``withdraw`` item (not a delete) that
    apply carries out as one bulk action, and the document come back is a ``restore`` item that
    apply sends to the same page; the saved plans validate against the schema."""
    docs = tmp_path / "docs"
    write_docs(docs, 3)
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    config = write_config(
        tmp_path, emulator.base_url, api_version="2.16", on_delete="withdraw", max_delete_share=1.0
    )
    assert main(["run", "--all", "--config", str(config)]) == 0
    gone = docs / "section-1" / "page-001.md"
    text = gone.read_text()
    page_id = recorded_hashes(config)["section-1/page-001.md"][1]
    gone.unlink()
    emulator.clear_requests()

    saved = make_plan(config)
    jsonschema.validate(saved, json.loads(SCHEMA_PATH.read_text()))
    (withdraw,) = items(saved, "withdraw")
    assert withdraw["locator"] == "section-1/page-001.md"
    assert items(saved, "delete") == []
    assert saved["sources"][0]["targets"][0]["counts"]["withdraw"] == 1
    assert main(["apply", str(config.parent / "plan.json"), "--config", str(config)]) == 0
    (bulk,) = writes(emulator)
    assert (bulk.path, bulk.body["action"]) == ("/content/bulk_actions", "set_availability")
    assert bulk.body["content_ids"] == [{"type": "external_content", "id": page_id}]
    assert bulk.body["availability"] == {"ai_agent": False, "copilot": False, "sales_agent": False}

    gone.write_text(text)
    emulator.clear_requests()
    saved = make_plan(config)
    jsonschema.validate(saved, json.loads(SCHEMA_PATH.read_text()))
    (restore,) = items(saved, "restore")
    assert restore["locator"] == "section-1/page-001.md"
    assert saved["sources"][0]["targets"][0]["counts"]["restore"] == 1
    assert main(["apply", str(config.parent / "plan.json"), "--config", str(config)]) == 0
    posts = [request for request in writes(emulator) if request.path == "/ai/external_pages"]
    assert [request.body["external_id"] for request in posts] == ["section-1/page-001.md"]
    assert recorded_hashes(config)["section-1/page-001.md"][1] == page_id


def test_apply_refuses_once_a_withdrawn_page_falls_due_between_plan_and_apply(
    tmp_path: Path,
    emulator: RunningEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A page withdrawn and waiting when the plan was made, whose grace period ends before apply:
    the run now would delete it, which nobody reviewed, so apply sends nothing and says so."""
    import functools
    import time

    from ingest.planfile import applying

    docs = tmp_path / "docs"
    write_docs(docs, 3)
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    config = write_config(
        tmp_path,
        emulator.base_url,
        api_version="2.16",
        on_delete="withdraw",
        withdraw_days=1,
        max_delete_share=1.0,
    )
    assert main(["run", "--all", "--config", str(config)]) == 0
    (docs / "section-1" / "page-001.md").unlink()
    assert main(["run", "--all", "--config", str(config)]) == 0
    saved = make_plan(config)
    assert [items(saved, kind) for kind in ("withdraw", "expire", "delete")] == [[], [], []]
    two_days_on = functools.partial(applying.Engine, clock=lambda: time.time() + 2 * 86_400)
    monkeypatch.setattr(applying, "Engine", two_days_on)
    emulator.clear_requests()
    capsys.readouterr()
    assert main(["apply", str(config.parent / "plan.json"), "--config", str(config)]) == 2
    assert "section-1/page-001.md" in capsys.readouterr().err
    assert writes(emulator) == []
    assert "section-1/page-001.md" in {page["external_id"] for page in emulator.pages()}


def test_a_summary_written_into_a_source_folder_is_refused_before_planning(
    project: Path, emulator: RunningEmulator, capsys: pytest.CaptureFixture[str]
) -> None:
    """`ingest plan --markdown` into a filesystem source's folder (ingest.toml beside the docs, as
    `ingest init` writes it) would make plan.md a document of the next scan: apply would refuse the
    plan as moved and a run would sync the summary. It is one sentence, exit 2, nothing written;
    the JSON plan, no document, may go there, and the summary anywhere else."""
    docs = project.parent / "docs"
    capsys.readouterr()
    code = main(
        [
            "plan",
            "--config",
            str(project),
            "--out",
            str(docs / "plan.json"),
            "--markdown",
            str(docs / "plan.md"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "--markdown" in err and "inside the folder of source" in err and "write it outside" in err
    assert len(err.strip().splitlines()) == 1
    assert not (docs / "plan.md").exists() and not (docs / "plan.json").exists()

    summary = project.parent / "plan.md"
    assert (
        main(["plan", "--config", str(project), "--out", str(docs / "plan.json"), "--markdown", str(summary)])
        == 0
    )
    assert summary.exists()
    assert main(["apply", str(docs / "plan.json"), "--config", str(project)]) == 0
