"""``ingest run`` over a docs site, against an emulator in a background thread: warnings are lines,
unknown constructs are counted, the JSON report holds both, and the run still exits 0."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType

import pytest

from ingest.cli import main
from ingest.emulator import EmulatorConfig, RunningEmulator, running_emulator
from ingest.sites import registry
from tests.e2e.conftest import TOKEN, write_config
from tests.e2e.site_files import SITE_URL, write_site_files

pytestmark = pytest.mark.usefixtures("fake_site")


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:  # type: ignore[override]
    with running_emulator(EmulatorConfig(token=TOKEN)) as running:
        yield running


@pytest.fixture
def project(tmp_path: Path, emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_site_files(tmp_path / "docs")
    monkeypatch.setenv("INTERCOM_ACCESS_TOKEN", TOKEN)
    return write_config(tmp_path, emulator.base_url, site_url=SITE_URL)


def test_warnings_are_listed_and_reported_and_the_run_exits_0(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each warning is a line after the summary; constructs are counted by name; the report holds them."""
    report = tmp_path / "report.json"
    assert main(["run", "--all", "--config", str(project), "--report", str(report)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("source docs (external_pages): did create 2, update 0, delete 0; unchanged 0")
    assert "warning docs/guide/setup.md: include partials/missing.md not found" in out
    assert "warning docs/index.md: link to old.md, which is not a page" in out
    assert out[-1] == "unknown shortcodes: eturl 1"
    body = json.loads(report.read_text(encoding="utf-8"))
    assert body["exit_code"] == 0 and body["unknown_constructs"] == {"shortcode:eturl": 1}
    (source,) = body["sources"]
    assert {"document": "index.md", "message": "link to old.md, which is not a page"} in source["warnings"]
    assert source["unknown"] == {"index.md": {"shortcode:eturl": 1}}


def test_a_dialect_not_installed_is_one_line_exit_2(
    project: Path, tmp_path: Path, emulator: RunningEmulator, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """site = a dialect whose module is missing: exit 2, one sentence naming it, nothing sent."""
    monkeypatch.setattr(
        registry, "DIALECTS", MappingProxyType({**registry.DIALECTS, "mkdocs": "ingest.sites.ghost:Ghost"})
    )
    config = write_config(tmp_path, emulator.base_url, site="mkdocs")
    assert main(["run", "--all", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "sources.docs.site: the 'mkdocs' site dialect is not available in this installation" in err
    assert emulator.requests() == []
