"""Tests of ingest.intercom (a package, so that pytest puts tests/ on sys.path for the helpers)."""
