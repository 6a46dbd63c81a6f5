"""The ``faq`` connector: a FAQ kept in a CSV file, one document per row, for fin-ingest.

The file is UTF-8 (a spreadsheet's BOM is fine) with a header row naming the columns
``id``, ``question`` and ``answer`` (Markdown), and optionally ``url`` (the answer's public
page). Each row becomes one document: its ``id`` is its identity, so rewording a question
updates the same page, and its path, so ``include``/``exclude`` globs and ``{path}`` in
``url_template`` see the id. A row that cannot be used (no id, an empty answer, an id used
twice) is a :class:`Failure` naming the row; the other rows sync.

The whole source is one small file, so ``scan`` reads it and fingerprints each row by a
hash of its content: a changed answer is sent again, an unchanged one never.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import ClassVar

from pydantic import Field

from ingest.sdk import (
    BodyFormat,
    ConfigPath,
    ConnectorError,
    ConnectorFactory,
    ConnectorOptions,
    DocumentRef,
    Failure,
    SkippedDocument,
    SourceDocument,
)

COLUMNS = ("id", "question", "answer")

Found = DocumentRef | SkippedDocument | Failure


class FaqOptions(ConnectorOptions):
    """Options of a ``faq`` source: the keys of ``[sources.<name>]`` besides the common ones."""

    file: ConfigPath = Field(
        description="The CSV file: a header row with id, question, answer (Markdown) and optionally url; "
        "relative paths start at the config file's folder."
    )
    delimiter: str = Field(
        ",",
        min_length=1,
        max_length=1,
        description='The column separator, e.g. ";" as some spreadsheets save.',
    )


@dataclass(frozen=True)
class Row:
    """One usable row of the file; ``line`` is where it starts, for messages."""

    line: int
    id: str
    question: str
    answer: str
    url: str | None

    def fingerprint(self) -> str:
        content = "\0".join([self.question, self.answer, self.url or ""])
        return hashlib.sha256(content.encode("utf-8")).hexdigest()[:32]


class FaqConnector:
    """Documents from a FAQ CSV file; see the module docstring."""

    options_model: ClassVar[type[FaqOptions]] = FaqOptions

    def __init__(self, options: FaqOptions) -> None:
        self.options = options
        self.rows: dict[str, Row] = {}

    async def scan(self) -> AsyncIterator[Found]:
        """Every row in file order. Raises ConnectorError when the file cannot be read at all."""
        found = await asyncio.to_thread(self._read)
        self.rows = {row.id: row for row in found if isinstance(row, Row)}
        for item in found:
            yield DocumentRef(item.id, item.fingerprint()) if isinstance(item, Row) else item

    async def load(self, ref: DocumentRef) -> SourceDocument | SkippedDocument | Failure:
        """The row the last scan found under ``ref.locator``."""
        row = self.rows.get(ref.locator)
        if row is None:
            return Failure(ref.locator, f"{ref.locator}: no such id in {self.options.file.name}")
        return SourceDocument(
            external_id=row.id,
            title=row.question,
            body=row.answer,
            format=BodyFormat.MARKDOWN,
            path=row.id,
            fingerprint=row.fingerprint(),
            url=row.url,
        )

    def _read(self) -> list[Row | Failure]:
        path = self.options.file
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise ConnectorError(f"FAQ file {path} does not exist") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConnectorError(f"FAQ file {path} cannot be read: {exc}") from None
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=self.options.delimiter)
        missing = [column for column in COLUMNS if column not in (reader.fieldnames or ())]
        if missing:
            raise ConnectorError(f"FAQ file {path}: the header row has no {missing[0]!r} column")
        found: list[Row | Failure] = []
        line = reader.line_num + 1
        for record in reader:
            found.append(_row(record, line))
            line = reader.line_num + 1
        return _unique(found)


def _row(record: dict[str, str | None], line: int) -> Row | Failure:
    values = {key: (value or "").strip() for key, value in record.items() if isinstance(key, str)}
    row_id = values.get("id", "")
    if not row_id:
        return Failure(f"line-{line}", f"line {line}: the id is empty")
    if PurePosixPath(row_id).is_absolute() or ".." in PurePosixPath(row_id).parts:
        return Failure(row_id, f"line {line}: the id {row_id!r} must not start with / or contain ..")
    for column in ("question", "answer"):
        if not values.get(column):
            return Failure(row_id, f"{row_id} (line {line}): the {column} is empty")
    url = values.get("url") or None
    if url is not None and not url.startswith(("http://", "https://")):
        return Failure(row_id, f"{row_id} (line {line}): url {url!r} is not an http(s) URL")
    return Row(line, row_id, values["question"], values["answer"], url)


def _unique(found: list[Row | Failure]) -> list[Row | Failure]:
    """An id used by several rows fails once for all of them: which row is meant is anyone's guess."""
    counts = Counter(_locator(item) for item in found)
    result: list[Row | Failure] = []
    for item in found:
        locator = _locator(item)
        if counts[locator] == 1:
            result.append(item)
        elif counts[locator] > 1:
            result.append(
                Failure(locator, f"{locator}: {counts[locator]} rows use this id; give each its own")
            )
            counts[locator] = 0  # reported
    return result


def _locator(item: Row | Failure) -> str:
    return item.id if isinstance(item, Row) else item.locator


# mypy --strict proves the class fits fin-ingest's ConnectorFactory Protocol with its own options.
_factory: ConnectorFactory[FaqOptions] = FaqConnector
