"""The Turtle files parse, and the TBox is documented and aligned as designed."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable

import pyshacl
import pytest
from rdflib import DCTERMS, OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef

from triplehelix.ontology import (
    HELIX,
    ONTOLOGY_IRI,
    TH,
    align_graph,
    ontology_files,
    scheme_iri,
)

ORG_SUBCLASSES = {
    TH.University: HELIX.academia,
    TH.ResearchOrganisation: HELIX.academia,
    TH.Company: HELIX.industry,
    TH.GovernmentBody: HELIX.government,
    TH.DevelopmentAgency: HELIX.intermediary,
    TH.TechnologyTransferCentre: HELIX.intermediary,
    TH.FundingBody: HELIX.funder,
    TH.OtherOrganisation: HELIX.other,
}


def _th_terms(graph: Graph) -> set[URIRef]:
    return {
        s
        for s in graph.subjects(RDF.type, None)
        if isinstance(s, URIRef) and str(s).startswith(str(TH))
    }


def test_ontology_files_cover_every_packaged_turtle_file() -> None:
    names = [f.name for f in ontology_files()]
    assert names[:2] == ["triplehelix.ttl", "triplehelix-align.ttl"]
    assert names[-1] == "shapes.ttl"
    schemes = ["cluster", "ctype", "etype", "helix", "horizon", "ptype", "role", "sector", "stage"]
    assert names[2:-1] == [f"{s}.ttl" for s in schemes]
    root = files("triplehelix.ontology")
    packaged = [*root.iterdir(), *root.joinpath("vocab").iterdir()]
    assert {t.name for t in packaged if t.name.endswith(".ttl")} == set(names)


@pytest.mark.parametrize("resource", ontology_files(), ids=lambda f: f.name)
def test_every_turtle_file_parses(resource: Traversable) -> None:
    graph = Graph().parse(data=resource.read_text(encoding="utf-8"), format="turtle")
    assert len(graph) > 0


def test_pyshacl_accepts_the_shapes(shapes: Graph) -> None:
    conforms, _, text = pyshacl.validate(Graph(), shacl_graph=shapes, inference="none")
    assert conforms, text


def test_ontology_header(tbox: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in tbox
    assert tbox.value(ONTOLOGY_IRI, DCTERMS.title) is not None
    assert tbox.value(ONTOLOGY_IRI, OWL.versionInfo) is not None
    assert tbox.value(ONTOLOGY_IRI, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )


def test_every_term_has_an_english_label_and_comment(tbox: Graph) -> None:
    for term in _th_terms(tbox):
        for prop in (RDFS.label, RDFS.comment):
            values = [v for v in tbox.objects(term, prop) if isinstance(v, Literal)]
            assert any(v.language == "en" for v in values), (term, prop)


def test_superclasses_and_superproperties(tbox: Graph) -> None:
    prov = "http://www.w3.org/ns/prov#"
    expected = [
        (TH.Agent, RDFS.subClassOf, URIRef(prov + "Agent")),
        (TH.Organization, RDFS.subClassOf, URIRef("http://www.w3.org/ns/org#Organization")),
        (TH.Person, RDFS.subClassOf, URIRef("http://xmlns.com/foaf/0.1/Person")),
        (TH.SourceRecord, RDFS.subClassOf, URIRef(prov + "Entity")),
        (TH.country, RDFS.subPropertyOf, DCTERMS.spatial),
        (TH.sector, RDFS.subPropertyOf, DCTERMS.subject),
        (TH.field, RDFS.subPropertyOf, DCTERMS.subject),
        (TH.pic, RDFS.subPropertyOf, DCTERMS.identifier),
        (TH.helixSphere, RDF.type, OWL.AnnotationProperty),
    ]
    for triple in expected:
        assert triple in tbox
    # Activities must not become prov:Activity (disjoint with prov:Entity).
    assert not list(tbox.triples((None, RDFS.subClassOf, URIRef(prov + "Activity"))))


def test_every_org_subclass_has_exactly_one_helix_sphere_in_the_helix_scheme(
    tbox: Graph, vocab: Graph
) -> None:
    for cls, sphere in ORG_SUBCLASSES.items():
        assert (cls, RDFS.subClassOf, TH.Organization) in tbox
        spheres = list(tbox.objects(cls, TH.helixSphere))
        assert spheres == [sphere], cls
        assert (sphere, SKOS.inScheme, scheme_iri("helix")) in vocab
    assert tbox.value(TH.Organization, TH.helixSphere) is None
    with_sphere = set(tbox.subjects(TH.helixSphere, None))
    assert with_sphere == set(ORG_SUBCLASSES)


def test_alignment_only_refers_to_declared_terms(tbox: Graph) -> None:
    align = align_graph()
    declared = _th_terms(tbox)
    used = {
        t
        for triple in align
        for t in triple
        if isinstance(t, URIRef) and str(t).startswith(str(TH))
    }
    assert used <= declared
    assert (TH.Project, SKOS.closeMatch, URIRef("https://schema.org/ResearchProject")) in align
    assert (TH.Project, RDFS.subClassOf, URIRef("https://schema.org/ResearchProject")) not in align
