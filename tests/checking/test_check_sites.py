"""``ingest check`` on a docs site: what the site's dialect reports (links it says lead nowhere,
warnings, constructs it does not know) becomes findings; and on worker processes, the same
findings as in one."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

from ingest import conversion
from ingest.checking.run import check_sources
from ingest.cli import main
from ingest.config import load_settings
from ingest.conversion_pool import StartingPool
from tests.checking.check_project import ENGLISH, write, write_project


def site_config(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    write(site, "fakesite.toml", "")
    write(
        site,
        "guide.md",
        "---\ntitle: Guide\nlang: fr\n---\n"  # lines 1-4
        f"{ENGLISH} [Gone](nowhere.md).\n"  # line 5
        '{{< include "partials/missing.md" >}}\n'  # line 6
        "{{< tabs >}}Inside the tabs{{< /tabs >}}\n",  # line 7
    )
    write(site, "other.md", f"# Other\n\n{ENGLISH} Back to [the guide](guide.md).\n")
    config = tmp_path / "ingest.toml"
    config.write_text(
        f'[sources.site]\nconnector = "filesystem"\npath = "{site}"\nurl = "https://docs.example.com"\n'
        'url_template = "https://docs.example.com/{path}"\n',
        encoding="utf-8",
    )
    return config


def findings(config: Path, capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, Any]]:
    main(["check", "--all", "--config", str(config), "--format", "json", "--severity", "note", *args])
    return list(json.loads(capsys.readouterr().out)["findings"])


@pytest.mark.usefixtures("fake_site")
def test_what_the_site_reports_becomes_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The dialect's broken link, its warning and its unknown shortcode each give a finding with its
    rule id (the link and the shortcode at their lines); a page filed as French that reads as
    English is a language mismatch."""
    found = {
        (f["rule"], f["severity"], f["path"], f["line"], f["message"])
        for f in findings(site_config(tmp_path), capsys)
    }
    assert found == {
        ("broken-link", "warning", "guide.md", 5, "link to nowhere.md, which is not a page"),
        ("site-warning", "note", "guide.md", None, "include partials/missing.md not found"),
        (
            "site-syntax",
            "warning",
            "guide.md",
            7,
            "shortcode:tabs is unknown to the site's dialect: shown as written (once)",
        ),
        ("language-mismatch", "warning", "guide.md", None, "the page reads as en but its locale is fr"),
    }


async def test_worker_processes_find_what_one_process_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """With two jobs the documents convert on the run's pool (every one in a worker) and the
    check finds exactly what it finds in one process."""
    settings = load_settings(write_project(tmp_path))
    sources = settings.select(None)
    alone = await check_sources(settings.with_jobs(1), sources)
    monkeypatch.setattr(conversion, "POOL_THRESHOLD", 1)
    ready = StartingPool.ready
    monkeypatch.setattr(StartingPool, "ready", lambda pool: (pool.wait(), ready(pool))[1])
    caplog.set_level(logging.DEBUG, logger="ingest.conversion")
    pooled = await check_sources(settings.with_jobs(2), sources)
    assert pooled.findings == alone.findings and len(alone.findings) == 11
    lines = [record.getMessage() for record in caplog.records if record.name == "ingest.conversion"]
    assert lines == [  # docs (a failure among them), then handbook
        "10 documents converted on 2 worker processes",
        "1 documents converted on 2 worker processes",
    ]
