"""What ``ingest connectors`` shows: each installed connector, its package and its options.

Everything is read from the entry points and each connector's options model (name, type,
default, description), so a third-party connector is described exactly as a built-in one.
"""

from __future__ import annotations

import enum
import json
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from importlib.metadata import EntryPoint
from typing import Any

from pydantic import AliasChoices, BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined, to_jsonable_python
from rich.console import Console
from rich.text import Text

from ingest.errors import ConfigError
from ingest.registry import installed, load_entry_point, shared_name, url_variables


@dataclass(frozen=True)
class OptionInfo:
    """One key a connector reads from its ``[sources.<name>]`` table."""

    name: str
    type: str
    required: bool
    #: The default as JSON data (``None`` when required, or when the default is "unset").
    default: Any
    description: str


@dataclass(frozen=True)
class ConnectorInfo:
    """One installed connector; ``error`` says why it cannot be used (then it has no options)."""

    name: str
    entry_point: str
    package: str | None
    version: str | None
    options: list[OptionInfo] = field(default_factory=list)
    url_variables: list[str] = field(default_factory=list)
    error: str | None = None


def describe_connectors(entries: Mapping[str, EntryPoint] | None = None) -> list[ConnectorInfo]:
    """Every installed connector, sorted by name, each imported to read its options model; a name
    several packages register is listed for each, as unusable."""
    return [
        describe_connector(entry, shared=shared_name(entry.name) if entries is None else None)
        for entry in installed(entries)
    ]


def describe_connector(entry: EntryPoint, *, shared: str | None = None) -> ConnectorInfo:
    """One connector; ``shared`` says why its name cannot be used (several packages register it)."""
    dist = entry.dist
    base = ConnectorInfo(
        name=entry.name,
        entry_point=entry.value,
        package=dist.name if dist is not None else None,
        version=dist.version if dist is not None else None,
    )
    if shared is not None:
        return ConnectorInfo(**{**asdict(base), "error": shared})
    try:
        factory = load_entry_point(entry)
    except ConfigError as exc:
        return ConnectorInfo(**{**asdict(base), "error": str(exc)})
    return ConnectorInfo(
        **{
            **asdict(base),
            "options": describe_options(factory.options_model),
            "url_variables": sorted(url_variables(factory)),
        }
    )


def describe_options(model: type[BaseModel]) -> list[OptionInfo]:
    """The fields of an options model, in declaration order."""
    options = []
    for name, info in model.model_fields.items():
        options.append(
            OptionInfo(
                name=option_key(name, info),
                type=type_name(info.annotation),
                required=info.is_required(),
                default=_default(info),
                description=info.description or "",
            )
        )
    return options


def _default(info: FieldInfo) -> Any:
    """A field's default as JSON data: None when required, unset, or computed from the other
    options (a default factory taking the validated data); other objects as their repr."""
    if info.is_required() or getattr(info, "default_factory_takes_validated_data", False):
        return None
    default = info.get_default(call_default_factory=True)
    return None if default is PydanticUndefined else to_jsonable_python(default, fallback=repr)


def option_key(name: str, info: FieldInfo) -> str:
    """The key a user writes for a field: its validation alias (the first of several), else its
    alias, else its name (pydantic reads the field under that key, not under the name)."""
    alias = info.validation_alias
    if isinstance(alias, AliasChoices):
        alias = next((choice for choice in alias.choices if isinstance(choice, str)), None)
    if isinstance(alias, str):
        return alias
    return info.alias or name


def type_name(annotation: object) -> str:
    """A type as a reader writes it: ``str | None``, ``tuple[str, ...]``, ``Path``; an enum as its values."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if annotation is type(None):
        return "None"
    if origin in (typing.Union, types.UnionType):
        return " | ".join(type_name(arg) for arg in args)
    if origin is typing.Annotated:
        return type_name(args[0])
    if origin is typing.Literal:
        return " | ".join(json.dumps(arg) for arg in args)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return " | ".join(json.dumps(to_jsonable_python(member.value)) for member in annotation)
    if origin is not None:
        inner = ", ".join("..." if arg is Ellipsis else type_name(arg) for arg in args)
        return f"{getattr(origin, '__name__', str(origin))}[{inner}]"
    return getattr(annotation, "__name__", str(annotation))


def as_json(connectors: Sequence[ConnectorInfo]) -> str:
    """The listing as a JSON document (``ingest connectors --json``)."""
    return json.dumps({"connectors": [asdict(info) for info in connectors]}, indent=2, ensure_ascii=False)


def print_connectors(console: Console, connectors: Sequence[ConnectorInfo]) -> None:
    """One block per connector: a heading line, then each option with its type, default and
    description. Plain text, never markup: names and descriptions come from other packages."""
    for info in connectors:
        package = f"{info.package} {info.version}" if info.package else "package unknown"
        _line(console, Text.assemble((info.name, "bold"), f"  {package}  {info.entry_point}"))
        if info.error is not None:
            _line(console, Text.assemble(("  cannot be used: ", "red"), info.error))
        else:
            for option in info.options:
                _line(
                    console,
                    Text.assemble("  ", (option.name, "bold"), f" ({option.type}, {_shown_default(option)})"),
                )
                if option.description:
                    _line(console, Text(f"      {option.description}"))
            placeholders = ", ".join(f"{{{name}}}" for name in ["path", *info.url_variables])
            _line(console, Text(f"  url_template placeholders: {placeholders}"))
        console.print()


def _line(console: Console, text: Text) -> None:
    console.print(text, soft_wrap=True, highlight=False)


def _shown_default(option: OptionInfo) -> str:
    """The default as it would be written in TOML; ``required``, or ``none`` when it is unset."""
    if option.required:
        return "required"
    shown = "none" if option.default is None else json.dumps(option.default, ensure_ascii=False)
    return f"default {shown}"
