"""Secret scanning of documents before they are sent (detect-secrets, with plugins of our own).

:func:`ingest.secret_scan.document_scan.findings_in` is the one entry point: a loaded document
and its page, scanned under a source's :class:`~ingest.secret_scan.policy.ScanPolicy` (its
plugins, its baseline), give the :class:`~ingest.secret_scan.finding.SecretFinding` s that keep
it from being sent. It reads nothing: a baseline is parsed once
(:func:`~ingest.secret_scan.baseline.parse_baseline`) and carried in the policy.

This package imports nothing itself: ``finding`` (a plain value the SDK's ``Failure`` carries),
``catalog`` (plugin names the configuration checks) and ``policy`` load without detect-secrets;
only ``detector`` and ``document_scan`` load it.
"""
