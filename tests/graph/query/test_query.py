"""The query runner: read-only checks, bound parameters, timeouts, syntax errors, formats."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.query import Result as RdflibResult

import triplehelix as th
from triplehelix import KnowledgeGraph, QueryError
from triplehelix.graph.query.bind import bind
from triplehelix.graph.query.check import QueryText, check_text, scan
from triplehelix.graph.query.run import run_query, run_text


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph.seed()


# -- what a query is ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "form", "update", "service"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "select", False, False),
        ("prefix x: <http://e/> ask { ?s x:p ?o }", "ask", False, False),
        ('SELECT ?drop WHERE { ?s ?p "DROP ALL; SERVICE" } # DELETE', "select", False, False),
        ("SELECT * WHERE { ?s <http://e/SERVICE> ?o }", "select", False, False),
        ("SELECT * WHERE { service <http://e/sparql> { ?s ?p ?o } }", "select", False, True),
        ("PREFIX drop: <http://e/> SELECT * WHERE { ?s drop:x ?o }", "select", False, False),
        ("DROP ALL", "drop", True, False),
        ("INSERT DATA { <http://e/a> <http://e/b> 1 }", "insert", True, False),
        ("WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "with", True, False),
        ("# a comment\nLOAD <http://e/data.ttl>", "load", True, False),
        ('CONSTRUCT { ?s ?p """a\nDROP""" } WHERE { ?s ?p ?o }', "construct", False, False),
    ],
)
def test_scan(text: str, form: str, update: bool, service: bool) -> None:
    assert scan(text) == QueryText(form, update, service)


def test_updates_and_service_are_refused(kg: KnowledgeGraph) -> None:
    before = len(kg)
    for text, code in (
        ("DROP ALL", "update-refused"),
        ("DELETE WHERE { ?s ?p ?o }", "update-refused"),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/q> { ?s ?p ?o } }", "service-refused"),
    ):
        with pytest.raises(QueryError) as info:
            run_query(kg, text)
        assert info.value.code == code
        assert info.value.exit_status == 6
    assert len(kg) == before
    assert check_text("SELECT * { SERVICE <http://e/> {} }", allow_service=True).service


# -- parameters are values, never syntax ----------------------------------------------------

PAYLOADS = [
    '"} ; DROP ALL ; {"',
    "} ; DROP ALL ; {",
    "<x> } UNION { ?s ?p ?o",
    "http://e/x> } UNION { ?s ?p ?o } #",
    "it's a \"quoted\" 'value'",
    "a\"\"\"b'''c",
    "line one\nline two\r\n} DROP ALL {",
    '\\" } INSERT DATA { <http://e/a> <http://e/b> <http://e/c> } #',
    "ünïcödé ✓ \u2028 end",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_injection_payloads_are_values(kg: KnowledgeGraph, payload: str) -> None:
    before = len(kg)
    result = run_query(kg, "SELECT ?echo WHERE { BIND(?_v AS ?echo) }", {"v": payload})
    assert result.to_records() == [{"echo": payload}]
    # the same payload as the value of a saved query's node parameter: looked up, not run
    with pytest.raises(th.UsageError) as info:
        run_query(kg, "provenance-trail", {"node": payload})
    assert info.value.code == "bad-param"
    # as a label to match: no rows, and nothing else happened
    rows = run_query(
        kg, "SELECT ?s WHERE { ?s skos:prefLabel ?l FILTER(STR(?l) = ?_v) }", {"v": payload}
    )
    assert rows.to_records() == []
    assert len(kg) == before


def test_bind_puts_values_at_the_top_of_where_on_the_same_line() -> None:
    text = "SELECT ?x\nWHERE {\n  ?x ?p ?_o\n}"
    bound = bind(text, {"o": ox.Literal('"} DROP ALL {"')})
    assert bound.splitlines()[1] == 'WHERE { VALUES (?_o) { ("\\"} DROP ALL {\\"") }'
    assert len(bound.splitlines()) == 4
    with pytest.raises(th.UsageError):
        bind("ASK { ?s ?p ?o }", {"o": ox.Literal("x")})
    with pytest.raises(th.UsageError):
        bind("SELECT * WHERE { ?s ?p ?o }", {"o) {} DROP": ox.Literal("x")})


def test_typed_parameters_of_adhoc_queries(kg: KnowledgeGraph) -> None:
    text = "SELECT ?v (DATATYPE(?v) AS ?t) (ISIRI(?v) AS ?iri) WHERE { BIND(?_v AS ?v) }"
    cases = {
        "42": (42, "http://www.w3.org/2001/XMLSchema#integer", False),
        "th:Project": ("https://w3id.org/triplehelix/ontology#Project", None, True),
        "https://example.org/a": ("https://example.org/a", None, True),
        "nope:x": ("nope:x", "http://www.w3.org/2001/XMLSchema#string", False),
    }
    for value, expected in cases.items():
        (row,) = run_query(kg, text, {"v": value}).rows
        assert row == expected


# -- timeouts and errors ---------------------------------------------------------------------


def test_a_runaway_query_times_out() -> None:
    store = KnowledgeGraph()  # in memory: the ontology and 250 triples
    p = ox.NamedNode("http://e/p")
    quads = [ox.Quad(ox.NamedNode(f"http://e/{i}"), p, ox.Literal(str(i))) for i in range(250)]
    store.write_nquads(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z }"  # > 250³ rows
    with pytest.raises(QueryError) as info:
        run_text(store, slow, timeout=0.2)
    assert info.value.code == "query-timeout"
    assert "0.2 s" in info.value.message
    fast = run_text(store, "SELECT (COUNT(*) AS ?n) WHERE { ?a <http://e/p> ?x }", timeout=30)
    assert fast.rows == [(250,)]


def test_syntax_errors_name_line_and_column(kg: KnowledgeGraph) -> None:
    text = "SELECT ?x WHERE {\n  ?x a th:University .\n  FILTR(?x)\n}"
    with pytest.raises(QueryError) as info:
        run_query(kg, text, source="q.rq")
    err = info.value
    assert err.code == "query-syntax"
    assert err.message.startswith("q.rq:3:")
    assert err.hint is not None
    shown, caret = err.hint.splitlines()
    assert shown == "line 3:   FILTR(?x)"
    assert 0 < caret.index("^") < len(shown)


def test_unknown_prefix_is_a_syntax_error(kg: KnowledgeGraph) -> None:
    with pytest.raises(QueryError) as info:
        run_query(kg, "SELECT * WHERE { ?s nope:p ?o }")
    assert info.value.code == "query-syntax"
    assert info.value.message.startswith("query:1:")


# -- result formats, parsed back by standard readers -----------------------------------------

TRICKY = 'say "hi", then\nleave; a|b'
ESCAPED = TRICKY.replace('"', '\\"').replace("\n", "\\n")
VALUES = f"""
SELECT ?s ?label ?n ?d WHERE {{
  VALUES (?s ?label ?n ?d) {{
    (<http://e/a> "{ESCAPED}"@en 3 2.50)
    (<http://e/b> UNDEF -4 UNDEF)
    (<http://e/c> "ünï" 0 0.0)
  }}
}} ORDER BY ?n
"""


@pytest.fixture(scope="module")
def result(kg: KnowledgeGraph) -> th.Result:
    return run_query(kg, VALUES)


def test_python_values(result: th.Result) -> None:
    assert result.columns == ["s", "label", "n", "d"]
    values = [r[1:] for r in result.rows]
    assert values == [(None, -4, None), ("ünï", 0, Decimal("0.0")), (TRICKY, 3, Decimal("2.50"))]
    assert result.rows[0][0] == "http://e/b"
    assert result.rows[1][0] == "http://e/c"


def test_json_is_w3c_and_rdflib_reads_it(result: th.Result) -> None:
    doc = json.loads(result.to_json())
    assert doc["head"]["vars"] == ["s", "label", "n", "d"]
    third = doc["results"]["bindings"][2]
    assert third["label"] == {"type": "literal", "value": TRICKY, "xml:lang": "en"}
    assert "label" not in doc["results"]["bindings"][0]
    parsed = RdflibResult.parse(io.StringIO(result.to_json()), format="json")
    labels = [row[1] for row in parsed]
    assert labels == [None, rdflib.Literal("ünï"), rdflib.Literal(TRICKY, lang="en")]


def test_csv_is_w3c_and_the_csv_module_reads_it(result: th.Result) -> None:
    text = result.to_csv()
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["s", "label", "n", "d"]
    assert rows[1] == ["http://e/b", "", "-4", ""]
    assert rows[3] == ["http://e/a", TRICKY, "3", "2.5"]  # canonical xsd:decimal
    parsed = RdflibResult.parse(io.StringIO(text, newline=""), format="csv")
    assert len(list(parsed)) == 3


def test_tsv_is_w3c_and_rdflib_reads_it(result: th.Result) -> None:
    text = result.to_tsv()
    assert text.splitlines()[0] == "?s\t?label\t?n\t?d"
    parsed = list(RdflibResult.parse(io.StringIO(text), format="tsv"))
    assert [row[2].toPython() for row in parsed] == [-4, 0, 3]
    assert parsed[2][1] == rdflib.Literal(TRICKY, lang="en")


def test_jsonl_markdown_and_table(result: th.Result) -> None:
    lines = [json.loads(line) for line in result.to_jsonl().splitlines()]
    assert lines[2] == {"s": "http://e/a", "label": TRICKY, "n": 3, "d": 2.5}
    assert lines[0]["label"] is None
    md = result.to_markdown().splitlines()
    assert md[0] == "| s | label | n | d |"
    assert md[1] == "|---|---|---|---|"
    assert len(md) == 5
    assert r"a\|b" in md[4]
    assert md[4].count(" | ") == 3  # the escaped pipe does not split the cell
    table = result.to_table(width=12).splitlines()
    assert table[0].split() == ["s", "label", "n", "d"]
    assert table[-1] == "(3 rows)"
    assert any("…" in line for line in table)


def test_ask(kg: KnowledgeGraph) -> None:
    yes = run_query(kg, "ASK { ?o a th:University }")
    no = run_query(kg, "ASK { ?o a th:Nothing }")
    assert (yes.boolean, no.boolean) == (True, False)
    assert json.loads(yes.to_json())["boolean"] is True
    assert RdflibResult.parse(io.StringIO(no.to_json()), format="json").askAnswer is False
    assert yes.render("table") == "true\n"


# rdflib's JSON-LD parser builds a ConjunctiveGraph internally and warns about it.
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize(
    ("fmt", "rdflib_format"), [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")]
)
def test_construct_formats_parse_back(kg: KnowledgeGraph, fmt: str, rdflib_format: str) -> None:
    text = "CONSTRUCT { ?o a th:University ; skos:prefLabel ?l } WHERE { ?o a th:University ; skos:prefLabel ?l }"
    result = run_query(kg, text)
    graph = rdflib.Graph().parse(data=result.to_rdf(fmt), format=rdflib_format)
    unis = [r["o"] for r in kg.select("SELECT DISTINCT ?o WHERE { ?o a th:University }")]
    labels = kg.select("SELECT ?l WHERE { ?o a th:University ; skos:prefLabel ?l }")
    assert len(graph) == len(unis) + len(labels)
    assert {str(s) for s in graph.subjects()} == set(unis)


def test_python_api_from_the_package(kg: KnowledgeGraph) -> None:
    r = th.run_query(kg, "org-portfolio", {"org": "EKTU"})
    assert r.to_records()[0].keys() == set(r.columns)
    assert r.to_csv().startswith("activity,activityLabel,kind,role")
    assert len(json.loads(r.to_json())["results"]["bindings"]) == len(r.rows)
    assert "partners-of" in th.saved_queries()
