"""``/audiences`` (Preview): the workspace's audiences, listed and created by name.

The list's answer is the ``audience_list`` shape (``page``, ``per_page``, ``total_pages``), not a
``pages`` object with a ``next`` link: pages are asked for by number, at most 50 a page, until the
last one the answer names (or an empty page: a list shrinking meanwhile ends early, never loops).
"""

from __future__ import annotations

from typing import Final

from ingest.errors import ApiError
from ingest.intercom.models import _ApiObject, parse_answer
from ingest.intercom.transport import IntercomTransport

_PATH: Final = "/audiences"
#: The largest page Preview's description allows (also its default).
AUDIENCES_PER_PAGE: Final = 50


class Audience(_ApiObject):
    """An audience: a named group of contacts content can be shown to."""

    id: int
    name: str


class AudienceEndpoints(IntercomTransport):
    """``GET`` and ``POST /audiences`` on top of :meth:`IntercomTransport.request`."""

    async def list_audiences(self) -> list[Audience]:
        """Every audience of the workspace, page after page."""
        audiences: list[Audience] = []
        page = 1
        while True:
            answer = await self.request("GET", _PATH, params={"page": page, "per_page": AUDIENCES_PER_PAGE})
            if not isinstance(answer, dict) or not isinstance(answer.get("data"), list):
                raise ApiError(f"Intercom's answer to GET {_PATH} is not an audience list")
            audiences += (parse_answer(Audience, item, _PATH) for item in answer["data"])
            last = answer.get("total_pages")
            if not answer["data"] or not isinstance(last, int) or page >= last:
                return audiences
            page += 1

    async def create_audience(self, name: str) -> Audience:
        """Create an audience named ``name`` with no predicates (who belongs to it is set in Intercom).

        Not retried after an ambiguous failure: a retry could create a second audience of that name.
        """
        return parse_answer(
            Audience, await self.request("POST", _PATH, json={"name": name}, retry=False), _PATH
        )
