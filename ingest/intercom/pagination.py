"""Where the next page of an Intercom list is, given the ``pages`` object of this one.

Intercom lists come in two shapes (both in the 2.15 description):

* ``pages.next`` is a string, a URI (``format: uri``): the real API gives an absolute URL
  such as ``https://api.intercom.io/ai/external_pages?page=2``. A relative reference
  (``?page=2``, ``/ai/external_pages?page=2``) is resolved against the URL of the page
  just read, as RFC 3986 says.
* ``pages.next`` is an object ``{"starting_after": "<cursor>", "per_page": n}``: the next
  page is the same request with those query parameters.

Either way, a missing, null or empty ``next`` (or cursor) means this was the last page.

The resolved URL is always put back on the client's own base URL: a link naming another
host (the upstream API seen through a proxy or an emulator) keeps its path and query but
never receives the access token.

Some lists stop before their end (the External Page list at 10,000 results, refusing a page
that ends past it): :func:`past_reach` says when the next page lies beyond.
"""

from __future__ import annotations

from collections.abc import Mapping

from yarl import URL

from ingest.errors import ApiError


def next_page_url(pages: object, *, current: URL, base: URL) -> URL | None:
    """The URL of the page after ``current``, or ``None`` when ``current`` was the last.

    ``pages`` is the ``pages`` member of the list just read (anything, as the server sent
    it); ``base`` is the client's base URL, on which the result always lies.
    """
    if not isinstance(pages, Mapping):
        return None
    link = pages.get("next")
    if link is None or link == "":
        return None
    if isinstance(link, str):
        return _on_base(current.join(URL(link)), base)
    if isinstance(link, Mapping):
        cursor = link.get("starting_after")
        if cursor is None or cursor == "":
            return None
        query = {**current.query, "starting_after": str(cursor)}
        if link.get("per_page") is not None:
            query["per_page"] = str(link["per_page"])
        return current.with_query(query)
    raise ApiError(f"Intercom sent a pages.next this client cannot follow: {link!r}")


def past_reach(url: URL, *, read: int, reach: int) -> bool:
    """Whether the page at ``url`` lies past a list's ``reach``, ``read`` items in: they were all
    read already, or the page its query names ends past it (``page x per_page``)."""
    page, per_page = url.query.get("page", ""), url.query.get("per_page", "")
    ends_past = page.isdigit() and per_page.isdigit() and int(page) * int(per_page) > reach
    return read >= reach or ends_past


def _on_base(target: URL, base: URL) -> URL:
    prefix = base.path.rstrip("/")
    path = target.path if prefix and target.path.startswith(prefix + "/") else prefix + target.path
    return base.with_path(path, encoded=False).with_query(target.query)
