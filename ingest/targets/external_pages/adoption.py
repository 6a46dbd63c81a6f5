"""Finding the pages a lost state file left under a source, so they are adopted, not duplicated.

When state knows no page of a source whose Content Import Source already exists (a lost or
fresh state file, a second machine), the pages under it are adopted: the next plan updates
those whose document is still in the source and deletes the others, and a run reports updates,
not creates. They are found in the workspace's External Page list, which cannot be filtered by
source and stops at 10,000 results. In a workspace holding more:

* where the version can look a page up by its ``external_id`` (Preview), each page the plan
  would write is looked up, a bounded number at a time (the client paces every call within the
  rate budget). The page of a document deleted while state was lost cannot be found that way:
  it stays in Intercom, and a warning says so.
* otherwise the source fails, saying which version can adopt there. Going on would report every
  page it did not find as created and leave the pages of documents deleted meanwhile in Fin's
  knowledge without a word.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from ingest.errors import ListCapError
from ingest.intercom import ExternalPage, IntercomClient
from ingest.state import AdoptedPage

log = logging.getLogger("ingest.targets.external_pages")


async def remote_pages(
    client: IntercomClient, import_source_id: int, planned: Sequence[str], *, source: str
) -> list[AdoptedPage]:
    """The pages under ``import_source_id``: every one the list reaches, and past its cap those of
    the ``planned`` external ids, looked up where the version can (else :class:`ListCapError`)."""
    found: dict[str, AdoptedPage] = {}
    try:
        async for page in client.list_external_pages():
            if page.source_id == import_source_id and page.external_id:
                found[page.external_id] = _adopted(page)
    except ListCapError:
        if not client.api_features.external_page_lookup:
            raise ListCapError(
                f"Content Import Source {import_source_id} of source {source} holds pages this state file "
                "does not know, and finding them needs the workspace's list of External Pages, which "
                f"Intercom stops at 10,000 (this workspace holds more): set [intercom] api_version = "
                '"Preview" to look each page up by its external_id instead'
            ) from None
        missing = [external_id for external_id in planned if external_id not in found]
        log.warning(
            "source %s: the workspace holds more External Pages than Intercom lists (10,000): looking up "
            "%d page(s) one by one; the page of a document deleted while state was lost is not found "
            "this way and stays in Intercom",
            source,
            len(missing),
        )
        found.update((page.external_id, page) for page in await _looked_up(client, import_source_id, missing))
    return list(found.values())


async def _looked_up(
    client: IntercomClient, import_source_id: int, external_ids: Sequence[str]
) -> list[AdoptedPage]:
    """The pages of ``external_ids`` that exist, looked up by as many workers as the client keeps
    requests in flight (not one task per page: a source may hold a hundred thousand)."""
    pending = iter(external_ids)
    found: list[AdoptedPage] = []

    async def worker() -> None:
        for external_id in pending:  # shared: each id is taken by one worker
            page = await client.find_external_page(import_source_id, external_id)
            if page is not None:
                found.append(_adopted(page))

    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(min(client.max_concurrency, len(external_ids))):
                group.create_task(worker())
    except* Exception as errors:
        raise errors.exceptions[0] from None  # the first failure, as itself (an AuthError ends the run)
    return found


def _adopted(page: ExternalPage) -> AdoptedPage:
    return AdoptedPage(page.external_id, page.id, page.title or page.external_id)
