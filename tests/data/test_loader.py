"""Loaders: every format, every error code, located at file, line and field."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from cli_helpers import FIXTURES
from triplehelix.data.loader import load_records
from triplehelix.data.models import Grant, Organisation, Participation, Project
from triplehelix.errors import InputError, InvalidDataError

VALID = FIXTURES / "valid"
INVALID = FIXTURES / "invalid"


def problems_of(*paths: Path | str) -> list[tuple[str, int | None, str | None, str]]:
    with pytest.raises(InvalidDataError) as info:
        load_records([str(p) for p in paths])
    return [(Path(p.file).name, p.line, p.field, p.code) for p in info.value.problems]


def test_valid_dataset_mixes_formats() -> None:
    rs = load_records([VALID])
    assert rs.counts() == {
        "document": 1,
        "record": 2,
        "programme": 1,
        "grant": 1,
        "event": 1,
        "organisation": 4,
        "project": 3,
        "participation": 9,
    }


def test_csv_cells_become_typed_fields() -> None:
    rs = load_records([VALID])
    orgs = {o.id: o for o in rs.of_kind("organisation") if isinstance(o, Organisation)}
    assert orgs["gamma"].types == ["research-organisation", "company"]
    assert orgs["beta"].name == {"en": "Beta Steel", "ru": "Бета Сталь, АО"}
    assert orgs["gamma"].sources == []  # empty cell = absent, never ""
    assert orgs["alpha"].acronym == "AU"


def test_json_and_jsonl_records() -> None:
    rs = load_records([VALID])
    grant = next(g for g in rs.of_kind("grant") if isinstance(g, Grant))
    assert grant.amount is not None
    assert grant.amount.value == Decimal("150000.50")
    parts = [p for p in rs.of_kind("participation") if isinstance(p, Participation)]
    assert parts[2].contributions[0].amount is not None
    assert parts[2].contributions[0].amount.value == Decimal("1000")
    project = next(p for p in rs.of_kind("project") if isinstance(p, Project) and p.id == "p2")
    assert (project.start, project.end) == ("2021-01", "2023-12")


def test_locations_are_file_and_line() -> None:
    rs = load_records([VALID])
    where = {(Path(w.file).name, w.line) for w in rs.where}
    assert ("10-organisations.csv", 2) in where  # first data row is row 2
    assert ("30-participations.jsonl", 9) in where
    assert ("20-projects.json", 4) in where  # the third project starts on line 4


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("malformed-yaml.yaml", [("malformed-yaml.yaml", 4, None, "malformed-yaml")]),
        ("malformed-json.json", [("malformed-json.json", 3, None, "malformed-json")]),
        ("malformed-jsonl.jsonl", [("malformed-jsonl.jsonl", 2, None, "malformed-json")]),
        ("malformed-csv.csv", [("malformed-csv.csv", 3, None, "malformed-csv")]),
        ("empty-file.yaml", [("empty-file.yaml", None, None, "empty-file")]),
        ("not-text.json", [("not-text.json", None, None, "not-text")]),
        ("bad-encoding.csv", [("bad-encoding.csv", 2, None, "bad-encoding")]),
        ("unknown-field.yaml", [("unknown-field.yaml", 5, "homepage", "unknown-field")]),
        ("unknown-value.yaml", [("unknown-value.yaml", 4, "types.0", "unknown-value")]),
        ("missing-field.yaml", [("missing-field.yaml", 2, "name", "missing-field")]),
        (
            "invalid-value.yaml",
            [
                ("invalid-value.yaml", 5, "country", "invalid-value"),
                ("invalid-value.yaml", 9, "amount.value", "invalid-value"),
            ],
        ),
        ("unknown-reference.yaml", [("unknown-reference.yaml", 5, "agent", "unknown-reference")]),
        ("wrong-reference.yaml", [("wrong-reference.yaml", 7, "agent", "wrong-reference")]),
        ("duplicate-id.yaml", [("duplicate-id.yaml", 6, "id", "duplicate-id")]),
        ("end-before-start.yaml", [("end-before-start.yaml", 5, "end", "invalid-value")]),
        ("not-a-record.json", [("not-a-record.json", 3, None, "not-a-record")]),
        ("unknown-kind.jsonl", [("unknown-kind.jsonl", 1, "kind", "unknown-kind")]),
    ],
)
def test_each_invalid_fixture_reports_its_problem(
    name: str, expected: list[tuple[str, int | None, str | None, str]]
) -> None:
    assert problems_of(INVALID / name) == expected


def test_every_problem_is_collected_across_files() -> None:
    found = problems_of(INVALID / "unknown-field.yaml", INVALID / "malformed-jsonl.jsonl")
    assert {f[3] for f in found} == {"unknown-field", "malformed-json"}


def test_problem_text_names_place_expected_and_found() -> None:
    with pytest.raises(InvalidDataError) as info:
        load_records([INVALID / "invalid-value.yaml"])
    text = str(info.value.problems[0])
    assert text.startswith(str(INVALID / "invalid-value.yaml") + ":5: country: expected ")
    assert "ISO 3166-1 alpha-2" in text
    assert "found 'XX'" in text


def test_missing_path_is_an_input_error() -> None:
    with pytest.raises(InputError) as info:
        load_records(["/nonexistent/records.yaml"])
    assert info.value.code == "file-not-found"


def test_norway_stays_a_country_in_yaml(tmp_path: Path) -> None:
    # YAML 1.1 reads NO as false; our loader keeps it a string.
    path = tmp_path / "orgs.yaml"
    path.write_text("- {id: uio, name: University of Oslo, types: [university], country: NO}\n")
    (org,) = load_records([path]).records
    assert isinstance(org, Organisation)
    assert org.country == "NO"


def test_dates_keep_their_precision(tmp_path: Path) -> None:
    path = tmp_path / "projects.yaml"
    path.write_text(
        "- {id: a, name: A, start: 2019, end: 2020-06}\n- {id: b, name: B, start: 2021-02-03}\n"
    )
    a, b = load_records([path]).records
    assert isinstance(a, Project)
    assert isinstance(b, Project)
    assert (a.start, a.end, b.start) == ("2019", "2020-06", "2021-02-03")


def test_impossible_date_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "projects.yaml"
    path.write_text("- {id: a, name: A, start: 2023-02-30}\n")
    assert problems_of(path) == [("projects.yaml", 1, "start", "invalid-value")]


def test_cyrillic_round_trips(tmp_path: Path) -> None:
    name = "Таджикский государственный университет коммерции"
    path = tmp_path / "orgs.json"
    path.write_text(
        json.dumps(
            [
                {
                    "kind": "organisation",
                    "id": "tsuc",
                    "types": ["university"],
                    "name": {"ru": name, "tg": "Донишгоҳи давлатии тиҷорати Тоҷикистон"},
                }
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    (org,) = load_records([path]).records
    assert isinstance(org, Organisation)
    assert org.name["ru"] == name


def test_stdin_is_sniffed(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = '{"kind": "sector", "id": "s1", "name": "One"}\n{"kind": "sector", "id": "s2", "name": "Two"}\n'
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(lines.encode())))
    rs = load_records(["-"])
    assert [r.id for r in rs.records] == ["s1", "s2"]
    assert rs.where[1].file == "<stdin>"
    assert rs.where[1].line == 2


def test_csv_from_stdin_needs_its_format(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "kind,id,name.en\nsector,s1,One\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    rs = load_records(["-"], stdin_format="csv")
    assert [r.id for r in rs.records] == ["s1"]
    assert rs.where[0].fmt == "csv"


def test_csv_from_stdin_splits_list_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "kind,id,name,types\norganisation,o,O,university|company\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    (org,) = load_records(["-"], stdin_format="csv").records
    assert isinstance(org, Organisation)
    assert org.types == ["university", "company"]


def test_large_yaml_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    row = "- {kind: sector, id: s, name: " + "x" * 100 + "}\n"
    path.write_text(row * (17 * 2**20 // len(row)))
    with pytest.raises(InvalidDataError) as info:
        load_records([path])
    (problem,) = info.value.problems
    assert problem.code == "file-too-large"
    assert "JSON Lines or CSV" in problem.expected


def test_participation_with_two_sources_of_the_same_fact_is_one_record(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "organisations: [{id: a, name: A, types: [university]}]\n"
        "projects: [{id: p, name: P}]\n"
        "participations:\n"
        "  - {agent: a, activity: p, role: partner}\n"
        "  - {agent: a, activity: p, role: partner}\n"
    )
    assert problems_of(path) == [("p.yaml", 5, "id", "duplicate-id")]


def test_reference_by_iri_is_external_and_accepted(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        "projects: [{id: p, name: P}]\n"
        "participations:\n"
        "  - {agent: 'https://w3id.org/triplehelix/id/org/elsewhere', activity: p, role: partner}\n"
    )
    assert len(load_records([path])) == 2


def test_builtin_sectors_need_no_definition(tmp_path: Path) -> None:
    path = tmp_path / "projects.yaml"
    path.write_text(
        "- {id: p, name: P, sectors: [food-industry, logistics]}\n- {id: q, name: Q, sectors: [mining]}\n"
    )
    assert problems_of(path) == [("projects.yaml", 2, "sectors.0", "unknown-reference")]
