"""Each built-in connector as the :class:`~ingest.connector.ConnectorFactory` its entry point names.

Nothing imports this module at run time (connectors are found by entry point); it exists so
that ``mypy --strict`` proves every built-in connector fits the Protocol with its own
options model, and a test keeps it in step with the entry points in ``pyproject.toml``.
"""

from __future__ import annotations

from connectors.confluence_export import ConfluenceExportConnector, ConfluenceExportOptions
from connectors.filesystem import FilesystemConnector, FilesystemOptions
from connectors.git import GitOptions, GitRepoConnector
from connectors.notion_export import NotionExportConnector, NotionExportOptions
from ingest.connector import ConnectorFactory

filesystem: ConnectorFactory[FilesystemOptions] = FilesystemConnector
confluence_export: ConnectorFactory[ConfluenceExportOptions] = ConfluenceExportConnector
git: ConnectorFactory[GitOptions] = GitRepoConnector
notion_export: ConnectorFactory[NotionExportOptions] = NotionExportConnector
