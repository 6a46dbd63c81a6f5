"""Following ``pages.next`` through Intercom's lists, in both of the shapes the spec allows."""

from __future__ import annotations

from typing import Any

import pytest
from yarl import URL

from ingest.errors import ApiError, ListCapError
from ingest.intercom import IntercomClient
from ingest.intercom.pagination import next_page_url

from .fakes import BASE_URL, MockApi, content_import_source, external_page

PAGES = f"{BASE_URL}/ai/external_pages"
#: The first page of the External Page list as the client asks for it.
FIRST = f"{PAGES}?per_page=125"


def listing(items: list[dict[str, Any]], next_link: Any = None, page: int = 1) -> dict[str, Any]:
    pages: dict[str, Any] = {"type": "pages", "page": page, "per_page": 2, "total_pages": 3}
    if next_link is not None:
        pages["next"] = next_link
    return {"type": "list", "data": items, "pages": pages, "total_count": 5}


async def test_external_pages_follow_absolute_next_links_to_the_end(
    client: IntercomClient, mock_api: MockApi
) -> None:
    """Three pages linked by absolute `pages.next` URLs yield all five pages, in order, in 3 requests."""
    mock_api.get(FIRST, payload=listing([external_page("1"), external_page("2")], f"{PAGES}?page=2"))
    mock_api.get(
        f"{PAGES}?page=2", payload=listing([external_page("3"), external_page("4")], f"{PAGES}?page=3")
    )
    mock_api.get(f"{PAGES}?page=3", payload=listing([external_page("5")]))

    ids = [page.id async for page in client.list_external_pages()]

    assert ids == ["1", "2", "3", "4", "5"]
    assert mock_api.count() == 3


async def test_content_import_sources_are_listed_across_pages(
    client: IntercomClient, mock_api: MockApi
) -> None:
    """list_content_import_sources returns the sources of every page, parsed."""
    url = f"{BASE_URL}/ai/content_import_sources"
    mock_api.get(url, payload=listing([content_import_source(1)], f"{url}?page=2"))
    mock_api.get(
        f"{url}?page=2", payload=listing([content_import_source(2, "https://two.example.com")], None)
    )

    sources = await client.list_content_import_sources()

    assert [(s.id, s.url) for s in sources] == [
        (1, "https://docs.example.com"),
        (2, "https://two.example.com"),
    ]


async def test_next_link_to_another_host_is_fetched_from_the_base_url(
    client: IntercomClient, mock_api: MockApi
) -> None:
    """A next link naming another host keeps its path and query but goes to the client's base URL."""
    mock_api.get(
        FIRST, payload=listing([external_page("1")], "https://elsewhere.example/ai/external_pages?page=2")
    )
    mock_api.get(f"{PAGES}?page=2", payload=listing([external_page("2")]))

    ids = [page.id async for page in client.list_external_pages()]

    assert ids == ["1", "2"]
    assert {URL(url).host for _, url, _ in mock_api.sent()} == {URL(BASE_URL).host}


async def test_cursor_objects_are_followed_with_starting_after(
    client: IntercomClient, mock_api: MockApi
) -> None:
    """A `pages.next` object is followed by repeating the request with its starting_after cursor."""
    mock_api.get(PAGES, payload=listing([external_page("1")], {"per_page": 1, "starting_after": "abc"}))
    mock_api.get(
        f"{PAGES}?per_page=1&starting_after=abc",
        payload=listing([external_page("2")], {"starting_after": None}),
    )

    ids = [item["id"] async for item in client.paginate("/ai/external_pages")]

    assert ids == ["1", "2"]


async def test_a_link_back_to_a_page_already_read_is_an_error(
    client: IntercomClient, mock_api: MockApi
) -> None:
    """A server whose next link loops raises ApiError instead of paging forever."""
    mock_api.get(FIRST, payload=listing([external_page("1")], f"{PAGES}?page=2"))
    mock_api.get(f"{PAGES}?page=2", payload=listing([external_page("2")], FIRST))

    with pytest.raises(ApiError, match="leads back"):
        _ = [page async for page in client.list_external_pages()]


async def test_a_list_without_data_is_an_error(client: IntercomClient, mock_api: MockApi) -> None:
    """An answer with no `data` list raises ApiError naming what is missing."""
    mock_api.get(FIRST, payload={"type": "list"})

    with pytest.raises(ApiError, match="'data'"):
        _ = [page async for page in client.list_external_pages()]


async def test_a_page_ending_past_the_cap_is_never_asked_for(
    client: IntercomClient, mock_api: MockApi
) -> None:
    """A next link to a page ending past 10,000 results (page 67 of 150: 10,050) raises ListCapError
    once the pages before it are read, without sending the request the API would refuse."""
    mock_api.get(FIRST, payload=listing([external_page("1")], f"{PAGES}?page=67&per_page=150"))

    read: list[str] = []
    with pytest.raises(ListCapError, match="10,000"):
        async for page in client.list_external_pages():
            read.append(page.id)

    assert read == ["1"] and mock_api.count() == 1


async def test_sources_follow_next_past_empty_pages(client: IntercomClient, mock_api: MockApi) -> None:
    """Totals that count deleted sources give empty pages before the end: the client reads on to the
    last page pages.next names, and no further, whatever total_pages says."""
    url = f"{BASE_URL}/ai/content_import_sources"
    mock_api.get(url, payload={**listing([content_import_source(1)], f"{url}?page=2"), "total_count": 40})
    mock_api.get(f"{url}?page=2", payload=listing([], f"{url}?page=3", page=2))
    mock_api.get(f"{url}?page=3", payload=listing([content_import_source(7)], None, page=3))

    sources = await client.list_content_import_sources()

    assert [s.id for s in sources] == [1, 7] and mock_api.count() == 3


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        (None, None),
        ({}, None),
        ({"next": None}, None),
        ({"next": ""}, None),
        (
            {"next": "https://api.intercom.io/ai/external_pages?page=2"},
            "https://h.test/ai/external_pages?page=2",
        ),
        ({"next": "https://h.test/ai/external_pages?page=2"}, "https://h.test/ai/external_pages?page=2"),
        ({"next": "?page=3"}, "https://h.test/ai/external_pages?page=3"),
        ({"next": "/ai/external_pages?page=4"}, "https://h.test/ai/external_pages?page=4"),
        ({"next": {"starting_after": "c1"}}, "https://h.test/ai/external_pages?per_page=5&starting_after=c1"),
        ({"next": {"starting_after": None}}, None),
    ],
)
def test_next_page_url_shapes(pages: Any, expected: str | None) -> None:
    """Every shape of `pages.next` resolves to the right URL on the base, or to None at the end."""
    current = URL("https://h.test/ai/external_pages?per_page=5")

    result = next_page_url(pages, current=current, base=URL("https://h.test"))

    assert (str(result) if result else None) == expected


@pytest.mark.parametrize(
    "link",
    ["https://api.intercom.io/ai/external_pages?page=2", "/ai/external_pages?page=2", "?page=2"],
)
def test_next_page_url_keeps_a_proxy_path_prefix(link: str) -> None:
    """Behind a proxy at /intercom, every form of link lands under /intercom on the proxy's host."""
    base = URL("https://proxy.test/intercom")
    current = URL("https://proxy.test/intercom/ai/external_pages")

    result = next_page_url({"next": link}, current=current, base=base)

    assert str(result) == "https://proxy.test/intercom/ai/external_pages?page=2"


def test_next_page_url_rejects_an_unknown_shape() -> None:
    """A `pages.next` that is neither a string nor an object is an ApiError, not a silent stop."""
    with pytest.raises(ApiError, match="cannot follow"):
        next_page_url({"next": 2}, current=URL("https://h.test/x"), base=URL("https://h.test"))
