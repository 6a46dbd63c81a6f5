"""Retries, error translation and request headers of the Intercom transport."""

from __future__ import annotations

import socket

import aiohttp
import pytest

from ingest.api_defaults import DEFAULT_API_VERSION
from ingest.errors import ApiError, AuthError, ConfigError, NotFoundError, RejectedError, RetryableApiError
from ingest.intercom import Article, ArticleCreateRequest, IntercomClient, errors
from ingest.intercom.ratelimit import MAX_RETRY_AFTER
from ingest.intercom.transport import BACKOFF_BASE, BACKOFF_CAP

from .fakes import BASE_URL, TOKEN, FakeTime, MockApi, error_list

ME = f"{BASE_URL}/me"
SOURCES = f"{BASE_URL}/ai/content_import_sources"


async def test_5xx_is_retried_then_succeeds(
    client: IntercomClient, mock_api: MockApi, fake_time: FakeTime
) -> None:
    """A 502 then a 200: the call returns the 200's document after one back-off."""
    mock_api.get(ME, status=502, payload=error_list("server_error", "Bad gateway"))
    mock_api.get(ME, payload={"type": "admin", "id": "1"})

    assert await client.me() == {"type": "admin", "id": "1"}
    assert mock_api.count() == 2
    assert len(fake_time.sleeps) == 1
    assert 0 <= fake_time.sleeps[0] <= BACKOFF_BASE


async def test_back_off_grows_exponentially_with_full_jitter(mock_api: MockApi, fake_time: FakeTime) -> None:
    """Each back-off is at most base * 2**(n-1), capped, and the last failure raises RetryableApiError."""
    mock_api.get(ME, status=503, payload=error_list("service_unavailable", "Try later"), repeat=True)
    async with IntercomClient(
        base_url=BASE_URL, token=TOKEN, max_attempts=9, sleep=fake_time.sleep, clock=fake_time.clock
    ) as client:
        with pytest.raises(RetryableApiError) as caught:
            await client.me()

    assert mock_api.count() == 9
    assert len(fake_time.sleeps) == 8
    for n, delay in enumerate(fake_time.sleeps, start=1):
        assert 0 <= delay <= min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (n - 1))
    assert caught.value.status == 503
    assert caught.value.code == "service_unavailable"
    assert "gave up after 9 attempts" in str(caught.value)


async def test_5xx_retry_after_longer_than_the_back_off_cap_is_honoured(
    client: IntercomClient, mock_api: MockApi, fake_time: FakeTime
) -> None:
    """A 503 asking for 60 s is retried after 60 s, not BACKOFF_CAP; beyond MAX_RETRY_AFTER it is capped."""
    busy = {"status": 503, "payload": error_list("service_unavailable", "Maintenance")}
    mock_api.get(ME, **busy, headers={"Retry-After": "60"})
    mock_api.get(ME, **busy, headers={"Retry-After": "86400"})
    mock_api.get(ME, payload={"type": "admin"})

    await client.me()

    assert fake_time.sleeps == [60.0, MAX_RETRY_AFTER]


async def test_gives_up_after_max_attempts(client: IntercomClient, mock_api: MockApi) -> None:
    """With the default six attempts, six 500s raise RetryableApiError and nothing more is sent."""
    mock_api.get(ME, status=500, payload=error_list("server_error", "Oops", request_id="r-500"), repeat=True)

    with pytest.raises(RetryableApiError) as caught:
        await client.me()

    assert mock_api.count() == 6
    assert caught.value.request_id == "r-500"


@pytest.mark.parametrize(
    "failure",
    [
        aiohttp.ServerDisconnectedError(),
        aiohttp.ClientOSError(104, "Connection reset by peer"),
        aiohttp.ClientConnectionError("connection dropped"),
        TimeoutError(),
    ],
    ids=["disconnected", "reset", "connection-error", "timeout"],
)
async def test_dropped_connection_is_retried(
    client: IntercomClient, mock_api: MockApi, failure: BaseException
) -> None:
    """A dropped connection or a timeout is retried, and the next answer is returned."""
    mock_api.get(ME, exception=failure)
    mock_api.get(ME, payload={"type": "admin"})

    assert await client.me() == {"type": "admin"}
    assert mock_api.count() == 2


async def test_dropped_connections_exhaust_into_retryable_error(
    client: IntercomClient, mock_api: MockApi
) -> None:
    """Connections dropped on every attempt end in RetryableApiError naming the aiohttp error, unchained."""
    mock_api.get(ME, exception=aiohttp.ServerDisconnectedError(), repeat=True)

    with pytest.raises(RetryableApiError) as caught:
        await client.me()

    assert mock_api.count() == 6
    assert "ServerDisconnectedError" in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__context__ is None
    assert "after 6 attempts" in str(caught.value)


async def test_401_aborts_at_once_with_what_to_fix(
    client: IntercomClient, mock_api: MockApi, fake_time: FakeTime
) -> None:
    """A 401 raises AuthError on the first answer, naming the token variable, code and request id."""
    mock_api.get(
        ME, status=401, payload=error_list("unauthorized", "Access Token Invalid", request_id="r-401")
    )

    with pytest.raises(AuthError) as caught:
        await client.me()

    error = caught.value
    assert (error.status, error.code, error.request_id) == (401, "unauthorized", "r-401")
    message = str(error)
    assert "Access Token Invalid" in message
    assert "INTERCOM_ACCESS_TOKEN" in message
    assert "r-401" in message
    assert mock_api.count() == 1
    assert fake_time.sleeps == []


async def test_403_says_the_token_lacks_a_permission(client: IntercomClient, mock_api: MockApi) -> None:
    """A 403 raises AuthError about a missing permission, without retrying."""
    mock_api.get(SOURCES, status=403, payload=error_list("forbidden", "Missing scope", request_id="r-403"))

    with pytest.raises(AuthError) as caught:
        await client.list_content_import_sources()

    assert caught.value.status == 403
    assert "lacks a permission" in str(caught.value)
    assert "GET /ai/content_import_sources" in str(caught.value)
    assert mock_api.count() == 1


async def test_400_error_list_becomes_rejected_error(client: IntercomClient, mock_api: MockApi) -> None:
    """A 400 error.list raises RejectedError carrying status, code, message, field and request id."""
    mock_api.post(
        SOURCES,
        status=400,
        payload=error_list("parameter_invalid", "url is not a URL", field="url", request_id="r-400"),
    )

    with pytest.raises(RejectedError) as caught:
        await client.create_content_import_source("https://docs.example.com")

    error = caught.value
    assert not isinstance(error, NotFoundError)
    assert (error.status, error.code, error.field, error.request_id) == (
        400,
        "parameter_invalid",
        "url",
        "r-400",
    )
    assert "url is not a URL" in error.api_message
    assert mock_api.count() == 1


async def test_404_becomes_not_found_error(client: IntercomClient, mock_api: MockApi) -> None:
    """A 404 raises NotFoundError, a RejectedError a caller may take as "already gone"; not retried."""
    mock_api.delete(f"{SOURCES}/5", status=404, payload=error_list("not_found", "Resource Not Found"))

    with pytest.raises(NotFoundError) as caught:
        await client.delete_content_import_source(5)

    assert isinstance(caught.value, RejectedError) and caught.value.status == 404
    assert mock_api.count() == 1


async def test_proxy_html_error_is_described_readably(client: IntercomClient, mock_api: MockApi) -> None:
    """A proxy's HTML 502 page gives a clear message with the status and the page's text, not its tags."""
    page = "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>"
    mock_api.get(ME, status=502, body=page, content_type="text/html", repeat=True)

    with pytest.raises(RetryableApiError) as caught:
        await client.me()

    message = str(caught.value)
    assert "HTTP 502" in message
    assert "text/html" in message
    assert "502 Bad Gateway Bad Gateway" in message
    assert "<h1>" not in message


async def test_success_that_is_not_json_is_an_api_error(client: IntercomClient, mock_api: MockApi) -> None:
    """A 200 whose body is not JSON (a captive portal) raises ApiError rather than returning garbage."""
    mock_api.get(ME, status=200, body="<html>Sign in to the Wi-Fi</html>", content_type="text/html")

    with pytest.raises(ApiError, match="not JSON"):
        await client.me()


async def test_request_without_retry_fails_at_once_on_5xx(client: IntercomClient, mock_api: MockApi) -> None:
    """With retry=False, a 5xx (the call may have run) is raised at once."""
    mock_api.post(SOURCES, status=502, payload=error_list("server_error", "Bad gateway"))

    with pytest.raises(RetryableApiError):
        await client.request(
            "POST",
            "/ai/content_import_sources",
            json={"sync_behavior": "api", "url": "https://x.example.com"},
            retry=False,
        )

    assert mock_api.count() == 1


async def test_request_without_retry_still_retries_a_refused_connection(fake_time: FakeTime) -> None:
    """With retry=False, a connection that could not be opened (nothing sent) is still retried."""
    with socket.socket() as probe:  # a loopback port with nobody listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with IntercomClient(
        base_url=f"http://127.0.0.1:{port}",
        token=TOKEN,
        max_attempts=3,
        sleep=fake_time.sleep,
        clock=fake_time.clock,
    ) as client:
        with pytest.raises(RetryableApiError) as caught:
            await client.request("POST", "/ai/content_import_sources", json={}, retry=False)

    assert "ClientConnectorError" in str(caught.value)
    assert len(fake_time.sleeps) == 2


async def test_request_without_retry_retries_a_connection_that_timed_out_opening(fake_time: FakeTime) -> None:
    """With retry=False, a connection that timed out while opening (aiohttp's ConnectionTimeoutError:
    the request never left) is retried like a refused one, without a look-up."""
    with socket.socket() as full:  # listening, never accepting, its backlog filled: a connect hangs
        full.bind(("127.0.0.1", 0))
        full.listen(0)
        port = full.getsockname()[1]
        queued = []
        for _ in range(4):
            waiting = socket.socket()
            waiting.setblocking(False)
            waiting.connect_ex(("127.0.0.1", port))
            queued.append(waiting)
        looked_up = 0

        async def look_up() -> None:
            nonlocal looked_up
            looked_up += 1

        try:
            async with IntercomClient(
                base_url=f"http://127.0.0.1:{port}",
                token=TOKEN,
                max_attempts=2,
                connect_timeout=0.2,
                sleep=fake_time.sleep,
                clock=fake_time.clock,
            ) as client:
                with pytest.raises(RetryableApiError) as caught:
                    await client.request("POST", "/ai/content_import_sources", json={}, retry=False)
                sent_alone = client.sent()
                with pytest.raises(RetryableApiError):
                    await client.request(
                        "POST", "/ai/content_import_sources", json={}, retry=False, look_up=look_up
                    )
                sent = client.sent() - sent_alone
        finally:
            for waiting in queued:
                waiting.close()

    assert "ConnectionTimeoutError" in str(caught.value)
    assert (sent_alone, sent) == (2, 2)
    assert looked_up == 0


def test_only_a_time_out_while_connecting_counts_as_never_sent() -> None:
    """A connect time-out means the request never left; a read time-out does not (it may have run)."""
    assert errors.never_sent(aiohttp.ConnectionTimeoutError("Connection timeout to host"))
    assert not errors.never_sent(aiohttp.SocketTimeoutError("Timeout on reading data from socket"))
    assert not errors.never_sent(aiohttp.ServerTimeoutError("Timeout on reading data from socket"))
    assert not errors.never_sent(TimeoutError())


async def test_every_request_carries_auth_version_and_accept(
    client: IntercomClient, mock_api: MockApi
) -> None:
    """Requests carry the bearer token, Intercom-Version and Accept; Content-Type only with a body."""
    mock_api.get(ME, payload={"type": "admin"})
    mock_api.post(SOURCES, payload={"id": 1, "url": "https://d.example.com", "sync_behavior": "api"})

    await client.me()
    await client.create_content_import_source("https://d.example.com")

    sent = {method: kwargs for method, _, kwargs in mock_api.sent()}
    for headers in (sent["GET"]["headers"], sent["POST"]["headers"]):
        assert headers["Authorization"] == f"Bearer {TOKEN}"
        assert headers["Intercom-Version"] == DEFAULT_API_VERSION
        assert headers["Accept"] == "application/json"
    assert "Content-Type" not in sent["GET"]["headers"]
    assert sent["POST"]["headers"]["Content-Type"] == "application/json"
    assert sent["GET"]["timeout"].total == 30.0


@pytest.mark.parametrize("version", ["2.15", "2.16", "Preview"])
async def test_api_version_is_configurable(mock_api: MockApi, fake_time: FakeTime, version: str) -> None:
    """The Intercom-Version header is the api_version given to the constructor."""
    mock_api.get(ME, payload={"type": "admin"})
    async with IntercomClient(base_url=BASE_URL, token=TOKEN, api_version=version) as client:
        await client.me()

    [(_, _, kwargs)] = mock_api.sent()
    assert kwargs["headers"]["Intercom-Version"] == version


@pytest.mark.parametrize("version", ["2.14", "2.17", "preview", ""])
def test_a_version_the_client_does_not_speak_is_refused(version: str) -> None:
    """The client reads the shapes of 2.15, 2.16 and Preview only: another version is a ValueError
    naming them, before anything is sent."""
    with pytest.raises(ValueError, match=r"one of 2\.15, 2\.16, Preview"):
        IntercomClient(base_url=BASE_URL, token=TOKEN, api_version=version)


async def test_given_session_is_used_and_left_open(mock_api: MockApi) -> None:
    """A session passed in is used for requests and not closed by the client."""
    mock_api.get(ME, payload={"type": "admin"})
    async with aiohttp.ClientSession() as session:
        async with IntercomClient(base_url=BASE_URL, token=TOKEN, session=session) as client:
            await client.me()
        assert not session.closed


async def test_client_must_be_entered_before_use() -> None:
    """Calling the API outside `async with` is a clear RuntimeError, not an AttributeError."""
    client = IntercomClient(base_url=BASE_URL, token=TOKEN)

    with pytest.raises(RuntimeError, match="async with"):
        await client.me()


@pytest.mark.parametrize("token", ["", "   ", "abc def", "abc\ndef"])
def test_unusable_token_is_a_config_error_that_does_not_echo_it(token: str) -> None:
    """An empty or malformed token is a ConfigError whose message never contains the token."""
    with pytest.raises(ConfigError) as caught:
        IntercomClient(base_url=BASE_URL, token=token)

    assert "INTERCOM_ACCESS_TOKEN" in str(caught.value) or "copy it again" in str(caught.value)
    if token.strip():
        assert token not in str(caught.value)


@pytest.mark.parametrize("base_url", ["api.intercom.io", "ftp://api.intercom.io", ""])
def test_base_url_must_be_http(base_url: str) -> None:
    """A base URL that is not http(s) is a ConfigError."""
    with pytest.raises(ConfigError, match="base URL"):
        IntercomClient(base_url=base_url, token=TOKEN)


async def test_redirect_is_not_followed_and_names_the_target(
    client: IntercomClient, mock_api: MockApi
) -> None:
    """A 301 (a proxy or an http base URL) is not followed with the token; the error names where it points."""
    mock_api.get(ME, status=301, headers={"Location": "https://login.example/"}, body="")

    with pytest.raises(RejectedError) as caught:
        await client.me()

    assert "https://login.example/" in str(caught.value)
    assert "check the base URL" in str(caught.value)
    assert mock_api.count() == 1


ARTICLES = f"{BASE_URL}/articles"
ARTICLE = {"type": "article", "id": "42", "title": "Install", "author_id": 1}


async def test_a_create_with_a_look_up_looks_after_each_ambiguous_failure_before_resending(
    client: IntercomClient, mock_api: MockApi, fake_time: FakeTime
) -> None:
    """A 503 then a 200: after the back-off the look-up runs (finding nothing), then the create is
    sent again; a 4xx is never looked up nor retried."""
    mock_api.post(ARTICLES, status=503, payload=error_list("service_unavailable", "Try later"))
    mock_api.post(ARTICLES, payload=ARTICLE)
    looks: list[int] = []

    async def look_up() -> Article | None:
        looks.append(len(fake_time.sleeps))
        return None

    created = await client.create_article(ArticleCreateRequest(title="Install", author_id=1), look_up=look_up)

    assert created.id == "42" and mock_api.count() == 2
    assert looks == [1], "the look-up runs once, after the back-off"


async def test_what_the_look_up_finds_is_the_result_and_nothing_is_sent_again(
    client: IntercomClient, mock_api: MockApi, fake_time: FakeTime
) -> None:
    """The create happened though the answer was a 502: the article found is returned as created."""
    mock_api.post(ARTICLES, status=502, payload=error_list("server_error", "Bad gateway"))
    found = Article.model_validate(ARTICLE)

    async def look_up() -> Article | None:
        return found

    created = await client.create_article(ArticleCreateRequest(title="Install", author_id=1), look_up=look_up)

    assert created is found and mock_api.count() == 1 and len(fake_time.sleeps) == 1


async def test_a_create_with_a_look_up_gives_up_after_max_attempts(
    mock_api: MockApi, fake_time: FakeTime
) -> None:
    """Every attempt answered 503: max_attempts creates, a look-up between each two, then the error."""
    mock_api.post(ARTICLES, status=503, payload=error_list("service_unavailable", "Try later"), repeat=True)
    looks = 0

    async def look_up() -> Article | None:
        nonlocal looks
        looks += 1
        return None

    async with IntercomClient(
        base_url=BASE_URL, token=TOKEN, max_attempts=3, sleep=fake_time.sleep, clock=fake_time.clock
    ) as client:
        with pytest.raises(RetryableApiError, match="gave up after 3 attempts"):
            await client.create_article(ArticleCreateRequest(title="Install", author_id=1), look_up=look_up)

    assert mock_api.count() == 3 and looks == 2 and len(fake_time.sleeps) == 2


async def test_a_refused_create_is_not_looked_up(client: IntercomClient, mock_api: MockApi) -> None:
    """A 422 means nothing was created: raised at once, without a look-up."""
    mock_api.post(ARTICLES, status=422, payload=error_list("parameter_invalid", "author_id is not an admin"))

    async def look_up() -> Article | None:
        raise AssertionError("looked up after a refusal")

    with pytest.raises(RejectedError):
        await client.create_article(ArticleCreateRequest(title="Install", author_id=1), look_up=look_up)
    assert mock_api.count() == 1
