"""Reading a Confluence export in place: hostile zips refused, folders confined, encodings detected."""

from __future__ import annotations

import os
import stat
import warnings
import zipfile
from pathlib import Path

import pytest

from connectors.confluence_export import ConfluenceExportConnector, ConfluenceExportOptions
from connectors.confluence_export.archive import ZipLimits, find_root, open_export, unsafe_entry_name
from connectors.confluence_export.encoding import UndecodableError, declared_charset, to_utf8
from ingest.document import DocumentRef, Failure, SkippedDocument, SourceDocument
from ingest.errors import ConnectorError
from tests.connectors.confluence_builder import (
    Page,
    Space,
    export_files,
    render_page,
    write_folder,
    write_zip,
)

LIMITS = ZipLimits(max_entries=1000, max_total_size=10**8, max_entry_size=10**7, max_compression_ratio=200)
Found = DocumentRef | SkippedDocument | Failure


def small_space() -> Space:
    return Space(
        pages=[Page(10, "Home", "<p>Welcome home.</p>"), Page(11, "Guide", "<p>Steps.</p>", parent=10)]
    )


def connector(path: Path, **options: object) -> ConfluenceExportConnector:
    values = {"path": str(path), "base_url": "https://wiki.example.com", **options}
    return ConfluenceExportConnector(ConfluenceExportOptions.model_validate(values))


async def scan(source: ConfluenceExportConnector) -> list[Found]:
    return [item async for item in source.scan()]


def hostile_zip(path: Path, entries: dict[str, bytes], *, deflate: bool = True) -> Path:
    """A real export plus ``entries`` written under the names given, however hostile."""
    compression = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in export_files(small_space()).items():
            archive.writestr(f"DOCS/{name}", data)
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return path


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("../evil.html", "zip-slip"),
        ("DOCS/../../evil.html", "zip-slip"),
        ("DOCS\\..\\..\\evil.html", "zip-slip"),
        ("/etc/evil.html", "absolute path"),
        ("C:/Windows/evil.html", "drive"),
        ("c:evil.html", "drive"),
    ],
)
async def test_escaping_entry_refuses_the_whole_export(tmp_path: Path, entry: str, reason: str) -> None:
    """An entry that would land outside the export refuses it, naming the entry and why."""
    path = hostile_zip(tmp_path / "export.zip", {entry: b"<html></html>"})
    with pytest.raises(ConnectorError) as caught:
        await scan(connector(path))
    assert repr(entry) in str(caught.value) and reason in str(caught.value)
    assert "refused" in str(caught.value)


def test_safe_names_are_accepted() -> None:
    """Ordinary names, dots inside names and nested folders are not mistaken for escapes."""
    for name in ("DOCS/index.html", "DOCS/a..b_1.html", "DOCS/attachments/1/2.png", "x/./y.html"):
        assert unsafe_entry_name(name) is None


async def test_oversized_entry_is_refused(tmp_path: Path) -> None:
    """A single entry above max_entry_size refuses the export and names the entry and the option."""
    path = hostile_zip(tmp_path / "export.zip", {"DOCS/attachments/11/99.bin": b"x" * 5000})
    with pytest.raises(ConnectorError, match=r"'DOCS/attachments/11/99\.bin'.*max_entry_size \(4096\)"):
        await scan(connector(path, max_entry_size=4096))


async def test_compression_bomb_is_refused(tmp_path: Path) -> None:
    """An entry that expands thousands of times (2 MiB of zeros in a few KB) is refused."""
    path = hostile_zip(tmp_path / "export.zip", {"DOCS/bomb_1.html": b"\0" * (2 * 1024 * 1024)})
    with pytest.raises(ConnectorError, match=r"'DOCS/bomb_1\.html' expands \d+ times.*zip bomb"):
        await scan(connector(path))


async def test_too_many_entries_and_too_much_in_total_are_refused(tmp_path: Path) -> None:
    """Entry count and total uncompressed size are bounded by options."""
    path = write_zip(small_space(), tmp_path / "export.zip")
    with pytest.raises(ConnectorError, match=r"more than max_entries \(3\)"):
        await scan(connector(path, max_entries=3))
    with pytest.raises(ConnectorError, match=r"more than max_total_size \(2000 bytes\)"):
        await scan(connector(path, max_total_size=2000))


async def test_symlink_and_duplicate_entries_are_refused(tmp_path: Path) -> None:
    """A symlink entry, or one name written twice, is refused: neither belongs in an export."""
    link = zipfile.ZipInfo("DOCS/link_5.html")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    path = tmp_path / "link.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(ConnectorError, match=r"'DOCS/link_5\.html' is a symlink"):
        await scan(connector(path))
    path = tmp_path / "twice.zip"
    with zipfile.ZipFile(path, "w") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate we write on purpose
        archive.writestr("DOCS/a_1.html", "one")
        archive.writestr("DOCS/a_1.html", "two")
    with pytest.raises(ConnectorError, match=r"'DOCS/a_1\.html' appears twice"):
        await scan(connector(path))


async def test_bare_root_and_directory_entries_are_tolerated(tmp_path: Path) -> None:
    """The bare '/' entry Confluence writes and plain directory entries do not refuse an export."""
    path = hostile_zip(tmp_path / "export.zip", {"/": b"", "DOCS/": b"", "DOCS/attachments/": b""})
    found = await scan(connector(path))
    assert [item.locator for item in found] == ["Guide_11.html", "Home_10.html"]


async def test_backslash_separated_zip_is_read(tmp_path: Path) -> None:
    """A zip whose folders are separated by backslashes (old Windows tools) reads like any other."""
    path = tmp_path / "windows.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in export_files(small_space()).items():
            archive.writestr("DOCS\\" + name.replace("/", "\\"), data)
    found = await scan(connector(path))
    assert [item.locator for item in found] == ["Guide_11.html", "Home_10.html"]
    assert all(isinstance(item, DocumentRef) for item in found)


async def test_zip_is_read_in_place(tmp_path: Path) -> None:
    """Scanning and loading a zip writes nothing beside it."""
    path = write_zip(small_space(), tmp_path / "export.zip")
    source = connector(path)
    refs = [item for item in await scan(source) if isinstance(item, DocumentRef)]
    loaded = [await source.load(ref) for ref in refs]
    assert len(loaded) == 2 and all(isinstance(document, SourceDocument) for document in loaded)
    assert os.listdir(tmp_path) == ["export.zip"]


def test_export_root_is_the_folder_holding_index_html() -> None:
    """The root is the shallowest index.html's folder; two exports side by side are refused."""
    assert find_root(["index.html", "DOCS/index.html"], "x") == ""
    assert find_root(["DOCS/index.html", "DOCS/a_1.html", "DOCS/attachments/1/index.html"], "x") == "DOCS/"
    assert find_root(["DOCS/a_1.html", "DOCS/b_2.html"], "x") == "DOCS/"
    assert find_root(["a_1.html", "DOCS/b_2.html"], "x") == ""
    with pytest.raises(ConnectorError, match="several exports"):
        find_root(["A/index.html", "B/index.html"], "x")


async def test_attachments_and_nested_html_are_not_pages(tmp_path: Path) -> None:
    """HTML files under attachments/ or in sub-folders are never taken for pages."""
    extra = {"attachments/10/77.html": b"<html>attached</html>", "styles/x_5.html": b"<html></html>"}
    export = open_export(write_zip(small_space(), tmp_path / "e.zip", extra=extra), LIMITS)
    assert export.pages() == ["Guide_11.html", "Home_10.html"]
    assert export.has("attachments/10/77.html")


async def test_folder_form_takes_the_space_folder_or_the_folder_itself(tmp_path: Path) -> None:
    """A folder holding the unpacked space folder, or the space folder itself, both work."""
    outer = write_folder(small_space(), tmp_path / "unpacked")
    assert [item.locator for item in await scan(connector(outer))] == ["Guide_11.html", "Home_10.html"]
    inner = outer / "DOCS"
    assert [item.locator for item in await scan(connector(inner))] == ["Guide_11.html", "Home_10.html"]


async def test_folder_page_leading_outside_is_a_failure(tmp_path: Path) -> None:
    """A page symlinked to a file outside the export folder is not read."""
    outer = write_folder(small_space(), tmp_path / "unpacked")
    secret = tmp_path / "secret.html"
    secret.write_text(render_page(small_space(), Page(66, "Secret", "<p>secret</p>")))
    (outer / "DOCS" / "Secret_66.html").symlink_to(secret)
    found = {item.locator: item for item in await scan(connector(outer))}
    failure = found["Secret_66.html"]
    assert isinstance(failure, Failure) and "outside the export folder" in failure.message


async def test_oversized_page_in_a_folder_is_a_failure(tmp_path: Path) -> None:
    """In a folder, a page above max_entry_size fails alone; the other pages are read."""
    outer = write_folder(small_space(), tmp_path / "unpacked")
    (outer / "DOCS" / "Big_12.html").write_bytes(b"<p>" + b"x" * 5000 + b"</p>")
    found = {item.locator: item for item in await scan(connector(outer, max_entry_size=4096))}
    assert isinstance(found["Big_12.html"], Failure) and "max_entry_size" in found["Big_12.html"].message
    assert isinstance(found["Home_10.html"], DocumentRef)


def test_declared_charset_wins_and_utf8_is_the_default() -> None:
    """A page declaring windows-1252 is read as such; undeclared UTF-8 passes through untouched."""
    page = '<meta charset="windows-1252"><p>Caf\u00e9 \u20ac5</p>'.encode("cp1252")
    assert declared_charset(page) == "cp1252"
    data, encoding = to_utf8(page)
    assert encoding == "cp1252" and "Caf\u00e9 \u20ac5" in data.decode("utf-8")
    utf8 = "<p>\u4f60\u597d</p>".encode()
    assert to_utf8(utf8) == (utf8, "utf-8")
    assert to_utf8(b"\xef\xbb\xbf<p>x</p>") == (b"<p>x</p>", "utf-8")
    assert to_utf8("<p>\u00fc</p>".encode("utf-16"))[0] == "<p>\u00fc</p>".encode()


def test_wrongly_declared_page_is_detected() -> None:
    """A Latin-1 page that claims UTF-8 (a re-saved file) is detected, not mangled."""
    text = (
        "<meta charset=UTF-8><p>Gr\u00fc\u00dfe aus M\u00fcnchen, sch\u00f6ne Stra\u00dfe, "
        "\u00e4rgerlich, gr\u00f6\u00dfer.</p>"
    )
    data, encoding = to_utf8(text.encode("latin-1"))
    assert encoding != "utf-8"
    assert "Gr\u00fc\u00dfe aus M\u00fcnchen, sch\u00f6ne Stra\u00dfe" in data.decode("utf-8")


def test_undecodable_bytes_raise() -> None:
    """Bytes in no encoding at all are refused with the reason."""
    with pytest.raises(UndecodableError, match="not UTF-8"):
        to_utf8(b"\x00\x81\x8d\x8f\x90\x9d" * 200)


async def test_non_utf8_page_is_decoded_and_undecodable_page_fails_alone(tmp_path: Path) -> None:
    """A windows-1252 page loads with its accents; a page of binary noise is a Failure naming it."""
    space = small_space()
    legacy = Page(12, "Caf\u00e9 menu", "<p>Cr\u00e8me br\u00fbl\u00e9e for \u20ac5.</p>", parent=10)
    space.pages.append(legacy)
    legacy_bytes = (
        render_page(space, legacy).replace("charset=UTF-8", "charset=windows-1252").encode("cp1252")
    )
    extra = {"Cafe-menu_12.html": legacy_bytes, "Noise_13.html": b"\x00\x81\x8d\x8f\x90\x9d" * 200}
    space.pages.remove(legacy)
    source = connector(write_zip(space, tmp_path / "export.zip", extra=extra))
    found = {item.locator: item for item in await scan(source)}
    noise = found["Noise_13.html"]
    assert isinstance(noise, Failure) and noise.message.startswith("Noise_13.html: cannot be decoded")
    ref = found["Cafe-menu_12.html"]
    assert isinstance(ref, DocumentRef)
    document = await source.load(ref)
    assert isinstance(document, SourceDocument)
    assert document.title == "Caf\u00e9 menu"
    assert "Cr\u00e8me br\u00fbl\u00e9e for \u20ac5." in document.body


async def test_missing_export_is_a_source_error(tmp_path: Path) -> None:
    """An export removed after the config was read makes the scan fail for the whole source."""
    path = write_zip(small_space(), tmp_path / "export.zip")
    source = connector(path)
    path.unlink()
    with pytest.raises(ConnectorError, match="does not exist"):
        await scan(source)


def mark_encrypted(path: Path, entry: str) -> None:
    """Set the "encrypted" flag of ``entry`` in the zip's central directory (zipfile cannot write an
    encrypted entry; it reads the flag from there and refuses the entry without a password)."""
    data = bytearray(path.read_bytes())
    header = data.index(b"PK\x01\x02")  # the first central directory entry
    while data[header + 46 : header + 46 + len(entry)] != entry.encode():
        header = data.index(b"PK\x01\x02", header + 4)
    data[header + 8] |= 0x1  # general purpose flag bit 0: encrypted
    path.write_bytes(bytes(data))


async def test_an_encrypted_entry_is_a_failure_naming_it(tmp_path: Path) -> None:
    """A password-protected page fails alone with a sentence naming its entry, never a Python
    ``<ZipInfo ...>`` repr; the other pages are read."""
    path = write_zip(small_space(), tmp_path / "export.zip")
    mark_encrypted(path, "DOCS/Guide_11.html")
    found = {item.locator: item for item in await scan(connector(path))}
    guide = found["Guide_11.html"]
    if isinstance(guide, DocumentRef):
        guide = await connector(path).load(guide)
    assert isinstance(guide, Failure)
    assert guide.message == (
        f"cannot read Guide_11.html from {path}: its entry DOCS/Guide_11.html is encrypted "
        "(password-protected); export the space again without a password"
    )
    assert "ZipInfo" not in guide.message and isinstance(found["Home_10.html"], DocumentRef)
