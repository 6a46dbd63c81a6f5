"""The commands' work, as async functions of validated settings: run, plan, status, remote sources.

The CLI parses arguments and prints; this module joins settings, state, client and
engine. Tests call these functions directly.
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pydantic import SecretStr

from ingest.api_defaults import DEFAULT_API_VERSION
from ingest.api_versions import features_of
from ingest.collect import Collected
from ingest.config import Settings, Source, token_fix
from ingest.connector import Connector
from ingest.convert import html_to_markdown
from ingest.engine import ConnectorFactory, Engine, SourcePlan, SourceResult, TargetFactory
from ingest.errors import ConnectorError, LockedError
from ingest.intercom import ContentImportSource, IntercomClient
from ingest.intercom.errors import DEFAULT_TOKEN_FIX
from ingest.intercom.observer import NO_OBSERVER, RequestObserver
from ingest.lock import holding_source
from ingest.logs import redactor
from ingest.plan import Plan
from ingest.progress import NullProgress, Progress
from ingest.registry import load_connector
from ingest.state import RunCounts, StateStore
from ingest.targets.base import BoundTarget, Target
from ingest.targets.registry import target_halves
from ingest.targets.tagging import OwnerTagging


def make_client(
    settings: Settings, token: SecretStr | None = None, *, observer: RequestObserver = NO_OBSERVER
) -> IntercomClient:
    """A client with ``token``, else with the configured one (and a refusal naming where it came from),
    telling ``observer`` of its requests (monitoring)."""
    secret = token if token is not None else settings.access_token()
    fix = DEFAULT_TOKEN_FIX if token is not None else token_fix()
    redactor.add(secret.get_secret_value())  # a token from a secrets file is blanked in logs too
    return IntercomClient(
        base_url=settings.intercom.api_url,
        token=secret.get_secret_value(),
        api_version=settings.intercom.api_version,
        max_concurrency=settings.intercom.max_concurrency,
        max_attempts=settings.intercom.max_attempts,
        request_timeout=settings.intercom.request_timeout,
        connect_timeout=settings.intercom.connect_timeout,
        read_timeout=settings.intercom.read_timeout,
        token_fix=fix,
        rate_limit_share=settings.intercom.rate_limit_share,
        observer=observer,
    )


def build_connector(source: Source) -> Connector:
    """The connector of a configured source, found by entry point and built from its options."""
    return load_connector(source.settings.connector)(source.options)


def target_factory(
    client: IntercomClient | None,
    state: StateStore,
    *,
    api_version: str = DEFAULT_API_VERSION,
    owner_tag_id: int | None = None,
) -> TargetFactory:
    """A source's targets for ``client`` speaking ``api_version``, keeping ``owner_tag_id`` on what
    they own; without a client (planning) they hash payloads but send nothing."""

    def build(source: Source) -> list[Target]:
        return [
            build_target(name, source, client, state, api_version=api_version, owner_tag_id=owner_tag_id)
            for name in source.settings.targets
        ]

    return build


def build_target(
    name: str,
    source: Source,
    client: IntercomClient | None,
    state: StateStore,
    *,
    api_version: str = DEFAULT_API_VERSION,
    owner_tag_id: int | None = None,
) -> Target:
    """The target ``name`` of ``source`` for ``api_version``; without a client, one that can only plan.
    Where the version can tag, it keeps ``owner_tag_id`` (None: no tag) on what it owns."""
    halves = target_halves(name)
    features = features_of(api_version)
    planner = halves.planner(source.settings, source.target_tables.get(name), features)
    sender = halves.sender(planner, client, state.target(source.name, name)) if client is not None else None
    return BoundTarget(planner, sender, OwnerTagging(owner_tag_id) if features.content_tags else None)


def targets_for(settings: Settings, client: IntercomClient | None, state: StateStore) -> TargetFactory:
    """The configured sources' targets, speaking the configured API version and keeping its owner tag."""
    intercom = settings.intercom
    return target_factory(client, state, api_version=intercom.api_version, owner_tag_id=intercom.owner_tag_id)


def result_from_plan(plan: Plan, collected: Collected) -> SourceResult:
    """What a run would do, in the shape of what a run did (for --dry-run and ``plan``)."""
    restores, expiries = plan.restores, plan.expiries
    return SourceResult(
        source=plan.source,
        target=plan.target,
        counts=RunCounts(
            created=len(plan.creates),
            updated=len(plan.updates) - restores,
            deleted=len(plan.deletes) - expiries,
            unchanged=plan.unchanged,
            skipped=len(plan.skipped),
            failed=len(plan.failures),
            availability=len(plan.availability),
            tagged=len(plan.tags),
            withdrawn=len(plan.withdrawals),
            restored=restores,
            expired=expiries,
        ),
        failures=list(plan.failures),
        skipped=list(plan.skipped),
        error=plan.refusal,
        scanned=collected.scanned,
        converted=collected.converted,
        plan=plan,
        warnings=list(collected.warnings),
        unknown=dict(collected.unknown),
    )


async def run_sources(
    settings: Settings,
    sources: Sequence[Source],
    *,
    dry_run: bool = False,
    allow_mass_delete: bool = False,
    progress: Progress | None = None,
    token: SecretStr | None = None,
    lock_wait: float = 0.0,
    connector_factory: ConnectorFactory = build_connector,
    clock: Callable[[], float] = time.time,
    observer: RequestObserver = NO_OBSERVER,
) -> list[SourceResult]:
    """Sync (or, with ``dry_run``, only plan) ``sources`` one after the other; ``observer`` is told
    of every request (``--metrics-file``).

    Each source's lock is held while that source syncs, waiting up to ``lock_wait``
    seconds when another process (the watch daemon, another run) holds it. A source whose
    lock stays held is reported as not synced; when that is every source, LockedError.
    """
    results: list[SourceResult] = []
    with StateStore(settings.state.path) as state:
        if dry_run:
            engine = Engine(
                state=state,
                connector_factory=connector_factory,
                target_factory=targets_for(settings, None, state),
                jobs=settings.run.jobs,
                clock=clock,
            )
            for source in sources:
                planned = await engine.plan_source(source)
                results.extend(result_from_plan(plan, planned.collected) for _, plan in planned.plans)
            return results
        async with make_client(settings, token, observer=observer) as client:
            engine = Engine(
                state=state,
                connector_factory=connector_factory,
                target_factory=targets_for(settings, client, state),
                progress=progress or NullProgress(),
                allow_mass_delete=allow_mass_delete,
                jobs=settings.run.jobs,
                senders=settings.intercom.max_concurrency,
                clock=clock,
            )
            locked: list[LockedError] = []
            for source in sources:
                try:
                    async with holding_source(settings.state.path, source.name, wait=lock_wait):
                        results.extend(await engine.sync_source(source))
                except LockedError as exc:
                    locked.append(exc)
                    results.extend(
                        SourceResult(source=source.name, target=target, error=str(exc))
                        for target in source.settings.targets
                    )
            if locked and len(locked) == len(sources):
                raise locked[0]
    return results


@dataclass(frozen=True)
class PlannedTarget:
    """What a run would do for one source and target; with ``--diff``, each update's diff."""

    result: SourceResult
    diffs: dict[str, str]


#: Handed each source's plan (or why the source could not be read) with the state it was made
#: against, as :func:`plan_sources` makes it (``ingest plan --out`` saves it).
PlanKeeper = Callable[[Source, SourcePlan | ConnectorError, StateStore], None]


async def plan_sources(
    settings: Settings,
    sources: Sequence[Source],
    *,
    diff: bool,
    connector_factory: ConnectorFactory = build_connector,
    allow_mass_delete: bool = False,
    keep: PlanKeeper | None = None,
) -> list[PlannedTarget]:
    """What a run would do per source and target; with ``diff``, a Markdown diff of each update;
    with ``allow_mass_delete``, as a run lifting the delete guard would; ``keep`` is handed each
    source's plan, its scan digested."""
    planned: list[PlannedTarget] = []
    with StateStore(settings.state.path) as state:
        target_factory = targets_for(settings, None, state)
        engine = Engine(
            state=state,
            connector_factory=connector_factory,
            target_factory=target_factory,
            jobs=settings.run.jobs,
            allow_mass_delete=allow_mass_delete,
            digest_scan=keep is not None,
        )
        for source in sources:
            try:
                source_plan = await engine.plan_source(source)
            except ConnectorError as exc:  # a source that cannot be read fails alone, as in a run
                if keep is not None:
                    keep(source, exc, state)
                for target in target_factory(source):
                    result = SourceResult(source=source.name, target=target.name, error=str(exc))
                    planned.append(PlannedTarget(result, {}))
                continue
            if keep is not None:
                keep(source, source_plan, state)
            for target, plan in source_plan.plans:
                diffs: dict[str, str] = {}
                for update in plan.updates if diff else ():
                    old = state.target(source.name, target.name).sent_html(update.page.external_id) or ""
                    diffs[update.page.external_id] = markdown_diff(old, update.page.html, update.page.locator)
                planned.append(PlannedTarget(result_from_plan(plan, source_plan.collected), diffs))
    return planned


def markdown_diff(old_html: str, new_html: str, name: str) -> str:
    """A unified diff of two HTML bodies, rendered as Markdown so a person can read it."""
    old = html_to_markdown(old_html).splitlines(keepends=True)
    new = html_to_markdown(new_html).splitlines(keepends=True)
    return "".join(difflib.unified_diff(old, new, fromfile=f"{name} (sent)", tofile=f"{name} (now)"))


async def remote_sources(settings: Settings) -> list[tuple[ContentImportSource, str | None]]:
    """The workspace's Content Import Sources, each with the configured source it belongs to."""
    by_url = {source.settings.url: name for name, source in settings.sources.items() if source.settings.url}
    async with make_client(settings) as client:
        remote = await client.list_content_import_sources()
    return [(item, by_url.get(item.url)) for item in remote]
