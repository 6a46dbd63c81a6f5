"""Shapes seen in real Notion exports that the builder's reading of the format had missed."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ingest.document import SkippedDocument
from tests.connectors.test_notion_export import connector, documents, scan

DB = "d1d49ff9051d4af9b1298c9056c294b2"
ROW_EMPTY = "657ab5ab814345da9fc57cd0bba925f4"
ROW_BODY = "557eb4eb4a8b42549b394d2ccd64cfcb"
TOP = "f77698be1fbd4d24aaae01a61fc98105"


def _page(page_id: str, title: str, header: str, body: str) -> bytes:
    dashed = f"{page_id[:8]}-{page_id[8:12]}-{page_id[12:16]}-{page_id[16:20]}-{page_id[20:]}"
    return (
        f'<html><head><meta charset="utf-8"/><title>{title}</title><style>p{{}}</style></head><body>'
        f'<article id="{dashed}" class="page sans"><header><h1 class="page-title">{title}</h1>{header}'
        f'</header><div class="page-body">{body}</div></article></body></html>'
    ).encode()


def _row(row_id: str, title: str) -> str:
    return (
        f'<tr id="{row_id}"><td class="cell-title"><a href="Tasks%20{DB}/{title}%20{row_id}.html">'
        f'<span class="icon">🎨</span>{title}</a></td>'
        '<td class="cell-b:eA"><span class="user"><img src="a.png" class="icon user-icon"/>'
        "Ada Lovelace</span>"
        '<span class="user"><span class="icon text-icon user-icon"><span class="user-icon-inner">G</span>'
        "</span>Grace Hopper</span></td></tr>"
    )


def html_2022_export(tmp_path: Path) -> Path:
    """A database whose table Notion put inside ``div.page-body`` (2022 HTML exports), a row with a
    body, a row with only empty properties, and a people column of two users."""
    empty_properties = (
        '<table class="properties"><tbody><tr class="property-row"><th>Tags</th><td></td></tr>'
        "</tbody></table>"
    )
    table = (
        '<table class="collection-content"><thead><tr><th>Name</th><th>People</th></tr></thead><tbody>'
        f"{_row(ROW_BODY, 'Fonts')}{_row(ROW_EMPTY, 'Untitled')}</tbody></table>"
    )
    files = {
        f"Top {TOP}.html": _page(
            TOP, "Top", "", f'<p>See <a href="Top%20{TOP}/Tasks%20{DB}.html">Tasks</a></p>'
        ),
        f"Top {TOP}/Tasks {DB}.html": _page(DB, "Tasks", "", table),
        f"Top {TOP}/Tasks {DB}/Fonts {ROW_BODY}.html": _page(
            ROW_BODY, "Fonts", empty_properties, "<p>Settle on one font family.</p>"
        ),
        f"Top {TOP}/Tasks {DB}/Untitled {ROW_EMPTY}.html": _page(ROW_EMPTY, "", empty_properties, ""),
    }
    path = tmp_path / "Export-2022.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


async def test_a_database_table_inside_the_page_body_is_the_database(tmp_path: Path) -> None:
    """Its rows without a body are rows only, not pages (nor pages holding an empty table)."""
    source = connector(html_2022_export(tmp_path))
    found = await scan(source)
    skipped = [item for item in found.values() if isinstance(item, SkippedDocument)]
    assert [item.locator for item in skipped] == [f"Top {TOP}/Tasks {DB}/Untitled {ROW_EMPTY}.html"]
    sent = await documents(source)
    assert set(sent) == {TOP, DB, ROW_BODY}
    assert "<table" not in sent[ROW_BODY].body
    assert f"https://www.notion.so/{ROW_EMPTY}" not in sent[DB].body
    assert f'<a href="https://www.notion.so/{ROW_BODY}">' in sent[DB].body


async def test_people_in_a_cell_read_apart_without_their_initials(tmp_path: Path) -> None:
    """Two users are 'Ada Lovelace, Grace Hopper', not 'Ada LovelaceGGrace Hopper'."""
    sent = await documents(connector(html_2022_export(tmp_path)))
    assert "<td>Ada Lovelace, Grace Hopper</td>" in sent[DB].body


PROJECTS = "58b8977d6e4444a98ec4d64176a071e5"
LAUNCH = "6d28c38ede8641c1bbd241cea82810c9"
STUDY = "e445ee1fb7ff4591be2de17d906df97e"


def markdown_relations_export(tmp_path: Path) -> Path:
    """A Markdown & CSV database whose relation column Notion writes as ``Title (path.md)``, in the
    row's property lines (path relative to the row) and in the CSV (path from the export's top)."""
    study_path = f"Projects%20{PROJECTS}/Study%20(phase%201)%20{STUDY}.md"
    csv_text = (
        f'\ufeffName,Status,Blocked By\nLaunch,Open,"Study (phase 1) ({study_path})"\nStudy (phase 1),Done,\n'
    )
    files = {
        f"Projects {PROJECTS}.csv": csv_text.encode(),
        f"Projects {PROJECTS}/Launch {LAUNCH}.md": (
            "# Launch\n\nStatus: Open\n"
            f"Blocked By: Study (phase 1) (Study%20(phase%201)%20{STUDY}.md)\n\nShip it.\n"
        ).encode(),
        f"Projects {PROJECTS}/Study (phase 1) {STUDY}.md": b"# Study (phase 1)\n\nStatus: Done\n\nAsk.\n",
    }
    path = tmp_path / "Export-relations.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


async def test_relations_link_to_the_related_page_not_its_file(tmp_path: Path) -> None:
    """'Blocked By: Study (Study%20<id>.md)' reads as a link titled 'Study', in the row's properties
    and in its database's table; no file path shows."""
    sent = await documents(connector(markdown_relations_export(tmp_path)))
    link = f'<a href="https://www.notion.so/{STUDY}">Study (phase 1)</a>'
    for page in (LAUNCH, PROJECTS):
        assert link in sent[page].body, sent[page].body
        assert ".md" not in sent[page].body and "%20" not in sent[page].body
