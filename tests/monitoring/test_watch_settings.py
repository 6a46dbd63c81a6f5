"""The [watch] keys of monitoring: defaults, and a mistake said in one sentence naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.config import load_settings
from ingest.errors import ConfigError


def settings_with(tmp_path: Path, watch: str) -> Path:
    (tmp_path / "docs").mkdir(exist_ok=True)
    config = tmp_path / "ingest.toml"
    config.write_text(
        f'[watch]\n{watch}\n[sources.docs]\nconnector = "filesystem"\npath = "docs"\n'
        'url = "https://docs.example.com"\n',
        encoding="utf-8",
    )
    return config


def test_defaults_serve_nothing_and_bind_loopback(tmp_path: Path) -> None:
    """Unset, no port is served; the address is loopback; a source is stuck after five minutes."""
    watch = load_settings(settings_with(tmp_path, "")).watch
    assert (watch.metrics_port, watch.metrics_address, watch.stuck_seconds) == (None, "127.0.0.1", 300.0)


@pytest.mark.parametrize("address", ["0.0.0.0", "::", "localhost", "metrics.internal", "10.0.0.7"])  # noqa: S104
def test_addresses_and_host_names_are_taken(tmp_path: Path, address: str) -> None:
    """An address, the wildcards a pod binds, and a host name are all taken as written."""
    config = settings_with(tmp_path, f'metrics_port = 9464\nmetrics_address = "{address}"')
    watch = load_settings(config).watch
    assert (watch.metrics_port, watch.metrics_address) == (9464, address)


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("metrics_port = 70000", "metrics_port"),
        ("metrics_port = -1", "metrics_port"),
        ('metrics_address = "http://0.0.0.0:9464"', "metrics_address"),
        ('metrics_address = ""', "metrics_address"),
        ("stuck_seconds = 0", "stuck_seconds"),
    ],
)
def test_a_mistake_names_the_key(tmp_path: Path, line: str, key: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(settings_with(tmp_path, line))
    message = str(raised.value)
    assert f"watch.{key}" in message or f"[watch] {key}" in message, message
    assert message.count("\n") == 0
