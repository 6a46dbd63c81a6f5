"""Toy connectors for the conformance kit's own tests: one that keeps the contract, and many that
each break one rule of it, the way real connectors get it wrong."""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, Field

from ingest.sdk import (
    BodyFormat,
    ConfigPath,
    ConnectorError,
    ConnectorOptions,
    DocumentRef,
    Failure,
    SkippedDocument,
    SourceDocument,
)

Found = DocumentRef | SkippedDocument | Failure
Loaded = SourceDocument | SkippedDocument | Failure


class FolderOptions(ConnectorOptions):
    path: ConfigPath = Field(description="A folder of .txt files.")


class FolderConnector:
    """Every ``*.txt`` file of a folder: stat in scan, read in load. Keeps the contract."""

    options_model: ClassVar[type[FolderOptions]] = FolderOptions

    def __init__(self, options: FolderOptions) -> None:
        self.root = options.path

    def files(self) -> list[Path]:
        if not self.root.is_dir():
            raise ConnectorError(f"folder {self.root} does not exist")
        return sorted(self.root.glob("*.txt"))

    def fingerprint(self, path: Path) -> str:
        info = path.stat()
        return f"{info.st_size}-{info.st_mtime_ns}"

    async def scan(self) -> AsyncIterator[Found]:
        for path in self.files():
            yield DocumentRef(path.name, self.fingerprint(path))

    async def load(self, ref: DocumentRef) -> Loaded:
        try:
            text = self.read(ref)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            return Failure(ref.locator, f"cannot read {ref.locator}: {exc}")
        return self.document(ref, text)

    def read(self, ref: DocumentRef) -> str:
        text = (self.root / ref.locator).read_bytes().decode("utf-8")
        if "\0" in text:
            raise ValueError("binary")
        return text

    def document(self, ref: DocumentRef, text: str) -> SourceDocument:
        title = text.splitlines()[0] if text else ref.locator
        return SourceDocument(
            external_id=self.external_id(ref, text),
            title=title,
            body=text,
            format=BodyFormat.TEXT,
            path=ref.locator,
            fingerprint=ref.fingerprint,
        )

    def external_id(self, ref: DocumentRef, text: str) -> str:
        return ref.locator


def write_sample(root: Path) -> Path:
    """Three small text documents."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("alpha", "beta", "gamma"):
        (root / f"{name}.txt").write_text(f"{name.title()}\n\nAbout {name}.\n", encoding="utf-8")
    return root


def folder_hooks(root: Path) -> dict[str, Any]:
    """The kit's hooks for a folder of text files, and the folder to watch for body reads.

    A document's file is the last part of its locator (some toys prefix locators)."""

    def file(ref: DocumentRef) -> Path:
        return root / ref.locator.rsplit("/", 1)[-1]

    return {
        "edit_document": lambda ref: file(ref).write_text("Edited\n\nMuch longer than before.\n"),
        "break_document": lambda ref: file(ref).write_bytes(b"\xff\xfe\0 not text"),
        "break_source": lambda: shutil.rmtree(root),
        "documents_at": root,
    }


# --- each toy below breaks one rule ---------------------------------------------------------


class RandomFingerprint(FolderConnector):
    """The fingerprint changes on every scan (a timestamp of the listing, say)."""

    def fingerprint(self, path: Path) -> str:
        return uuid.uuid4().hex


class ConstantFingerprint(FolderConnector):
    """Every document always has the same fingerprint: edits are never seen."""

    def fingerprint(self, path: Path) -> str:
        return "v1"


class SourceWideFingerprint(FolderConnector):
    """Every document's fingerprint is the whole folder's: one edit re-reads everything."""

    def fingerprint(self, path: Path) -> str:
        listing = [(p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(self.root.glob("*.txt"))]
        return hashlib.sha256(repr(listing).encode()).hexdigest()


class DuplicateLocators(FolderConnector):
    """Each document is listed twice."""

    async def scan(self) -> AsyncIterator[Found]:
        for path in self.files():
            ref = DocumentRef(path.name, self.fingerprint(path))
            yield ref
            yield ref


class AbsoluteLocators(FolderConnector):
    """Locators are absolute paths."""

    async def scan(self) -> AsyncIterator[Found]:
        for path in self.files():
            yield DocumentRef(str(path), self.fingerprint(path))


class SharedExternalId(FolderConnector):
    """Every document claims the same external id."""

    def external_id(self, ref: DocumentRef, text: str) -> str:
        return "faq"


class RandomExternalId(FolderConnector):
    """A new external id on every load."""

    def external_id(self, ref: DocumentRef, text: str) -> str:
        return uuid.uuid4().hex


class ContentHashId(FolderConnector):
    """The external id is a hash of the content: an edit makes a new page."""

    def external_id(self, ref: DocumentRef, text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()[:12]


class LoadRaises(FolderConnector):
    """An unreadable document raises from load instead of being a Failure."""

    async def load(self, ref: DocumentRef) -> Loaded:
        return self.document(ref, self.read(ref))


class UnreadableIsSkipped(FolderConnector):
    """An unreadable document is reported as skipped, which deletes its page."""

    async def load(self, ref: DocumentRef) -> Loaded:
        loaded = await super().load(ref)
        return SkippedDocument(ref.locator, "unreadable") if isinstance(loaded, Failure) else loaded


class OneFailsAll(FolderConnector):
    """One unreadable document makes every load fail."""

    async def load(self, ref: DocumentRef) -> Loaded:
        for path in self.files():
            if b"\0" in path.read_bytes():
                return Failure(ref.locator, f"{path.name} is unreadable")
        return await super().load(ref)


class HashingScan(FolderConnector):
    """Scan reads every file to hash it (quietly: unreadable content is hashed like any other)."""

    def fingerprint(self, path: Path) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest()


class ReadingConstructor(FolderConnector):
    """Reads every body when it is built, to serve loads from memory: its scan opens nothing, yet
    every run reads the whole source."""

    def __init__(self, options: FolderOptions) -> None:
        super().__init__(options)
        self.bodies = {path.name: path.read_bytes() for path in options.path.glob("*.txt")}

    def read(self, ref: DocumentRef) -> str:
        text = self.bodies[ref.locator].decode("utf-8")
        if "\0" in text:
            raise ValueError("binary")
        return text


class SubprocessHashingScan(FolderConnector):
    """Scan hashes every file in another process (as ``git hash-object`` or ``sha256sum`` would),
    where no audit hook of this one sees it open them."""

    def fingerprint(self, path: Path) -> str:
        code = "import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], 'rb').read()).hexdigest())"
        done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True)  # noqa: S603
        return done.stdout.strip()


class JudgingScan(FolderConnector):
    """Scan reads every body and fails the bad ones itself (as a subprocess might, unseen by an audit)."""

    async def scan(self) -> AsyncIterator[Found]:
        for path in self.files():
            if b"\0" in path.read_bytes():
                yield Failure(path.name, "binary")
            else:
                yield DocumentRef(path.name, self.fingerprint(path))


class ScanRaisesOnOneDocument(FolderConnector):
    """One unreadable document makes the whole scan raise."""

    async def scan(self) -> AsyncIterator[Found]:
        for path in self.files():
            if b"\0" in path.read_bytes():
                raise ConnectorError(f"{path.name} is binary")
            yield DocumentRef(path.name, self.fingerprint(path))


class MissingSourceIsEmpty(FolderConnector):
    """A folder that is gone is scanned as empty: the engine would delete every page."""

    def files(self) -> list[Path]:
        return sorted(self.root.glob("*.txt")) if self.root.is_dir() else []


class MissingSourceRaisesOSError(FolderConnector):
    """A folder that is gone raises a bare OSError, not ConnectorError."""

    def files(self) -> list[Path]:
        return sorted(self.root / name for name in os.listdir(self.root) if name.endswith(".txt"))


_SHARED_CACHE: dict[str, SourceDocument] = {}


class StaleCache(FolderConnector):
    """Loads are cached across instances by locator: an edit is never read."""

    async def load(self, ref: DocumentRef) -> Loaded:
        cached = _SHARED_CACHE.get(f"{self.root}/{ref.locator}")
        if cached is not None:
            return cached
        loaded = await super().load(ref)
        if isinstance(loaded, SourceDocument):
            _SHARED_CACHE[f"{self.root}/{ref.locator}"] = loaded
        return loaded


class CountingLoad(FolderConnector):
    """Each load of a document numbers it: two loads never agree."""

    def __init__(self, options: FolderOptions) -> None:
        super().__init__(options)
        self.counter = itertools.count()

    def document(self, ref: DocumentRef, text: str) -> SourceDocument:
        document = super().document(ref, text)
        return SourceDocument(**{**_fields(document), "title": f"{document.title} #{next(self.counter)}"})


class LoadedFingerprintDiffers(FolderConnector):
    """Load stamps its own fingerprint rather than the ref's."""

    def document(self, ref: DocumentRef, text: str) -> SourceDocument:
        document = super().document(ref, text)
        return SourceDocument(**{**_fields(document), "fingerprint": "loaded"})


class WrongShapes(FolderConnector):
    """Scan yields bare paths."""

    async def scan(self) -> AsyncIterator[Any]:
        for path in self.files():
            yield path.name


class HidingResume(FolderConnector):
    """Resumed from its checkpoint, it lists only files newer than the checkpoint: nothing."""

    def __init__(self, options: FolderOptions) -> None:
        super().__init__(options)
        self.since: str | None = None

    def resume_from(self, checkpoint: str | None) -> None:
        self.since = checkpoint

    def checkpoint(self) -> str | None:
        return "after-everything"

    async def scan(self) -> AsyncIterator[Found]:
        if self.since is None:
            async for item in super().scan():
                yield item


class StaleResume(FolderConnector):
    """Its checkpoint remembers the fingerprints it listed; resumed from it, it lists them again without
    looking, which holds only while nothing changed: an edit made since is never seen."""

    def __init__(self, options: FolderOptions) -> None:
        super().__init__(options)
        self.remembered: dict[str, str] | None = None
        self.listed: dict[str, str] = {}

    def resume_from(self, checkpoint: str | None) -> None:
        self.remembered = json.loads(checkpoint) if checkpoint else None

    def checkpoint(self) -> str | None:
        return json.dumps(self.listed)

    async def scan(self) -> AsyncIterator[Found]:
        if self.remembered is not None:
            self.listed = dict(self.remembered)
            for locator, fingerprint in self.remembered.items():
                yield DocumentRef(locator, fingerprint)
            return
        async for item in super().scan():
            if isinstance(item, DocumentRef):
                self.listed[item.locator] = item.fingerprint
            yield item


_REMEMBERED: dict[str, dict[str, str]] = {}


class RememberingResume(FolderConnector):
    """Keeps what it listed between instances (in the process, as under ``ingest watch``); resumed,
    it lists that again without looking. A scan from scratch in between would refresh it, but the
    engine's next run after a clean one always resumes."""

    def __init__(self, options: FolderOptions) -> None:
        super().__init__(options)
        self.resumed = False

    def resume_from(self, checkpoint: str | None) -> None:
        self.resumed = checkpoint is not None

    def checkpoint(self) -> str | None:
        return "listed"

    async def scan(self) -> AsyncIterator[Found]:
        remembered = _REMEMBERED.get(str(self.root))
        if self.resumed and remembered is not None:
            for locator, fingerprint in remembered.items():
                yield DocumentRef(locator, fingerprint)
            return
        listed = _REMEMBERED[str(self.root)] = {}
        async for item in super().scan():
            if isinstance(item, DocumentRef):
                listed[item.locator] = item.fingerprint
            yield item


class ResumeNeedsACheckpoint(FolderConnector):
    """Its resume_from parses the checkpoint, forgetting that a first run has none (None)."""

    def resume_from(self, checkpoint: str | None) -> None:
        self.since = int(checkpoint)  # type: ignore[arg-type]

    def checkpoint(self) -> str | None:
        return "1"


class CloseRaises(FolderConnector):
    """Its close fails, which the engine would meet after every run."""

    def close(self) -> None:
        raise RuntimeError("already closed")


class CollidingOptions(FolderOptions):
    url: str = Field("https://example.com", description="Clashes with the common key url.")


class CollidingOption(FolderConnector):
    """Declares an option named like a common key of [sources.<name>]."""

    options_model = CollidingOptions


class PlainModel(BaseModel):
    path: str


class NotConnectorOptions:
    """Its options model is a plain pydantic model, not ConnectorOptions."""

    options_model: ClassVar[type[PlainModel]] = PlainModel

    def __init__(self, options: PlainModel) -> None:
        self.options = options


class ScanAlwaysFails(FolderConnector):
    """Scan raises even over a healthy source."""

    async def scan(self) -> AsyncIterator[Found]:
        raise RuntimeError("listing is not implemented")
        yield  # an async generator all the same


class ConstructorRaises(FolderConnector):
    """Building the connector fails."""

    def __init__(self, options: FolderOptions) -> None:
        raise RuntimeError("no client configured")


class ConstructorRaisesOSError(FolderConnector):
    """Building the connector over a missing folder raises a bare OSError."""

    def __init__(self, options: FolderOptions) -> None:
        super().__init__(options)
        os.listdir(self.root)


class NotAConnector:
    """Builds an object with scan() but no load()."""

    options_model: ClassVar[type[FolderOptions]] = FolderOptions

    def __init__(self, options: FolderOptions) -> None:
        self.inner = FolderConnector(options)

    def scan(self) -> AsyncIterator[Found]:
        return self.inner.scan()


class EmptyFingerprint(FolderConnector):
    """Every fingerprint is empty."""

    def fingerprint(self, path: Path) -> str:
        return ""


class LoadReturnsDict(FolderConnector):
    """Load returns a plain dict."""

    async def load(self, ref: DocumentRef) -> Any:
        return {"title": ref.locator}


class RandomLocators(FolderConnector):
    """Each scan names documents differently."""

    async def scan(self) -> AsyncIterator[Found]:
        for path in self.files():
            yield DocumentRef(f"{uuid.uuid4().hex[:6]}/{path.name}", self.fingerprint(path))

    def read(self, ref: DocumentRef) -> str:
        return super().read(DocumentRef(ref.locator.split("/", 1)[1], ref.fingerprint))

    def external_id(self, ref: DocumentRef, text: str) -> str:
        return ref.locator.split("/", 1)[1]


class LocatorIncludesSize(FolderConnector):
    """The locator carries the file's size, so an edit renames the document."""

    async def scan(self) -> AsyncIterator[Found]:
        for path in self.files():
            yield DocumentRef(f"{path.stat().st_size}/{path.name}", self.fingerprint(path))

    def read(self, ref: DocumentRef) -> str:
        return super().read(DocumentRef(ref.locator.split("/", 1)[1], ref.fingerprint))


class LoadRaisesOnAHealthyDocument(FolderConnector):
    """One perfectly readable document makes load raise."""

    async def load(self, ref: DocumentRef) -> Loaded:
        if ref.locator == "beta.txt":
            raise KeyError(ref.locator)
        return await super().load(ref)


class UnreadableVanishes(FolderConnector):
    """Scan reads bodies (declared) and silently leaves out the ones it cannot decode."""

    async def scan(self) -> AsyncIterator[Found]:
        for path in self.files():
            try:
                path.read_bytes().decode("utf-8")
            except UnicodeDecodeError:
                continue
            yield DocumentRef(path.name, self.fingerprint(path))


def _fields(document: SourceDocument) -> dict[str, Any]:
    return {name: getattr(document, name) for name in SourceDocument.__dataclass_fields__}
