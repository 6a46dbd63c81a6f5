"""The saved plan file: its format, what each entry holds, and reading one with a clear refusal.

The file is JSON, described by ``plan.schema.json`` beside this module (its ``format`` and
``version`` say what it is). Every entry is generic (a kind, a locator, an external id, a digest),
so a new kind of change is a new ``kind`` value, not a new shape.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ingest.errors import ConfigError

FORMAT: Literal["fin-ingest-plan"] = "fin-ingest-plan"
VERSION: Literal[1] = 1
#: Where the JSON Schema of the file is kept (shipped with the package).
SCHEMA_PATH = Path(__file__).with_name("plan.schema.json")

#: What an item asks: send a new page, send a changed one, delete one, set its availability or
#: tags apart from it; with ``on_delete = "withdraw"``, withdraw the page of a document gone, restore
#: one whose document came back, or delete one whose grace period is over (expire); or what the run
#: cannot do (a failure) or leaves out (a skip).
ItemKind = Literal[
    "create", "update", "delete", "availability", "tags", "withdraw", "restore", "expire", "failure", "skip"
]
#: Kinds that change something in Intercom (a failure or a skip changes nothing).
CHANGE_KINDS: tuple[ItemKind, ...] = (
    "create",
    "update",
    "delete",
    "availability",
    "tags",
    "withdraw",
    "restore",
    "expire",
)


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PlanItem(_Entry):
    """One thing the run would do (or could not do) for one document."""

    kind: ItemKind
    locator: str
    external_id: str | None = None
    title: str | None = None
    #: A digest of exactly what would be sent (a payload's hash; the flags or tags to set).
    digest: str | None = None
    #: The digest of what was last sent for this document (an update, a delete), as state records.
    previous_digest: str | None = None
    #: What a person reads: the flags set, the tag moved, why it failed or was left out.
    detail: str | None = None


class Counts(_Entry):
    create: int = 0
    update: int = 0
    delete: int = 0
    availability: int = 0
    tags: int = 0
    withdraw: int = 0
    restore: int = 0
    expire: int = 0
    unchanged: int = 0
    skip: int = 0
    failure: int = 0


class TargetEntry(_Entry):
    """What the run would do for one source in one target, and what it was planned against."""

    target: str
    #: The digest of what state held for the source in this target when the plan was made.
    state_digest: str
    #: The digest of the items below, in order, with the refusal.
    items_digest: str
    #: Set when the mass-delete guard refuses this target's plan (nothing of it would be done).
    refusal: str | None = None
    counts: Counts
    items: list[PlanItem] = Field(default_factory=list)


class SourceEntry(_Entry):
    """One source: the configuration and scan the plan was made from, and its targets' plans."""

    source: str
    #: The digest of the source's effective configuration (its keys, targets, their settings).
    config_digest: str
    #: The digest of the scan (every locator with its fingerprint); None when it could not be read.
    scan_digest: str | None = None
    #: Why the source could not be read, when it could not (nothing is done for it then).
    error: str | None = None
    targets: list[TargetEntry] = Field(default_factory=list)


class PlanFile(_Entry):
    """A saved plan: ``ingest apply`` carries it out only while nothing it was made from moved."""

    format: Literal["fin-ingest-plan"]
    version: Literal[1]
    created_at: str
    fin_ingest: str
    #: Whether the mass-delete guard was lifted when the plan was made (``--allow-mass-delete``).
    allow_mass_delete: bool = False
    sources: list[SourceEntry]

    def entry(self, source: str) -> SourceEntry:
        return next(entry for entry in self.sources if entry.source == source)


class PlanFileError(ConfigError):
    """The file given to ``ingest apply`` is not a plan this release can apply."""


def read_plan_file(path: Path) -> PlanFile:
    """The plan saved in ``path``; PlanFileError (one sentence) when it is not one."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanFileError(f"cannot read the plan file {path}: {exc}") from exc
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanFileError(
            f"{path} is not a plan made by 'ingest plan --out': it is not JSON ({exc})"
        ) from exc
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise PlanFileError(
            f'{path} is not a plan made by \'ingest plan --out\': it has no "format": "{FORMAT}"'
        )
    if raw.get("version") != VERSION:
        raise PlanFileError(
            f"{path} is a plan of format version {raw.get('version')!r}; this fin-ingest applies version "
            f"{VERSION}: make the plan again with 'ingest plan --out'"
        )
    try:
        return PlanFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the file"
        raise PlanFileError(f"{path} is not a valid plan: {where}: {first['msg']}") from exc


def plan_file_text(plan: PlanFile) -> str:
    """The file's text: JSON, keys in the model's order, one item per line for a readable diff."""
    return json.dumps(plan.model_dump(mode="json"), indent=1, ensure_ascii=False) + "\n"
