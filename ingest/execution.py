"""Carrying out one target's plan: the requests, in order, each success recorded at once.

The steps, in the order they run:

1. store the new fingerprints of documents whose payload did not change (no request);
2. upload: creates and updates, batch by batch as the target orders them (an article before
   its translations), each batch by a fixed set of senders (as many as the client keeps in
   flight), each success recorded at once;
3. set the availability the uploads' requests could not, apart from them (a bulk action per
   group of pages), on the pages whose availability still differs from what state knows; then
   move the owner tags the same way (:mod:`ingest.settling`), a twin about to be retired but
   left in Intercom included, unless its delete waits (below);
4. delete, only when every upload succeeded: a failed upload may be a renamed document's new
   home, so the old page stays until a run whose uploads all succeed;
5. let the target tidy up (collections left empty); what the API will not let it tidy is left
   as it is, with a warning: every document's work is done and recorded by then.

A document's problem is that document's :class:`~ingest.document.Failure`; an
:class:`~ingest.errors.AuthError` or :class:`~ingest.errors.ConfigError` ends the run and is
raised as itself, not inside an exception group.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from ingest.api_defaults import DEFAULT_MAX_CONCURRENCY
from ingest.document import Failure
from ingest.errors import ApiError, AuthError, ConfigError, DocumentError, RetryableApiError
from ingest.plan import Action, Deletion, Plan, Refresh, Upsert
from ingest.progress import Progress
from ingest.settling import ApartStep, Change, availability_step, tags_step, withdrawal_step, withdrawing
from ingest.state import RunCounts, TargetStore
from ingest.targets.base import Target

log = logging.getLogger("ingest.engine")

#: Errors that end the whole run: retrying other documents cannot help.
FATAL = (AuthError, ConfigError)

Item = TypeVar("Item")


@dataclass
class Tally:
    """What carrying out a plan did so far."""

    created: int = 0
    updated: int = 0
    deleted: int = 0
    #: Remote twins whose availability was set apart from their upserts.
    availability: int = 0
    #: Remote twins whose owner tag was moved apart from their upserts.
    tagged: int = 0
    #: Remote twins withdrawn (``on_delete = "withdraw"``), restored, and deleted once expired.
    withdrawn: int = 0
    restored: int = 0
    expired: int = 0
    failures: list[Failure] = field(default_factory=list)

    def counts(self, plan: Plan) -> RunCounts:
        return RunCounts(
            created=self.created,
            updated=self.updated,
            deleted=self.deleted,
            unchanged=plan.unchanged,
            skipped=len(plan.skipped),
            failed=len(self.failures),
            availability=self.availability,
            tagged=self.tagged,
            withdrawn=self.withdrawn,
            restored=self.restored,
            expired=self.expired,
        )


class PlanExecution:
    """One target's plan, carried out once (see the module docstring).

    :meth:`run` carries out a whole plan. A streamed run (:mod:`ingest.streaming`) drives the
    same steps itself: :meth:`refresh` and :meth:`send` batch by batch while the source is read,
    then :meth:`conclude` with the plan the batches made."""

    def __init__(
        self,
        plan: Plan,
        target: Target,
        store: TargetStore,
        progress: Progress,
        *,
        senders: int = DEFAULT_MAX_CONCURRENCY,
    ) -> None:
        self._plan = plan
        self._target = target
        self._store = store
        self._progress = progress
        self._senders = senders
        self.label = f"{plan.source} ({target.name})"
        #: Documents that failed before this step (to load, to convert, to plan) stay failures.
        self.tally = Tally(failures=list(plan.failures))
        #: Whether an update found its twin gone and made a new one (which carries no tag yet).
        self._made_anew = False
        self._failed_uploads = 0

    async def run(self) -> Tally:
        """Every step; the tally holds what was done also when a fatal error ends it early."""
        self._progress.start(self.label, self._plan.writes)
        try:
            self.refresh(self._plan.refreshes)
            for batch in self._target.batches(self._plan.upserts):
                await self.send(batch)
            await self.conclude(self._plan)
        except* FATAL as errors:
            raise errors.exceptions[0] from None
        finally:
            self._progress.finish(self.label)
            self.tally.failures.sort(key=lambda failure: failure.locator)
        return self.tally

    async def conclude(self, plan: Plan) -> None:
        """The steps after the upserts: settle apart what they could not set, delete (only when
        every upload succeeded), tidy up."""
        self._plan = plan
        failed_uploads = self._failed_uploads
        if plan.availability:
            await self._settle_apart(availability_step(self._target, self._store), plan.availability)
        if plan.tags or self._made_anew:
            tags = tags_step(self._target, self._store, plan, retiring=not failed_uploads)
            await self._settle_apart(tags, plan.tags)
        if failed_uploads:
            self._postpone_deletes(failed_uploads)
        else:
            if plan.withdrawals:
                await self._withdraw(plan)
            await self._delete()
        if plan.writes:
            await self._tidy_up()

    def refresh(self, refreshes: Sequence[Refresh]) -> None:
        """Store the new fingerprints of documents whose payload did not change (no request)."""
        if refreshes:
            self._store.refresh_fingerprints(
                [
                    (
                        refresh.external_id,
                        refresh.locator,
                        refresh.fingerprint,
                        refresh.declared,
                        refresh.rule_facts,
                    )
                    for refresh in refreshes
                ]
            )

    async def send(self, upserts: Iterable[Upsert] | Feed[Upsert]) -> None:
        """Creates and updates by a fixed set of senders (as many as the client keeps requests in
        flight, not a task per page), each success recorded at once: ``upserts`` all at once, or
        what a :class:`Feed` hands over until it is closed."""
        if isinstance(upserts, Feed):
            await upserts.drain(self._upsert, self._senders)
        else:
            await _pooled(self._upsert, upserts, self._senders)

    async def _upsert(self, item: Upsert) -> None:
        verb, locator = item.action.value, item.page.locator
        try:
            sent = await self._target.upsert(item)
        except FATAL:
            raise
        except (ApiError, DocumentError) as exc:
            self._failed_uploads += 1
            self._failed(locator, verb, exc)
        except Exception as exc:  # a target's bug on one page is that page's failure, not the run's
            self._failed_uploads += 1
            log.exception("%s: %s of %s failed unexpectedly", self.label, verb, locator)
            self.tally.failures.append(Failure(locator, f"{verb} failed: {exc!r}"))
        else:
            page = item.page
            self._store.record_sent(
                external_id=page.external_id,
                locator=page.locator,
                fingerprint=page.fingerprint,
                content_hash=item.content_hash,
                remote_id=sent.remote_id,
                title=page.title,
                html=page.html,
                placement=sent.placement,
                declared=item.declared,
                availability=sent.availability,
                remote_digest=sent.remote_digest,
                rule_facts=item.rule_facts,
            )
            if item.action is Action.CREATE:
                self.tally.created += 1
            elif item.restore:
                self.tally.restored += 1
            else:
                self.tally.updated += 1
                self._made_anew = self._made_anew or sent.remote_id != item.remote_id
        finally:
            self._progress.advance(self.label)

    async def _settle_apart(self, step: ApartStep[Change], planned: Sequence[Change]) -> None:
        """Settle what the step finds still due once the uploads are done (``planned``, held against
        state), in the target's batches, each recorded at once."""
        due = step.due(planned, self._store.records() if step.needs_records else {})
        for _ in range(len(planned) - len(due)):  # none when more is due than planned (a twin made again)
            self._progress.advance(self.label)

        async def settle(batch: Sequence[Change]) -> None:
            await self._settle_batch(step, batch)

        await _all_at_once(settle, step.batches(due))

    async def _settle_batch(self, step: ApartStep[Change], batch: Sequence[Change]) -> None:
        try:
            await step.send(batch)
        except FATAL:
            raise
        except ApiError as exc:
            for change in batch:
                self._failed(change.locator, step.doing, exc)
        except Exception as exc:  # as for upserts: these documents' failure, not the run's
            log.exception("%s: %s %d documents failed unexpectedly", self.label, step.doing, len(batch))
            self.tally.failures.extend(
                Failure(change.locator, f"{step.doing} failed: {exc!r}") for change in batch
            )
        else:
            step.record(batch)
            setattr(self.tally, step.counter, getattr(self.tally, step.counter) + len(batch))
        finally:
            for _ in batch:
                self._progress.advance(self.label)

    def _postpone_deletes(self, failed_uploads: int) -> None:
        uploads = f"{failed_uploads} upload{'s' * (failed_uploads != 1)}"
        waiting = [("deleted", item.locator) for item in self._plan.deletes]
        waiting += [("withdrawn", item.locator) for item in self._plan.withdrawals]
        for done, locator in waiting:
            self.tally.failures.append(
                Failure(
                    locator,
                    f"not {done} yet: {uploads} of this run failed, "
                    "and deletes wait for a run whose uploads all succeed",
                    retryable=True,
                )
            )
            self._progress.advance(self.label)

    async def _withdraw(self, plan: Plan) -> None:
        """Withdraw the twins of documents gone (bulk actions), each accepted call recorded at once
        with the run's time; a twin state knows no remote id of has nothing to withdraw in Intercom."""
        assert plan.soft_delete is not None, "only a soft delete plans withdrawals"
        unsent = [item.external_id for item in plan.withdrawals if item.remote_id is None]
        if unsent:
            self._store.record_withdrawn(unsent, at=plan.soft_delete.now)
            self.tally.withdrawn += len(unsent)
            for _ in unsent:
                self._progress.advance(self.label)
        step = withdrawal_step(self._target, self._store, at=plan.soft_delete.now)
        await self._settle_apart(step, [withdrawing(item) for item in plan.withdrawals if item.remote_id])

    async def _delete(self) -> None:
        await _pooled(self._delete_one, self._plan.deletes, self._senders)

    async def _delete_one(self, item: Deletion) -> None:
        try:
            await self._target.delete(item)
        except FATAL:
            raise
        except ApiError as exc:
            self._failed(item.locator, "delete", exc)
        except Exception as exc:  # as for upserts: this delete's failure, not the run's
            log.exception("%s: delete of %s failed unexpectedly", self.label, item.locator)
            self.tally.failures.append(Failure(item.locator, f"delete failed: {exc!r}"))
        else:
            self._store.record_deleted(item.external_id)
            if item.expired:
                self.tally.expired += 1
            else:
                self.tally.deleted += 1
        finally:
            self._progress.advance(self.label)

    async def _tidy_up(self) -> None:
        try:
            await self._target.finish(self._plan)
        except FATAL:
            raise
        except ApiError as exc:  # no document's failure, and no reason to end the run
            log.warning("%s: could not tidy up, left as it is: %s", self.label, exc)

    def _failed(self, locator: str, verb: str, exc: ApiError | DocumentError) -> None:
        # A document failing because of a transient error elsewhere (its collection's) may pass too.
        retryable = isinstance(exc, RetryableApiError) or isinstance(exc.__cause__, RetryableApiError)
        self.tally.failures.append(Failure(locator, f"{verb} failed: {exc}", retryable=retryable))


class Feed(Generic[Item]):
    """A bounded queue between whoever makes work and a fixed set of workers: :meth:`put` waits
    while ``size`` items wait, so what is made waits for what is done; :meth:`close` (which never
    waits, so it is safe in a ``finally`` of a cancelled task) ends the workers once they have
    taken everything."""

    def __init__(self, size: int) -> None:
        self._queue: asyncio.Queue[Item | _Closed] = asyncio.Queue()
        self._room = asyncio.Semaphore(size)

    async def put(self, item: Item) -> None:
        await self._room.acquire()
        self._queue.put_nowait(item)

    def close(self) -> None:
        self._queue.put_nowait(_CLOSED)

    async def drain(self, work: Callable[[Item], Coroutine[object, object, None]], workers: int) -> None:
        """Run ``work`` on every item by ``workers`` tasks, until the feed is closed."""

        async def worker() -> None:
            while not isinstance(item := await self._queue.get(), _Closed):
                self._room.release()
                await work(item)
                del item  # a page's HTML is let go as soon as its request is done
            self._queue.put_nowait(_CLOSED)  # for the next worker

        async with asyncio.TaskGroup() as group:
            for _ in range(workers):
                group.create_task(worker())


class _Closed:
    """The mark a closed :class:`Feed` hands its workers."""


_CLOSED = _Closed()


async def _pooled(
    work: Callable[[Item], Coroutine[object, object, None]], items: Iterable[Item], workers: int
) -> None:
    """``work`` on every item by at most ``workers`` tasks sharing one iterator."""
    pending = iter(items)

    async def worker() -> None:
        for item in pending:  # shared: each item is taken by one worker
            await work(item)

    async with asyncio.TaskGroup() as group:
        for _ in range(workers):
            group.create_task(worker())


async def _all_at_once(
    work: Callable[[Item], Coroutine[object, object, None]], items: Iterable[Item]
) -> None:
    async with asyncio.TaskGroup() as group:
        for item in items:
            group.create_task(work(item))
