"""The config file's JSON Schema: built from the models, it accepts the example and refuses mistakes."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ingest.cli import main
from ingest.config_schema import config_schema
from ingest.registry import GROUP

ROOT = Path(__file__).resolve().parents[1]
BUILT_IN = sorted(
    tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["entry-points"][GROUP]
)


def errors(document: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft202012Validator(config_schema(BUILT_IN))
    return [error.message for error in validator.iter_errors(document)]


def example() -> dict[str, Any]:
    return tomllib.loads((ROOT / "config.example.toml").read_text(encoding="utf-8"))


def test_the_schema_is_a_valid_json_schema() -> None:
    """The schema itself is valid draft 2020-12."""
    jsonschema.Draft202012Validator.check_schema(config_schema(BUILT_IN))


def test_config_example_is_valid_and_names_the_schema_on_its_first_line() -> None:
    """config.example.toml passes the schema, and its first line is the #:schema directive editors read."""
    assert (ROOT / "config.example.toml").read_text(encoding="utf-8").splitlines()[0] == (
        "#:schema ./config.schema.json"
    )
    assert example()["sources"], "the example configures sources, so the check covers their tables"
    assert errors(example()) == []


def test_the_committed_schema_is_the_one_the_command_prints(capsys: pytest.CaptureFixture[str]) -> None:
    """config.schema.json (what the example's directive points at) is `ingest config schema`'s output."""
    assert main(["config", "schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    committed = json.loads((ROOT / "config.schema.json").read_text(encoding="utf-8"))
    assert printed == committed == config_schema(BUILT_IN), (
        "config.schema.json is stale: run `ingest config schema > config.schema.json`"
    )


def test_a_misspelt_key_is_refused() -> None:
    """An unknown key is refused at the top, in a section, in a source and in a target's table."""
    assert errors({"intercom": {"regoin": "eu"}})
    assert errors({"sources": {"docs": {"connector": "filesystem", "path": "docs", "url_templat": "x"}}})
    assert errors(
        {"sources": {"docs": {"connector": "filesystem", "path": "d", "articles": {"colection": 1}}}}
    )
    assert errors({"intercm": {}})


def test_a_wrong_type_is_refused() -> None:
    """A value of the wrong type is refused: a number for a flag, a string for a count."""
    assert errors({"sources": {"docs": {"connector": "filesystem", "path": "docs", "ai_agent": "yes"}}})
    assert errors({"intercom": {"max_concurrency": "many"}})
    assert errors({"intercom": {"region": "mars"}})


def test_each_connector_takes_its_own_options_only() -> None:
    """A source's branch is chosen by connector: a git option under a filesystem source is refused."""
    git = {"connector": "git", "repo": "https://github.com/acme/docs.git", "paths": ["docs"], "site": "hugo"}
    assert errors({"sources": {"docs": git}}) == []
    assert errors({"sources": {"docs": {**git, "connector": "filesystem", "path": "docs"}}})
    assert errors({"sources": {"docs": {"connector": "filesystem"}}}), "path is required"
    assert errors({"sources": {"docs": {"connector": "nosuch", "path": "docs"}}})


def test_every_built_in_connector_and_target_table_is_described() -> None:
    """One branch per connector, each with the common keys, its options and every target's table."""
    schema = config_schema(BUILT_IN)
    mapping = schema["properties"]["sources"]["additionalProperties"]["discriminator"]["mapping"]
    assert sorted(mapping) == BUILT_IN
    for connector, ref in mapping.items():
        branch = schema["$defs"][ref.rsplit("/", 1)[1]]
        assert branch["properties"]["connector"]["const"] == connector
        assert {"url", "include", "targets", "articles", "internal_articles"} <= set(branch["properties"])
        assert branch["additionalProperties"] is False
