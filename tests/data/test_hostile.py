"""Loaders on hostile input: they return records or raise a TriplehelixError, nothing else.

Property tests feed arbitrary bytes, JSON values, YAML-ish text and record-shaped
mappings to ``load_records`` through every format; example tests cover the inputs that
hang or exhaust parsers (YAML alias bombs, 10,000 levels of nesting, 5 MB lines).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triplehelix.data.loader import RecordSet, load_records
from triplehelix.data.models import MODELS, Contribution
from triplehelix.data.types import Money
from triplehelix.errors import InputError, InvalidDataError, Problem, TriplehelixError

SUFFIXES = (".yaml", ".json", ".jsonl", ".csv", ".tsv")
KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FAST = 15.0  # seconds, generous for busy machines: each input takes about 1 s

PROPERTY = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

KINDS = sorted(MODELS)
FIELD_NAMES = sorted(
    {name for model in MODELS.values() for name in model.model_fields}
    | set(Contribution.model_fields)
    | set(Money.model_fields)
)


# -- helpers ---------------------------------------------------------------------------------


def check_problem(problem: Problem) -> None:
    assert isinstance(problem, Problem)
    assert isinstance(problem.file, str)
    assert problem.file, problem
    assert KEBAB.match(problem.code), problem.code
    assert problem.line is None or (isinstance(problem.line, int) and problem.line >= 1)
    assert problem.field is None or isinstance(problem.field, str)
    assert isinstance(problem.expected, str)
    assert problem.found is None or isinstance(problem.found, str)
    assert isinstance(str(problem), str)
    assert isinstance(problem.where(), str)


def check_error(exc: TriplehelixError) -> None:
    assert KEBAB.match(exc.code), exc.code
    assert isinstance(str(exc), str)
    if isinstance(exc, InvalidDataError):
        assert exc.problems, "an InvalidDataError without problems"
        for problem in exc.problems:
            check_problem(problem)


def load_or_fail_cleanly(*paths: str | Path) -> RecordSet | TriplehelixError:
    """``load_records``: a RecordSet, or the TriplehelixError it raised (checked).

    Any other exception propagates and fails the test.
    """
    try:
        rs = load_records([str(p) for p in paths])
    except TriplehelixError as exc:
        error = exc
    else:
        assert len(rs.records) == len(rs.where)
        return rs
    check_error(error)
    return error


def problems_of(result: RecordSet | TriplehelixError) -> list[Problem]:
    assert isinstance(result, InvalidDataError), result
    return list(result.problems)


@contextmanager
def scratch() -> Iterator[Path]:
    """A fresh folder per hypothesis example (function-scoped fixtures are not)."""
    with tempfile.TemporaryDirectory(prefix="th-hostile-") as name:
        yield Path(name)


def load_bytes(content: bytes, suffix: str, stem: str = "records") -> RecordSet | TriplehelixError:
    with scratch() as folder:
        path = folder / f"{stem}{suffix}"
        path.write_bytes(content)
        return load_or_fail_cleanly(path)


def load_stdin(content: bytes, stdin_format: str | None = None) -> RecordSet | TriplehelixError:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(content)))
        try:
            return load_records(["-"], stdin_format=stdin_format)
        except TriplehelixError as exc:
            error = exc
    check_error(error)
    if isinstance(error, InvalidDataError):
        assert {p.file for p in error.problems} == {"<stdin>"}
    return error


def nested_list(depth: int, leaf: Any = 0) -> Any:
    value = leaf
    for _ in range(depth):
        value = [value]
    return value


# -- strategies ------------------------------------------------------------------------------

# Text with the occasional lone surrogate (only writable as a JSON \\udxxx escape).
wild_text = st.text(
    alphabet=st.one_of(st.characters(), st.integers(0xD800, 0xDFFF).map(chr)), max_size=12
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([2**64, -(2**63), 10**300, -(10**1000)]),
    st.floats(allow_nan=True, allow_infinity=True),
    wild_text,
    st.sampled_from(["", " ", "KZ", "NO", "2023-02-30", "2025-13", "https://x", "EUR", "1e400"]),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(wild_text, children, max_size=4),
    ),
    max_leaves=12,
)
field_values = st.one_of(
    json_values,
    st.integers(0, 60).map(nested_list),
    st.dictionaries(st.sampled_from(["en", "ru", "kk", "tg", "", "EN", "xx-"]), wild_text),
    st.lists(st.sampled_from(["university", "company", "partner", "x", ""]), max_size=3),
)
record_dicts = st.builds(
    lambda kind, fields, extra: ({"kind": kind} if kind is not None else {}) | fields | extra,
    st.one_of(st.none(), st.sampled_from(KINDS), scalars),
    st.dictionaries(st.sampled_from(FIELD_NAMES), field_values, max_size=6),
    st.dictionaries(wild_text, scalars, max_size=2),
)

YAML_FRAGMENTS = [
    "- ",
    "  ",
    "\n",
    ": ",
    "? ",
    ", ",
    "[",
    "]",
    "{",
    "}",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "<<: ",
    "!!int ",
    "!!float ",
    "!!bool ",
    "!!str ",
    "!!null ",
    "!!timestamp ",
    "!!binary ",
    "!!set ",
    "!!omap ",
    "!!pairs ",
    "!!map ",
    "!!seq ",
    "!!python/object:os.system ",
    "!local ",
    "!<tag:yaml.org,2002:int> ",
    "%YAML 1.1\n",
    "%TAG ! tag:x,2000:\n",
    "---\n",
    "...\n",
    "|\n",
    ">-\n",
    "#",
    "'",
    '"',
    "\\",
    "0x",
    "0o",
    "0b",
    "1:20:30",
    "ff",
    "99999",
    ".nan",
    ".inf",
    "-.inf",
    "~",
    "null",
    "NO",
    "yes",
    "2025-04-10",
    "2025-04-10T10:00:00Z",
    "kind",
    "organisation",
    "participation",
    "id",
    "x",
    "name",
    "types",
    "university",
    "country",
    "KZ",
    "agent",
    "activity",
    "role",
    "partner",
    "start",
    "end",
    "amount",
    "value",
    "currency",
    "\t",
    "\u2028",
    "\x85",
    "\ufeff",
    "é",
    "Қ",
]
yamlish = st.lists(
    st.one_of(st.sampled_from(YAML_FRAGMENTS), st.text(max_size=3)), max_size=40
).map("".join)
CSV_ALPHABET = ",;|\t\"'\r\n. kindidnametypesorganisationuniversity0123456789KZ{}[]=\\"
csvish = st.text(alphabet=CSV_ALPHABET, max_size=200)
stems = st.sampled_from(["records", "organisations", "02-projects", "participations", "x"])


# -- properties ------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", SUFFIXES)
@PROPERTY
@given(content=st.binary(max_size=400), stem=stems)
def test_arbitrary_bytes_never_crash(suffix: str, content: bytes, stem: str) -> None:
    result = load_bytes(content, suffix, stem)
    if isinstance(result, RecordSet):
        assert result.files


@PROPERTY
@given(
    content=st.one_of(st.binary(max_size=300), yamlish.map(str.encode)),
    stdin_format=st.sampled_from([None, "yaml", "json", "jsonl", "csv"]),
)
def test_arbitrary_stdin_never_crashes(content: bytes, stdin_format: str | None) -> None:
    load_stdin(content, stdin_format)


@PROPERTY
@given(value=json_values, ensure_ascii=st.booleans(), stem=stems)
def test_arbitrary_json_values_never_crash(value: Any, ensure_ascii: bool, stem: str) -> None:
    text = json.dumps(value, ensure_ascii=ensure_ascii, indent=st_indent(value))
    load_bytes(text.encode("utf-8", "surrogatepass"), ".json", stem)


def st_indent(value: Any) -> int | None:
    """Some JSON is indented, so items start on different lines."""
    return 1 if isinstance(value, list | dict) and len(value) % 2 else None


@PROPERTY
@given(values=st.lists(json_values, max_size=6), ensure_ascii=st.booleans(), stem=stems)
def test_arbitrary_json_lines_never_crash(values: list[Any], ensure_ascii: bool, stem: str) -> None:
    text = "\n".join(json.dumps(v, ensure_ascii=ensure_ascii) for v in values)
    load_bytes(text.encode("utf-8", "surrogatepass"), ".jsonl", stem)


@PROPERTY
@given(text=yamlish, stem=stems)
def test_yamlish_text_never_crashes(text: str, stem: str) -> None:
    load_bytes(text.encode("utf-8", "surrogatepass"), ".yaml", stem)


@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
@PROPERTY
@given(text=csvish, stem=stems)
def test_csvish_text_never_crashes(suffix: str, text: str, stem: str) -> None:
    load_bytes(text.encode(), suffix, stem)


def _cell(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _as_csv(records: list[dict[str, Any]], delimiter: str) -> str:
    header = sorted({k for r in records for k in r})
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    for record in records:
        writer.writerow([_cell(record[k]) if k in record else "" for k in header])
    return buffer.getvalue()


def _dump(records: list[dict[str, Any]], fmt: str) -> bytes:
    if fmt == ".json":
        text = json.dumps(records)
    elif fmt == ".jsonl":
        text = "\n".join(json.dumps(r) for r in records)
    elif fmt == ".yaml":
        text = yaml.safe_dump(records, allow_unicode=True)
    else:
        text = _as_csv(records, "\t" if fmt == ".tsv" else ",")
    return text.encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("fmt", SUFFIXES)
@PROPERTY
@given(records=st.lists(record_dicts, min_size=1, max_size=4), stem=stems)
def test_record_shaped_mappings_never_crash(
    fmt: str, records: list[dict[str, Any]], stem: str
) -> None:
    result = load_bytes(_dump(records, fmt), fmt, stem)
    if isinstance(result, RecordSet) and fmt not in (".csv", ".tsv"):  # CSV skips empty rows
        assert len(result) == len(records)


@settings(PROPERTY, max_examples=50)
@given(records=st.lists(record_dicts, min_size=1, max_size=3))
def test_mixed_files_never_crash(records: list[dict[str, Any]]) -> None:
    with scratch() as folder:
        for i, fmt in enumerate((".yaml", ".json", ".jsonl")):
            (folder / f"{i}{fmt}").write_bytes(_dump(records, fmt))
        load_or_fail_cleanly(folder)


# -- pathological inputs, one by one ---------------------------------------------------------


@contextmanager
def quickly(limit: float = FAST) -> Iterator[None]:
    start = time.perf_counter()
    yield
    elapsed = time.perf_counter() - start
    assert elapsed < limit, f"took {elapsed:.1f} s"


def billion_laughs(levels: int = 9) -> str:
    lines = ['lol0: &lol0 "lol"']
    for i in range(1, levels + 1):
        refs = ", ".join([f"*lol{i - 1}"] * 10)
        lines.append(f"lol{i}: &lol{i} [{refs}]")
    return "\n".join(lines) + "\nkind: sector\nid: s\nname: laughs\n"


def test_yaml_alias_bomb_is_refused_fast(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(billion_laughs())
    with quickly():
        result = load_or_fail_cleanly(path)
    problems = problems_of(result)
    assert [(p.code, p.line) for p in problems] == [("yaml-alias", 1)]
    # lol_i is a list of ten lol_(i-1): 1 + 10 * size; sizes 1, 11, 111, … 1,111,111,111 sum
    # to 1,234,567,900; plus the root mapping, its 13 keys and 3 other values.
    assert "to 1,234,567,917" in (problems[0].found or "")


def test_aliases_that_only_repeat_a_value_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "sectors.yaml"
    path.write_text(
        "- {kind: sector, id: a, name: &n A}\n- {kind: sector, id: b, name: *n}\n"
        "- &base {kind: sector, id: c, name: C}\n- <<: *base\n  id: d\n"
    )
    rs = load_or_fail_cleanly(path)
    assert isinstance(rs, RecordSet)
    assert [(r.id, r.name) for r in rs.records] == [  # type: ignore[attr-defined]
        ("a", {"en": "A"}),
        ("b", {"en": "A"}),
        ("c", {"en": "C"}),
        ("d", {"en": "C"}),
    ]


def test_yaml_anchor_without_alias_is_harmless(tmp_path: Path) -> None:
    path = tmp_path / "sectors.yaml"
    path.write_text("- &a {kind: sector, id: a, name: A}\n")
    rs = load_or_fail_cleanly(path)
    assert isinstance(rs, RecordSet)
    assert len(rs) == 1


@pytest.mark.parametrize(
    ("suffix", "text"),
    [
        (".yaml", "[" * 10_000 + "]" * 10_000),
        (".yaml", "a: " * 10_000 + "b\n"),
        (".yaml", "".join("  " * i + "- \n" for i in range(2_000)) + "  " * 2_000 + "x\n"),
        (".yaml", "{a: " * 10_000 + "b" + "}" * 10_000),
        (".json", "[" * 10_000 + "]" * 10_000),
        (".json", '{"a": ' * 10_000 + "1" + "}" * 10_000),
        (".json", '[{"kind": "sector", "id": "s", "name": ' + "[" * 10_000 + "]" * 10_000 + "}]"),
        (".jsonl", "[" * 10_000 + "]" * 10_000 + '\n{"kind": "sector"}'),
        (".jsonl", '{"kind": "sector", "id": "s", "name": ' + "[" * 10_000 + "]" * 10_000 + "}"),
    ],
)
def test_deep_nesting_is_refused_fast(tmp_path: Path, suffix: str, text: str) -> None:
    path = tmp_path / f"deep{suffix}"
    path.write_text(text)
    with quickly():
        problems = problems_of(load_or_fail_cleanly(path))
    assert {p.code for p in problems} <= {
        "malformed-yaml",
        "malformed-json",
        "not-a-record",
        "invalid-value",
        "missing-field",
    }


@pytest.mark.parametrize("depth", [10, 100, 400, 900])
@pytest.mark.parametrize("suffix", [".json", ".jsonl", ".yaml"])
def test_moderately_deep_values_in_records(tmp_path: Path, depth: int, suffix: str) -> None:
    record = {"kind": "organisation", "id": "x", "types": ["university"]}
    record["name"] = nested_list(depth)
    text = json.dumps([record]) if suffix == ".json" else json.dumps(record)
    if suffix == ".yaml":
        text = "- " + text  # JSON is YAML flow style
    path = tmp_path / f"deep{suffix}"
    path.write_text(text)
    with quickly():
        problems = problems_of(load_or_fail_cleanly(path))
    assert problems


FIVE_MB = 5 * 2**20


@pytest.mark.parametrize(
    ("suffix", "text", "codes"),
    [
        (".yaml", "- " + "x" * FIVE_MB + "\n", {"not-a-record"}),
        (".yaml", "- {kind: sector, id: s, name: " + "x" * FIVE_MB + "}\n", {"invalid-value"}),
        (".yaml", "x" * FIVE_MB, {"not-a-record"}),
        (".json", json.dumps(["x" * FIVE_MB]), {"not-a-record"}),
        (
            ".jsonl",
            json.dumps({"kind": "sector", "id": "s" * FIVE_MB}),
            {"invalid-value", "missing-field"},
        ),
        (".csv", "kind,id,name\nsector,s," + "x" * FIVE_MB + "\n", {"malformed-csv"}),
        (".csv", "x" * FIVE_MB, {"unknown-kind", "malformed-csv"}),
    ],
)
def test_a_five_megabyte_line_is_handled_fast(
    tmp_path: Path, suffix: str, text: str, codes: set[str]
) -> None:
    path = tmp_path / f"long{suffix}"
    path.write_text(text)
    with quickly():
        problems = problems_of(load_or_fail_cleanly(path))
    assert {p.code for p in problems} <= codes
    assert all(len(str(p)) < 2_000 for p in problems)  # found values are shortened


@pytest.mark.parametrize(
    ("suffix", "text", "code"),
    [
        (".json", "[" + "1" * 5_000 + "]", "malformed-json"),
        (".jsonl", '{"kind": "idea", "horizon": ' + "1" * 5_000 + "}", "malformed-json"),
        (".yaml", "- " + "1" * 5_000, "malformed-yaml"),
        (".yaml", "- 0x" + "f" * 5_000, "malformed-yaml"),
        (".yaml", "- {kind: idea, text: t, horizon: 0x" + "f" * 5_000 + "}", "malformed-yaml"),
        (".yaml", "- {0b" + "1" * 20_000 + ": x}", "malformed-yaml"),
        (".yaml", "- " + ":".join(["59"] * 2_000), "malformed-yaml"),
    ],
)
def test_huge_integers_are_problems(tmp_path: Path, suffix: str, text: str, code: str) -> None:
    path = tmp_path / f"big{suffix}"
    path.write_text(text)
    assert code in {p.code for p in problems_of(load_or_fail_cleanly(path))}


@pytest.mark.parametrize(
    "text",
    [
        "- !!bool maybe",
        "- !!int twelve",
        "- !!int 0x",
        "- !!float many",
        "- !!timestamp yesterday",
        "- !!binary '%%%'",
        "- !!python/object:os.system {}",
        "- !!python/name:os.system",
        "- !!set [1, 2]",
        "- !!omap {a: 1}",
        "- !!pairs 3",
        "- !!null x",
        "- !local {a: 1}",
        "- {[1, 2]: x}",
        "- {? {a: 1} : x}",
        "- {~: x}",
        "- {kind: project, id: p, name: P, start: !!timestamp 2020-01-01T10:00:00Z}",
        "- {kind: organisation, id: !!binary aGVsbG8=, name: A, types: [university]}",
        "- {kind: organisation, id: o, name: !!set {a, b}, types: [university]}",
        "- {kind: organisation, id: o, name: !!omap [a: 1], types: !!pairs [a: b]}",
        "- {kind: organisation, id: o, name: A, types: [university], country: .nan}",
    ],
)
def test_explicit_yaml_tags_never_crash(tmp_path: Path, text: str) -> None:
    path = tmp_path / "tags.yaml"
    path.write_text(text + "\n")
    result = load_or_fail_cleanly(path)
    if isinstance(result, RecordSet):
        assert len(result) == 1


@pytest.mark.parametrize(
    "text",
    [
        '{"organisations": 3, "organisations": [{"id": "a"}]}',
        '{"organisations": [1], "organisations": [1, 2, 3]}',
        '{"organisations": [1, 2, 3], "projects": [], "organisations": [1]}',
        '{"kind": "sector", "id": "a", "kind": "sector", "name": "A"}',
        '[{"kind": "sector", "id": "a", "name": "A", "name": {"en": "B"}}]',
    ],
)
def test_duplicate_json_keys_never_crash(tmp_path: Path, text: str) -> None:
    path = tmp_path / "dup.json"
    path.write_text(text)
    load_or_fail_cleanly(path)


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".csv"])
def test_nul_after_the_sniffed_prefix(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"late-nul{suffix}"
    body = {".yaml": "- a\n", ".json": '["a",\n', ".csv": "kind,id\n"}[suffix]
    path.write_bytes(body.encode() + b" " * 9000 + b"\x00\n")
    problems_of(load_or_fail_cleanly(path))


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c"])
def test_json_lines_split_only_at_newlines(tmp_path: Path, char: str) -> None:
    # JSON allows U+2028/U+2029/U+0085 unescaped inside strings; str.splitlines() did not.
    path = tmp_path / "sectors.jsonl"
    lines = [
        json.dumps({"kind": "sector", "id": "a", "description": {"en": f"x{char}y"}, "name": "A"}),
        json.dumps({"kind": "sector", "id": "b", "name": "B"}),
    ]
    if char in "\x0b\x0c\x1c":  # control characters must be escaped in JSON; keep them so
        path.write_text("\n".join(lines), encoding="utf-8")
    else:
        path.write_text(
            "\n".join(json.dumps(json.loads(ln), ensure_ascii=False) for ln in lines),
            encoding="utf-8",
        )
    rs = load_or_fail_cleanly(path)
    if char in "\x0b\x0c\x1c":  # refused in text (issue 12), but on the line that holds it
        (problem,) = problems_of(rs)
        assert (problem.line, problem.field) == (1, "description.en")
        return
    assert isinstance(rs, RecordSet)
    assert [w.line for w in rs.where] == [1, 2]
    assert rs.records[0].description == {"en": f"x{char}y"}


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"   \n\t\n",
        b"\xef\xbb\xbf",
        b"\xff\xfe{}",
        b"\x00",
        "\ud800".encode("utf-8", "surrogatepass"),
    ],
)
@pytest.mark.parametrize("suffix", SUFFIXES)
def test_degenerate_files(tmp_path: Path, content: bytes, suffix: str) -> None:
    path = tmp_path / f"odd{suffix}"
    path.write_bytes(content)
    problems_of(load_or_fail_cleanly(path))


def test_stdin_alias_bomb_and_nesting(monkeypatch: pytest.MonkeyPatch) -> None:
    for text in (billion_laughs(), "[" * 10_000 + "]" * 10_000):
        with quickly():
            assert problems_of(load_stdin(text.encode()))


def test_surrogate_escapes_in_records_are_problems(tmp_path: Path) -> None:
    path = tmp_path / "orgs.json"
    org = {"kind": "organisation", "types": ["university"]}
    records = [org | {"id": "a", "name": "\ud800"}, org | {"id": "b", "name": "B", "\udfff": 1}]
    path.write_text(json.dumps(records, indent=1))  # ensure_ascii: \ud800 escapes
    problems = problems_of(load_or_fail_cleanly(path))
    # pydantic refuses a surrogate key itself (at the record, no field), not as unknown
    assert [(p.line, p.field, p.code) for p in problems] == [
        (2, "name.en", "invalid-value"),
        (10, None, "invalid-value"),
    ]


def test_nan_and_infinity_amounts_are_problems(tmp_path: Path) -> None:
    path = tmp_path / "grants.json"
    grants = [
        {"kind": "grant", "id": f"g{i}", "amount": {"value": v, "currency": "EUR"}}
        for i, v in enumerate([math.nan, math.inf, -math.inf, 1e308])
    ]
    path.write_text(json.dumps(grants))
    problems = problems_of(load_or_fail_cleanly(path))
    # 1e308 too: no SPARQL store sums a decimal of 309 digits (issue 12)
    assert [(p.field, p.code) for p in problems] == [("amount.value", "invalid-value")] * 4


def test_missing_path_is_still_an_input_error() -> None:
    with pytest.raises(InputError):
        load_records(["/nonexistent/hostile.yaml"])
