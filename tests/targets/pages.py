"""Plain pages and plan items for the target tests."""

from __future__ import annotations

from typing import Any

from ingest.document import Page
from ingest.plan import Action, Upsert


def page(locator: str, title: str = "Guide", html: str = "<p>Read me.</p>", **metadata: Any) -> Page:
    """A converted page whose external id is its locator."""
    url = f"https://git.example.com/blob/main/{locator}"
    return Page(locator, title, html, url, locator, f"fp-{locator}-{html}", metadata)


def create(page: Page) -> Upsert:
    return Upsert(Action.CREATE, page, content_hash=f"hash-{page.locator}")


def update(page: Page, remote_id: str) -> Upsert:
    return Upsert(Action.UPDATE, page, content_hash=f"hash-{page.locator}-2", remote_id=remote_id)
