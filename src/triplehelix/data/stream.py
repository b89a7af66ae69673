"""Stream record files in chunks of raw records, so memory does not grow with file size.

JSON Lines and CSV/TSV files are read line by line (row by row); the other formats
(YAML, JSON, and standard input) are parsed whole by ``readers.read_source`` — they are
size-limited there — and handed out in the same chunks. Each file's SHA-256 is computed
while it streams, for provenance. Like the readers, this module never validates fields:
``loader.validate_raw`` does, chunk by chunk (see ``graph.bulk``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from triplehelix.data.files import open_regular
from triplehelix.data.raw import show
from triplehelix.data.readers import (
    RDF_SUFFIXES,
    RECORD_SUFFIXES,
    RawRecord,
    kind_from_name,
    read_source,
)
from triplehelix.data.text_readers import csv_records, decoded_lines
from triplehelix.errors import Problem

__all__ = ["RecordStream"]

CHUNK = 5_000  # records: ~35 MB of N-Quads text at ~34 quads per participation


@dataclass(slots=True)
class RecordStream:
    """One input file, read in chunks.

    Attributes:
        name: the file name as the user gave it.
        path: the file (None for standard input).
        fmt: ``jsonl``, ``csv``, ``yaml``, ``json`` or an RDF format.
        problems: what could not be read (filled while streaming).
        sha256: hex digest of the bytes, known once the stream is exhausted.
    """

    name: str
    path: Path | None
    fmt: str
    problems: list[Problem] = field(default_factory=list)
    sha256: str = ""

    @classmethod
    def open(cls, name: str, path: Path | None, fmt: str | None = None) -> RecordStream:
        """A stream over one file; the format comes from its suffix, else from ``fmt``."""
        suffix = path.suffix.lower() if path else ""
        found = RECORD_SUFFIXES.get(suffix) or RDF_SUFFIXES.get(suffix) or fmt or "yaml"
        return cls(name, path, found)

    @property
    def is_rdf(self) -> bool:
        """Whether the file is RDF (loaded as it is, not as records)."""
        return self.fmt in RDF_SUFFIXES.values()

    def chunks(self, size: int = CHUNK) -> Iterator[list[RawRecord]]:
        """Raw records in lists of at most ``size``; problems go to ``self.problems``.

        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "orgs.jsonl"
        >>> _ = p.write_text('{"id": "a"}\\n\\n{"id": "b"}\\n[1]\\n', encoding="utf-8")
        >>> s = RecordStream.open(str(p), p)
        >>> [[(r.line, r.kind_hint) for r in c] for c in s.chunks(1)]
        [[(1, 'organisation')], [(3, 'organisation')]]
        >>> [(x.line, x.code) for x in s.problems], len(s.sha256)
        ([(4, 'not-a-record')], 64)
        """
        if self.path is None or self.fmt not in ("jsonl", "csv"):
            yield from self._whole(size)
            return
        hint = kind_from_name(self.path.stem)
        with open_regular(self.path) as raw:
            head = raw.read(8192)
            raw.seek(0)
            self.sha256 = hashlib.file_digest(raw, "sha256").hexdigest()
        if b"\x00" in head or (not head.strip() and len(head) < 8192):
            binary = b"\x00" in head
            self.problems.append(
                Problem(
                    self.name,
                    None,
                    None,
                    "not-text" if binary else "empty-file",
                    "a UTF-8 text file (JSON Lines or CSV)" if binary else "at least one record",
                    "binary data (NUL bytes)" if binary else "an empty file",
                )
            )
            return
        with open_regular(self.path) as raw:
            rows = self._jsonl(raw, hint) if self.fmt == "jsonl" else self._csv(raw, hint)
            yield from _batched(rows, size)

    def _whole(self, size: int) -> Iterator[list[RawRecord]]:
        src = read_source(self.name, self.path, None if self.path else self.fmt)
        self.fmt = src.fmt
        self.sha256 = hashlib.sha256(src.content).hexdigest()
        self.problems.extend(src.problems)
        for start in range(0, len(src.records), size):
            yield src.records[start : start + size]

    def _jsonl(self, raw: IO[bytes], hint: str | None) -> Iterator[RawRecord]:
        for number, data in enumerate(raw, start=1):
            text = self._decode(data, number)
            if text is None or not text.strip():
                continue
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                self._problem(
                    number, "malformed-json", "well-formed JSON", f"{exc.msg} (column {exc.colno})"
                )
                continue
            except (ValueError, RecursionError) as exc:
                self._problem(number, "malformed-json", "well-formed JSON", show(str(exc)))
                continue
            if isinstance(value, dict):
                yield RawRecord(value, self.name, number, hint, fmt="jsonl")
            else:
                self._problem(
                    number,
                    "not-a-record",
                    "a record (a mapping of field names to values)",
                    show(json.dumps(value, ensure_ascii=False)),
                )

    def _csv(self, raw: IO[bytes], hint: str | None) -> Iterator[RawRecord]:
        for line, record in csv_records(self.name, decoded_lines(raw), self.problems):
            yield RawRecord(record, self.name, line, hint, fmt="csv")

    def _decode(self, data: bytes, number: int) -> str | None:
        try:
            return data.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            self._problem(
                number, "bad-encoding", "UTF-8 text", f"byte 0x{data[exc.start]:02x} in the line"
            )
            return None

    def _problem(self, line: int, code: str, expected: str, found: str) -> None:
        self.problems.append(Problem(self.name, line, None, code, expected, found))


def _batched(rows: Iterator[RawRecord], size: int) -> Iterator[list[RawRecord]]:
    batch: list[RawRecord] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
