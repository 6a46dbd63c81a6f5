"""The ``confluence_export`` connector: a Confluence HTML space export (zip or folder) as documents.

Modules, in the order a page passes through them: :mod:`.archive` (the zip or folder,
read in place, with zip-slip and zip-bomb checks), :mod:`.encoding` (bytes to UTF-8),
:mod:`.page` (id, title, ancestors, metadata and ``#main-content`` of one page, with
:mod:`.dates`), :mod:`.macros` with :mod:`.vocabulary` and :mod:`.links` (Confluence macros
and export links mapped to plain HTML and absolute URLs, by the tree edits of :mod:`.tree`;
listing macros as lists of links by :mod:`.listings` from the export's page tree,
:mod:`.space`; emoji by :mod:`.emoji`; headings left heading nothing dropped by
:mod:`.headings`), and :mod:`.connector`, which joins them; :mod:`.options` holds the
source's settings.
"""

from __future__ import annotations

from connectors.confluence_export.connector import ConfluenceExportConnector
from connectors.confluence_export.options import ConfluenceExportOptions

__all__ = ["ConfluenceExportConnector", "ConfluenceExportOptions"]
