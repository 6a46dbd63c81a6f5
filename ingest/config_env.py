"""Naming the ``INGEST_*`` environment variable whose value pydantic-settings could not parse.

A list or table key set from the environment (``INGEST_SOURCES__DOCS__INCLUDE``,
``INGEST_INTERCOM``) must hold JSON. When it does not, pydantic-settings raises a
``SettingsError`` naming only the top-level section; this finds the variable itself so
the error can say which one to fix. The variable's value is never quoted: it may be a secret.
"""

from __future__ import annotations

import json
import os
import re
import types
from collections.abc import Mapping
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic_settings import SettingsError

from ingest.errors import ConfigError

_COMPLEX_ORIGINS = (list, tuple, set, frozenset, dict)


def env_parse_error(
    exc: SettingsError, model: type[BaseModel], *, prefix: str, delimiter: str
) -> ConfigError:
    """One line naming the key and the variable behind ``exc``, saying its value must be JSON."""
    section = _section_of(exc)
    culprit = _culprit(model, prefix=prefix, delimiter=delimiter, section=section, environ=os.environ)
    if culprit is None:
        where = section or "configuration"
        return ConfigError(
            f"{where}: an {prefix}{where.upper()}* environment variable cannot be parsed; "
            "a list or table key's value must be JSON"
        )
    variable, keys, kind = culprit
    example = '["a", "b"]' if kind == "list" else '{"key": "value"}'
    return ConfigError(
        f"{'.'.join(keys)}: environment variable {variable} must hold JSON for a {kind} key, e.g. {example}"
    )


def _section_of(exc: SettingsError) -> str | None:
    found = re.search(r'field "(\w+)"', str(exc))
    return found.group(1) if found else None


def _culprit(
    model: type[BaseModel],
    *,
    prefix: str,
    delimiter: str,
    section: str | None,
    environ: Mapping[str, str],
) -> tuple[str, list[str], str] | None:
    """The first variable (sorted by name) that sets a list or table key to a value that is not JSON."""
    for variable in sorted(environ):
        name = variable.lower()  # pydantic-settings matches names case-insensitively by default
        if not name.startswith(prefix.lower()) or not environ[variable]:
            continue
        keys = name[len(prefix) :].split(delimiter)
        if section is not None and keys[0] != section:
            continue
        kind = _complex_kind(model, keys)
        if kind is not None and not _is_json(environ[variable]):
            return variable, keys, kind
    return None


def _complex_kind(model: type[BaseModel], keys: list[str]) -> str | None:
    """ "list" or "table" when ``keys`` lead to a model field that pydantic-settings decodes as JSON.

    Only a field of a model counts whose type is a list, a table or a model, not an optional
    one: pydantic-settings passes a value it cannot decode for anything else on to validation,
    which then names the key itself.
    """
    annotation: Any = model
    is_field = False
    for key in keys:
        annotation = _unwrap_optional(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = annotation.model_fields.get(key)
            if field is None:
                return None
            annotation, is_field = field.annotation, True
        elif get_origin(annotation) is dict:
            annotation, is_field = get_args(annotation)[1], False
        else:
            return None
    if not is_field or _is_union(annotation):
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "table"
    origin = get_origin(annotation)
    if origin is dict:
        return "table"
    return "list" if origin in _COMPLEX_ORIGINS else None


def _unwrap_optional(annotation: Any) -> Any:
    if not _is_union(annotation):
        return annotation
    members = [arg for arg in get_args(annotation) if arg is not type(None)]
    return members[0] if len(members) == 1 else annotation


def _is_union(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, types.UnionType)


def _is_json(value: str) -> bool:
    try:
        json.loads(value)
    except ValueError:
        return False
    return True
