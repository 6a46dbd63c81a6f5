"""Fixtures for the emulator tests: a running emulator, an authorised client, a spec checker."""

from __future__ import annotations

import functools
import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import pytest
import yaml
from contract import spec_path
from emulator_helpers import TOKEN, SpecCheck, make_config

from ingest.api_defaults import DEFAULT_API_VERSION
from ingest.emulator import EmulatorConfig, RunningEmulator, start_emulator


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    """The configuration the ``emulator`` fixture starts with; override it in a test module."""
    return make_config()


@pytest.fixture
async def emulator(emulator_config: EmulatorConfig) -> AsyncIterator[RunningEmulator]:
    """An emulator served on a free loopback port in the test's event loop."""
    async with start_emulator(emulator_config) as running:
        yield running


@pytest.fixture
def api_version() -> str:
    """The Intercom-Version the ``client`` fixture sends: fin-ingest's default; a module about
    another version overrides it."""
    return DEFAULT_API_VERSION


@pytest.fixture
async def client(emulator: RunningEmulator, api_version: str) -> AsyncIterator[aiohttp.ClientSession]:
    """A session against the emulator that sends the right bearer token and version."""
    headers = {
        "Authorization": f"Bearer {TOKEN}",
        "Intercom-Version": api_version,
        "Accept": "application/json",
    }
    async with aiohttp.ClientSession(emulator.base_url, headers=headers) as session:
        yield session


@pytest.fixture
async def anonymous(emulator: RunningEmulator) -> AsyncIterator[aiohttp.ClientSession]:
    """A session against the emulator that sends no token."""
    async with aiohttp.ClientSession(emulator.base_url) as session:
        yield session


@pytest.fixture(scope="session")
def spec_checks() -> Callable[[str], SpecCheck]:
    """The response checker of each version, built once a session (see ``spec_check``)."""
    from openapi_core import OpenAPI
    from openapi_core.templating.responses.exceptions import ResponseNotFound
    from openapi_core.testing import MockRequest, MockResponse
    from openapi_schema_validator import OAS30Validator

    @functools.cache
    def described(spec: Path) -> tuple[OpenAPI, dict[str, object]]:
        error_schema = yaml.safe_load(spec.read_text(encoding="utf-8"))["components"]["schemas"]["error"]
        return OpenAPI.from_file_path(str(spec)), error_schema

    @functools.cache
    def checker(version: str) -> SpecCheck:
        def check(method: str, path: str, status: int, body: bytes) -> None:
            api, error_schema = described(spec_path(version, path))
            request = MockRequest("https://api.intercom.io", method.lower(), path)
            content_type = "application/json" if body else None
            response = MockResponse(body, status_code=status, content_type=content_type)  # type: ignore[arg-type]
            try:
                api.validate_response(request, response)
            except ResponseNotFound:
                assert status >= 400, f"{method} {path} answered {status}, which the spec does not document"
                OAS30Validator(error_schema).validate(json.loads(body))

        return check

    return checker


@pytest.fixture
def spec_check(spec_checks: Callable[[str], SpecCheck], api_version: str) -> SpecCheck:
    """Validates a response against the published description of the ``client`` fixture's version.

    Statuses the spec documents for the operation are checked with openapi-core; other
    error statuses (the spec lists only 401 for most operations) against its ``error`` schema.
    """
    return spec_checks(api_version)
