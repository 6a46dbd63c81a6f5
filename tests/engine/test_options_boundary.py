"""The boundary between the common keys of ``[sources.<name>]`` and a connector's options, end to end.

An installed plugin whose options model declares ``include`` (a common key) is refused with one
sentence when a config uses it, and ``ingest connectors`` lists it as unusable.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PLUGIN = """
from __future__ import annotations

from pydantic import Field

from ingest.sdk import ConnectorOptions


class CollidingOptions(ConnectorOptions):
    include: tuple[str, ...] = Field((), description="Would be swallowed by the common include key.")


class CollidingConnector:
    options_model = CollidingOptions

    def __init__(self, options: CollidingOptions) -> None:
        self.options = options
"""

REFUSAL = (
    "connector 'colliding' declares option 'include', which collides with the common key 'include' of "
    "[sources.<name>]: that key is fin-ingest's, so the option could never reach the connector; rename it"
)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A folder laid out as an installed distribution: the module, and its metadata with the entry point."""
    site = tmp_path / "site"
    info = site / "colliding_plugin-0.1.dist-info"
    info.mkdir(parents=True)
    (site / "colliding_plugin.py").write_text(PLUGIN, encoding="utf-8")
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: colliding-plugin\nVersion: 0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[ingest.connectors]\ncolliding = colliding_plugin:CollidingConnector\n", encoding="utf-8"
    )
    return site


def ingest(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site), "NO_COLOR": "1", "COLUMNS": "400"}
    command = [sys.executable, "-m", "ingest.cli", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)  # noqa: S603


def test_a_config_using_a_colliding_connector_is_refused_in_one_line(site: Path, tmp_path: Path) -> None:
    """Config time: exit 2 and one line naming the source, the connector, the option and the common key."""
    config = tmp_path / "ingest.toml"
    config.write_text('[sources.docs]\nconnector = "colliding"\nurl = "https://docs.example.com"\n')
    done = ingest(site, tmp_path, "plan", "--config", str(config))
    assert done.returncode == 2
    assert done.stderr.strip() == f"error: sources.docs.connector: {REFUSAL}"


def test_ingest_connectors_lists_a_colliding_connector_as_unusable(site: Path, tmp_path: Path) -> None:
    """The listing goes on past it, says why it cannot be used, and exits 1."""
    done = ingest(site, tmp_path, "connectors")
    assert done.returncode == 1
    assert "colliding  colliding-plugin 0.1  colliding_plugin:CollidingConnector\n" in done.stdout
    assert f"  cannot be used: {REFUSAL}\n" in done.stdout
    assert "filesystem  fin-ingest 0.1.0" in done.stdout
