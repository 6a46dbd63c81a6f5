"""The watch daemon scans as a run does: an edit that adds a secret is not sent, its page stays."""

from __future__ import annotations

import json

from tests.secret_scan.seeded import seeded_secrets
from tests.watch.conftest import Project, wait_until

AWS = next(item for item in seeded_secrets() if item.detector == "AWS Access Key")


async def test_an_edit_adding_a_secret_is_not_sent_and_its_removal_is(project: Project) -> None:
    project.write("runbook.md", "# Runbook\n\nFirst.\n")
    async with project.daemon():
        assert "First." in project.remote()["runbook.md"]["html"]
        batches = len(project.reports)
        project.write("runbook.md", f"# Runbook\n\nSecond: {AWS.line}\n")
        await wait_until(lambda: any(r.failed for r in project.reports[batches:]), what="the refused edit")
        assert not any(report.updated for report in project.reports[batches:])
        assert "First." in project.remote()["runbook.md"]["html"]
        project.write("runbook.md", "# Runbook\n\nSecond, the key in the vault.\n")
        await wait_until(lambda: "vault" in project.remote()["runbook.md"]["html"], what="the clean edit")
    sent = json.dumps([request.body for request in project.emulator.requests()])
    assert AWS.secret not in sent
