"""A Notion export read in place: nested zips, the unpacked folder, and every hostile zip refused by name."""

from __future__ import annotations

import io
import random
import stat
import zipfile
from pathlib import Path

import pytest

from connectors.notion_export.archive import ExportReadError, open_export
from ingest.document import Failure
from ingest.errors import ConnectorError
from ingest.zipsafety import ZipLimits
from tests.connectors.notion_builder import export_files, page_id, write_folder, write_zip
from tests.connectors.notion_workspace import make_workspace
from tests.connectors.test_notion_export import connector, scan

LIMITS = ZipLimits(
    max_entries=1000, max_total_size=10 * 1024**2, max_entry_size=4 * 1024**2, max_compression_ratio=50
)


def zipped(files: dict[str, bytes], symlink: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        if symlink is not None:
            info = zipfile.ZipInfo(symlink)
            info.create_system = 3
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def nested(inner: bytes, tmp_path: Path) -> Path:
    """An Export-<uuid>.zip holding one part zip, as Notion delivers it."""
    path = tmp_path / "Export-1.zip"
    path.write_bytes(zipped({"Export-1-Part-1.zip": inner}))
    return path


def test_parts_of_a_nested_zip_read_as_one_export(tmp_path: Path) -> None:
    """Every part's files, under no wrapper folder, as the unpacked folder names them."""
    workspace = make_workspace()
    export = open_export(write_zip(workspace, tmp_path / "export.zip", "html", parts=3), LIMITS)
    assert export.files() == sorted(export_files(workspace, "html"))
    single = open_export(write_zip(workspace, tmp_path / "one.zip", "html", parts=1), LIMITS)
    assert single.files() == export.files()
    folder = open_export(write_folder(workspace, tmp_path / "folder", "html"), LIMITS)
    assert folder.files() == export.files()
    name = f"Handbook {page_id(1)}.html"
    assert export.read(name) == folder.read(name) == single.read(name)


def test_a_folder_holding_the_part_zips_is_read_through_them(tmp_path: Path) -> None:
    """The outer zip unpacked by hand leaves the part zips: they are read in place."""
    files = export_files(make_workspace(), "markdown")
    (tmp_path / "export").mkdir()
    (tmp_path / "export" / "Export-1-Part-1.zip").write_bytes(zipped(files))
    assert open_export(tmp_path / "export", LIMITS).files() == sorted(files)


@pytest.mark.parametrize(
    ("inner", "message"),
    [
        (
            zipped({"../../evil.html": b"x"}),
            "entry '../../evil.html' climbs out of the export with '..' (zip-slip)",
        ),
        (zipped({"/etc/evil.html": b"x"}), "entry '/etc/evil.html' is an absolute path"),
        (zipped({}, symlink="link.html"), "entry 'link.html' is a symlink"),
        (zipped({f"p{n}.md": b"x" for n in range(1001)}), "1001 entries, more than max_entries (1000)"),
        (zipped({"big.md": b"\0" * (5 * 1024**2)}), "more than max_entry_size"),
        (zipped({"bomb.md": b"\0" * (3 * 1024**2)}), "a zip bomb?"),
        (b"PK\x03\x04 not really a zip", "cannot be read as a zip"),
        (
            zipped({"Export-2.zip": zipped({"Export-3.zip": zipped({"a.md": b"x"})})}),
            "zips nested more than 3 deep",
        ),
    ],
    ids=["slip", "absolute", "symlink", "entries", "entry-size", "ratio", "garbage", "depth"],
)
def test_a_hostile_inner_zip_refuses_the_export_naming_the_entry(
    tmp_path: Path, inner: bytes, message: str
) -> None:
    """Every level is checked as the outer one is; the message names the inner zip and the entry."""
    with pytest.raises(ConnectorError, match=r"Export-1-Part-1\.zip") as raised:
        open_export(nested(inner, tmp_path), LIMITS)
    assert message in str(raised.value) and "refused" in str(raised.value)


def test_sizes_add_up_across_the_levels(tmp_path: Path) -> None:
    """Parts that each keep max_total_size but together pass it are refused."""
    part = zipped({f"p{n}.md": random.Random(n).randbytes(1024**2) for n in range(3)})  # incompressible
    path = tmp_path / "Export-1.zip"
    path.write_bytes(zipped({f"Export-1-Part-{n}.zip": part for n in range(1, 5)}))
    with pytest.raises(ConnectorError, match=r"more than max_total_size \(10485760 bytes\)"):
        open_export(path, LIMITS)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda path: None, "export {path} does not exist"),
        (lambda path: path.write_bytes(zipped({"a.md": b"x"})[:30]), "export {path} cannot be read as a zip"),
    ],
    ids=["missing", "truncated"],
)
async def test_a_bad_export_is_one_sentence(tmp_path: Path, make: object, message: str) -> None:
    """A missing export or one that is no zip fails the scan in one sentence naming it."""
    path = tmp_path / "export.zip"
    source = connector(tmp_path / "placeholder")
    source.options = source.options.model_copy(update={"path": path})
    make(path)  # type: ignore[operator]
    with pytest.raises(ConnectorError) as raised:
        await scan(source)
    assert str(raised.value).startswith(message.format(path=path))
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("fmt", ["html", "markdown"])
async def test_a_zip_made_on_a_mac_is_read_without_its_resource_forks(tmp_path: Path, fmt: str) -> None:
    """A Finder-made zip's ``__MACOSX/._<page>`` twins (same name, binary) and ``.DS_Store`` are no
    pages: the real page of each id is read, nothing fails."""
    files = {f"project/{name}": data for name, data in export_files(make_workspace(), fmt).items()}  # type: ignore[arg-type]
    fork = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        \x00\x02\xb0\x00"
    mac = dict(files)
    for name in files:
        folder, _, base = name.rpartition("/")
        mac[f"__MACOSX/{folder}/._{base}"] = fork
    mac["project/.DS_Store"] = fork
    path = tmp_path / "Export-mac.zip"
    path.write_bytes(zipped(mac))
    assert open_export(path, LIMITS).files() == open_export(nested(zipped(files), tmp_path), LIMITS).files()
    found = await scan(connector(path))
    assert not [item for item in found.values() if isinstance(item, Failure)]
    assert not any("__MACOSX" in locator for locator in found)
    unpacked = tmp_path / "unpacked"
    for name, data in mac.items():
        (unpacked / name).parent.mkdir(parents=True, exist_ok=True)
        (unpacked / name).write_bytes(data)
    assert open_export(unpacked, LIMITS).files() == open_export(path, LIMITS).files()


def test_a_file_swapped_for_a_link_after_the_scan_is_not_read(tmp_path: Path) -> None:
    """An unpacked export's file replaced, between scan and load, by a symlink pointing outside
    the export (or its folder by a link to another folder) is a read error naming the file, never
    the outside file's bytes."""
    folder = write_folder(make_workspace(), tmp_path / "export", "html")
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = b"<article class='page'>secret</article>"
    top, sub = f"Handbook {page_id(1)}.html", f"Setup {page_id(2)}.html"
    (outside / top).write_bytes(secret)
    (outside / sub).write_bytes(secret)
    export = open_export(folder, LIMITS)
    (folder / top).unlink()
    (folder / top).symlink_to(outside / top)
    handbook = folder / f"Handbook {page_id(1)}"
    handbook.rename(tmp_path / "moved")
    handbook.symlink_to(outside)
    for path in (top, f"{handbook.name}/{sub}"):
        with pytest.raises(ExportReadError) as raised:
            export.read(path)
        assert str(raised.value).startswith(path) and "replaced" in str(raised.value)
