"""The documentation is kept honest: every config key documented, the quickstart and CI in step."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from pydantic import BaseModel

from ingest.config import (
    CheckSettings,
    IntercomSettings,
    RunSettings,
    SourceSettings,
    StateSettings,
    WatchSettings,
)
from ingest.notify_settings import NotifySettings, WebhookSettings
from ingest.registry import GROUP, available, load_connector
from ingest.targets.registry import TARGETS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLE = (ROOT / "config.example.toml").read_text(encoding="utf-8")


def keys(model: type[BaseModel] | None) -> list[str]:
    return sorted(model.model_fields) if model is not None else []


def documented_in_example(key: str) -> bool:
    """A ``key = value`` line (maybe commented out), or a ``[sources.<name>.key]`` table."""
    line = re.search(rf"^#? ?{re.escape(key)} = ", EXAMPLE, flags=re.MULTILINE) is not None
    return line or f".{key}]" in EXAMPLE


def documented_in_readme(key: str) -> bool:
    return f"| `{key}` |" in README


ENGINE_KEYS = [
    *(f"intercom.{key}" for key in keys(IntercomSettings)),
    *(f"state.{key}" for key in keys(StateSettings)),
    *(f"watch.{key}" for key in keys(WatchSettings)),
    *(f"run.{key}" for key in keys(RunSettings)),
    *(f"check.{key}" for key in keys(CheckSettings)),
    *(f"notify.{key}" for key in keys(NotifySettings)),
    *(f"notify.webhooks.{key}" for key in keys(WebhookSettings)),
    *(f"sources.{key}" for key in keys(SourceSettings)),
    # Each target's own [sources.<name>.<target>] table, and every key in it.
    *(f"sources.{spec.name}" for spec in TARGETS if spec.settings_model),
    *(f"sources.{spec.name}.{key}" for spec in TARGETS for key in keys(spec.settings_model)),
]
#: The connectors fin-ingest registers itself (pyproject.toml); a third-party one installed beside it
#: documents itself.
BUILT_IN = sorted(
    tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["entry-points"][GROUP]
)
CONNECTOR_KEYS = [f"{name}.{key}" for name in BUILT_IN for key in keys(load_connector(name).options_model)]


@pytest.mark.parametrize("qualified", ENGINE_KEYS + CONNECTOR_KEYS)
def test_every_config_key_is_documented(qualified: str) -> None:
    """Each settings key (engine and every installed connector) is in config.example.toml and the README."""
    key = qualified.rsplit(".", 1)[1]
    assert documented_in_example(key), f"{qualified} is missing from config.example.toml"
    assert documented_in_readme(key), f"{qualified} is missing from the README's configuration tables"


def test_every_connector_has_a_readme_section() -> None:
    """Each connector fin-ingest registers is described in the README (and is installed)."""
    assert set(BUILT_IN) <= set(available())
    for name in BUILT_IN:
        assert f"#### Connector `{name}`" in README


def test_quickstart_is_two_commands_and_ci_runs_the_test_one() -> None:
    """The README's quickstart has exactly two shell commands; .ci/run runs the second verbatim."""
    quickstart = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", quickstart, flags=re.DOTALL)
    assert len(commands) == 2 and all("\n" not in command for command in commands)
    assert "ingest demo" in commands[0] and "pytest" in commands[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines()
