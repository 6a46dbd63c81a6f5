"""Part zips spooled, not held: a part larger than a page may be, read from a temporary file
that is gone once the export is closed or refused."""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import tempfile
import textwrap
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from connectors.notion_export.archive import open_export
from ingest.errors import ConnectorError
from ingest.zipsafety import ZipLimits
from tests.connectors.notion_builder import export_files, page_id
from tests.connectors.notion_workspace import make_workspace

#: A part may be far larger than any page: 4 MiB pages, 16 MiB parts, 32 MiB in all.
LIMITS = ZipLimits(
    max_entries=1000,
    max_total_size=32 * 1024**2,
    max_entry_size=4 * 1024**2,
    max_compression_ratio=50,
    max_nested_zip_size=16 * 1024**2,
)
PICTURES = 3  # each 2 MiB, incompressible: a part of about 6 MiB


def _stored(files: dict[str, bytes]) -> bytes:

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def large_export(tmp_path: Path, extra: dict[str, bytes] | None = None) -> Path:
    """Export-<uuid>.zip holding one part past max_entry_size (its pictures), as Notion delivers a
    large workspace."""
    files = export_files(make_workspace(), "html")
    folder = f"Handbook {page_id(1)}"
    for number in range(PICTURES):
        files[f"{folder}/photo{number}.png"] = random.Random(number).randbytes(2 * 1024**2)
    files.update(extra or {})
    part = _stored(files)
    assert len(part) > LIMITS.max_entry_size
    path = tmp_path / "Export-1.zip"
    path.write_bytes(_stored({"Export-1-Part-1.zip": part}))
    return path


@pytest.fixture
def spool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system temporary folder, pointed somewhere the test can look into."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_a_part_past_max_entry_size_is_read_and_its_spool_removed_on_close(
    tmp_path: Path, spool: Path
) -> None:
    """A part zip is bounded by max_nested_zip_size, not by what a page may be; it lives in the
    system temporary folder while the export is open, and is gone once closed."""
    export = open_export(large_export(tmp_path), LIMITS)
    try:
        assert export.read(f"Handbook {page_id(1)}/photo0.png") == random.Random(0).randbytes(2 * 1024**2)
        assert f"Handbook {page_id(1)}.html" in export.files()
    finally:
        export.close()
    assert list(spool.iterdir()) == []


def test_a_part_is_not_held_in_memory(tmp_path: Path, spool: Path) -> None:
    """Opening the export allocates far less than the part's size (it was read whole)."""
    path = large_export(tmp_path)
    tracemalloc.start()
    try:
        export = open_export(path, LIMITS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    export.close()
    assert peak < 2 * 1024**2, peak


def test_a_part_past_max_nested_zip_size_is_refused_by_name(tmp_path: Path, spool: Path) -> None:
    """The part's own bound still holds, the message naming it."""
    small = ZipLimits(1000, 32 * 1024**2, 4 * 1024**2, 50, max_nested_zip_size=5 * 1024**2)
    with pytest.raises(ConnectorError, match=r"Export-1-Part-1\.zip.*max_nested_zip_size") as raised:
        open_export(large_export(tmp_path), small)
    assert "refused" in str(raised.value)
    assert list(spool.iterdir()) == []


def test_a_hostile_spooled_part_is_refused_and_its_spool_removed(tmp_path: Path, spool: Path) -> None:
    """A part that is spooled is checked as any zip is (here: zip-slip), and removed on refusal."""
    with pytest.raises(ConnectorError, match=r"Part-1\.zip: entry '\.\./evil\.html' climbs out"):
        open_export(large_export(tmp_path, {"../evil.html": b"x"}), LIMITS)
    assert list(spool.iterdir()) == []


def test_a_full_disk_while_spooling_is_one_sentence_naming_the_export(tmp_path: Path) -> None:
    """A spool that cannot be written (here: a file size limit, as a full disk or quota answers) refuses
    the export in one sentence naming it and the temporary folder, with the space left."""
    path = large_export(tmp_path)
    script = textwrap.dedent(
        f"""
        import resource, signal, sys
        from pathlib import Path
        from connectors.notion_export.archive import open_export
        from ingest.errors import ConnectorError
        from ingest.zipsafety import ZipLimits
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024**2, 1024**2))
        try:
            open_export(Path({str(path)!r}), ZipLimits(1000, 32 * 1024**2, 4 * 1024**2, 50, 16 * 1024**2))
        except ConnectorError as exc:
            print(exc)
        """
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[2],
        env={**os.environ, "TMPDIR": str(tmp_path)},
    )
    message = done.stdout.strip()
    assert str(path) in message and "Export-1-Part-1.zip" in message, message
    assert "free on its disk" in message and "refused" in message and "\n" not in message
