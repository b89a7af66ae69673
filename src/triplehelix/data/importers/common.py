"""What the importers share: the record collector, CSV reading, CORDIS country codes.

An importer turns a real-world file into the same validated records as hand-written
data (``data.models``), each fact citing the source record (a row, a ROR record) it
comes from; those source records belong to a source document that carries the
dataset's title, publisher, licence and URL, so attribution travels with every fact.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from triplehelix.data.files import read_regular
from triplehelix.data.loader import Located, RecordSet
from triplehelix.data.models import Document, Record, SourceRecord, record_key
from triplehelix.data.types import countries, expected_of
from triplehelix.errors import InputError, InvalidDataError, Problem

__all__ = ["Collector", "CsvRow", "cordis_country", "read_csv_rows"]

MISSING = frozenset({"", "NA", "N/A", "NULL", "null", "NaN", "nan"})
"""Cell values that mean "no value": the fact is absent, never zero."""


@dataclass(slots=True)
class CsvRow:
    """One CSV record with the line it starts on (quoted fields may span lines)."""

    line: int
    cells: dict[str, str]

    def get(self, column: str) -> str | None:
        """The cell's text, or None when it is missing (``NA``, empty, absent column)."""
        value = self.cells.get(column)
        if value is None:
            return None
        value = value.strip()
        return None if value in MISSING else value


def read_csv_rows(path: Path) -> tuple[list[str], Iterator[CsvRow], str]:
    """Header, rows and SHA-256 of a CSV/TSV file (``;``, ``,`` or tab; BOM removed).

    Raises:
        InputError: the file is missing, not a regular file, not UTF-8, or has no header.
    """
    content = read_regular(path)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not UTF-8 text (byte {exc.start})",
            code="bad-encoding",
            hint="save the file as UTF-8",
        ) from exc
    first = text.split("\n", 1)[0]
    if not first.strip():
        raise InputError(
            f"{path}:1: no header row", code="no-header", hint="the first row names the columns"
        )
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip() for h in next(reader)]

    def rows() -> Iterator[CsvRow]:
        start = reader.line_num + 1
        for cells in reader:
            if any(c.strip() for c in cells):
                yield CsvRow(start, dict(zip(header, cells, strict=False)))
            start = reader.line_num + 1

    return header, rows(), hashlib.sha256(content).hexdigest()


@cache
def _cordis_countries() -> dict[str, str | None]:
    text = files("triplehelix.data.importers").joinpath("cordisref-countries-en.csv")
    out: dict[str, str | None] = {}
    iso = countries()
    for row in csv.DictReader(io.StringIO(text.read_text(encoding="utf-8")), delimiter=";"):
        code = row["isoCode"] if row["isoCode"] != "NULL" else row["euCode"]
        out[row["euCode"]] = code if code in iso else None
    return out


def cordis_country(code: str) -> str | None:
    """The ISO 3166-1 code of a CORDIS country code (None if ISO has none, e.g. Kosovo).

    Uses the official CORDIS code list (``cordisref-countries.csv``, English rows).

    >>> cordis_country("UK"), cordis_country("EL"), cordis_country("KG"), cordis_country("XK")
    ('GB', 'GR', 'KG', None)
    """
    code = code.strip().upper()
    table = _cordis_countries()
    if code in table:
        return table[code]
    return code if code in countries() else None


@dataclass(slots=True)
class Collector:
    """Records of one import with their locations; invalid ones become problems.

    Records are keyed by ``record_key``: adding a key twice keeps the first record.
    """

    rs: RecordSet = field(default_factory=RecordSet)
    keys: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    documents: list[int] = field(default_factory=list)  # positions of the documents

    def add(self, model: type[Record], data: dict[str, Any], file: str, line: int) -> Record | None:
        """Validate and add one record; return it (or None if invalid or already there)."""
        try:
            rec = model.model_validate(data)
        except ValidationError as exc:
            for e in exc.errors(include_url=False):
                path = ".".join(str(x) for x in e["loc"]) or None
                found = repr(e.get("input"))[:60]
                expected = expected_of(e)
                self.problems.append(Problem(file, line, path, "invalid-value", expected, found))
            return None
        key = record_key(rec)
        if key in self.keys:
            return None
        self.keys[key] = len(self.rs.records)
        self.rs.records.append(rec)
        self.rs.where.append(Located(file, line, "csv" if file.endswith("csv") else "json"))
        return rec

    def get(self, key: str) -> Record | None:
        """The record added under ``key``, if any."""
        i = self.keys.get(key)
        return None if i is None else self.rs.records[i]

    def replace(self, key: str, rec: Record) -> None:
        """Put a new version of an added record in its place (e.g. with more sources)."""
        self.rs.records[self.keys[key]] = rec

    def document(self, doc_id: str, file: str, sha: str, **fields: Any) -> str:
        """Add the source document of a file (title, url, publisher, licence…)."""
        self.rs.files[file] = sha
        if self.add(Document, {"id": doc_id, **fields}, file, 1) is not None:
            self.documents.append(len(self.rs.records) - 1)
        return doc_id

    def source(self, doc_id: str, record_id: str, file: str, line: int, locator: str) -> str:
        """Add the source record of one row or record of a document."""
        self.add(
            SourceRecord,
            {"id": record_id, "document": doc_id, "locator": locator},
            file,
            line,
        )
        return record_id

    def flush(self) -> RecordSet:
        """The records so far (see ``result``); the next set starts with the documents again.

        Raises:
            InvalidDataError: some rows gave invalid records.
        """
        out = self.result()
        docs = [(out.records[i], out.where[i]) for i in self.documents]
        self.rs = RecordSet(files=dict(out.files))
        self.keys = {}
        self.documents = []
        for rec, loc in docs:
            self.documents.append(len(self.rs.records))
            self.keys[record_key(rec)] = len(self.rs.records)
            self.rs.records.append(rec)
            self.rs.where.append(loc)
        return out

    def result(self) -> RecordSet:
        """The records, or every problem met.

        Raises:
            InvalidDataError: some rows gave invalid records (nothing is written).
        """
        if self.problems:
            raise InvalidDataError(self.problems, hint="fix the listed rows; nothing was written")
        return self.rs
