"""The optional connector seams the engine honours: link variables, default templates, checkpoints."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import ClassVar

import pytest

from ingest.collect import PathFilter, TargetRecords, collect
from ingest.config import load_settings
from ingest.connector import Closeable, Connector, ConnectorOptions
from ingest.document import BodyFormat, DocumentRef, Failure, Page, SkippedDocument, SourceDocument
from ingest.engine import Engine
from ingest.errors import ConnectorError
from ingest.plan import AvailabilityChange, Plan, TagChange
from ingest.state import StateStore

NO_RECORDS = {"pages": TargetRecords(records={})}


class FakeRepo:
    """A resumable connector with link variables, standing in for a git connector."""

    options_model: ClassVar[type[ConnectorOptions]] = ConnectorOptions
    url_variables: ClassVar[frozenset[str]] = frozenset({"ref", "commit"})

    def __init__(self, commit: str, files: Mapping[str, str]) -> None:
        self.commit, self.files = commit, dict(files)
        self.resumed_from: str | None = "never called"

    def resume_from(self, checkpoint: str | None) -> None:
        self.resumed_from = checkpoint

    def checkpoint(self) -> str | None:
        return self.commit

    def link_variables(self) -> Mapping[str, str]:
        return {"ref": "main", "commit": self.commit}

    def default_url_template(self) -> str | None:
        return "https://git.example.com/blob/{ref}/{path}"

    async def scan(self) -> AsyncIterator[DocumentRef | SkippedDocument | Failure]:
        for path, body in sorted(self.files.items()):
            yield DocumentRef(path, f"blob-{hash(body)}")

    async def load(self, ref: DocumentRef) -> SourceDocument | SkippedDocument | Failure:
        body = self.files[ref.locator]
        return SourceDocument(ref.locator, "T", body, BodyFormat.MARKDOWN, ref.locator, ref.fingerprint)


async def test_default_template_and_variables_build_the_page_url() -> None:
    """Without a configured template the connector's default is used, filled with its variables."""
    repo = FakeRepo("abc123", {"docs/a.md": "# T\n\nSee [b](b.md)."})
    collected = await collect(
        repo, targets=NO_RECORDS, settings_digest="d", path_filter=PathFilter(["**"], []), url_template=None
    )
    (page,) = collected.pages
    assert page.url == "https://git.example.com/blob/main/docs/a.md"
    assert 'href="https://git.example.com/blob/main/docs/b.md"' in page.html
    assert collected.checkpoint == "abc123"


async def test_a_commit_variable_in_the_template_changes_every_fingerprint() -> None:
    """A template using {commit}: a new commit is a new URL for every page, so fingerprints differ."""
    template = "https://git.example.com/blob/{commit}/{path}"
    first = await collect(
        FakeRepo("c1", {"a.md": "x"}), targets=NO_RECORDS, settings_digest="d",
        path_filter=PathFilter(["**"], []), url_template=template,
    )  # fmt: skip
    second = await collect(
        FakeRepo("c2", {"a.md": "x"}), targets=NO_RECORDS, settings_digest="d",
        path_filter=PathFilter(["**"], []), url_template=template,
    )  # fmt: skip
    assert first.pages[0].fingerprint != second.pages[0].fingerprint
    assert second.pages[0].url == "https://git.example.com/blob/c2/a.md"


class OpenExport:
    """A connector holding a file open between scan and load, like a zipped export."""

    options_model: ClassVar[type[ConnectorOptions]] = ConnectorOptions
    url_variables: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, *, unreadable: bool = False) -> None:
        self.unreadable = unreadable
        self.closed = 0

    async def scan(self) -> AsyncIterator[DocumentRef | SkippedDocument | Failure]:
        if self.unreadable:
            raise ConnectorError("export.zip cannot be read as a zip")
        yield DocumentRef("a.html", "fp-a")

    async def load(self, ref: DocumentRef) -> SourceDocument | SkippedDocument | Failure:
        assert not self.closed, "load after close"
        return SourceDocument(ref.locator, "A", "<p>A</p>", BodyFormat.HTML, ref.locator, ref.fingerprint)

    def close(self) -> None:
        self.closed += 1


class PlanOnlyTarget:
    """As much of a target as planning uses."""

    name = "external_pages"

    def settings_digest(self) -> str:
        return "settings"

    def accepts(self, page: Page) -> str | None:
        return None

    def payload_hash(self, page: Page) -> str:
        return page.fingerprint

    def availability_changes(self, plan: Plan, records: object) -> tuple[AvailabilityChange, ...]:
        return ()

    def planned_tags(self, plan: Plan, records: object) -> tuple[TagChange, ...]:
        return ()


@pytest.mark.parametrize("unreadable", [False, True], ids=["collected", "scan-failed"])
async def test_the_engine_closes_a_closeable_connector_once_collected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unreadable: bool
) -> None:
    """A connector with ``close`` is closed once its documents are read, also when its scan fails."""
    export = OpenExport(unreadable=unreadable)
    assert isinstance(export, Closeable)
    built: list[Connector] = []
    (tmp_path / "docs").mkdir()
    config = tmp_path / "ingest.toml"
    config.write_text(
        '[intercom]\nbase_url = "http://127.0.0.1:9"\n\n'
        '[sources.docs]\nconnector = "filesystem"\npath = "docs"\nurl = "https://docs.example.com"\n',
        encoding="utf-8",
    )
    settings = load_settings(config)
    with StateStore(tmp_path / "state.db") as state:
        sync = Engine(
            state=state,
            connector_factory=lambda source: built.append(export) or export,
            target_factory=lambda source: [PlanOnlyTarget()],
        )
        if unreadable:
            with pytest.raises(ConnectorError):
                await sync.plan_source(settings.sources["docs"])
        else:
            plan = await sync.plan_source(settings.sources["docs"])
            assert [page.title for page in plan.collected.pages] == ["A"]
    assert built == [export] and export.closed == 1
