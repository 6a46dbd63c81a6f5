"""The faq connector keeps fin-ingest's connector contract, and says which row is wrong."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from fin_ingest_faq import FaqConnector, FaqOptions

from ingest.sdk import ConnectorError, DocumentRef, Failure, SourceDocument
from ingest.testing import assert_conforms

ROWS = {
    "reset-password": ["How do I reset my password?", "Open **Settings > Security**."],
    "export-data": ["Can I export my data?", "Yes: *Settings > Data > Export*."],
    "cancel-plan": ["How do I cancel my plan?", "An admin can, under **Billing**."],
}


def write_faq(path: Path, rows: dict[str, list[str]], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, delimiter=delimiter)
        writer.writerow(["id", "question", "answer"])
        writer.writerows([row_id, *values] for row_id, values in rows.items())
    return path


async def scan(path: Path, **options: str) -> list[DocumentRef | Failure]:
    connector = FaqConnector(FaqOptions.model_validate({"file": str(path), **options}))
    return [item async for item in connector.scan() if isinstance(item, DocumentRef | Failure)]


async def test_faq_keeps_the_connector_contract(tmp_path: Path) -> None:
    """The conformance kit finds no broken rule: stable ids and fingerprints, failures as values."""
    faq = tmp_path / "faq.csv"
    rows = {row_id: list(values) for row_id, values in ROWS.items()}

    def edit(ref: DocumentRef) -> None:
        rows[ref.locator][1] += " Edited."
        write_faq(faq, rows)

    def empty_answer(ref: DocumentRef) -> None:
        rows[ref.locator][1] = ""
        write_faq(faq, rows)

    write_faq(faq, rows)
    await assert_conforms(
        FaqConnector,
        {"file": str(faq)},
        edit_document=edit,
        break_document=empty_answer,
        break_source=faq.unlink,
        scan_reads_bodies=True,  # one file is the whole source: each row's fingerprint hashes its content
    )


async def test_a_row_is_a_markdown_document_keyed_by_its_id(tmp_path: Path) -> None:
    """The id is the external id and the path; the question the title; the answer the Markdown body."""
    faq = write_faq(tmp_path / "faq.csv", ROWS, delimiter=";")
    connector = FaqConnector(FaqOptions.model_validate({"file": str(faq), "delimiter": ";"}))
    refs = [item async for item in connector.scan() if isinstance(item, DocumentRef)]
    document = await connector.load(refs[0])
    assert isinstance(document, SourceDocument)
    assert (document.external_id, document.path, document.title) == (
        "reset-password",
        "reset-password",
        "How do I reset my password?",
    )
    assert document.body == "Open **Settings > Security**."


async def test_a_repeated_id_fails_once_and_the_other_rows_sync(tmp_path: Path) -> None:
    """Two rows with one id are one Failure; the rest are listed as usual."""
    faq = write_faq(tmp_path / "faq.csv", ROWS)
    with faq.open("a", encoding="utf-8", newline="") as file:
        csv.writer(file).writerow(["cancel-plan", "Again?", "Twice."])
    found = await scan(faq)
    assert [item.locator for item in found if isinstance(item, DocumentRef)] == [
        "reset-password",
        "export-data",
    ]
    (failure,) = [item for item in found if isinstance(item, Failure)]
    assert failure.message == "cancel-plan: 2 rows use this id; give each its own"


async def test_a_file_without_the_columns_fails_the_source(tmp_path: Path) -> None:
    """A header without an answer column is one ConnectorError: the source is not read, nothing is deleted."""
    faq = tmp_path / "faq.csv"
    faq.write_text("id,question\nx,Why?\n", encoding="utf-8")
    with pytest.raises(ConnectorError, match="the header row has no 'answer' column"):
        await scan(faq)
