"""The optional connector seams the engine honours: link variables, default templates, checkpoints."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import ClassVar

from ingest.collect import PathFilter, TargetRecords, collect
from ingest.connector import ConnectorOptions
from ingest.document import BodyFormat, DocumentRef, Failure, SkippedDocument, SourceDocument

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
