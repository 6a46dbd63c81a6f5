"""The ``notion_export`` connector: a Notion export (HTML, or Markdown & CSV; zip or folder) as documents.

Modules, in the order a page passes through them: :mod:`.archive` (the zip, with the zips
Notion nests in it, or the folder, read in place and checked by :mod:`ingest.zipsafety`),
:mod:`.names` (the id and title a file name carries), :mod:`.tree` (pages by id, each with its
parent), :mod:`.pages` (one page's title, properties and body, chrome left out),
:mod:`.database` (a database's CSV as a table), :mod:`.blocks` with :mod:`.links` (Notion's
blocks and links mapped to plain HTML and public URLs), and :mod:`.connector`, which joins them;
:mod:`.options` holds the source's settings.
"""

from __future__ import annotations

from connectors.notion_export.connector import NotionExportConnector
from connectors.notion_export.options import NotionExportOptions

__all__ = ["NotionExportConnector", "NotionExportOptions"]
