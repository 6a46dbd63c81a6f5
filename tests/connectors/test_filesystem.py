"""Tests for connectors.filesystem, on real temporary folders."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from connectors.filesystem import FilesystemConnector, FilesystemOptions
from ingest.connector import Connector
from ingest.document import BodyFormat, DocumentRef, Failure, SkippedDocument, SourceDocument
from ingest.errors import ConnectorError
from ingest.registry import load_connector

Found = DocumentRef | SkippedDocument | Failure


def write(root: Path, relative: str, content: str | bytes = "text\n") -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def connector(root: Path, **options: object) -> FilesystemConnector:
    return FilesystemConnector(FilesystemOptions.model_validate({"path": str(root), **options}))


async def scan(source: FilesystemConnector) -> list[Found]:
    return [item async for item in source.scan()]


async def refs(source: FilesystemConnector) -> dict[str, DocumentRef]:
    return {item.locator: item for item in await scan(source) if isinstance(item, DocumentRef)}


async def load(source: FilesystemConnector, locator: str) -> SourceDocument | SkippedDocument | Failure:
    return await source.load(DocumentRef(locator, "unused"))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    return folder.resolve()  # messages name real paths, and tmp_path may sit under a symlink (macOS)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    write(folder, "secret.md", "# Secret\n")
    return folder.resolve()


@pytest.fixture
def locked(root: Path) -> Iterator[Path]:
    """A file and a folder nobody may read; skips the test where permissions do not stop reads."""
    write(root, "locked.md")
    write(root, "private/inside.md")
    paths = [root / "locked.md", root / "private"]
    for path in paths:
        path.chmod(0)
    try:
        (root / "locked.md").read_bytes()
    except PermissionError:
        yield root
    else:
        pytest.skip("running with privileges that ignore file permissions (root): chmod 000 cannot be tested")
    finally:
        for path in paths:
            path.chmod(0o755)


def test_is_a_connector_registered_by_entry_point() -> None:
    """The 'filesystem' entry point loads this class, whose instances satisfy the Connector protocol."""
    assert load_connector("filesystem") is FilesystemConnector
    assert FilesystemConnector.options_model is FilesystemOptions
    assert isinstance(connector(Path.cwd()), Connector)


async def test_scan_finds_nested_documents_sorted(root: Path) -> None:
    """Supported files in nested folders are found, sorted by POSIX locator, with size-mtime fingerprints."""
    for name in ["z.md", "a/b/deep.markdown", "a/page.html", "a-b.htm", "notes.txt", "a/b/c.MD"]:
        write(root, name)
    found = await scan(connector(root))
    assert [item.locator for item in found] == [
        "a-b.htm",
        "a/b/c.MD",
        "a/b/deep.markdown",
        "a/page.html",
        "notes.txt",
        "z.md",
    ]
    info = (root / "a/page.html").stat()
    assert found[3] == DocumentRef("a/page.html", f"{info.st_size}-{info.st_mtime_ns}")


async def test_unsupported_hidden_and_folder_names_are_ignored(root: Path) -> None:
    """Other suffixes, hidden files, hidden folders and folders named like documents yield nothing."""
    for name in ["image.png", "README", "data.json", ".hidden.md", ".git/notes.md", "sub/.draft/x.md"]:
        write(root, name)
    (root / "folder.md").mkdir()
    write(root, "sub/kept.md")
    assert [item.locator for item in await scan(connector(root))] == ["sub/kept.md"]


async def test_load_reads_the_three_formats_with_titles(root: Path) -> None:
    """Markdown, HTML and text load with their format, title and the file's mtime in UTC."""
    write(root, "guide/setup.md", "---\nurl: https://example.com/setup\n---\nIntro\n\nSet up\n===\n")
    write(root, "guide/page.html", "<html><head><title>Tab</title></head><body><h1>Page</h1></body></html>")
    write(root, "guide/plain_notes.txt", "just text\n")
    source = connector(root)
    setup = await load(source, "guide/setup.md")
    assert isinstance(setup, SourceDocument)
    assert (setup.title, setup.format, setup.url) == (
        "Set up",
        BodyFormat.MARKDOWN,
        "https://example.com/setup",
    )
    assert setup.external_id == "guide/setup.md"
    assert setup.body == "Intro\n\nSet up\n===\n"
    info = (root / "guide/setup.md").stat()
    assert setup.fingerprint == f"{info.st_size}-{info.st_mtime_ns}"
    assert setup.modified == datetime.fromtimestamp(info.st_mtime_ns / 1e9, tz=UTC)
    page = await load(source, "guide/page.html")
    assert isinstance(page, SourceDocument)
    assert (page.title, page.format) == ("Page", BodyFormat.HTML)
    notes = await load(source, "guide/plain_notes.txt")
    assert isinstance(notes, SourceDocument)
    assert (notes.title, notes.format, notes.body) == ("plain notes", BodyFormat.TEXT, "just text\n")


async def test_front_matter_pins_id_and_skip_skips(root: Path) -> None:
    """Front matter external_id pins the id; skip: true gives a SkippedDocument."""
    write(root, "renamed.md", "---\nexternal_id: kb-7\ntitle: Kept\n---\nbody\n")
    write(root, "draft.md", "---\nskip: true\n---\nbody\n")
    source = connector(root)
    doc = await load(source, "renamed.md")
    assert isinstance(doc, SourceDocument)
    assert (doc.external_id, doc.title) == ("kb-7", "Kept")
    assert await load(source, "draft.md") == SkippedDocument("draft.md", "front matter says skip")


async def test_bad_documents_are_failures_naming_the_file(root: Path) -> None:
    """Broken front matter, binary content and invalid UTF-8 load as Failures, not exceptions."""
    write(root, "broken.md", "---\ntitle: [unclosed\n---\n")
    write(root, "binary.md", b"\x89PNG\r\n\x1a\n\x00\x00")
    write(root, "latin1.txt", "caf\u00e9".encode("latin-1"))
    source = connector(root)
    broken = await load(source, "broken.md")
    assert isinstance(broken, Failure)
    assert broken.message.startswith("broken.md: front matter is not valid YAML at line ")
    assert await load(source, "binary.md") == Failure("binary.md", "binary.md: binary file, not a document")
    assert await load(source, "latin1.txt") == Failure("latin1.txt", "latin1.txt: not valid UTF-8 at byte 3")


async def test_fingerprint_changes_only_after_an_edit(root: Path) -> None:
    """A rescan without edits gives the same fingerprint; an edit gives a new one."""
    page = write(root, "page.md", "# One\n")
    source = connector(root)
    first = (await refs(source))["page.md"]
    assert (await refs(source))["page.md"] == first
    page.write_text("# One, edited\n", encoding="utf-8")
    os.utime(page, ns=(page.stat().st_atime_ns, page.stat().st_mtime_ns + 1_000_000_000))
    assert (await refs(source))["page.md"].fingerprint != first.fingerprint


async def test_symlinks_inside_the_root_are_followed(root: Path) -> None:
    """A symlinked file or folder whose target is inside the root is listed under the link's path."""
    write(root, "real/page.md", "# Real\n")
    (root / "alias.md").symlink_to(root / "real/page.md")
    (root / "latest").symlink_to("real", target_is_directory=True)
    source = connector(root)
    assert sorted(await refs(source)) == ["alias.md", "latest/page.md", "real/page.md"]
    doc = await load(source, "latest/page.md")
    assert isinstance(doc, SourceDocument)
    assert (doc.title, doc.external_id) == ("Real", "latest/page.md")


async def test_symlinks_outside_the_root_are_skipped(root: Path, outside: Path) -> None:
    """A file or folder symlink leading out of the root is reported as skipped and not followed."""
    (root / "leak.md").symlink_to(outside / "secret.md")
    (root / "other").symlink_to(outside, target_is_directory=True)
    (root / "leak.png").symlink_to(outside / "secret.md")
    assert await scan(connector(root)) == [
        SkippedDocument("leak.md", f"symlink points outside the source root: {outside}/secret.md"),
        SkippedDocument("other", f"symlink points outside the source root: {outside}"),
    ]


async def test_load_refuses_a_symlink_leading_outside(root: Path, outside: Path) -> None:
    """load refuses a locator that resolves outside the root even if scan never offered it."""
    (root / "leak.md").symlink_to(outside / "secret.md")
    assert await load(connector(root), "leak.md") == Failure(
        "leak.md", "leak.md: resolves outside the source folder"
    )


@pytest.mark.parametrize(
    "locator", ["../elsewhere/secret.md", "/etc/hostname", "a/../../elsewhere/secret.md"]
)
async def test_load_refuses_locators_escaping_the_root(root: Path, outside: Path, locator: str) -> None:
    """Absolute locators and ones climbing out of the root are Failures, never reads."""
    result = await load(connector(root), locator)
    assert isinstance(result, Failure)
    assert result.locator == locator


async def test_symlink_loops_terminate(root: Path) -> None:
    """Links back to a parent folder or to themselves end the walk with a skip, never a hang."""
    write(root, "a/page.md")
    (root / "a/up").symlink_to("..", target_is_directory=True)
    (root / "self.md").symlink_to("self.md")
    found = await scan(connector(root))
    assert [item.locator for item in found] == ["a/page.md", "a/up", "self.md"]
    assert isinstance(found[0], DocumentRef)
    assert found[1] == SkippedDocument("a/up", f"symlink loop: {root} is a folder above it")
    assert isinstance(found[2], SkippedDocument)
    assert found[2].reason.startswith("broken symlink (too many levels of symbolic links)")


async def test_follow_symlinks_false_ignores_every_symlink(root: Path, outside: Path) -> None:
    """With follow_symlinks = false symlinks are neither listed nor loaded."""
    write(root, "real/page.md")
    (root / "alias.md").symlink_to(root / "real/page.md")
    (root / "latest").symlink_to("real", target_is_directory=True)
    (root / "leak.md").symlink_to(outside / "secret.md")
    source = connector(root, follow_symlinks=False)
    assert [item.locator for item in await scan(source)] == ["real/page.md"]
    refused = await load(source, "alias.md")
    assert isinstance(refused, Failure)
    assert "follow_symlinks is false" in refused.message


async def test_non_ascii_names_are_nfc_locators(root: Path) -> None:
    """A name stored decomposed (as macOS may) is found and loaded under its NFC locator."""
    decomposed = unicodedata.normalize("NFD", "caf\u00e9/r\u00e9sum\u00e9.md")
    write(root, decomposed, "# R\u00e9sum\u00e9\n")
    source = connector(root)
    assert list(await refs(source)) == ["caf\u00e9/r\u00e9sum\u00e9.md"]
    doc = await load(source, "caf\u00e9/r\u00e9sum\u00e9.md")
    assert isinstance(doc, SourceDocument)
    assert (doc.title, doc.external_id) == ("R\u00e9sum\u00e9", "caf\u00e9/r\u00e9sum\u00e9.md")


async def test_names_equal_after_normalisation_are_one_failure(root: Path) -> None:
    """Two files whose names differ only in Unicode normal form are reported, not both synced."""
    write(root, "caf\u00e9.md")
    write(root, unicodedata.normalize("NFD", "caf\u00e9.md"))
    if len(os.listdir(root)) == 1:
        pytest.skip("this filesystem stores both normal forms as one name")
    assert await scan(connector(root)) == [
        Failure("caf\u00e9.md", "caf\u00e9.md: several files have this name after Unicode normalisation")
    ]


async def test_undecodable_file_name_is_a_failure(root: Path) -> None:
    """A file name that is not UTF-8 is reported with a printable locator instead of being synced."""
    try:
        os.close(os.open(os.fsencode(root) + b"/caf\xe9.md", os.O_CREAT | os.O_WRONLY))
    except OSError:
        pytest.skip("this filesystem refuses file names that are not UTF-8")
    assert await scan(connector(root)) == [
        Failure("caf\ufffd.md", "caf\ufffd.md: file name is not valid UTF-8")
    ]


async def test_broken_symlink_is_skipped_with_reason(root: Path) -> None:
    """A document symlink whose target is missing is reported as skipped."""
    (root / "broken.md").symlink_to("missing.md")
    assert await scan(connector(root)) == [
        SkippedDocument("broken.md", f"broken symlink (no such file or directory): {root}/missing.md")
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
async def test_special_files_are_ignored_and_not_opened(root: Path) -> None:
    """A named pipe called like a document is not listed, and loading it fails instead of blocking."""
    os.mkfifo(root / "pipe.md")
    source = connector(root)
    assert await scan(source) == []
    assert await load(source, "pipe.md") == Failure("pipe.md", "cannot read pipe.md: not a regular file")


async def test_vanished_file_is_a_failure(root: Path) -> None:
    """A file deleted between scan and load is a Failure naming it."""
    write(root, "gone.md").unlink()
    assert await load(connector(root), "gone.md") == Failure(
        "gone.md", "cannot read gone.md: no such file or directory"
    )


async def test_unreadable_file_and_folder_are_failures(locked: Path) -> None:
    """An unreadable file fails at load; an unlistable folder is a Failure and the walk goes on."""
    source = connector(locked)
    found = await scan(source)
    assert Failure("private", "cannot list folder private: permission denied") in found
    assert "locked.md" in [item.locator for item in found]
    assert await load(source, "locked.md") == Failure("locked.md", "cannot read locked.md: permission denied")


@pytest.fixture
def orphaned(root: Path) -> FilesystemConnector:
    """A connector whose root was deleted after its options were validated."""
    source = connector(root)
    root.rmdir()
    return source


async def test_missing_root_at_scan_raises_connector_error(orphaned: FilesystemConnector, root: Path) -> None:
    """A root that disappeared after validation makes scan raise ConnectorError."""
    with pytest.raises(ConnectorError, match=f"source folder {root} does not exist"):
        await scan(orphaned)


async def test_options_accept_a_missing_path_that_fails_the_scan(tmp_path: Path) -> None:
    """A folder missing at validation (unmounted, not yet there) is no config mistake: the options
    validate, and the scan fails the source naming the folder."""
    options = FilesystemOptions.model_validate({"path": str(tmp_path / "nope")})
    with pytest.raises(ConnectorError, match=f"source folder {tmp_path / 'nope'} does not exist"):
        await scan(FilesystemConnector(options))


def test_options_reject_a_file_as_root(tmp_path: Path) -> None:
    """Validation refuses a root that is a file."""
    write(tmp_path, "file.md")
    with pytest.raises(ValidationError, match="is not a folder"):
        FilesystemOptions.model_validate({"path": str(tmp_path / "file.md")})


def test_options_resolve_relative_path_against_base_dir(tmp_path: Path) -> None:
    """A relative path is taken from the base_dir given in the validation context."""
    (tmp_path / "docs").mkdir()
    options = FilesystemOptions.model_validate({"path": "docs"}, context={"base_dir": tmp_path})
    assert options.path == tmp_path / "docs"
    assert options.follow_symlinks is True


def test_options_reject_unknown_keys(root: Path) -> None:
    """A misspelt option is an error, not silently ignored."""
    with pytest.raises(ValidationError, match="follow_symlink"):
        FilesystemOptions.model_validate({"path": str(root), "follow_symlink": False})
