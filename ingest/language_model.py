"""The language identifier's model, mapped from an unpacked copy instead of held in memory.

py3langid ships its model packed (LZMA over an ``.npz``) and loads it whole: about 75 MB of
arrays for as long as the process lives, and about 105 MB at the peak of loading it, in the
``ingest`` process and in every conversion worker. A page only ever reads the few thousand
transitions and feature rows its own bytes lead to, so the arrays are unpacked once, a member at
a time (never whole in memory), into plain ``.npy`` files in the user's cache folder, and mapped
from there: only the pages a run reads become resident, and they are shared with every process
that maps the same files (the workers and the page cache).

The identifier is py3langid's own, built from the same arrays (the transition table and the
output of each state as buffers of the same integers, the feature table as a read-only array of
the same float16), so every verdict is the one the packed model gives.

The copy is named by the packed file's SHA-256 and :data:`LAYOUT` and written under a temporary
name, then renamed whole, so a process never maps a copy another one is still writing. Where
the cache folder cannot be written, the arrays are unpacked into a temporary folder for the
process instead, removed as soon as they are mapped.
"""

from __future__ import annotations

import hashlib
import lzma
import math
import mmap
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any, BinaryIO, Final

#: The unpacked copy's layout: part of its folder's name, changed with what this module writes.
LAYOUT: Final = "1"
#: The members of py3langid's ``.npz`` an identifier is built from.
MEMBERS: Final = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")
_CHUNK: Final = 1 << 20


def cache_root() -> Path:
    """Where unpacked models are kept: the user's cache folder for fin-ingest
    (``$XDG_CACHE_HOME/fin-ingest`` or ``~/.cache/fin-ingest`` on Linux)."""
    from platformdirs import user_cache_path

    return user_cache_path("fin-ingest", appauthor=False)


def mapped_identifier(packed: Path, cache: Path) -> Any:
    """py3langid's ``LanguageIdentifier`` (probabilities normalised) for the packed model
    ``packed``, its arrays mapped from an unpacked copy under ``cache``."""
    digest = _sha256(packed)
    folder = cache / f"py3langid-{LAYOUT}-{digest[:32]}"
    if folder.is_dir():
        try:
            return _identifier_from(folder)
        except (OSError, ValueError, EOFError):  # damaged since (a crash before it reached the disk)
            shutil.rmtree(folder, ignore_errors=True)
    try:
        return _identifier_from(unpack_into(packed, folder))
    except (OSError, ValueError, EOFError):  # a read-only or missing home: a copy for this process alone
        scratch = tempfile.TemporaryDirectory(prefix="fin-ingest-langid-", ignore_cleanup_errors=True)
        with scratch as unpacked:
            return _identifier_from(unpack_into(packed, Path(unpacked) / "model"))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as packed:
        for chunk in iter(lambda: packed.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def unpack_into(packed: Path, folder: Path) -> Path:
    """Unpack ``packed``'s members into ``folder`` as ``.npy`` files, streamed a megabyte at a time;
    ``folder`` appears whole or not at all (another process may have made it first: kept)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".unpacking-", dir=folder.parent) as work:
        npz = Path(work) / "model.npz"
        with lzma.open(packed) as source, npz.open("wb") as target:
            shutil.copyfileobj(source, target, _CHUNK)
        unpacked = Path(work) / "model"
        unpacked.mkdir()
        with zipfile.ZipFile(npz) as archive:
            for member in MEMBERS:
                target_path = unpacked / f"{member}.npy"
                with archive.open(f"{member}.npy") as source, target_path.open("wb") as target:
                    shutil.copyfileobj(source, target, _CHUNK)
                    _leave_page_cache(target)
        npz.unlink()
        try:
            os.rename(unpacked, folder)
        except OSError:
            if not folder.is_dir():
                raise
    return folder


def _leave_page_cache(written: BinaryIO) -> None:
    """Drop ``written`` from the page cache: a file just written sits there in large blocks, which
    a mapping then makes resident whole at the first read of any byte in them (measured: one
    French sentence made 35 MB of the model resident, 1 MB once read back page by page)."""
    written.flush()
    os.fsync(written.fileno())
    if hasattr(os, "posix_fadvise"):
        os.posix_fadvise(written.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)


def _identifier_from(folder: Path) -> Any:
    import numpy as np
    from py3langid.langid import LanguageIdentifier  # type: ignore[import-untyped]

    def loaded(member: str) -> Any:
        return np.load(folder / f"{member}.npy", allow_pickle=False)

    ptc, nextmove, row, output = (
        _mapped(folder / f"{member}.npy") for member in ("ptc", "nextmove", "nextmove_row", "out_feat")
    )
    return LanguageIdentifier(
        ptc,
        loaded("pc"),
        loaded("classes").tolist(),
        _ints(nextmove),
        _ints(output),
        norm_probs=True,
        tk_row=_ints(row),
    )


def _mapped(path: Path) -> Any:
    """The array in the ``.npy`` file ``path``, read-only, mapped for random access: no read-ahead,
    so a read makes resident the page it reads and not its neighbours."""
    import numpy as np

    with path.open("rb") as npy:
        version = np.lib.format.read_magic(npy)
        if version == (1, 0):
            shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(npy)
        else:
            shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(npy)
        if fortran_order or dtype.hasobject:
            raise ValueError(f"{path.name}: unexpected language model array layout")
        offset = npy.tell()
        mapping = mmap.mmap(npy.fileno(), 0, access=mmap.ACCESS_READ)
    if hasattr(mapping, "madvise") and hasattr(mmap, "MADV_RANDOM"):
        mapping.madvise(mmap.MADV_RANDOM)
    count = math.prod(shape)
    return np.frombuffer(mapping, dtype=dtype, count=count, offset=offset).reshape(shape)


def _ints(array: Any) -> memoryview:
    """``array``'s integers as a buffer whose items are plain Python ints, as py3langid's own
    ``array`` and lists give them (numpy's scalars would overflow its shifts)."""
    if array.ndim != 1 or array.dtype.kind not in "iu" or not array.dtype.isnative:
        raise ValueError(f"unexpected language model array: {array.dtype.str}{array.shape}")
    return memoryview(array).cast("B").cast(array.dtype.char)
