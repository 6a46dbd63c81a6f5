"""Secrets end to end: a document carrying one is never sent, through every connector, and says why."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from ingest import conversion
from ingest.conversion_pool import StartingPool
from ingest.emulator import EmulatorConfig, RunningEmulator, start_emulator
from tests.e2e.conftest import TOKEN, Harness
from tests.secret_scan.seeded import seeded_secrets

SEEDED = seeded_secrets()
BY_KIND = {item.detector: item for item in SEEDED}


def received_text(emulator: RunningEmulator) -> str:
    """Every request the emulator received, path and body, as one text to search."""
    return "\n".join(
        f"{request.method} {request.path} {json.dumps(request.body)}" for request in emulator.requests()
    )


def assert_no_seeded_secret_sent(emulator: RunningEmulator) -> None:
    text = received_text(emulator)
    for item in SEEDED:
        assert item.secret not in text, item.detector


def write_seeded_docs(docs: Path) -> None:
    """One clean page, one Markdown page holding every seeded secret, one HTML page with some."""
    (docs / "clean.md").write_text("# Clean\n\nNothing to hide.\n", encoding="utf-8")
    lines = "\n\n".join(item.line for item in SEEDED)
    (docs / "runbook.md").write_text(f"# Runbook\n\n{lines}\n", encoding="utf-8")
    aws, google = BY_KIND["AWS Access Key"], BY_KIND["Google API Key"]
    (docs / "page.html").write_text(
        f"<html><body><h1>Page</h1><p>{aws.line}</p>"
        f'<a href="https://maps.example.com/?key={google.secret}">map</a></body></html>',
        encoding="utf-8",
    )


async def test_documents_with_secrets_are_not_sent_and_the_run_says_where(harness: Harness) -> None:
    """Filesystem Markdown and HTML: only the clean page is created; the others fail with file,
    line, detector and fingerprint; no seeded value reaches the emulator; state holds the clean one."""
    write_seeded_docs(harness.docs)
    result = await harness.sync()
    assert set(harness.remote()) == {"clean.md"}
    assert not result.ok and result.counts.created == 1
    failed = {failure.locator: failure for failure in result.failures}
    assert set(failed) == {"runbook.md", "page.html"}
    runbook = failed["runbook.md"]
    assert len(runbook.secrets) >= 30 and runbook.external_id == "runbook.md"
    aws_line = next(f for f in runbook.secrets if f.detector == "AWS Access Key")
    assert aws_line.line == 3 and aws_line.locator == "runbook.md"
    html_findings = {(f.line, f.detector) for f in failed["page.html"].secrets}
    assert (1, "AWS Access Key") in html_findings and (1, "Google API Key") in html_findings
    assert_no_seeded_secret_sent(harness.emulator)
    for failure in result.failures:
        for item in SEEDED:
            assert item.secret not in failure.message
    # Not recorded as sent: the next run scans them again (and finds them again), sending nothing.
    again = await harness.sync_fresh()
    assert {failure.locator for failure in again.failures} == {"runbook.md", "page.html"}
    assert harness.writes() == []


async def test_a_changed_document_with_a_secret_keeps_its_page_as_it_was(harness: Harness) -> None:
    """The page sent before stays, unchanged and undeleted; once the secret goes, the update is sent."""
    (harness.docs / "guide.md").write_text("# Guide\n\nFirst version.\n", encoding="utf-8")
    assert (await harness.sync()).ok
    before = harness.remote()["guide.md"]
    aws = BY_KIND["AWS Access Key"]
    (harness.docs / "guide.md").write_text(f"# Guide\n\nSecond version: {aws.line}\n", encoding="utf-8")
    result = await harness.sync_fresh()
    assert [f.locator for f in result.failures] == ["guide.md"] and result.counts.deleted == 0
    assert harness.writes() == []
    assert harness.remote()["guide.md"] == before
    (harness.docs / "guide.md").write_text("# Guide\n\nSecond version, key removed.\n", encoding="utf-8")
    fixed = await harness.sync_fresh()
    assert fixed.ok and fixed.counts.updated == 1
    assert "key removed" in harness.remote()["guide.md"]["html"]


async def test_a_secret_in_a_renamed_document_does_not_delete_its_old_page(harness: Harness) -> None:
    """The failure names the document's external id: its recorded page is not deleted either."""
    (harness.docs / "guide.md").write_text(
        "---\nexternal_id: guide\n---\n# Guide\n\nText.\n", encoding="utf-8"
    )
    assert (await harness.sync()).ok
    (harness.docs / "guide.md").unlink()
    aws = BY_KIND["AWS Access Key"]
    (harness.docs / "moved.md").write_text(
        f"---\nexternal_id: guide\n---\n# Guide\n\n{aws.line}\n", encoding="utf-8"
    )
    result = await harness.sync_fresh()
    assert result.counts.deleted == 0 and "guide" in harness.remote()
    assert_no_seeded_secret_sent(harness.emulator)


async def test_each_allow_list_lets_its_document_through(harness: Harness) -> None:
    """The inline pragma, front matter by fingerprint, and a detect-secrets baseline in the source."""
    aws, google, slack = BY_KIND["AWS Access Key"], BY_KIND["Google API Key"], BY_KIND["Slack Token"]
    (harness.docs / "pragma.md").write_text(
        f"# Pragma\n\nExample: {aws.secret} <!-- pragma: allowlist secret -->\n", encoding="utf-8"
    )
    (harness.docs / "front.md").write_text(f"# Front\n\n{google.line}\n", encoding="utf-8")
    (harness.docs / "base.md").write_text(f"# Base\n\n{slack.line}\n", encoding="utf-8")
    first = await harness.sync()
    fingerprints = {f.locator: f.secrets[0].fingerprint for f in first.failures}
    assert set(fingerprints) == {"front.md", "base.md"}
    (harness.docs / "front.md").write_text(
        f"---\nsecrets_allow: [{fingerprints['front.md']}]\n---\n# Front\n\n{google.line}\n", encoding="utf-8"
    )
    from detect_secrets.core.potential_secret import PotentialSecret

    baseline = {
        "version": "1.5.0",
        "results": {"base.md": [{"type": "Slack Token", "filename": "base.md", "hashed_secret":
                                 PotentialSecret.hash_secret(slack.secret), "line_number": 3}]},
    }  # fmt: skip
    (harness.docs / ".secrets.baseline").write_text(json.dumps(baseline), encoding="utf-8")
    harness.settings(secrets_baseline=".secrets.baseline")
    result = await harness.sync()
    assert result.ok, result.failures
    assert set(harness.remote()) == {"pragma.md", "front.md", "base.md"}


async def test_scanning_can_be_turned_off_for_a_source(harness: Harness) -> None:
    aws = BY_KIND["AWS Access Key"]
    (harness.docs / "a.md").write_text(f"# A\n\n{aws.line}\n", encoding="utf-8")
    harness.settings(scan_secrets=False)
    assert (await harness.sync()).ok


async def test_documents_converted_in_worker_processes_are_scanned_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With two jobs the workers load, convert and scan: the same findings as in one process, and
    nothing seeded sent."""
    monkeypatch.setattr(conversion, "POOL_THRESHOLD", 1)
    ready = StartingPool.ready
    monkeypatch.setattr(StartingPool, "ready", lambda pool: (pool.wait(), ready(pool))[1])

    async def sync_with(jobs: int, folder: Path) -> tuple[list[Any], int]:
        async with start_emulator(EmulatorConfig(token=TOKEN)) as emulator:
            harness = Harness(folder, emulator)
            write_seeded_docs(harness.docs)
            for index in range(20):
                (harness.docs / f"page-{index}.md").write_text(f"# Page {index}\n\nText.\n", encoding="utf-8")
            settings = harness.settings()
            harness.settings = lambda **_: settings.with_jobs(jobs)  # type: ignore[method-assign]
            result = await harness.sync()
            assert_no_seeded_secret_sent(emulator)
            return sorted((f.locator, f.secrets) for f in result.failures), len(harness.remote())

    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    one = await sync_with(1, tmp_path / "one")
    two = await sync_with(2, tmp_path / "two")
    assert one == two and one[1] == 21 and [locator for locator, _ in one[0]] == ["page.html", "runbook.md"]


def rendered_text(html: str) -> str:
    """What a reader (and Fin) reads of ``html``: its text, inline markup gone."""
    return re.sub(r"<[^>]*>", "", html)


async def test_a_secret_split_by_inline_markup_is_found(harness: Harness) -> None:
    """Emphasis or a link in the middle of a key hides it from a scan of the source's lines and of
    the HTML's tags apart, yet the page reads it whole: ``AKIA**NA7C...**`` is sent as
    ``AKIA<strong>NA7C...</strong>``, which renders ``AKIANA7C...``."""
    aws, github = BY_KIND["AWS Access Key"], BY_KIND["GitHub Token"]
    (harness.docs / "bold.md").write_text(
        f"# Bold\n\nKey: {aws.secret[:4]}**{aws.secret[4:]}**\n", encoding="utf-8"
    )
    (harness.docs / "link.md").write_text(
        f"# Link\n\nToken: {github.secret[:4]}[{github.secret[4:]}](https://example.com/)\n", encoding="utf-8"
    )
    result = await harness.sync()
    assert {failure.locator for failure in result.failures} == {"bold.md", "link.md"}
    sent = rendered_text(received_text(harness.emulator))
    assert aws.secret not in sent and github.secret not in sent


async def test_a_secret_in_a_folder_name_is_found(harness: Harness) -> None:
    """A document's path is sent as its page's external_id (and an article's collections): a folder
    named with a key keeps its documents back, though no url_template puts the path in a URL."""
    aws = BY_KIND["AWS Access Key"]
    harness.settings()
    config = harness.config.read_text(encoding="utf-8").splitlines()
    harness.config.write_text(
        "\n".join(line for line in config if not line.startswith("url_template")) + "\n", encoding="utf-8"
    )
    folder = harness.docs / f"keys-{aws.secret}"
    folder.mkdir()
    (folder / "guide.md").write_text("# Guide\n\nClean text.\n", encoding="utf-8")
    (harness.docs / "clean.md").write_text("# Clean\n\nNothing here.\n", encoding="utf-8")
    result = await harness.sync()
    assert [failure.locator for failure in result.failures] == [f"keys-{aws.secret}/guide.md"]
    assert set(harness.remote()) == {"clean.md"}
    assert_no_seeded_secret_sent(harness.emulator)


async def test_a_document_failing_before_its_scan_is_not_reported_with_its_secret(harness: Harness) -> None:
    """A document whose front matter is refused fails before it is scanned: the failure, which the
    summary, the --report and a saved plan carry, must not quote the secret it holds."""
    github = BY_KIND["GitHub Token"]
    (harness.docs / "mirror.md").write_text(
        f"---\nurl: ftp://files.example.com/docs/?token={github.secret}\n---\n# Mirror\n\nText.\n",
        encoding="utf-8",
    )
    result = await harness.sync()
    assert [failure.locator for failure in result.failures] == ["mirror.md"]
    (failure,) = result.failures
    assert "front matter url must be an absolute http(s) URL" in failure.message
    assert github.secret not in failure.message


async def test_turning_the_scan_on_scans_what_was_sent_before_once(harness: Harness) -> None:
    """Pages sent while a source did not scan (as before an upgrade) are read and scanned once when
    it does: the page holding a secret is named (exit 1) and nothing is sent; the clean pages are
    not read again by the run after, the one holding the secret is, until it is fixed."""
    (harness.docs / "clean.md").write_text("# Clean\n\nNothing to hide.\n", encoding="utf-8")
    aws = BY_KIND["AWS Access Key"]
    (harness.docs / "runbook.md").write_text(f"# Runbook\n\n{aws.line}\n", encoding="utf-8")
    harness.settings(scan_secrets=False)
    first = await harness.sync()
    assert first.ok and first.counts.created == 2

    harness.settings(scan_secrets=True)
    scanned = await harness.sync_fresh()
    # Both read: the clean one converted (the same payload: unchanged), the other one refused.
    assert (scanned.converted, scanned.counts.unchanged) == (1, 1)
    assert [failure.locator for failure in scanned.failures] == ["runbook.md"]
    assert not scanned.ok and harness.writes() == []

    again = await harness.sync_fresh()
    assert again.converted == 0 and [failure.locator for failure in again.failures] == ["runbook.md"]
    (harness.docs / "runbook.md").write_text("# Runbook\n\nThe key is in the vault now.\n", encoding="utf-8")
    fixed = await harness.sync_fresh()
    assert fixed.ok and fixed.counts.updated == 1
    assert "vault" in harness.remote()["runbook.md"]["html"]


async def test_a_secret_from_the_first_sync_on_does_not_make_every_run_read_the_whole_source(
    harness: Harness,
) -> None:
    """A document failing on every run (a secret left in place) keeps only itself being read: the
    runs after the first read it alone (a failure, not counted as converted), and the other
    documents cost nothing."""
    for name in ("a", "b", "c"):
        (harness.docs / f"{name}.md").write_text(f"# {name}\n\nClean text.\n", encoding="utf-8")
    aws = BY_KIND["AWS Access Key"]
    (harness.docs / "runbook.md").write_text(f"# Runbook\n\n{aws.line}\n", encoding="utf-8")
    first = await harness.sync()
    assert [f.locator for f in first.failures] == ["runbook.md"] and first.counts.created == 3
    for _ in range(2):
        again = await harness.sync_fresh()
        assert [f.locator for f in again.failures] == ["runbook.md"]
        assert (again.converted, again.counts.unchanged) == (0, 3)
        assert harness.writes() == []


async def test_a_document_failing_under_new_settings_is_read_again_by_the_next_run(harness: Harness) -> None:
    """The settings a run applied are recorded though a document failed, but that document is not
    taken as unchanged by the next run: once it passes, its page gets the new settings."""
    harness.use_version("2.15")
    aws = BY_KIND["AWS Access Key"]
    (harness.docs / "clean.md").write_text("# Clean\n\nText.\n", encoding="utf-8")
    (harness.docs / "runbook.md").write_text(f"# Runbook\n\n{aws.line}\n", encoding="utf-8")
    harness.settings(scan_secrets=False)
    assert (await harness.sync()).ok
    harness.settings(scan_secrets=True, ai_agent=False)
    changed = await harness.sync_fresh()
    assert [f.locator for f in changed.failures] == ["runbook.md"] and changed.counts.updated == 1
    assert harness.remote()["runbook.md"]["ai_agent_availability"] is True
    # The secret allowed by a baseline (which, unlike the scan's plugins, is no part of a document's
    # fingerprint): only the document that failed is read again, and sent with the new settings.
    hashed = hashlib.sha1(aws.secret.encode()).hexdigest()  # noqa: S324 - detect-secrets' own hash
    baseline = {
        "results": {"runbook.md": [{"type": aws.detector, "hashed_secret": hashed, "line_number": 3}]}
    }
    (harness.docs / ".secrets.baseline").write_text(json.dumps(baseline), encoding="utf-8")
    harness.settings(scan_secrets=True, ai_agent=False, secrets_baseline=".secrets.baseline")
    passed = await harness.sync_fresh()
    assert passed.ok and (passed.converted, passed.counts.updated, passed.counts.unchanged) == (1, 1, 1)
    assert harness.remote()["runbook.md"]["ai_agent_availability"] is False
