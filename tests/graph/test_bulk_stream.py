"""The bulk loader's streaming reader: located problems, chunks, and what it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from triplehelix.data.stream import RecordStream
from triplehelix.errors import InvalidDataError, UsageError
from triplehelix.graph import bulk


def test_csv_rows_stream_in_chunks_with_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "organisations.csv"
    path.write_text(
        "id;name.en;name.ru;types\n"
        "a;Alpha;Альфа;university\n"
        "\n"
        'b;"Beta\nGmbH";;company\n'
        "c;too;many;cells;here\n"
        "d;Delta;;company\n",
        encoding="utf-8",
    )
    stream = RecordStream.open(str(path), path)
    chunks = list(stream.chunks(2))
    assert [[(r.line, r.data["id"]) for r in c] for c in chunks] == [
        [(2, "a"), (4, "b")],
        [(7, "d")],
    ]
    assert chunks[0][0].data == {
        "id": "a",
        "name": {"en": "Alpha", "ru": "Альфа"},
        "types": "university",
    }
    assert chunks[0][0].kind_hint == "organisation"
    assert [(p.line, p.code, p.expected) for p in stream.problems] == [
        (6, "malformed-csv", "4 columns")
    ]


def test_binary_and_bad_rows_are_problems_and_nothing_is_prepared(tmp_path: Path) -> None:
    (tmp_path / "dump.jsonl").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "orgs.jsonl").write_bytes(b'{"id": "a", "name": "A", "types": ["company"]}\n\xff\n')
    with pytest.raises(InvalidDataError) as caught:
        bulk.prepare([tmp_path])
    found = {(Path(p.file).name, p.line, p.code) for p in caught.value.problems}
    assert found == {("dump.jsonl", None, "not-text"), ("orgs.jsonl", 2, "bad-encoding")}


def test_standard_input_is_refused_by_the_two_pass_loader() -> None:
    with pytest.raises(UsageError) as caught:
        bulk.prepare(["-"])
    assert caught.value.code == "bulk-stdin"
