"""The README's Airflow example, run as written against a real ``ingest run`` and the emulator:
Airflow itself is stood in for by its decorators and exception, and the example's two fixed paths
(the config, the report) are moved to a temporary folder. It must read the report as fin-ingest
writes it, on success (counts per source and target), on failed documents (exit 1) and on a
refused token (exit 2, never retried)."""

from __future__ import annotations

import json
import re
import types
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from ingest.cli import main
from ingest.emulator import EmulatorConfig, RunningEmulator, running_emulator
from tests.watch.conftest import TOKEN, write_config

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
CONFIG = "/etc/fin-ingest/ingest.toml"
REPORT = "/var/lib/fin-ingest/last-run.json"


def example() -> str:
    section = README[README.index("## Orchestrators (Airflow, Dagster, Prefect)") :]
    found = re.search(r"```python\n(.*?)```", section, re.S)
    assert found is not None
    return found.group(1)


class AirflowFailException(Exception):
    """Airflow's exception that fails a task without its retries."""


def run_example(tmp_path: Path, config: Path) -> dict[str, Any]:
    """Execute the example; the value its task returned."""
    returned: dict[str, Any] = {}

    def task(**_: Any) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
        def wrap(body: Callable[[], Any]) -> Callable[[], Any]:
            def run() -> Any:
                returned["value"] = body()
                return returned["value"]

            return run

        return wrap

    def dag(**_: Any) -> Callable[[Callable[[], None]], Callable[[], None]]:
        return lambda body: body

    def path(value: str) -> Path:
        return tmp_path / "last-run.json" if value == REPORT else Path(value)

    def run(arguments: Sequence[str]) -> types.SimpleNamespace:
        assert arguments[0] == "ingest"
        moved = [str(config) if a == CONFIG else a for a in arguments[1:]]
        moved = [str(path(a)) if a == REPORT else a for a in moved]
        return types.SimpleNamespace(returncode=main(moved))

    namespace: dict[str, Any] = {
        "json": json,
        "subprocess": types.SimpleNamespace(run=run),
        "Path": path,
        "pendulum": types.SimpleNamespace(datetime=lambda *a, **k: None),
        "dag": dag,
        "task": task,
        "AirflowFailException": AirflowFailException,
    }
    exec(compile(example(), "README.md (Airflow example)", "exec"), namespace)  # noqa: S102 (our README)
    return returned


@pytest.fixture
def emulator() -> Any:
    with running_emulator(EmulatorConfig(token=TOKEN)) as running:
        yield running


@pytest.fixture
def config(tmp_path: Path, emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("a", "b"):
        (docs / f"{name}.md").write_text(f"# {name}\n\nText of {name}.\n", encoding="utf-8")
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    return write_config(tmp_path, emulator.base_url)


def test_a_sync_returns_the_counts_of_each_source_and_target(tmp_path: Path, config: Path) -> None:
    assert run_example(tmp_path, config)["value"] == {
        "docs/external_pages": {"created": 2, "updated": 0, "deleted": 0}
    }


def test_an_api_away_fails_the_task_for_a_retry_saying_why(
    tmp_path: Path, config: Path, emulator: RunningEmulator
) -> None:
    emulator.set_faults(fail_rate=1.0, fail_status=503)
    with pytest.raises(RuntimeError) as raised:
        run_example(tmp_path, config)
    assert "docs: could not prepare external_pages" in str(raised.value)


def test_failed_documents_fail_the_task_for_a_retry_naming_them(tmp_path: Path, config: Path) -> None:
    assert run_example(tmp_path, config)["value"]["docs/external_pages"]["created"] == 2
    (tmp_path / "docs" / "a.md").write_text("---\ntitle: [unclosed\n---\n\nBroken front matter.\n")
    with pytest.raises(RuntimeError) as raised:
        run_example(tmp_path, config)
    assert "a.md" in str(raised.value)


def test_a_refused_token_fails_the_task_without_a_retry(
    tmp_path: Path, config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", "not-the-token")
    with pytest.raises(AirflowFailException) as raised:
        run_example(tmp_path, config)
    assert "token" in str(raised.value).lower() and "not-the-token" not in str(raised.value)
