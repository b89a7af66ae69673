"""The store: round trips, idempotence, atomic loads, provenance, exports."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from importlib.resources import files
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from cli_helpers import FIXTURES
from triplehelix.data.loader import RecordSet, load_records
from triplehelix.data.models import Organisation
from triplehelix.errors import InvalidDataError, StoreError
from triplehelix.graph.store.local import KnowledgeGraph

VALID = FIXTURES / "valid"


@pytest.fixture(scope="module")
def records() -> RecordSet:
    return load_records([VALID])


@pytest.fixture(scope="module")
def kg(records: RecordSet) -> KnowledgeGraph:
    graph = KnowledgeGraph()
    graph.load(records)
    return graph


def nquads(kg: KnowledgeGraph) -> list[str]:
    buffer = io.BytesIO()
    kg.store.dump(buffer, ox.RdfFormat.N_QUADS)
    return sorted(buffer.getvalue().decode().splitlines())


def test_counts_come_back(kg: KnowledgeGraph) -> None:
    assert kg.count_of("th:Organization") == 4
    assert kg.count_of("th:Participation") == 9
    assert kg.count_of("th:Project") == 3
    assert kg.count_of("th:Event") == 1
    assert kg.count_of("th:Grant") == 1
    assert kg.count_of("th:Contribution") == 2


def test_labels_come_back_in_every_language(kg: KnowledgeGraph, records: RecordSet) -> None:
    rows = kg.select("SELECT ?o ?label WHERE { ?o a th:Organization ; skos:prefLabel ?label }")
    got = {(r["o"].rsplit("/", 1)[-1], r["label"]) for r in rows}
    want = {
        ("alpha-university-kz", "Alpha University"),
        ("alpha-university-kz", "Университет Альфа"),
        ("beta-steel-kz", "Beta Steel"),
        ("beta-steel-kz", "Бета Сталь, АО"),
        ("gamma-institute-tj", "Gamma Institute"),
        ("delta-fund-de", "Delta Fund"),
    }
    assert got == want
    lang = kg.select(
        'SELECT (LANG(?l) AS ?lang) WHERE { ?o skos:prefLabel ?l FILTER(STR(?l) = "Университет Альфа") }'
    )
    assert lang == [{"lang": "ru"}]
    n_names = sum(len(o.name) for o in records.records if isinstance(o, Organisation))
    assert len(rows) == n_names


def test_helix_sphere_comes_from_the_ontology(kg: KnowledgeGraph) -> None:
    rows = kg.select(
        "SELECT ?o ?sphere WHERE { ?o a th:Organization ; a/rdfs:subClassOf*/th:helixSphere ?sphere }"
    )
    got = {(r["o"].rsplit("/", 1)[-1], r["sphere"].rsplit("/", 1)[-1]) for r in rows}
    assert got == {
        ("alpha-university-kz", "academia"),
        ("beta-steel-kz", "industry"),
        ("gamma-institute-tj", "academia"),
        ("gamma-institute-tj", "industry"),
        ("delta-fund-de", "funder"),
    }


def test_money_is_a_decimal_with_a_currency(kg: KnowledgeGraph) -> None:
    rows = kg.select(
        "SELECT ?v ?c (DATATYPE(?v) AS ?t) WHERE { ?g a th:Grant ; schema:amount [ schema:value ?v ; schema:currency ?c ] }"
    )
    assert [(r["v"], r["c"], r["t"]) for r in rows] == [
        (Decimal("150000.50"), "EUR", "http://www.w3.org/2001/XMLSchema#decimal")
    ]


def test_dates_keep_precision_and_years_are_integers(kg: KnowledgeGraph) -> None:
    rows = kg.select(
        'SELECT (DATATYPE(?d) AS ?t) ?y WHERE { ?p skos:prefLabel "Project Two"@en ; schema:startDate ?d ; th:startYear ?y }'
    )
    assert rows == [{"t": "http://www.w3.org/2001/XMLSchema#gYearMonth", "y": 2021}]


def test_every_fact_bearing_node_cites_a_source_record(kg: KnowledgeGraph) -> None:
    missing = kg.select("""
        SELECT ?n WHERE {
          VALUES ?c { th:Organization th:Project th:Event th:FundingProgramme th:Grant
                      th:Participation th:Contribution }
          ?n a ?c .
          FILTER NOT EXISTS { ?n prov:wasDerivedFrom ?r .
                              GRAPH <https://w3id.org/triplehelix/graph/meta> { ?r a th:SourceRecord } }
        }""")
    assert missing == []


def test_each_data_graph_is_a_source_record(kg: KnowledgeGraph) -> None:
    graphs = set(kg.graph_names())
    records = {r["r"] for r in kg.select("SELECT ?r WHERE { ?r a th:SourceRecord }")}
    infra = {f"https://w3id.org/triplehelix/graph/{g}" for g in ("meta", "ontology", "vocab")}
    assert graphs - infra == records & graphs
    # the explicit paragraph record and implicit rows of the CSV both became graphs
    assert "https://w3id.org/triplehelix/source/report-2024/report-p4" in graphs
    assert "https://w3id.org/triplehelix/source/file-valid.10-organisations-csv/row-4" in graphs


def test_a_fact_stated_by_a_record_sits_in_its_graph(kg: KnowledgeGraph) -> None:
    assert kg.ask("""ASK { GRAPH src:report-2024\\/report-p4 {
        ?o skos:prefLabel "Beta Steel"@en } }""")


def test_a_fact_stated_twice_is_counted_once(kg: KnowledgeGraph) -> None:
    # Beta Steel is stated by two paragraph records: two graphs, one fact.
    assert kg.ask('ASK { GRAPH src:report-2024\\/report-p5 { ?o skos:prefLabel "Beta Steel"@en } }')
    rows = kg.select(
        'SELECT (COUNT(*) AS ?n) WHERE { ?o skos:prefLabel "Beta Steel"@en ; th:country ?c }'
    )
    assert rows == [{"n": 1}]
    assert kg.select("SELECT (COUNT(*) AS ?n) WHERE { ?o a th:Organization }") == [{"n": 4}]


def test_loading_twice_changes_nothing(records: RecordSet) -> None:
    graph = KnowledgeGraph()
    first = graph.load(records)
    before = nquads(graph)
    second = graph.load(records)
    assert second.added == 0
    assert first.added == len(graph) - first.quads_before
    assert nquads(graph) == before


def test_on_disk_store_reopens_with_the_same_quads(tmp_path: Path, records: RecordSet) -> None:
    with KnowledgeGraph(tmp_path / "kg") as graph:
        graph.load(records)
        before = nquads(graph)
    with KnowledgeGraph(tmp_path / "kg", read_only=True) as again:
        assert nquads(again) == before


def test_bad_rdf_file_writes_nothing_not_even_the_records(tmp_path: Path) -> None:
    bad = tmp_path / "extra.ttl"
    bad.write_text('@prefix x: <http://x.example/> .\nx:a x:b x:c .\nx:a x:b "unterminated .\n')
    with pytest.raises(InvalidDataError) as info:
        load_records([VALID, bad])  # checked before any store is opened or written
    assert [(p.code, p.line) for p in info.value.problems] == [("malformed-rdf", 3)]


def test_rdf_files_load_as_is_in_their_own_graph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # named as given: extra.ttl
    ttl = tmp_path / "extra.ttl"
    ttl.write_text('@prefix x: <http://x.example/> .\nx:a x:b "Ω"@el .\n', encoding="utf-8")
    trig = tmp_path / "other.trig"
    trig.write_text("<http://x.example/g> { <http://x.example/s> <http://x.example/p> 1 . }\n")
    graph = KnowledgeGraph()
    graph.load(load_records([ttl.name, trig.name]))
    assert graph.ask(
        'ASK { GRAPH src:file-extra-ttl\\/content { <http://x.example/a> ?p "Ω"@el } }'
    )
    assert graph.ask("ASK { GRAPH <http://x.example/g> { <http://x.example/s> ?p 1 } }")
    assert graph.ask("ASK { src:file-extra-ttl\\/content a th:SourceRecord }")


@pytest.mark.parametrize("fmt", ["nq", "trig", "jsonld"])
def test_quad_exports_round_trip(kg: KnowledgeGraph, fmt: str) -> None:
    buffer = io.BytesIO()
    kg.dump(fmt, buffer, with_ontology=True)
    oxfmt = {"nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD}[
        fmt
    ]
    exported = set(ox.parse(buffer.getvalue(), oxfmt))
    named = {q for q in kg.store if not isinstance(q.graph_name, ox.DefaultGraph)}
    assert exported == named


# rdflib's JSON-LD parser calls its own deprecated Dataset API
@pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")
@pytest.mark.parametrize("fmt", ["ttl", "nt", "rdfxml", "jsonld"])
def test_merged_exports_are_isomorphic_to_the_union(kg: KnowledgeGraph, fmt: str) -> None:
    buffer = io.BytesIO()
    kg.dump(fmt, buffer)
    parsed = rdflib.Graph()
    rdflib_fmt = {"ttl": "turtle", "nt": "nt", "rdfxml": "xml", "jsonld": "json-ld"}[fmt]
    if fmt == "jsonld":
        parsed = rdflib.Dataset()
    parsed.parse(data=buffer.getvalue().decode("utf-8"), format=rdflib_fmt)
    union = kg.union_graph()
    if fmt == "jsonld":  # JSON-LD keeps graphs: compare the merged triples
        merged = rdflib.Graph()
        for s, p, o, _g in parsed.quads((None, None, None, None)):
            merged.add((s, p, o))
        parsed = merged
    assert isomorphic(parsed, union)
    assert len(parsed) == len(union)


def test_jsonld_is_compacted_with_the_bundled_context(kg: KnowledgeGraph) -> None:
    buffer = io.BytesIO()
    kg.dump("jsonld", buffer)
    doc = json.loads(buffer.getvalue())
    bundled = json.loads(
        (files("triplehelix.ontology") / "context.jsonld").read_text(encoding="utf-8")
    )
    assert doc["@context"] == bundled["@context"]
    assert doc["@context"]["th"] == "https://w3id.org/triplehelix/ontology#"
    graph_ids = {g["@id"] for g in doc["@graph"]}
    assert "src:report-2024/report-p4" in graph_ids
    nodes = [n for g in doc["@graph"] for n in g["@graph"]]
    beta = next(n for n in nodes if n["@id"] == "id:org/beta-steel-kz")
    assert "th:Company" in beta["@type"]
    assert {"@value": "Beta Steel", "@language": "en"} in beta["skos:prefLabel"]


def test_rdflib_view_holds_the_same_quads(kg: KnowledgeGraph) -> None:
    ds = kg.to_rdflib()
    named = [g for g in ds.graphs() if g.identifier != DATASET_DEFAULT_GRAPH_ID]
    in_graphs = [q for q in kg.store if not isinstance(q.graph_name, ox.DefaultGraph)]
    assert sum(len(g) for g in named) == len(in_graphs)


def test_base_iri_is_configurable(records: RecordSet) -> None:
    graph = KnowledgeGraph()
    graph.load(records, base="https://kg.example.org/")
    rows = graph.select("SELECT ?o WHERE { ?o a th:University }")
    assert [r["o"] for r in rows] == ["https://kg.example.org/id/org/alpha-university-kz"]


def test_a_store_path_that_is_a_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "file"
    path.write_text("x")
    with pytest.raises(StoreError):
        KnowledgeGraph(path)


def test_read_only_open_of_a_missing_store_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as info:
        KnowledgeGraph(tmp_path / "none", read_only=True)
    assert info.value.code == "no-store"
    assert not (tmp_path / "none").exists()


def test_bindings_are_values_never_query_text(kg: KnowledgeGraph) -> None:
    size = len(kg)
    query = "SELECT ?o WHERE { ?o skos:altLabel ?name }"
    for payload in ['" } ; DROP ALL ; { "', "<x> } UNION { ?s ?p ?o", 'AU"\n']:
        assert kg.select(query, {"name": payload}) == []
    assert len(kg) == size
    assert [r["o"].rsplit("/", 1)[-1] for r in kg.select(query, {"name": "AU"})] == [
        "alpha-university-kz"
    ]
    hit = kg.select(
        "SELECT ?o WHERE { ?o a th:Company ; th:country ?c }",
        {"c": "http://publications.europa.eu/resource/authority/country/KAZ"},
    )
    assert [r["o"].rsplit("/", 1)[-1] for r in hit] == ["beta-steel-kz"]
