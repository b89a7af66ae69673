"""The bulk loader's streaming reader: located problems, chunks, and what it refuses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from triplehelix.data.stream import RecordStream
from triplehelix.errors import InvalidDataError, StoreError, UsageError
from triplehelix.graph.store import bulk
from triplehelix.graph.store.local import KnowledgeGraph


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


class _FailingStore:
    """A store whose third chunk write fails like a full disk; the rest is the real store."""

    def __init__(self, store: Any) -> None:
        self.store, self.calls = store, 0

    def load(self, data: Any, fmt: Any) -> None:
        self.calls += 1
        if self.calls == 3:
            raise OSError(28, "No space left on device")
        self.store.load(data, fmt)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def __len__(self) -> int:
        return len(self.store)

    def __iter__(self) -> Any:
        return iter(self.store)


def test_a_write_error_removes_the_partial_source_and_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "orgs.jsonl").write_text(
        "".join(
            json.dumps(
                {"kind": "organisation", "id": f"o{i}", "name": f"Org {i}", "types": ["company"]}
            )
            + "\n"
            for i in range(6)
        ),
        encoding="utf-8",
    )
    kg = KnowledgeGraph()
    real = kg.store
    kg.store = _FailingStore(real)  # type: ignore[assignment]
    with pytest.raises(StoreError) as caught:
        bulk.write(kg, bulk.prepare([tmp_path], chunk=2), chunk=2)
    assert "No space left on device" in str(caught.value)
    kg.store = real
    assert not kg.ask("ASK { ?o a th:Organization }")
    assert bulk.interrupted(real) == []
    assert not any("file-orgs-jsonl" in g for g in kg.graph_names())
