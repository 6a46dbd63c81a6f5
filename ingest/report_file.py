"""Writing a ``--report`` file: only ever a regular file, through a symbolic link, atomically.

A report replaces the previous one by a rename, so a reader (monitoring) sees the old report or
the new one, whole, never half. A rename replaces whatever the path names, so before it the
path is checked: a device (``/dev/full`` as root), a FIFO, a socket or a folder is refused, never
replaced; a symbolic link is followed, and the file it leads to is replaced, the link kept.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path

from ingest.errors import ConfigError
from ingest.storage import NO_SPACE_ERRNOS, storage_problem

__all__ = ["ReportPathError", "check_report_path", "report_write_problem", "write_report_file"]

_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
}

#: Links followed at most on the way to a report (Linux's own limit): a loop ends there.
_MAX_LINKS = 40


class ReportPathError(ConfigError):
    """The --report path names something that is not, and cannot become, a regular file."""


def check_report_path(path: Path, option: str = "--report") -> Path:
    """The file a report at ``path`` is written to (where its symbolic links lead);
    ReportPathError, one sentence, when that is not a regular file or a name free for one, or
    when a link on the way is one the kernel would not follow (see :func:`_refuse_planted`). The
    sentence starts with ``option``, the command-line option that named the file."""
    _refuse_planted(path, option)
    target = Path(os.path.realpath(path))
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return target  # a new file (a dangling link's target included)
    except OSError:
        return target  # the write says why (a folder that cannot be read, a name too long)
    if stat.S_ISREG(mode):
        return target
    kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
    where = f"{path} leads to {target}, which is" if target != Path(os.path.abspath(path)) else f"{path} is"
    raise ReportPathError(f"{option}: {where} {kind}, not a regular file; name a file for the report")


def _refuse_planted(path: Path, option: str) -> None:
    """Refuse a link on the way to ``path`` that another user put in a sticky world-writable folder
    (/tmp): the kernel does not follow one (``fs.protected_symlinks``), but realpath() reads links
    itself, and the rename would then replace whatever the link names (as root, /etc/shadow)."""
    pending = list(Path(os.path.abspath(path)).parts)
    current, hops = Path(pending.pop(0)), 0
    while pending and hops <= _MAX_LINKS:
        part = pending.pop(0)
        if part == "..":
            current = current.parent
            continue
        candidate = current / part
        try:
            info = os.lstat(candidate)
            if not stat.S_ISLNK(info.st_mode):
                current = candidate
                continue
            folder = os.stat(current)
            link = os.readlink(candidate)
        except OSError:
            return  # nothing more to follow: the write says why, if anything is wrong
        shared = folder.st_mode & stat.S_ISVTX and folder.st_mode & stat.S_IWOTH
        if shared and info.st_uid not in (os.geteuid(), folder.st_uid):
            raise ReportPathError(
                f"{option}: {candidate} is a link owned by another user in a folder anyone may write "
                f"to, which is not followed; name a file of your own for the report"
            )
        hops += 1
        pending[:0] = Path(link).parts
        if os.path.isabs(link):
            current = Path(pending.pop(0))


def write_report_file(
    path: Path,
    text: str | Iterable[str],
    option: str = "--report",
    *,
    new_mode: int | None = None,
    make_folders: bool = True,
) -> None:
    """Replace the regular file ``path`` leads to with ``text`` (or its pieces, in order, as they
    are produced): a temporary file beside it,
    written and flushed to disk, renamed over it (keeping its permissions, and its owner and group
    as far as this user may give them). A new file is 0o666 less the umask, or ``new_mode``
    whatever the umask (a file another user's program reads); its folders are made unless
    ``make_folders`` is False. ReportPathError when ``path`` is not a regular file; OSError when
    it cannot be written (nothing is changed then)."""
    target = check_report_path(path, option)
    if make_folders:
        target.parent.mkdir(parents=True, exist_ok=True)
    try:
        kept: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        kept = None
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.writelines([text] if isinstance(text, str) else text)
            stream.flush()
            if kept is not None:
                # Owner and group first (who may read it: root:monitoring 0640), as far as this
                # user may give them; then the permissions, which a chown may have cleared.
                with contextlib.suppress(OSError):
                    os.fchown(stream.fileno(), kept.st_uid, kept.st_gid)
                os.fchmod(stream.fileno(), stat.S_IMODE(kept.st_mode))
            elif new_mode is not None:
                os.fchmod(stream.fileno(), new_mode)
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; a folder that cannot be opened for it (some network file
    systems) still holds the new report."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def report_write_problem(path: Path, exc: OSError | ReportPathError, option: str = "--report") -> str:
    """The one line saying why the report at ``path`` was not written."""
    if isinstance(exc, ReportPathError):
        return str(exc)
    reason = exc.strerror or str(exc)
    if exc.errno in NO_SPACE_ERRNOS:
        return f"{option}: {storage_problem('write', path, reason)}"
    return f"{option}: cannot write {path}: {reason}"
