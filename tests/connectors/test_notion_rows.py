"""Database rows and their tables as a reader meets them: links to rows, property values, titles."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.connectors.notion_builder import Format, NotionPage, Text, Workspace, para, write_zip
from tests.connectors.test_notion_export import FORMATS, connector, documents, url


def linked_rows() -> Workspace:
    """Tasks, a database with a row with a body and one without, and a page linking to both."""
    with_body = NotionPage(11, "Order coffee", [para("Call the roaster.")], properties={"Status": "Done"})
    bodyless = NotionPage(12, "Buy chairs", [], properties={"Status": "Open"})
    tasks = NotionPage(10, "Tasks", columns=["Name", "Status"], children=[with_body, bodyless])
    plan = NotionPage(
        1,
        "Plan",
        [para("See ", Text("Buy chairs", link=bodyless), " and ", Text("Order coffee", link=with_body), ".")],
        children=[tasks],
    )
    return Workspace([plan])


@pytest.mark.parametrize("fmt", FORMATS)
async def test_a_link_to_a_row_without_a_body_points_at_its_database(tmp_path: Path, fmt: Format) -> None:
    """The row is no page of its own: a link to it goes to the database's page, where the row now
    lives, instead of losing its link."""
    sent = await documents(connector(write_zip(linked_rows(), tmp_path / "e.zip", fmt)))
    body = sent[NotionPage(1, "").page_id].body
    assert f'<a href="{url(10)}">Buy chairs</a>' in body, body
    assert f'<a href="{url(11)}">Order coffee</a>' in body, body
