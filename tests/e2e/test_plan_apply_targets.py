"""A saved plan for targets planned whole (Help Center articles) and streamed in a run (internal
articles): apply sends exactly the plan's items, and refuses a source edited since."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ingest.cli import main
from ingest.emulator import EmulatorConfig, RunningEmulator, running_emulator
from ingest.planfile.model import SCHEMA_PATH
from tests.e2e.conftest import TOKEN, write_docs

TABLES = {
    "articles": {"author_id": 1, "collection": "Handbook", "state": "published"},
    "internal_articles": {"author_id": 1, "owner_id": 1},
}


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:  # type: ignore[override]
    with running_emulator(EmulatorConfig(token=TOKEN)) as running:
        yield running


def configure(tmp_path: Path, base_url: str, target: str) -> Path:
    table = "\n".join(f"{key} = {json.dumps(value)}" for key, value in TABLES[target].items())
    config = tmp_path / "ingest.toml"
    config.write_text(
        f'[intercom]\nbase_url = "{base_url}"\n\n'
        f'[sources.docs]\nconnector = "filesystem"\npath = "docs"\ntargets = ["{target}"]\n'
        'url = "https://docs.example.com"\nurl_template = "https://git.example.com/blob/main/{path}"\n\n'
        f"[sources.docs.{target}]\n{table}\n",
        encoding="utf-8",
    )
    return config


def written(emulator: RunningEmulator) -> list[Any]:
    return [request for request in emulator.requests() if request.method in {"POST", "PUT", "DELETE"}]


@pytest.mark.parametrize("target", ["articles", "internal_articles"])
def test_plan_then_apply_for_articles_and_internal_articles(
    target: str,
    tmp_path: Path,
    emulator: RunningEmulator,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """First sync as a saved plan (every create), then an edit: each applied exactly as planned."""
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    docs = tmp_path / "docs"
    write_docs(docs, 4)
    config = configure(tmp_path, emulator.base_url, target)
    plan_file = tmp_path / "plan.json"
    schema = json.loads(SCHEMA_PATH.read_text())

    assert main(["plan", "--config", str(config), "--out", str(plan_file)]) == 0
    saved = json.loads(plan_file.read_text())
    jsonschema.validate(saved, schema)
    (entry,) = saved["sources"][0]["targets"]
    assert entry["target"] == target and entry["counts"]["create"] == 4
    assert emulator.requests() == []
    assert main(["apply", str(plan_file), "--config", str(config)]) == 0
    first = written(emulator)
    titles = sorted(item["title"] for item in entry["items"] if item["kind"] == "create")
    sent_titles = sorted(
        request.body["title"] for request in first if request.method == "POST" and "title" in request.body
    )
    assert titles == ["Page 0", "Page 1", "Page 2", "Page 3"]
    assert [title for title in sent_titles if title.startswith("Page")] == titles

    (docs / "section-2" / "page-002.md").write_text("# Page 2\n\nReviewed change.\n")
    emulator.clear_requests()
    assert main(["plan", "--config", str(config), "--out", str(plan_file)]) == 0
    saved = json.loads(plan_file.read_text())
    (entry,) = saved["sources"][0]["targets"]
    assert [(item["kind"], item["locator"]) for item in entry["items"]] == [
        ("update", "section-2/page-002.md")
    ]

    (docs / "section-0" / "page-000.md").write_text("# Page 0\n\nUnreviewed.\n")
    capsys.readouterr()
    assert main(["apply", str(plan_file), "--config", str(config)]) == 2
    assert (
        "1 document of source docs changed since the plan: section-0/page-000.md" in capsys.readouterr().err
    )
    assert emulator.requests() == []

    assert main(["plan", "--config", str(config), "--out", str(plan_file)]) == 0
    saved = json.loads(plan_file.read_text())
    (entry,) = saved["sources"][0]["targets"]
    planned = sorted((item["kind"], item["locator"]) for item in entry["items"])
    assert planned == [("update", "section-0/page-000.md"), ("update", "section-2/page-002.md")]
    assert main(["apply", str(plan_file), "--config", str(config)]) == 0
    updates = written(emulator)
    assert [request.method for request in updates] == ["PUT", "PUT"]
    bodies = sorted(request.body["body"] for request in updates)
    assert "Reviewed change." in bodies[0] and "Unreviewed." in bodies[1]
