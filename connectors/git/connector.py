"""The ``git`` connector: the Markdown, HTML and text files of a repository at a branch, tag or commit.

A document's locator (and default ``external_id``) is its path in the repository, POSIX,
the same on every machine; its fingerprint is its blob id, so the engine reads only files
whose content changed since the last successful sync, whatever happened in between
(commits, a branch switch, a force-push). Renames and deletions need nothing special:
the planner sees the path disappear (and, for a rename, a new path appear).

Each document read also carries the last commit that changed it (``last_commit``,
``last_commit_time``, ``last_author`` in its metadata; the time is its ``modified``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import replace
from typing import ClassVar

from connectors.git.batch import Batcher
from connectors.git.diagnose import explain
from connectors.git.files import TreeFiles
from connectors.git.gitcmd import Git, GitError
from connectors.git.history import LastChange, LastChanges
from connectors.git.options import GitOptions
from connectors.git.repository import Repository, Resolved, TreeEntry
from ingest.document import DocumentRef, Failure, SkippedDocument, SourceDocument
from ingest.errors import ConnectorError
from ingest.sites import Site, SiteLinks
from ingest.sites.dependencies import folded_page_refs
from ingest.sites.source import load_page, open_site, own_fingerprint, reads_every_file
from ingest.textdoc import format_for

log = logging.getLogger("ingest.connectors.git")

Loaded = SourceDocument | SkippedDocument | Failure
_SYMLINK_MODE = "120000"
_LFS_POINTER = b"version https://git-lfs.github.com/spec/"
_COMMIT_ID = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")


class GitRepoConnector:
    """Documents from a git repository; see the module docstring. Satisfies the Connector,
    ProvidesLinks, ProvidesSiteLinks, Resumable and Revisioned protocols of :mod:`ingest.connector`."""

    options_model: ClassVar[type[GitOptions]] = GitOptions
    #: ``{ref}`` and ``{commit}`` for the whole repository; ``{last_commit}``, ``{last_commit_time}``
    #: and ``{last_author}`` per file, from its last change.
    url_variables: ClassVar[frozenset[str]] = frozenset(
        {"ref", "commit", "last_commit", "last_commit_time", "last_author"}
    )

    def __init__(self, options: GitOptions) -> None:
        self.options = options
        self.location = options.location()
        self.git = Git(self.location, options.timeout)
        self.repository = Repository(self.git, options.resolved_cache_dir())
        self._resolved: Resolved | None = None
        self._previous: str | None = None
        #: What the site's pages read of each other, as the last successful sync found it.
        self._remembered: str | None = None
        self._remember: str | None = None
        self._raw_paths: dict[str, bytes] = {}
        self._history: LastChanges | None = None
        self._loads: Batcher[DocumentRef, Loaded] = Batcher(self._load_batch)
        self._site: Site | None = None

    def resume_from(self, checkpoint: str | None) -> None:
        """Remember the commit of the last fully successful sync (for the log only: blob ids
        already tell which files changed, whatever the history did in between) and, on a line
        after it, what its docs site's pages read of each other (:mod:`ingest.sites.dependencies`:
        an unchanged site is not read to find it again)."""
        commit, _, remembered = (checkpoint or "").partition("\n")
        self._previous = commit if _COMMIT_ID.match(commit) else None
        self._remembered = remembered or None

    def checkpoint(self) -> str | None:
        """The commit this run synced, once scanned, and what its site's pages read of each other."""
        if self._resolved is None:
            return None
        return self._resolved.commit + (f"\n{self._remember}" if self._remember else "")

    def link_variables(self) -> Mapping[str, str]:
        """``{ref}``: the ref as configured (or the default branch's name); ``{commit}``: its id."""
        if self._resolved is None:
            return {}
        return {"ref": self._resolved.name, "commit": self._resolved.commit}

    def default_url_template(self) -> str | None:
        """A blob-view link on GitHub, GitLab or Bitbucket remotes; None for any other repository."""
        return self.location.web_url_template()

    async def current_revision(self) -> str:
        """The commit the configured ref resolves to now (a remote is fetched first): what the
        watch daemon polls, to sync only when the ref moved."""
        await self.repository.open()
        return (await self.repository.resolve(self.options.ref)).commit

    async def scan(self) -> AsyncIterator[DocumentRef | SkippedDocument | Failure]:
        """Every page at the resolved commit, fingerprinted by blob id (folded with the site's
        structure digest), in path order. Plain Markdown: every document under ``paths``; a docs
        site: its pages under ``paths``, the site reading every file of the tree.

        Raises :class:`~ingest.errors.ConnectorError` (one sentence, credentials redacted)
        when git is missing, the repository cannot be reached or read, the ref does not exist,
        or the site's config cannot be read.
        """
        await self.repository.open()
        resolved = await self.repository.resolve(self.options.ref)
        self._resolved = resolved
        await self._log_position(resolved)
        every = reads_every_file(self.options)
        entries = await self.repository.list_files(resolved.commit, () if every else self.options.paths)
        blobs: dict[str, str] = {}
        others: list[SkippedDocument | Failure] = []
        for entry in entries:
            item = self._found(entry, every=every)
            if isinstance(item, DocumentRef):
                blobs[item.locator] = item.fingerprint
            elif item is not None and self._wanted(item.locator):
                others.append(item)
        site = await open_site(self.options, TreeFiles(self.repository, resolved.commit, blobs))
        self._site = site
        folded = await folded_page_refs(site, blobs, self._wanted, self._remembered)
        pages, self._remember = folded.refs, folded.remembered
        self._raw_paths = {ref.locator: self._raw_paths[ref.locator] for ref in pages}
        self.repository.expect_reads([blobs[ref.locator] for ref in pages])
        self._history = LastChanges(self.git, resolved.commit, self.options.paths, self._raw_paths.values())
        for item in sorted([*pages, *others], key=lambda item: item.locator):
            yield item

    async def site_links(self) -> SiteLinks | None:
        """How the site links its pages (after a scan); None before one."""
        return await self._site.links() if self._site is not None else None

    async def load(self, ref: DocumentRef) -> Loaded:
        """Read the document ``ref`` names (its blob) with its last-change metadata."""
        return await self._loads.submit(ref)

    async def read_source_file(self, path: str) -> bytes | None:
        """The file at ``path`` in the commit the last scan read; None when it has none."""
        if self._resolved is None:
            raise ConnectorError(f"{path}: read before the repository was scanned")
        commit = self._resolved.commit
        wanted = path.encode("utf-8")
        listed = await self.repository.list_files(commit, (path,))
        entries = [entry for entry in listed if entry.path == wanted]
        if not entries or entries[0].kind != "blob":
            return None
        try:
            blobs = await self.repository.read_blobs(commit, [entries[0].oid])
        except GitError as exc:
            raise ConnectorError(str(explain(exc, self.location, "reading"))) from None
        return blobs.get(entries[0].oid)

    def _wanted(self, locator: str) -> bool:
        """Whether ``locator`` is under the configured ``paths`` (all of it when none)."""
        paths = self.options.paths
        return not paths or any(locator == path or locator.startswith(path + "/") for path in paths)

    def _found(self, entry: TreeEntry, *, every: bool) -> DocumentRef | SkippedDocument | Failure | None:
        """A file of the tree (``every``: any file; else a document), or what to say about it."""
        try:
            locator = entry.path.decode("utf-8")
        except UnicodeDecodeError:
            shown = entry.path.decode("utf-8", "replace")
            return Failure(shown, f"{shown}: file name is not valid UTF-8") if format_for(shown) else None
        if entry.kind != "blob" or not (every or format_for(locator)):
            return None  # folders' contents are listed themselves; submodules are not files to read
        if entry.mode == _SYMLINK_MODE:
            if not format_for(locator):
                return None
            return SkippedDocument(locator, "a symbolic link in the repository (links are not followed)")
        self._raw_paths[locator] = entry.path
        return DocumentRef(locator, entry.oid)

    async def _log_position(self, resolved: Resolved) -> None:
        where = f"{self.location.display} {resolved.name} at {resolved.commit[:12]}"
        if self._previous is None:
            log.info("%s", where)
            return
        relation = await self.repository.relation(self._previous, resolved.commit)
        last = self._previous[:12]
        if relation == "rewritten":
            log.info("%s: %s is not an ancestor (history rewritten, or another ref)", where, last)
        elif relation == "unknown":
            log.info("%s: the last synced commit %s is no longer in the repository", where, last)
        else:
            log.info(
                "%s (%s since %s)", where, "no new commit" if relation == "same" else "fast-forward", last
            )

    async def _load_batch(self, refs: Sequence[DocumentRef]) -> list[Loaded]:
        if self._resolved is None or self._history is None:
            return [
                Failure(ref.locator, f"{ref.locator}: loaded before the repository was scanned")
                for ref in refs
            ]
        oids = [own_fingerprint(ref.fingerprint) for ref in refs]
        try:
            blobs = await self.repository.read_blobs(self._resolved.commit, oids)
        except GitError as exc:
            message = str(explain(exc, self.location, "reading"))
            return [Failure(ref.locator, f"cannot read {ref.locator}: {message}") for ref in refs]
        changes = await self._last_changes(refs)
        return [
            await self._document_or_failure(ref, blobs.get(oid), changes)
            for ref, oid in zip(refs, oids, strict=True)
        ]

    async def _last_changes(self, refs: Sequence[DocumentRef]) -> Mapping[bytes, LastChange]:
        assert self._history is not None
        try:
            return await self._history.lookup([self._raw_path(ref) for ref in refs])
        except (GitError, TimeoutError) as exc:
            # The documents are still worth syncing; only their last-change metadata is lost.
            log.warning("%s: no last-commit metadata: %s", self.location.display, exc)
            return {}

    def _raw_path(self, ref: DocumentRef) -> bytes:
        return self._raw_paths.get(ref.locator) or ref.locator.encode("utf-8")

    async def _document_or_failure(
        self, ref: DocumentRef, raw: bytes | None, changes: Mapping[bytes, LastChange]
    ) -> Loaded:
        try:
            return await self._document(ref, raw, changes)
        except Exception as exc:  # a bug on one document must not fail the others of its batch
            return Failure(ref.locator, f"{ref.locator}: could not be read: {type(exc).__name__}: {exc}")

    async def _document(
        self, ref: DocumentRef, raw: bytes | None, changes: Mapping[bytes, LastChange]
    ) -> Loaded:
        if raw is None:
            oid = own_fingerprint(ref.fingerprint)
            return Failure(ref.locator, f"{ref.locator}: git could not produce its content (blob {oid})")
        if raw.startswith(_LFS_POINTER):
            return Failure(
                ref.locator, f"{ref.locator}: stored in Git LFS; only its pointer is in the repository"
            )
        change = changes.get(self._raw_path(ref))
        if self._site is None:
            return Failure(ref.locator, f"{ref.locator}: loaded before the repository was scanned")
        document = await load_page(
            self._site,
            raw,
            path=ref.locator,
            fingerprint=ref.fingerprint,
            modified=change.time if change else None,
            locale=self.options.locale,
        )
        if not isinstance(document, SourceDocument) or change is None:
            return document
        facts = {
            "last_commit": change.commit,
            "last_commit_time": change.time.isoformat(),
            "last_author": change.author,
        }
        # Front matter wins: a page may name its owner better than the last committer.
        return replace(document, metadata={**facts, **document.metadata})
