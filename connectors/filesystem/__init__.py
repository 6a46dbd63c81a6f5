"""The ``filesystem`` connector: every Markdown, HTML and text file under one folder.

A document's locator (and default external id) is its POSIX path relative to the root,
NFC-normalised so that macOS and Linux name the same file alike. Hidden files and
folders (names starting with ``.``) are ignored. Symlinks are followed only while their
target stays inside the root; a symlink leading out of it is reported as skipped. A file
reached through a link inside the root is listed under each path that leads to it.

Entry point: ``connectors.filesystem:FilesystemConnector``. The package splits the work by
job: ``tree`` (what the folder holds, as the connector names it: one walk, used by the scan
and by the watch mapping), ``watching`` (which documents a changed path affects),
``options`` and ``connector``.
"""

from __future__ import annotations

from connectors.filesystem.connector import FilesystemConnector
from connectors.filesystem.options import FilesystemOptions

__all__ = ["FilesystemConnector", "FilesystemOptions"]
