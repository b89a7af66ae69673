"""Hostile values in records and in outputs (issue 12, items 8-11).

Control characters in names, formulas in spreadsheet cells, amounts in exponent form,
full-width digits and terminal escape sequences: validation refuses what records must not
hold, and every writer is safe for where its output lands even when a store holds such
values (written there by another tool: the tests put them in with pyoxigraph directly).
"""

from __future__ import annotations

import csv
import io
import json
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib

from cli_helpers import FIXTURES, Cli, run_main
from triplehelix.graph.exports.neo4j import write_neo4j
from triplehelix.graph.exports.tables import write_csv

SKOS_LABEL = ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel")
HOSTILE = {
    # XML-illegal (NUL, VT), a window-title escape (OSC … BEL) and a clear-screen (CSI 2J)
    "Alpha University": "Alpha\x00Uni\x1b]0;pwned\x07\x1b[2J\x0bversity",
    # a formula behind a tab, and one behind a carriage return: validation strips and
    # refuses those, so only a store written by another tool can hold them
    "Beta Steel": '\t=HYPERLINK("http://evil.example/","Beta")',
    "Gamma Institute": "\r+1+cmd|' /C calc'!A0",
}
# what XML 1.0 can hold of the first: every control character but tab, LF, CR is U+FFFD
XML_ALPHA = "Alpha\ufffdUni\ufffd]0;pwned\ufffd\ufffd[2J\ufffdversity"
TERMINAL_ATTACKS = ("\x1b]0;", "\x1b[2J", "\x07", "\x00", "\x0b")


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The valid fixture world, with hostile English labels put in by pyoxigraph."""
    path = tmp_path_factory.mktemp("hostile") / "kg"
    assert run_main(["load", str(FIXTURES / "valid"), "--store", str(path)]) == 0
    store = ox.Store(str(path))
    for plain, hostile in HOSTILE.items():
        old = ox.Literal(plain, language="en")
        for quad in list(store.quads_for_pattern(None, SKOS_LABEL, old, None)):
            store.remove(quad)
            new = ox.Literal(hostile, language="en")
            store.add(ox.Quad(quad.subject, quad.predicate, new, quad.graph_name))
    store.flush()
    del store
    return str(path)


# -- 8. control characters: refused in records, never in XML ---------------------------------


@pytest.mark.parametrize(
    ("char", "code"),
    [("\x00", "U+0000"), ("\x1b", "U+001B"), ("\x0b", "U+000B"), ("\x7f", "U+007F")],
)
def test_a_control_character_in_a_name_is_refused_where_it_is(
    run_cli: Cli, tmp_path: Path, char: str, code: str
) -> None:
    data = tmp_path / "orgs.jsonl"
    rows = [
        {"kind": "organisation", "id": "ok", "name": "Fine Ltd", "types": ["company"]},
        {"kind": "organisation", "id": "bad", "name": f"Acme{char}Ltd", "types": ["company"]},
    ]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    status, _, err = run_cli("load", str(data), "--store", str(tmp_path / "kg"))
    assert status == 3, err
    assert (
        f"orgs.jsonl:2: name.en: expected text without control characters ({code} at character 5)"
        in err
    )
    assert "Traceback" not in err
    assert not (tmp_path / "kg").exists()


def test_control_characters_in_csv_cells_and_other_text_fields_are_located(
    run_cli: Cli, tmp_path: Path
) -> None:
    (tmp_path / "organisations.csv").write_text(
        "id,name.en,acronym,city,types\n"
        "a,Alpha,AU,Almaty,university\n"
        "b,Beta,B\x1bT,Dushanbe,company\n"
        "c,Gamma,GI,Ost\x07ana,company\n",
        encoding="utf-8",
    )
    status, _, err = run_cli("validate", str(tmp_path / "organisations.csv"))
    assert status == 3
    assert "organisations.csv:3: acronym: expected text without control characters (U+001B" in err
    assert "organisations.csv:4: city: expected text without control characters (U+0007" in err


def test_free_text_keeps_tab_and_newline_but_not_other_controls(
    run_cli: Cli, tmp_path: Path
) -> None:
    data = tmp_path / "orgs.yaml"
    data.write_text(
        "organisations:\n"
        '  - {id: a, name: Alpha, types: [company], description: "one\\ttwo\\nthree"}\n'
        '  - {id: b, name: Beta, types: [company], description: "bell\\a here"}\n',
        encoding="utf-8",
    )
    status, _, err = run_cli("validate", str(data))
    assert status == 3
    assert "orgs.yaml:3: description.en: expected text without control characters other" in err
    assert "orgs.yaml:2" not in err


def test_graphml_and_gexf_of_a_store_with_control_characters_read_back(
    run_cli: Cli, hostile_store: str, tmp_path: Path
) -> None:
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        target = tmp_path / f"g.{fmt}"
        status, _, err = run_cli(
            "export", "--store", hostile_store, "--format", fmt, "-o", str(target)
        )
        assert status == 0, err
        ET.parse(target)  # well-formed XML
        labels = {d["label"] for _, d in read(target).nodes(data=True)}
        assert XML_ALPHA in labels, fmt
        assert HOSTILE["Gamma Institute"] in labels, fmt  # a carriage return survives


def test_rdfxml_of_a_store_with_control_characters_reads_back(
    run_cli: Cli, hostile_store: str, tmp_path: Path
) -> None:
    target = tmp_path / "kg.rdf"
    status, _, err = run_cli(
        "export", "--store", hostile_store, "--format", "rdfxml", "-o", str(target)
    )
    assert status == 0, err
    ET.parse(target)
    graph = rdflib.Graph().parse(target, format="xml")
    labels = {str(o) for o in graph.objects(None, rdflib.SKOS.prefLabel)}
    assert XML_ALPHA in labels
    assert HOSTILE["Beta Steel"] in labels  # tab is XML text: kept exactly


# -- 9. spreadsheet formula injection ------------------------------------------------------


@pytest.fixture(scope="module")
def formula_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Six organisations in one project; five names a spreadsheet would run."""
    folder = tmp_path_factory.mktemp("formulas")
    names = ["=1+2", "+SUM(1;2)", "-2+3", "@SUM(A1)", "＝1", "Plain Ltd"]
    orgs = [
        {"kind": "organisation", "id": f"o{n}", "name": name, "types": ["company"]}
        for n, name in enumerate(names)
    ]
    project = {"kind": "project", "id": "p", "name": "P", "start": "2020"}
    parts = [
        {"kind": "participation", "agent": f"o{n}", "activity": "p", "role": "partner"}
        for n in range(len(names))
    ]
    data = folder / "world.jsonl"
    rows = [*orgs, project, *parts]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert run_main(["load", str(data), "--store", str(folder / "kg")]) == 0
    return str(folder / "kg")


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_csv_exports_neutralise_formulas_and_keep_numbers(
    run_cli: Cli, formula_store: str, tmp_path: Path
) -> None:
    status, _, err = run_cli(
        "export", "--store", formula_store, "--format", "csv", "-o", str(tmp_path / "c")
    )
    assert status == 0, err
    labels = sorted(r["label"] for r in _csv_rows(tmp_path / "c" / "nodes.csv"))
    assert labels == ["'+SUM(1;2)", "'-2+3", "'=1+2", "'@SUM(A1)", "'＝1", "Plain Ltd"]
    weights = {r["weight"] for r in _csv_rows(tmp_path / "c" / "edges.csv")}
    assert weights == {"1"}
    status, out, _ = run_cli("export", "--store", formula_store, "--format", "csv")
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert sorted(r["label"] for r in rows if r["element"] == "node") == labels


def test_neo4j_and_vosviewer_neutralise_formulas(
    run_cli: Cli, formula_store: str, tmp_path: Path
) -> None:
    out = tmp_path / "n"
    status, _, _ = run_cli(
        "export", "--store", formula_store, "--format", "neo4j-csv", "-o", str(out)
    )
    assert status == 0
    labels = {r["label:string"] for r in _csv_rows(out / "nodes.csv")}
    assert {"'=1+2", "'@SUM(A1)", "'-2+3", "P"} <= labels
    assert not any(label[:1] in "=+-@＝" for label in labels)
    out = tmp_path / "v"
    status, _, _ = run_cli(
        "export", "--store", formula_store, "--format", "vosviewer", "-o", str(out)
    )
    assert status == 0
    lines = (out / "map.txt").read_text(encoding="utf-8").splitlines()[1:]
    cells = [line.split("\t") for line in lines]
    assert sorted(c[1] for c in cells)[:3] == ["'+SUM(1;2)", "'-2+3", "'=1+2"]
    assert all(c[2][:1] not in "=+-@＝\t\r" for c in cells)


def test_formulas_behind_a_tab_or_carriage_return_are_neutralised(
    run_cli: Cli, hostile_store: str
) -> None:
    status, out, _ = run_cli("export", "--store", hostile_store, "--format", "csv")
    assert status == 0
    labels = {r["label"] for r in csv.DictReader(io.StringIO(out)) if r["element"] == "node"}
    assert "'" + HOSTILE["Beta Steel"] in labels
    assert "'" + HOSTILE["Gamma Institute"] in labels


def test_no_escape_formulas_writes_values_exactly(
    run_cli: Cli, formula_store: str, tmp_path: Path
) -> None:
    folder = tmp_path / "raw"
    status, _, _ = run_cli(
        "export",
        "--store",
        formula_store,
        "--format",
        "csv",
        "--no-escape-formulas",
        "-o",
        str(folder),
    )
    assert status == 0
    labels = {r["label"] for r in _csv_rows(folder / "nodes.csv")}
    assert {"=1+2", "+SUM(1;2)", "-2+3", "@SUM(A1)"} <= labels


def test_negative_numbers_stay_numbers_only_text_is_neutralised(tmp_path: Path) -> None:
    graph = nx.Graph()
    graph.add_node("a", label="-5", year=-44, kind="organisation")
    graph.add_node("b", label="Bee", year=2020, kind="organisation")
    graph.add_edge("a", "b", weight=-2.5)
    write_csv(graph, tmp_path)
    nodes = {r["id"]: r for r in _csv_rows(tmp_path / "nodes.csv")}
    assert (nodes["a"]["label"], nodes["a"]["year"]) == ("'-5", "-44")
    assert _csv_rows(tmp_path / "edges.csv")[0]["weight"] == "-2.5"
    write_neo4j(graph, tmp_path)
    nodes = {r["id:ID"]: r for r in _csv_rows(tmp_path / "nodes.csv")}
    assert (nodes["a"]["label:string"], nodes["a"]["year:long"]) == ("'-5", "-44")


# -- 10. amounts and years -----------------------------------------------------------------

FUNDED = """\
organisations:
  - {id: fund, name: Fund, types: [funding-body]}
programmes:
  - {id: prog, name: Prog, funders: [fund]}
grants:
  - {id: g1, funders: [fund], programme: prog, amount: {value: "1.5e6", currency: EUR}}
  - {id: g2, funders: [fund], programme: prog, amount: {value: 250.25, currency: EUR}}
"""


def test_amounts_in_exponent_form_are_stored_as_decimals_and_sum(
    run_cli: Cli, tmp_path: Path
) -> None:
    (tmp_path / "world.yaml").write_text(FUNDED, encoding="utf-8")
    (tmp_path / "grants.csv").write_text(
        "id,funders,programme,amount.value,amount.currency\ng3,fund,prog,2E3,EUR\n",
        encoding="utf-8",
    )
    kg = str(tmp_path / "kg")
    status, _, err = run_cli("load", str(tmp_path), "--store", kg)
    assert status == 0, err
    status, out, err = run_cli(
        "query", "--store", kg, "--saved", "funding-summary", "--format", "json"
    )
    assert status == 0, err
    (row,) = json.loads(out)["results"]["bindings"]
    assert Decimal(row["total"]["value"]) == Decimal("1502250.25")
    assert row["grants"]["value"] == "3"
    status, out, _ = run_cli(
        "query",
        "--store",
        kg,
        "SELECT ?v WHERE { ?m schema:value ?v } ORDER BY ?v",
        "--format",
        "csv",
    )
    assert out.split() == ["v", "250.25", "2000", "1500000"]


def test_a_latitude_near_zero_is_a_valid_decimal(run_cli: Cli, tmp_path: Path) -> None:
    data = tmp_path / "orgs.yaml"
    data.write_text(
        "organisations:\n  - {id: a, name: A, types: [company], latitude: 0.00001, longitude: 1e-7}\n",
        encoding="utf-8",
    )
    kg = str(tmp_path / "kg")
    assert run_cli("load", str(data), "--store", kg)[0] == 0
    query = "SELECT (SUM(?x) AS ?s) WHERE { ?o schema:latitude|schema:longitude ?x }"
    status, out, _ = run_cli("query", "--store", kg, query, "--format", "csv")
    assert status == 0
    assert out.split() == ["s", "0.0000101"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"1e30"', "a decimal number with at most 18 digits before and after the point"),
        ('"NaN"', "a finite decimal number"),
        ('"-Infinity"', "a finite decimal number"),
        ('"1e-30"', "a decimal number with at most 18 digits before and after the point"),
        ('"１０００"', "a decimal number in ASCII digits (0-9)"),
    ],
)
def test_an_amount_that_is_not_a_storable_decimal_is_refused(
    run_cli: Cli, tmp_path: Path, value: str, expected: str
) -> None:
    data = tmp_path / "grants.yaml"
    data.write_text(
        f"grants:\n  - id: g\n    amount: {{value: {value}, currency: EUR}}\n", encoding="utf-8"
    )
    status, _, err = run_cli("validate", str(data))
    assert status == 3
    assert f"grants.yaml:3: amount.value: expected {expected}" in err


@pytest.mark.parametrize("year", ["２０２５", "٢٠٢٥", "２０２５-04-10"])
def test_a_date_in_non_ascii_digits_is_refused(run_cli: Cli, tmp_path: Path, year: str) -> None:
    data = tmp_path / "projects.jsonl"
    data.write_text(
        json.dumps({"kind": "project", "id": "p", "name": "P", "start": year}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    status, _, err = run_cli("load", str(data), "--store", str(tmp_path / "kg"))
    assert status == 3
    assert "projects.jsonl:1: start: expected a date in ASCII digits (0-9)" in err


# -- 11. terminal escape injection ---------------------------------------------------------

LABELS = "SELECT ?l WHERE { ?o a th:Organization ; skos:prefLabel ?l } ORDER BY ?l"


@pytest.mark.parametrize("fmt", ["table", "markdown"])
def test_query_tables_show_control_characters_as_escapes(
    run_cli: Cli, hostile_store: str, fmt: str
) -> None:
    status, out, _ = run_cli("query", "--store", hostile_store, LABELS, "--format", fmt)
    assert status == 0
    assert not any(attack in out for attack in TERMINAL_ATTACKS), repr(out)
    assert "Alpha\\x00Uni\\x1b]0;pwned\\x07\\x1b[2J" in out  # (the table cuts at 40)
    assert "\\x09=HYPERLINK" in out


def test_machine_formats_keep_the_values_exact(run_cli: Cli, hostile_store: str) -> None:
    status, out, _ = run_cli("query", "--store", hostile_store, LABELS, "--format", "json")
    assert status == 0
    values = {b["l"]["value"] for b in json.loads(out)["results"]["bindings"]}
    assert HOSTILE["Alpha University"] in values


def test_analyze_tables_show_control_characters_as_escapes(
    run_cli: Cli, hostile_store: str
) -> None:
    status, out, _ = run_cli("analyze", "centrality", "--store", hostile_store)
    assert status == 0
    assert not any(attack in out for attack in TERMINAL_ATTACKS), repr(out)
    assert "Alpha\\x00Uni\\x1b]0;pwned\\x07\\x1b[2J\\x0bversity" in out
    assert "\\x09=HYPERLINK" in out  # the tab is shown, not taken as a column break


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_analyze_on_a_terminal_shows_escapes_and_no_markup(
    monkeypatch: pytest.MonkeyPatch, hostile_store: str
) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    monkeypatch.setenv("COLUMNS", "300")
    assert run_main(["analyze", "centrality", "--store", hostile_store]) == 0
    out = terminal.getvalue()
    assert not any(attack in out for attack in TERMINAL_ATTACKS), repr(out)
    assert "pwned\\x07" in out


def test_rich_markup_in_a_label_is_printed_as_text(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from triplehelix.cli.output import print_table

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    monkeypatch.setenv("COLUMNS", "200")
    print_table("t", ["name"], [["[bold red]Acme[/]"], ["[/oops]"]])
    assert "[bold red]Acme[/]" in terminal.getvalue()
    assert "[/oops]" in terminal.getvalue()
