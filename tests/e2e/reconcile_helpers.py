"""What reconcile tests share: a hand on the emulator that is not fin-ingest's, and running reconcile."""

from __future__ import annotations

from typing import Any

import aiohttp
from pydantic import SecretStr

from ingest.config import Settings
from ingest.emulator import RunningEmulator
from ingest.reconcile import ReconcileRun, TargetReport, reconcile_sources
from tests.e2e.conftest import TOKEN


class Someone:
    """A person in the Help Center, or another tool with its own token: writes straight to Intercom,
    as fin-ingest never learns."""

    def __init__(self, emulator: RunningEmulator, version: str = "2.16") -> None:
        self._emulator = emulator
        self._headers = {"Authorization": f"Bearer {TOKEN}", "Intercom-Version": version}

    async def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        async with (
            aiohttp.ClientSession(self._emulator.base_url, headers=self._headers) as session,
            session.request(method, path, json=body) as response,
        ):
            assert response.status < 300, await response.text()
            return await response.json() if response.status != 204 else None


async def reconcile(settings: Settings, **options: Any) -> ReconcileRun:
    """``ingest reconcile`` of every configured source, with the tests' token."""
    return await reconcile_sources(settings, settings.select(None), token=SecretStr(TOKEN), **options)


def kinds(report: TargetReport) -> list[tuple[str, str]]:
    """(kind, document or external id) of every finding, in the order reported."""
    return [(f.drift.kind.value, f.drift.locator or f.drift.external_id) for f in report.findings]


def only(run: ReconcileRun, target: str) -> TargetReport:
    (report,) = [report for report in run.reports if report.target == target]
    return report
