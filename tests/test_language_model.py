"""The language identifier's model, unpacked once into a cache folder and mapped from there."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier  # type: ignore[import-untyped]

from ingest.language_model import MEMBERS, mapped_identifier, unpack_into

PACKED = MODEL_DIR / MODEL_FILE

TEXTS = [
    "Ceci est une phrase en français, assez longue pour que le modèle la reconnaisse sans hésiter.",
    "Dies ist ein deutscher Satz, der lang genug ist, damit das Modell ihn sicher erkennt.",
    "Este es un texto en español que explica cómo configurar la sincronización de documentos.",
    "これは日本語の文章です。ドキュメントの同期を設定する方法を説明します。",
    "这是一个中文句子用来说明如何配置文档同步。",
    "Это предложение на русском языке, достаточно длинное для модели.",
    "Configure the source, then run the sync: every page is converted and uploaded once.",
    "def main(argv): return 0  # code reads as anything",
    "",
    "x" * 5000,
]


@pytest.fixture(scope="module")
def packed_identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def test_mapped_model_gives_the_packed_models_verdicts(
    tmp_path: Path, packed_identifier: LanguageIdentifier
) -> None:
    """Every ranking, score for score, is the one py3langid's own loading of the packed model gives."""
    mapped = mapped_identifier(PACKED, tmp_path)
    for text in TEXTS:
        assert mapped.rank(text) == packed_identifier.rank(text)
        assert mapped.classify(text) == packed_identifier.classify(text)


def test_model_is_unpacked_once_and_mapped_after(tmp_path: Path) -> None:
    """The first use unpacks the model into one folder named by the packed file's digest; later
    uses map the same files without writing them again, and no scratch files are left behind."""
    mapped_identifier(PACKED, tmp_path)
    (folder,) = tmp_path.iterdir()
    assert folder.name.startswith("py3langid-")
    written = {path.name: path.stat().st_mtime_ns for path in folder.iterdir()}
    assert sorted(written) == sorted(f"{member}.npy" for member in MEMBERS)

    again = mapped_identifier(PACKED, tmp_path)

    assert [path.name for path in tmp_path.iterdir()] == [folder.name]
    assert {path.name: path.stat().st_mtime_ns for path in folder.iterdir()} == written
    assert again.rank(TEXTS[0])[0][0] == "fr"


def test_an_unpacked_copy_another_process_finished_first_is_kept(tmp_path: Path) -> None:
    """Two processes unpacking at once: the copy renamed into place first stays, the other's is dropped."""
    mapped_identifier(PACKED, tmp_path)
    (folder,) = tmp_path.iterdir()
    first = {path.name: path.stat().st_ino for path in folder.iterdir()}
    assert unpack_into(PACKED, folder) == folder

    assert {path.name: path.stat().st_ino for path in folder.iterdir()} == first
    assert [path.name for path in tmp_path.iterdir()] == [folder.name]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder anyway")
def test_a_read_only_cache_folder_still_gives_the_model(
    tmp_path: Path, packed_identifier: LanguageIdentifier
) -> None:
    """Where the cache folder cannot be written, the model is unpacked for the process alone."""
    tmp_path.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        mapped = mapped_identifier(PACKED, tmp_path / "cache")
    finally:
        tmp_path.chmod(stat.S_IRWXU)
    assert mapped.rank(TEXTS[1]) == packed_identifier.rank(TEXTS[1])
    assert not (tmp_path / "cache").exists()


def test_a_cache_path_taken_by_a_file_still_gives_the_model(
    tmp_path: Path, packed_identifier: LanguageIdentifier
) -> None:
    """A cache path that is a file (not a folder) cannot hold the copy: the model is unpacked for
    the process alone, and the file is left as it was."""
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder", encoding="utf-8")

    mapped = mapped_identifier(PACKED, blocker)

    assert mapped.rank(TEXTS[2]) == packed_identifier.rank(TEXTS[2])
    assert blocker.read_text(encoding="utf-8") == "not a folder"


@pytest.mark.parametrize("damage", ["truncated", "emptied"])
def test_a_damaged_copy_is_unpacked_again(
    tmp_path: Path, packed_identifier: LanguageIdentifier, damage: str
) -> None:
    """A copy whose file was cut short (a crash before it reached the disk) is unpacked again,
    not mapped, and gives the same verdicts."""
    mapped_identifier(PACKED, tmp_path)
    (folder,) = tmp_path.iterdir()
    damaged = folder / "ptc.npy"
    with damaged.open("r+b") as npy:
        npy.truncate(1000 if damage == "truncated" else 0)

    mapped = mapped_identifier(PACKED, tmp_path)

    assert mapped.rank(TEXTS[3]) == packed_identifier.rank(TEXTS[3])
    assert damaged.stat().st_size > 1_000_000
