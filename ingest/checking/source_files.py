"""Where a source's documents are on disk, for the line a finding is on and the path code
scanning annotates (relative to the repository root, ``%SRCROOT%``)."""

from __future__ import annotations

from pathlib import Path

#: Larger files are not read again for line numbers (a finding then has no line).
_MAX_READ = 8 * 1024 * 1024


class SourceFiles:
    """The files of a source whose documents are files under a folder (``filesystem``); for
    other sources (an export, a git repository's objects) no document is a file on disk."""

    def __init__(self, root: Path | None) -> None:
        self.root = root.resolve() if root is not None and root.is_dir() else None
        self._repository = _repository_root(self.root) if self.root is not None else None

    def file_of(self, locator: str) -> Path | None:
        """The regular file ``locator`` names under the root (never outside it), or None."""
        if self.root is None:
            return None
        path = (self.root / locator).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            return None
        return path

    def text_of(self, locator: str) -> str | None:
        """The file's text as it is on disk (front matter included), or None."""
        path = self.file_of(locator)
        if path is None:
            return None
        try:
            if path.stat().st_size > _MAX_READ:
                return None
            return path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None

    def repository_path(self, locator: str) -> str | None:
        """The file's POSIX path relative to the repository it is in (else to the current
        folder, when it is under it), or None."""
        path = self.file_of(locator)
        if path is None:
            return None
        for base in (self._repository, Path.cwd().resolve()):
            if base is not None and path.is_relative_to(base):
                return path.relative_to(base).as_posix()
        return None


def _repository_root(folder: Path) -> Path | None:
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


class Lines:
    """Finds the line a piece of text is on in a file (1-based)."""

    def __init__(self, text: str | None) -> None:
        self._text = text

    def line_of(self, *needles: str) -> int | None:
        """The line of the first of ``needles`` found (in the order given), or None."""
        if not self._text:
            return None
        for needle in needles:
            if not needle:
                continue
            at = self._text.find(needle)
            if at >= 0:
                return self._text.count("\n", 0, at) + 1
        return None
