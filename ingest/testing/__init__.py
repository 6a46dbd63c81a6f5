"""The connector conformance kit: check a connector against the contract in one call.

::

    from ingest.testing import assert_conforms

    async def test_my_connector_keeps_the_contract(tmp_path):
        root = write_sample_docs(tmp_path)
        await assert_conforms(
            MyConnector,
            {"path": str(root)},
            edit_document=lambda ref: (root / ref.locator).write_text("# Changed\\n"),
            break_document=lambda ref: (root / ref.locator).write_bytes(b"\\0"),
            break_source=lambda: shutil.rmtree(root),
            documents_at=root,
        )

:data:`RULES` lists what is checked; :func:`check_connector` returns the
:class:`ConformanceReport` instead of raising. Plain asyncio: no test framework is needed.
"""

from __future__ import annotations

from ingest.testing.check import assert_conforms, check_connector
from ingest.testing.phases import DocumentHook, SourceHook
from ingest.testing.report import RULES, ConformanceError, ConformanceReport, Violation

__all__ = [
    "RULES",
    "ConformanceError",
    "ConformanceReport",
    "DocumentHook",
    "SourceHook",
    "Violation",
    "assert_conforms",
    "check_connector",
]
