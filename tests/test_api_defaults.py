"""The client's defaults and the ``[intercom]`` settings' defaults are one definition."""

from __future__ import annotations

import inspect
import subprocess
import sys
from typing import get_args

import pytest

from ingest.api_defaults import DEFAULT_REGION, REGION_URLS, Region
from ingest.intercom import IntercomClient, IntercomTransport
from ingest.settings import IntercomSettings

SHARED = [
    "api_version",
    "max_concurrency",
    "max_attempts",
    "request_timeout",
    "connect_timeout",
    "read_timeout",
]


@pytest.mark.parametrize("name", SHARED)
def test_a_client_built_without_settings_behaves_as_default_settings(name: str) -> None:
    """An IntercomClient given no value uses the same default as an unset config key."""
    for client in (IntercomTransport, IntercomClient):
        parameter = inspect.signature(client.__init__).parameters[name]
        assert parameter.default == getattr(IntercomSettings(), name)


def test_every_region_the_settings_accept_has_a_url() -> None:
    """The regions a config may name are exactly those with a known host."""
    assert set(get_args(Region)) == set(REGION_URLS)
    assert DEFAULT_REGION in REGION_URLS


@pytest.mark.parametrize("region", get_args(Region))
def test_a_region_setting_picks_its_host(region: Region) -> None:
    """Without base_url, the region's host is the API root."""
    assert IntercomSettings.model_validate({"region": region}).api_url == REGION_URLS[region]


def test_reading_the_settings_does_not_load_the_http_client() -> None:
    """Configuration names a region and checks targets without importing the client (or aiohttp),
    the state file's code, or any target's planning or sending half."""
    code = (
        "import sys, ingest.config\n"
        "heavy = ('aiohttp', 'ingest.intercom', 'ingest.state', 'ingest.targets.base')\n"
        "halves = [m for m in sys.modules if m.endswith(('.planning', '.sending'))]\n"
        "print(sorted({*heavy} & set(sys.modules)) + halves)"
    )
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    assert shown.stdout.strip() == "[]"


def test_the_default_version_is_one_fin_ingest_speaks_and_the_newest_stable() -> None:
    """2.16 by default: stable (Preview may change without notice) and newer than 2.15."""
    from ingest.api_defaults import DEFAULT_API_VERSION
    from ingest.api_versions import SUPPORTED_API_VERSIONS

    assert DEFAULT_API_VERSION in SUPPORTED_API_VERSIONS
    assert DEFAULT_API_VERSION == "2.16"
