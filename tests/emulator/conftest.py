"""Fixtures for the emulator tests: a running emulator, an authorised client, a spec checker."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import aiohttp
import pytest
import yaml
from contract import SPEC_PATH
from emulator_helpers import TOKEN, SpecCheck, make_config

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
async def client(emulator: RunningEmulator) -> AsyncIterator[aiohttp.ClientSession]:
    """A session against the emulator that sends the right bearer token and version."""
    headers = {"Authorization": f"Bearer {TOKEN}", "Intercom-Version": "2.15", "Accept": "application/json"}
    async with aiohttp.ClientSession(emulator.base_url, headers=headers) as session:
        yield session


@pytest.fixture
async def anonymous(emulator: RunningEmulator) -> AsyncIterator[aiohttp.ClientSession]:
    """A session against the emulator that sends no token."""
    async with aiohttp.ClientSession(emulator.base_url) as session:
        yield session


@pytest.fixture(scope="session")
def spec_check() -> SpecCheck:
    """Validates a response against the published spec (tests/intercom_api).

    Statuses the spec documents for the operation are checked with openapi-core; other
    error statuses (the spec lists only 401 for most operations) against its ``error`` schema.
    """
    from openapi_core import OpenAPI
    from openapi_core.templating.responses.exceptions import ResponseNotFound
    from openapi_core.testing import MockRequest, MockResponse
    from openapi_schema_validator import OAS30Validator

    api = OpenAPI.from_file_path(str(SPEC_PATH))
    error_schema = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))["components"]["schemas"]["error"]

    def check(method: str, path: str, status: int, body: bytes) -> None:
        request = MockRequest("https://api.intercom.io", method.lower(), path)
        content_type = "application/json" if body else None
        response = MockResponse(body, status_code=status, content_type=content_type)  # type: ignore[arg-type]
        try:
            api.validate_response(request, response)
        except ResponseNotFound:
            assert status >= 400, f"{method} {path} answered {status}, which the spec does not document"
            OAS30Validator(error_schema).validate(json.loads(body))

    return check
