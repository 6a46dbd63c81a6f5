"""aioresponses 0.7.9 on aiohttp 3.14: a stand-in ``stream_writer`` for mocked responses.

aiohttp 3.14 added a required keyword-only ``stream_writer`` argument to
``ClientResponse.__init__``; aioresponses 0.7.9 builds its mocked responses without it and
every mocked request fails with ``ClientResponse.__init__() missing 1 required keyword-only
argument: 'stream_writer'`` (aioresponses issue 289, fix pending in its PR 288). aiohttp
3.14 is a security release, so the tests keep it and use this shim instead.

How: :class:`CompatClientResponse` supplies a stand-in writer when none is given (aiohttp
only reads its ``output_size``, the number of request bytes written), and
:class:`aioresponses` passes that class as ``response_class`` to every mocked response,
including those a callback builds. It uses only aioresponses' public API (``add``,
``CallbackResult``, ``response_class``) and patches nothing.

It is a no-op where it is not needed: on an aiohttp without the argument no response class
is substituted, and a fixed aioresponses that passes its own ``stream_writer`` wins over
the stand-in.

Delete this module, and import ``aioresponses`` directly in ``tests/intercom/conftest.py``,
once a released aioresponses newer than 0.7.9 (with PR 288) is the minimum in the test
extra and ``tests/intercom`` passes without the shim.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from aiohttp import ClientResponse, hdrs
from aioresponses import CallbackResult
from aioresponses import aioresponses as _aioresponses

__all__ = ["NEEDS_STREAM_WRITER", "CompatClientResponse", "aioresponses"]

#: Whether this aiohttp's ClientResponse requires the argument aioresponses 0.7.9 omits.
NEEDS_STREAM_WRITER = "stream_writer" in inspect.signature(ClientResponse.__init__).parameters


class _StandInStreamWriter:
    """The one thing ClientResponse reads from its stream writer: bytes of request written."""

    output_size = 0


class CompatClientResponse(ClientResponse):
    """A ClientResponse that accepts being built without ``stream_writer``."""

    def __init__(self, method: str, url: Any, **kwargs: Any) -> None:
        if NEEDS_STREAM_WRITER:
            kwargs.setdefault("stream_writer", _StandInStreamWriter())
        super().__init__(method, url, **kwargs)


def _default_response_class(given: type[ClientResponse] | None) -> type[ClientResponse] | None:
    return CompatClientResponse if given is None and NEEDS_STREAM_WRITER else given


def _compat_callback(callback: Callable[..., Any]) -> Callable[..., Any]:
    async def wrapped(url: Any, **kwargs: Any) -> Any:
        result = callback(url, **kwargs)
        if inspect.isawaitable(result):
            result = await result
        if isinstance(result, CallbackResult):
            result.response_class = _default_response_class(result.response_class)
        return result

    return wrapped


class aioresponses(_aioresponses):
    """``aioresponses.aioresponses`` whose mocked responses build on aiohttp 3.14."""

    def add(
        self,
        url: Any,
        method: str = hdrs.METH_GET,
        status: int = 200,
        body: str | bytes = "",
        exception: BaseException | None = None,
        content_type: str = "application/json",
        payload: Any = None,
        headers: Any = None,
        response_class: type[ClientResponse] | None = None,
        repeat: bool | int = False,
        timeout: bool = False,
        reason: str | None = None,
        callback: Callable[..., Any] | None = None,
    ) -> None:
        """Register a mocked response, as aioresponses does, with a 3.14-proof response class."""
        super().add(
            url,
            method=method,
            status=status,
            body=body,
            exception=exception,  # type: ignore[arg-type]
            content_type=content_type,
            payload=payload,
            headers=headers,
            response_class=_default_response_class(response_class),
            repeat=repeat,
            timeout=timeout,
            reason=reason,
            callback=None if callback is None else _compat_callback(callback),
        )
