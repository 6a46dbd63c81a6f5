"""Shared helpers for the conversion tests."""

from __future__ import annotations

import pytest

from ingest.convert import LinkBuilder

TEMPLATE = "https://docs.example.com/{path}"


@pytest.fixture
def links() -> LinkBuilder:
    """A link builder with a public docs URL template."""
    return LinkBuilder(TEMPLATE)


@pytest.fixture
def no_links() -> LinkBuilder:
    """A link builder for a source without a URL template."""
    return LinkBuilder(None)
