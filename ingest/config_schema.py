"""The JSON Schema of the config file, built from the models that validate it.

A ``[sources.<name>]`` table is the keys every source has (:class:`~ingest.settings.SourceSettings`),
its connector's options and a table per target it lists, side by side in one table. The schema
says so honestly: one branch per installed connector, chosen by the value of ``connector``
(``oneOf``, with the OpenAPI-style ``discriminator`` editors such as Taplo read), each branch the
common keys, that connector's options and the target tables, and no other key. Checks across keys
(a target listed without its table, ``url`` required by External Pages) stay the loader's: the
schema is for completion and for the mistakes an editor can show while typing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from ingest.config import SourceSettings, section_fields
from ingest.registry import available, load_connector
from ingest.targets.registry import TARGETS

__all__ = ["config_schema"]

_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _source_model(connector: str) -> type[BaseModel]:
    """``[sources.<name>]`` for one connector: common keys, its options, the target tables."""
    options = load_connector(connector).options_model
    fields: dict[str, Any] = {}
    for model in (SourceSettings, options):
        for name, info in model.model_fields.items():
            fields[name] = (info.annotation, info)
    fields["connector"] = (Literal[connector], Field(description=f"The {connector} connector."))
    for spec in TARGETS:
        if spec.settings_model is not None:
            fields[spec.name] = (
                spec.settings_model | None,
                Field(None, description=f'The "{spec.name}" target\'s table, when targets lists it.'),
            )
    title = f"Source read by {connector}"
    return create_model(
        f"Source_{connector}",
        __config__=ConfigDict(extra="forbid", title=title),
        __doc__=f"A [sources.<name>] table whose connector is {connector}.",
        **fields,
    )


def _file_model(connectors: Sequence[str]) -> type[BaseModel]:
    branches = [_source_model(name) for name in connectors]
    source: Any = dict[str, Any]  # no connector installed: the loader names the problem
    if len(branches) == 1:
        source = branches[0]
    elif branches:
        union: Any = branches[0]
        for branch in branches[1:]:
            union = union | branch
        source = Annotated[union, Field(discriminator="connector")]
    fields: dict[str, Any] = {name: (info.annotation, info) for name, info in section_fields().items()}
    fields["sources"] = (dict[str, source], Field(default_factory=dict, description="One table per source."))
    return create_model(
        "IngestConfig",
        __config__=ConfigDict(extra="forbid", title="fin-ingest configuration (ingest.toml)"),
        **fields,
    )


def config_schema(connectors: Sequence[str] | None = None) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``ingest.toml`` for ``connectors`` (default: those installed)."""
    names = sorted(connectors if connectors is not None else available())
    schema = _file_model(names).model_json_schema()
    return {"$schema": _DIALECT, **schema}
