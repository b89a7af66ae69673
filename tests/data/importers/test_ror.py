"""ROR import: counts and facts checked against the raw records read with the json module."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from cli_helpers import FIXTURES
from triplehelix.data.importers.report import QualityReport
from triplehelix.data.importers.ror import import_ror, read_ror_records
from triplehelix.errors import InputError
from triplehelix.graph.store.local import KnowledgeGraph

ROR_FILE = FIXTURES / "ror" / "ror_records_v2.json"
ORG = "https://w3id.org/triplehelix/id/org/ror-"


def _records() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads(ROR_FILE.read_text(encoding="utf-8"))
    return data


def _iri(ror: str) -> str:
    return ORG + ror.rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def imported() -> tuple[KnowledgeGraph, QualityReport]:
    rs, report = import_ror([ROR_FILE])
    kg = KnowledgeGraph()
    kg.load(rs)
    return kg, report


def test_every_record_with_all_its_types(imported: tuple[KnowledgeGraph, QualityReport]) -> None:
    kg, report = imported
    records = _records()
    assert report.created["organisation"] == len(records)
    n = kg.select(
        "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o schema:sameAs ?r "
        'FILTER STRSTARTS(STR(?r), "https://ror.org/") }'
    )
    assert n[0]["n"] == len(records)
    expected = Counter(t for r in records for t in r["types"])
    got = kg.select(
        "SELECT ?c (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o org:classification ?c } GROUP BY ?c"
    )
    assert {r["c"].rsplit("/ror-", 1)[-1]: r["n"] for r in got} == dict(expected)
    academy = next(r for r in records if r["id"] == "https://ror.org/01xgfaw76")
    assert sorted(academy["types"]) == ["funder", "government"]
    assert kg.ask(f"ASK {{ <{_iri(academy['id'])}> a th:FundingBody, th:GovernmentBody }}")


def test_status_is_kept_and_visible(imported: tuple[KnowledgeGraph, QualityReport]) -> None:
    kg, _ = imported
    expected = Counter(r["status"] for r in _records())
    got = kg.select(
        "SELECT ?s (COUNT(?o) AS ?n) WHERE { ?o <http://www.w3.org/ns/adms#status> ?s } GROUP BY ?s"
    )
    assert {r["s"].rsplit("/", 1)[-1]: r["n"] for r in got} == dict(expected)
    assert expected["inactive"] > 0
    assert expected["withdrawn"] > 0


def test_names_in_every_language_with_their_types(
    imported: tuple[KnowledgeGraph, QualityReport],
) -> None:
    kg, _ = imported
    for rec in _records():
        labels = kg.select(
            "SELECT ?p ?v (LANG(?v) AS ?lang) WHERE { ?o ?p ?v VALUES ?p "
            "{ skos:prefLabel skos:altLabel schema:alternateName } }",
            {"o": _iri(rec["id"])},
        )
        got = {(r["v"], r["p"].rsplit("/", 1)[-1].rsplit("#", 1)[-1]) for r in labels}
        for name in rec["names"]:
            if name["types"] == ["alias"]:  # a name that is also a label is a label
                assert (name["value"], "alternateName") in got, name
            else:
                assert (name["value"], "prefLabel") in got or (name["value"], "altLabel") in got
        display = next(n for n in rec["names"] if "ror_display" in n["types"])
        lang = display["lang"] or "und"
        assert {
            "p": "http://www.w3.org/2004/02/skos/core#prefLabel",
            "v": display["value"],
            "lang": lang,
        } in labels


def test_relationships_keep_targets_outside_the_file(
    imported: tuple[KnowledgeGraph, QualityReport],
) -> None:
    kg, report = imported
    records = _records()
    ids = {r["id"] for r in records}
    prop = {
        "parent": "org:subOrganizationOf",
        "child": "org:hasSubOrganization",
        "related": "dcterms:relation",
        "predecessor": "dcterms:replaces",
        "successor": "dcterms:isReplacedBy",
    }
    for kind, p in prop.items():
        expected = {
            (_iri(r["id"]), _iri(x["id"]))
            for r in records
            for x in r["relationships"]
            if x["type"] == kind
        }
        got = kg.select(f"SELECT ?a ?b WHERE {{ ?a {p} ?b }}")
        assert {(r["a"], r["b"]) for r in got} == expected, kind
    external = sum(1 for r in records for x in r["relationships"] if x["id"] not in ids)
    assert external > 0
    assert report.notes["external relationship targets"] == external
    # the Tashkent University of Information Technologies and its Samarkand branch
    tuit = next(r for r in records if r["id"] == "https://ror.org/05987a729")
    children = {_iri(x["id"]) for x in tuit["relationships"] if x["type"] == "child"}
    got = kg.select("SELECT ?c WHERE { ?t org:hasSubOrganization ?c }", {"t": _iri(tuit["id"])})
    assert {r["c"] for r in got} == children
    assert children


def test_locations_and_external_ids(imported: tuple[KnowledgeGraph, QualityReport]) -> None:
    kg, _ = imported
    records = _records()
    for rec in records[:60]:
        geo = rec["locations"][0]["geonames_details"]
        got = kg.select(
            "SELECT ?lat ?lng ?city WHERE { ?o schema:latitude ?lat ; schema:longitude ?lng ; "
            "schema:location ?city }",
            {"o": _iri(rec["id"])},
        )
        assert got == [
            {"lat": Decimal(str(geo["lat"])), "lng": Decimal(str(geo["lng"])), "city": geo["name"]}
        ]
        ids = {
            r["i"]
            for r in kg.select(
                "SELECT ?i WHERE { ?o dcterms:identifier ?i }", {"o": _iri(rec["id"])}
            )
        }
        same = {
            r["s"]
            for r in kg.select("SELECT ?s WHERE { ?o schema:sameAs ?s }", {"o": _iri(rec["id"])})
        }
        for ext in rec["external_ids"]:
            for value in ext["all"]:
                if ext["type"] == "wikidata" and value == (ext["preferred"] or ext["all"][0]):
                    assert f"http://www.wikidata.org/entity/{value}" in same
                else:
                    assert f"{ext['type']}:{value}" in ids


def test_reimport_adds_nothing(imported: tuple[KnowledgeGraph, QualityReport]) -> None:
    kg, _ = imported
    before = len(kg)
    rs, _ = import_ror([ROR_FILE])
    assert kg.load(rs).added == 0
    assert len(kg) == before


def test_reading_layouts_and_bad_json(tmp_path: Path) -> None:
    rec = {"id": "https://ror.org/05987a729", "names": []}
    lines = tmp_path / "r.jsonl"
    lines.write_text(json.dumps(rec) + "\n" + json.dumps(rec) + "\n", encoding="utf-8")
    assert [n for n, _ in read_ror_records(lines)] == [1, 2]
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps([rec], indent=2), encoding="utf-8")
    assert read_ror_records(pretty) == [(1, rec)]
    bad = tmp_path / "bad.json"
    bad.write_text("[{", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_ror_records(bad)
    assert exc.value.code == "malformed-json"
