"""The cheap authenticated read of a target that keeps no container to check: ``GET /me``.

Internal and Help Center articles have no container whose id state remembers (a Content
Import Source); a source with only such targets still proves its token on every run, with
the cheapest read the API has. ``/me`` answers any valid token, whatever its data, so a
refused one (401/403) is the token's fault, never a missing object's.
"""

from __future__ import annotations

from ingest.intercom import IntercomClient
from ingest.targets.base import NOTHING_READ, RemoteCheck


async def prove_access(client: IntercomClient, *, must_read: bool) -> RemoteCheck:
    """One ``GET /me`` when ``must_read`` (an AuthError is raised as itself); else nothing."""
    if not must_read:
        return NOTHING_READ
    await client.me()
    return RemoteCheck(read=True)
