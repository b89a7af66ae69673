"""SHACL: the valid fixture conforms and the broken one fails exactly as intended."""

from __future__ import annotations

import re

import pytest
from rdflib import SH, Graph, URIRef

from triplehelix.ontology import TH, ShaclReport, validate_shacl

from .conftest import SHACL, load_trig

ID = "https://w3id.org/triplehelix/id/"

# (severity, focus node, path) -> words the message must contain, written for a data steward.
EXPECTED = {
    ("violation", ID + "org/a", "th:country"): ["country", "EU"],
    ("violation", ID + "org/a", "schema:sameAs"): ["ROR"],
    ("violation", ID + "org/b", "prov:wasDerivedFrom"): ["source record"],
    ("violation", ID + "project/p", "th:startYear"): ["start year", "end year"],
    ("violation", ID + "participation/x", "th:role"): ["participation", "role"],
    ("violation", ID + "grant/g", "schema:amount"): ["grant", "decimal"],
    ("violation", ID + "grant/g#amount", "schema:value"): ["value", "decimal"],
    ("violation", ID + "contribution/q", "schema:amount"): ["contribution", "ISO 4217"],
    ("violation", ID + "contribution/q#amount", "schema:currency"): ["currency", "ISO 4217"],
    ("warning", ID + "org/n", "th:country"): ["no country"],
    ("warning", ID + "project/p2", "^th:activity"): ["more than one coordinator"],
    ("warning", ID + "grant/g2", "schema:funder"): ["no funder"],
    ("warning", ID + "participation/d1", None): ["same agent, activity and role"],
    ("warning", ID + "participation/d2", None): ["same agent, activity and role"],
}


@pytest.fixture(scope="module")
def broken_report() -> ShaclReport:
    return validate_shacl(Graph().parse(SHACL / "broken.ttl", format="turtle"))


def test_valid_fixture_conforms_without_any_result() -> None:
    report = validate_shacl(load_trig(SHACL / "valid.trig"))
    assert report.conforms
    assert report.results == ()


def test_broken_fixture_gives_exactly_the_expected_results(broken_report: ShaclReport) -> None:
    got = {(r.severity, r.focus_node, r.path) for r in broken_report.results}
    assert got == set(EXPECTED)
    assert len(broken_report.results) == len(EXPECTED)
    assert not broken_report.conforms
    assert len(broken_report.violations) == 9
    assert len(broken_report.warnings) == 5


def test_messages_are_readable(broken_report: ShaclReport) -> None:
    for result in broken_report.results:
        words = EXPECTED[(result.severity, result.focus_node, result.path)]
        for word in words:
            assert word.lower() in result.message.lower(), (word, result.message)
        assert result.message[0].isupper()
        # pySHACL's generic messages name constraint components and rdflib terms.
        assert not re.search(r"Constraint|Literal\(|URIRef\(|Node ", result.message)
        assert result.shape.startswith("thsh:")


def test_values_and_duplicates_are_reported(broken_report: ShaclReport) -> None:
    by_key = {(r.focus_node, r.path): r for r in broken_report.results}
    assert by_key[(ID + "project/p", "th:startYear")].value == '"2023"^^xsd:integer'
    assert by_key[(ID + "grant/g#amount", "schema:value")].value == '"15000"'
    assert by_key[(ID + "participation/d1", None)].value == ID + "participation/d2"


def test_results_are_ordered_and_repeatable(broken_report: ShaclReport) -> None:
    again = validate_shacl(Graph().parse(SHACL / "broken.ttl", format="turtle"))
    assert again == broken_report
    severities = [r.severity for r in broken_report.results]
    assert severities == sorted(severities, key=["violation", "warning", "info"].index)


def test_warnings_alone_conform() -> None:
    flat = Graph()
    for s, p, o, _ in load_trig(SHACL / "valid.trig").quads((None, None, None, None)):
        flat.add((s, p, o))
    flat.remove((URIRef(ID + "org/agro-invest-uz"), TH.country, None))
    report = validate_shacl(flat)
    assert report.conforms
    assert [(r.severity, r.path) for r in report.results] == [("warning", "th:country")]


def test_every_property_shape_has_an_english_message(shapes: Graph) -> None:
    property_shapes = set(shapes.objects(None, SH.property)) | set(
        shapes.objects(None, SH.qualifiedValueShape)
    )
    assert property_shapes
    for shape in property_shapes:
        messages = list(shapes.objects(shape, SH.message))
        assert [getattr(m, "language", None) for m in messages] == ["en"], shape
