"""Audiences as code: the audiences a source's Content Import Source is for, named in its
configuration (``audiences`` by name, from API Preview; ``audience_ids`` by id, any version), looked
up (or created) through ``/audiences`` and applied through the source's ``audience_ids``, with
``apply_audience_to_existing_content`` so that its pages follow.

State records what was applied, as the configuration named it: a run whose configuration names
the same audiences sends nothing and reads nothing for them. A name Intercom does not know is a
ConfigError (exit 2) listing the names it knows, unless ``create_audiences``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ingest.errors import ConfigError
from ingest.intercom import Audience, IntercomClient
from ingest.state import TargetStore
from ingest.targets.base import FindingKind, RemoteFinding


@dataclass(frozen=True, slots=True)
class AudienceSetting:
    """What a source's keys say of its audiences: by name, by id, or nothing (left as they are)."""

    names: tuple[str, ...] | None = None
    ids: tuple[int, ...] | None = None
    create: bool = False

    def said(self) -> list[str | int] | None:
        """The audiences as configured (what state records once applied); None: not managed."""
        if self.names is not None:
            return list(self.names)
        return None if self.ids is None else sorted(set(self.ids))


async def settle_audiences(
    api: IntercomClient,
    store: TargetStore,
    setting: AudienceSetting,
    *,
    import_source_id: int,
    url: str,
) -> RemoteFinding | None:
    """Give the Content Import Source the configured audiences when they differ from those state
    records as applied (none recorded counts as differing); what was done, or None."""
    said = setting.said()
    if said is None or store.import_source.applied_audiences() == said:
        return None
    created: list[str] = []
    if setting.names is not None:
        chosen = await _by_name(api, store.source, setting.names, create=setting.create, created=created)
        ids = [audience.id for audience in chosen]
        shown = ", ".join(f'"{audience.name}" ({audience.id})' for audience in chosen)
    else:
        ids = [int(audience_id) for audience_id in said]
        shown = ", ".join(str(audience_id) for audience_id in ids)
    await api.update_content_import_source(
        import_source_id, url=url, audience_ids=ids, apply_audience_to_existing_content=True
    )
    store.import_source.record_audiences(said)
    made = f" (created {', '.join(repr(name) for name in created)})" if created else ""
    what = f"audiences {shown}{made}" if ids else "no audience"
    return RemoteFinding(
        FindingKind.AUDIENCES,
        f"Content Import Source {import_source_id} ({url}) and its pages are now for {what}",
    )


async def _by_name(
    api: IntercomClient, source: str, names: tuple[str, ...], *, create: bool, created: list[str]
) -> list[Audience]:
    """The audience of each name, in order: found, or created when ``create``."""
    known: defaultdict[str, list[Audience]] = defaultdict(list)
    for audience in await api.list_audiences():
        known[audience.name].append(audience)
    chosen: list[Audience] = []
    for name in names:
        found = known.get(name, [])
        if len(found) > 1:
            ids = ", ".join(str(audience.id) for audience in found)
            raise ConfigError(
                f'sources.{source}.audiences: {len(found)} audiences are named "{name}" in Intercom '
                f"(ids {ids}); rename one there, or name them all by id with audience_ids"
            )
        if found:
            chosen.append(found[0])
        elif create:
            chosen.append(await api.create_audience(name))
            created.append(name)
        else:
            existing = ", ".join(f'"{known_name}"' for known_name in sorted(known)) or "none"
            raise ConfigError(
                f'sources.{source}.audiences: Intercom has no audience named "{name}"; its audiences '
                f"are {existing} (set create_audiences = true to create it)"
            )
    return chosen
