"""Database rows and their tables as a reader meets them: links to rows, property values, titles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from connectors.notion_export import NotionExportOptions
from connectors.notion_export.archive import open_export
from connectors.notion_export.connector import _Builder
from connectors.notion_export.survey import survey
from connectors.notion_export.tree import Entry
from ingest.document import Failure
from tests.connectors.notion_builder import (
    PNG,
    FileValue,
    Format,
    LinkValue,
    NotionPage,
    Text,
    Workspace,
    page_id,
    para,
    write_zip,
)
from tests.connectors.test_notion_archive import LIMITS
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


def files_property() -> Workspace:
    """Tasks, whose row has a "Files & media" property holding a picture kept beside the database,
    as Notion stores it."""
    plan_folder = f"Plan {page_id(1)}"
    row = NotionPage(
        11,
        "Order coffee",
        [para("Call the roaster.")],
        properties={"Status": "Done", "Files & media": FileValue(f"{plan_folder}/appflowy_2x.png")},
    )
    tasks = NotionPage(10, "Tasks", columns=["Name", "Status", "Files & media"], children=[row])
    return Workspace(
        [NotionPage(1, "Plan", [para("Plans.")], children=[tasks], files={"appflowy_2x.png": PNG})]
    )


@pytest.mark.parametrize("fmt", FORMATS)
async def test_a_files_property_links_its_file_under_the_attachment_template(
    tmp_path: Path, fmt: Format
) -> None:
    """The file links as the body's files do, in the row's properties and in its database's table,
    named by the file, never its path in the export ("../appflowy_2x.png")."""
    path = write_zip(files_property(), tmp_path / "e.zip", fmt)
    sent = await documents(connector(path, attachment_url_template="https://files.example.com/{path}"))
    href = f"https://files.example.com/Plan%20{page_id(1)}/appflowy_2x.png"
    for number in (11, 10):
        body = sent[page_id(number)].body
        assert f'<a href="{href}">appflowy_2x.png</a>' in body, body
        assert "../" not in body and "%20" not in body.replace(href, ""), body


@pytest.mark.parametrize("fmt", FORMATS)
async def test_a_files_property_without_the_template_is_dropped_and_reported(
    tmp_path: Path, fmt: Format
) -> None:
    """No attachment_url_template: the file is dropped from the properties and the table, with the
    report a body's file gets; the path is not shown."""
    sent = await documents(connector(write_zip(files_property(), tmp_path / "e.zip", fmt)))
    for number in (11, 10):
        document = sent[page_id(number)]
        assert "appflowy_2x" not in document.body, document.body
        assert any("appflowy_2x.png is not sent" in warning for warning in document.metadata["warnings"])
    assert "Files &amp; media" not in sent[page_id(11)].body  # its only value gone, so is the line


class CountingEntries(dict[str, Entry]):
    """The survey's entries, counting how often they are walked whole."""

    walks = 0

    def items(self) -> Any:
        CountingEntries.walks += 1
        return super().items()


def test_database_rows_are_indexed_once_not_walked_per_database(tmp_path: Path) -> None:
    """Building every database walks the export's entries a fixed number of times, not once per
    database (pages x databases: a large export's scan grew with the square of its size)."""
    databases = [
        NotionPage(
            100 + number,
            f"Tasks {number}",
            columns=["Name", "Status"],
            children=[
                NotionPage(1000 + number, f"Row {number}", [para("Body.")], properties={"Status": "x"})
            ],
        )
        for number in range(30)
    ]
    path = write_zip(
        Workspace([NotionPage(1, "Plan", [para("Plans.")], children=databases)]),
        tmp_path / "e.zip",
        "markdown",
    )
    export = open_export(path, LIMITS)
    try:
        surveyed = survey(export)
        surveyed.entries = CountingEntries(surveyed.entries)
        CountingEntries.walks = 0
        builder = _Builder(NotionExportOptions.model_validate({"path": str(path)}), surveyed)
        for page_id in list(surveyed.entries):
            built = builder.build(page_id, export)
            assert not isinstance(built, Failure), built
    finally:
        export.close()
    assert CountingEntries.walks < 10, CountingEntries.walks


LONG_TITLE = "Quarterly customer onboarding experiments and their outcomes, by region"


@pytest.mark.parametrize("fmt", FORMATS)
async def test_a_database_known_by_its_csv_takes_its_full_title_from_its_parents_link(
    tmp_path: Path, fmt: Format
) -> None:
    """Notion cuts a long title in file names (about 50 characters): a database with no page file
    (the Markdown export's) is titled by the link its parent page shows, not by the cut name."""
    row = NotionPage(11, "Sweden", [para("Went well.")], properties={"Status": "Done"})
    database = NotionPage(
        10, LONG_TITLE, columns=["Name", "Status"], children=[row], file_title=LONG_TITLE[:50].rstrip()
    )
    path = write_zip(
        Workspace([NotionPage(1, "Plan", [para("Plans.")], children=[database])]), tmp_path / "e.zip", fmt
    )
    sent = await documents(connector(path))
    assert sent[page_id(10)].title == LONG_TITLE
    assert sent[page_id(11)].metadata["ancestors"] == ["Plan", LONG_TITLE]


@pytest.mark.parametrize("fmt", FORMATS)
async def test_a_rows_icon_is_not_part_of_its_title_in_the_table(tmp_path: Path, fmt: Format) -> None:
    """The HTML export puts a row's icon inside its title cell's link ("🎨Font family
    standardization"): the icon is left out, the title reads alone."""
    rows = [
        NotionPage(
            11, "Font family standardization", [para("Use Inter.")], properties={"Status": "Done"}, icon="🎨"
        ),
        NotionPage(12, "Colour tokens", [], properties={"Status": "Open"}, icon="🌈"),
    ]
    notes = NotionPage(10, "Meeting Notes", columns=["Name", "Status"], children=rows)
    sent = await documents(connector(write_zip(Workspace([notes]), tmp_path / "e.zip", fmt)))
    body = sent[page_id(10)].body
    assert f'<a href="{url(11)}">Font family standardization</a>' in body, body
    assert "<td>Colour tokens</td>" in body, body
    assert "🎨" not in body and "🌈" not in body


async def test_a_bodyless_rows_link_keeps_its_text_in_a_table_from_the_csv(tmp_path: Path) -> None:
    """An HTML export whose database is its CSV alone: the CSV keeps only a linked value's URL, the
    row's page shows its text; the table shows the link with that text, and a URL whose text the
    export does not show is still a link."""
    who = "https://www.who.int/publications/i/item/9789240034228"
    rows = [
        NotionPage(11, "Air quality", [], properties={"Ref": LinkValue("WHO air quality guidelines", who)}),
        NotionPage(
            12,
            "Gender ratio",
            [para("Census.")],
            properties={"Ref": LinkValue("Census 2021", "https://ons.gov.uk/c")},
        ),
    ]
    toolbox = NotionPage(10, "Toolbox", columns=["Name", "Ref"], children=rows, csv_only=True)
    path = write_zip(
        Workspace([NotionPage(1, "Guide", [para("Tools.")], children=[toolbox])]), tmp_path / "e.zip", "html"
    )
    sent = await documents(connector(path))
    body = sent[page_id(10)].body
    assert f'<td><a href="{who}">WHO air quality guidelines</a></td>' in body, body
    assert '<td><a href="https://ons.gov.uk/c">Census 2021</a></td>' in body, body
    (tmp_path / "md").mkdir()
    markdown = write_zip(
        Workspace([NotionPage(1, "Guide", [para("Tools.")], children=[toolbox])]),
        tmp_path / "md" / "e.zip",
        "markdown",
    )
    shown = (await documents(connector(markdown)))[page_id(10)].body
    assert f'<td><a href="{who}">{who}</a></td>' in shown, shown
