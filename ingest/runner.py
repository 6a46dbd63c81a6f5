"""The commands' work, as async functions of validated settings: run, plan, status, remote sources.

The CLI parses arguments and prints; this module joins settings, state, client and
engine. Tests call these functions directly.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import SecretStr

from ingest.collect import Collected
from ingest.config import Settings, Source
from ingest.convert import html_to_markdown
from ingest.engine import Engine, SourceResult, TargetFactory
from ingest.intercom import ContentImportSource, IntercomClient
from ingest.lock import source_locks
from ingest.plan import Plan
from ingest.report import NullProgress, Progress
from ingest.state import FailureRecord, RunRecord, StateStore
from ingest.targets.base import Target
from ingest.targets.external_pages import NAME as EXTERNAL_PAGES
from ingest.targets.external_pages import ExternalPagesTarget


def make_client(settings: Settings, token: SecretStr | None = None) -> IntercomClient:
    secret = token if token is not None else settings.access_token()
    return IntercomClient(
        base_url=settings.intercom.api_url,
        token=secret.get_secret_value(),
        api_version=settings.intercom.api_version,
        max_concurrency=settings.intercom.max_concurrency,
        max_attempts=settings.intercom.max_attempts,
        request_timeout=settings.intercom.request_timeout,
    )


def _target_factory(client: IntercomClient | None, state: StateStore) -> TargetFactory:
    """Targets for ``client``; without one (planning) they can hash payloads but not send."""

    def build(source: Source) -> Target:
        return ExternalPagesTarget(source=source.name, settings=source.settings, client=client, state=state)

    return build


def result_from_plan(plan: Plan, collected: Collected) -> SourceResult:
    """What a run would do, in the shape of what a run did (for --dry-run and ``plan``)."""
    from ingest.state import RunCounts

    return SourceResult(
        source=plan.source,
        target=plan.target,
        counts=RunCounts(
            created=len(plan.creates),
            updated=len(plan.updates),
            deleted=len(plan.deletes),
            unchanged=plan.unchanged,
            skipped=len(plan.skipped),
            failed=len(plan.failures),
        ),
        failures=list(plan.failures),
        skipped=list(plan.skipped),
        error=plan.refusal,
        scanned=collected.scanned,
        converted=collected.converted,
        plan=plan,
    )


async def run_sources(
    settings: Settings,
    sources: Sequence[Source],
    *,
    dry_run: bool = False,
    allow_mass_delete: bool = False,
    progress: Progress | None = None,
    token: SecretStr | None = None,
) -> list[SourceResult]:
    """Sync (or, with ``dry_run``, only plan) ``sources``, holding their locks throughout."""
    results: list[SourceResult] = []
    with (
        StateStore(settings.state.path) as state,
        source_locks(settings.state.path, [source.name for source in sources]),
    ):
        if dry_run:
            engine = Engine(state=state, target_factory=_target_factory(None, state))
            for source in sources:
                plan, collected, _ = await engine.plan_source(source)
                results.append(result_from_plan(plan, collected))
            return results
        async with make_client(settings, token) as client:
            engine = Engine(
                state=state,
                target_factory=_target_factory(client, state),
                progress=progress or NullProgress(),
                allow_mass_delete=allow_mass_delete,
            )
            for source in sources:
                results.append(await engine.sync_source(source))
    return results


@dataclass(frozen=True)
class PlannedSource:
    result: SourceResult
    diffs: dict[str, str]


async def plan_sources(settings: Settings, sources: Sequence[Source], *, diff: bool) -> list[PlannedSource]:
    """What a run would do per source; with ``diff``, a Markdown diff of each update."""
    planned: list[PlannedSource] = []
    with StateStore(settings.state.path) as state:
        engine = Engine(state=state, target_factory=_target_factory(None, state))
        for source in sources:
            plan, collected, _ = await engine.plan_source(source)
            diffs: dict[str, str] = {}
            if diff:
                for update in plan.updates:
                    old = state.sent_html(source.name, EXTERNAL_PAGES, update.page.external_id) or ""
                    diffs[update.page.external_id] = markdown_diff(old, update.page.html, update.page.locator)
            planned.append(PlannedSource(result_from_plan(plan, collected), diffs))
    return planned


def markdown_diff(old_html: str, new_html: str, name: str) -> str:
    """A unified diff of two HTML bodies, rendered as Markdown so a person can read it."""
    old = html_to_markdown(old_html).splitlines(keepends=True)
    new = html_to_markdown(new_html).splitlines(keepends=True)
    return "".join(difflib.unified_diff(old, new, fromfile=f"{name} (sent)", tofile=f"{name} (now)"))


@dataclass(frozen=True)
class SourceStatus:
    name: str
    configured: bool
    pages: int
    import_source_id: int | None
    last_run: RunRecord | None
    failures: list[FailureRecord]


def source_statuses(settings: Settings) -> list[SourceStatus]:
    """Per source, from state alone (no request): pages, last run, failures."""
    with StateStore(settings.state.path) as state:
        names = sorted(set(settings.sources) | set(state.known_sources()))
        return [
            SourceStatus(
                name=name,
                configured=name in settings.sources,
                pages=state.count_documents(name, EXTERNAL_PAGES),
                import_source_id=state.import_source(name)[0],
                last_run=state.last_run(name),
                failures=state.failures(name),
            )
            for name in names
        ]


async def remote_sources(settings: Settings) -> list[tuple[ContentImportSource, str | None]]:
    """The workspace's Content Import Sources, each with the configured source it belongs to."""
    by_url = {source.settings.url: name for name, source in settings.sources.items()}
    async with make_client(settings) as client:
        remote = await client.list_content_import_sources()
    return [(item, by_url.get(item.url)) for item in remote]
