"""``ingest connectors``: every installed connector with its package, version and typed options."""

from __future__ import annotations

import enum
import io
import json
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Annotated, Literal

import pytest
from pydantic import AliasChoices, ConfigDict, Field
from rich.console import Console

from connectors.filesystem import FilesystemOptions
from ingest.catalog import (
    ConnectorInfo,
    OptionInfo,
    as_json,
    describe_connectors,
    describe_options,
    print_connectors,
    type_name,
)
from ingest.cli import main
from ingest.connector import ConfigPath, ConnectorOptions
from ingest.registry import GROUP


def entry(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=GROUP)


class Visibility(enum.Enum):
    DRAFT = "draft"
    PUBLISHED = "published"


class Level(enum.IntEnum):
    LOW = 1
    HIGH = 2


@pytest.mark.parametrize(
    ("annotation", "shown"),
    [
        (str, "str"),
        (str | None, "str | None"),
        (tuple[str, ...], "tuple[str, ...]"),
        (ConfigPath, "Path"),
        (Path | None, "Path | None"),
        (dict[str, list[int]], "dict[str, list[int]]"),
        (Literal["draft", "published"], '"draft" | "published"'),
        (Annotated[int, "unit: seconds"], "int"),
        (Visibility, '"draft" | "published"'),  # an enum is written as one of its values
        (Level | None, "1 | 2 | None"),
    ],
)
def test_types_are_shown_as_a_reader_writes_them(annotation: object, shown: str) -> None:
    """Option types read like Python annotations, without module prefixes or validators."""
    assert type_name(annotation) == shown


def test_options_come_from_the_options_model() -> None:
    """Each field: its name, type, whether it is required, its default as JSON data, its description."""
    options = {option.name: option for option in describe_options(FilesystemOptions)}
    path, follow, site = options["path"], options["follow_symlinks"], options["site"]
    assert path == OptionInfo(
        "path", "Path", True, None, FilesystemOptions.model_fields["path"].description or ""
    )
    assert (follow.name, follow.type, follow.required, follow.default) == (
        "follow_symlinks",
        "bool",
        False,
        True,
    )
    assert (site.type, site.default) == (
        '"auto" | "plain" | "hugo" | "docusaurus" | "mkdocs" | "obsidian" | "confluence"',
        "auto",
    )


def test_an_aliased_option_is_shown_under_the_key_a_user_writes() -> None:
    """An option read under another key (``validation_alias``, the first of ``AliasChoices``, ``alias``)
    is listed under that key: the field's Python name would be refused as an unknown key."""

    class Aliased(ConnectorOptions):
        site: str = Field("x", validation_alias="site_url")
        mirror: str = Field("y", validation_alias=AliasChoices("mirror_url", "mirror"))
        camel: str = Field("z", alias="camelCase")

    shown = [option.name for option in describe_options(Aliased)]
    assert shown == ["site_url", "mirror_url", "camelCase"]
    for key in shown:
        Aliased.model_validate({key: "set"})  # each key listed is one the model accepts


class Marker:
    """A default pydantic cannot write as JSON."""

    def __repr__(self) -> str:
        return "Marker()"


def test_a_computed_or_unwritable_default_does_not_break_the_listing() -> None:
    """A default computed from the other options, or one that is not JSON data, is described as well
    as it can be: the listing of every connector does not end in a traceback because of one plugin."""

    class Odd(ConnectorOptions):
        model_config = ConfigDict(arbitrary_types_allowed=True)

        first: int = 1
        second: int = Field(default_factory=lambda data: data["first"] + 1)
        marker: Marker = Field(default_factory=Marker)

    first, second, marker = describe_options(Odd)
    assert (first.default, second.default, second.required, marker.default) == (1, None, False, "Marker()")
    info = ConnectorInfo("odd", "odd:Odd", None, None, [first, second, marker])
    assert json.loads(as_json([info]))["connectors"][0]["options"][2]["default"] == "Marker()"


def test_a_connector_that_cannot_load_is_listed_with_the_reason() -> None:
    """A broken plugin does not hide the others: it is listed, saying why it cannot be used."""
    entries = {
        "fs": entry("fs", "connectors.filesystem:FilesystemConnector"),
        "wiki": entry("wiki", "no_such_package.wiki:Wiki"),
        "colliding": entry("colliding", "tests.testing.toys:CollidingOption"),
    }
    colliding, fs, wiki = describe_connectors(entries)
    assert fs.error is None and [option.name for option in fs.options][-2:] == ["path", "follow_symlinks"]
    assert fs.package is None  # built here from a bare EntryPoint, not from installed metadata
    assert wiki.error is not None and "failed to load" in wiki.error and wiki.options == []
    assert colliding.error is not None and "collides with the common key 'url'" in colliding.error
    out = io.StringIO()
    print_connectors(Console(file=out, width=200), [wiki])
    assert out.getvalue().splitlines()[:2] == [
        "wiki  package unknown  no_such_package.wiki:Wiki",
        f"  cannot be used: {wiki.error}",
    ]


def test_ingest_connectors_lists_the_built_ins_as_fin_ingest(capsys: pytest.CaptureFixture[str]) -> None:
    """The text listing: a heading per connector with package, version and entry point, then its options."""
    assert main(["connectors"]) == 0
    out = capsys.readouterr().out
    assert "filesystem  fin-ingest 0.1.0  connectors.filesystem:FilesystemConnector\n" in out
    assert "  path (Path, required)\n      The folder to sync;" in out
    assert "  follow_symlinks (bool, default true)\n" in out
    assert "  cache_dir (Path | None, default none)\n" in out
    assert "  paths (tuple[str, ...], default [])\n" in out
    assert "  url_template placeholders: {path}, {commit}, {last_author}, {last_commit}" in out


def test_ingest_connectors_json_describes_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    """--json: the same facts as data; every built-in option has a type and a description."""
    assert main(["connectors", "--json"]) == 0
    listed = {item["name"]: item for item in json.loads(capsys.readouterr().out)["connectors"]}
    assert {"filesystem", "confluence_export", "git"} <= set(listed)
    git = listed["git"]
    assert (git["package"], git["version"], git["entry_point"]) == (
        "fin-ingest",
        "0.1.0",
        "connectors.git:GitRepoConnector",
    )
    timeout = next(option for option in git["options"] if option["name"] == "timeout")
    assert timeout == {
        "name": "timeout",
        "type": "float",
        "required": False,
        "default": 600.0,
        "description": "Seconds one git command (a clone or fetch included) may take.",
    }
    assert "ref" in git["url_variables"] and git["error"] is None
    for name in ("filesystem", "confluence_export", "git"):
        assert all(option["type"] and option["description"] for option in listed[name]["options"]), name
