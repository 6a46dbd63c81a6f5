"""Checking the remote truth of a source's targets: at most one read each, one in all when none keeps
a container, none extra when a write follows; an API that does not answer fails that target only."""

from __future__ import annotations

import pytest

from ingest.errors import AuthError, RetryableApiError
from ingest.remote_check import check_targets
from ingest.targets.base import FindingKind, RemoteCheck, RemoteFinding, Target


class FakeTarget:
    """A target whose check answers ``found`` (for a container of its own) and reads /me only when
    it must; every call is recorded in ``calls``."""

    def __init__(self, name: str, calls: list[str], found: RemoteCheck | Exception | None = None) -> None:
        self.name = name
        self._calls = calls
        self._found = found

    async def check(self, *, must_read: bool) -> RemoteCheck:
        if isinstance(self._found, Exception):
            self._calls.append(f"{self.name}: container")
            raise self._found
        if self._found is not None:
            self._calls.append(f"{self.name}: container")
            return self._found
        if must_read:
            self._calls.append(f"{self.name}: /me")
            return RemoteCheck(read=True)
        return RemoteCheck()


def targets(*items: FakeTarget) -> list[Target]:
    return list(items)  # type: ignore[arg-type]  # only name and check() are used


async def test_a_container_is_read_once_and_its_neighbours_read_nothing() -> None:
    """External Pages read their source; the articles beside them need no read of their own."""
    calls: list[str] = []
    checked = await check_targets(
        targets(FakeTarget("articles", calls), FakeTarget("external_pages", calls, RemoteCheck(read=True)))
    )
    assert calls == ["external_pages: container"] and checked.reads == 1


async def test_without_a_container_the_first_target_proves_the_token_once() -> None:
    """Targets with nothing of their own to read: one cheap read by the first, none by the others."""
    calls: list[str] = []
    checked = await check_targets(
        targets(FakeTarget("articles", calls), FakeTarget("internal_articles", calls))
    )
    assert calls == ["articles: /me"] and checked.reads == 1


async def test_a_write_that_follows_proves_the_token_instead() -> None:
    """When a target is about to write, its own requests prove the token: no read is added."""
    calls: list[str] = []
    checked = await check_targets(targets(FakeTarget("articles", calls)), writes_follow=True)
    assert calls == [] and checked.reads == 0


async def test_findings_and_forgetting_are_gathered_per_target() -> None:
    """What a check found is kept by target; one target forgetting its records is the source's."""
    gone = RemoteFinding(FindingKind.RECREATED, "deleted in Intercom")
    off = RemoteFinding(FindingKind.DEACTIVATED, "deactivated")
    calls: list[str] = []
    checked = await check_targets(
        targets(
            FakeTarget("external_pages", calls, RemoteCheck(read=True, forgot=True, findings=(gone, off)))
        )
    )
    assert checked.forgot and checked.findings == {"external_pages": [gone, off]}
    assert [finding.drift for finding in checked.findings["external_pages"]] == [False, True]


async def test_an_api_that_does_not_answer_fails_that_target_and_sends_no_token_read() -> None:
    """A 5xx after the retries is that target's error; a refused token ends everything."""
    calls: list[str] = []
    down = RetryableApiError("GET /ai/content_import_sources/7 failed: HTTP 503")
    checked = await check_targets(
        targets(FakeTarget("articles", calls), FakeTarget("external_pages", calls, down))
    )
    assert checked.errors == {"external_pages": f"could not check what Intercom holds: {down}"}
    assert calls == ["external_pages: container"]

    with pytest.raises(AuthError):
        await check_targets(targets(FakeTarget("external_pages", calls, AuthError("refused"))))
