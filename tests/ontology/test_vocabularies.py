"""Every SKOS scheme is complete and well-formed."""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib import RDF, SKOS, XSD, Graph, Literal, URIRef

from triplehelix.ontology import HORIZON_YEARS, ROLE, SECTOR, STAGE, TH, horizon, scheme_iri

SLUGS = {
    "role": [
        "coordinator", "partner", "industry-partner", "associated-partner", "third-party",
        "funder", "implementer", "sponsor", "in-kind-contributor", "beneficiary", "host",
        "organiser", "speaker", "participant",
    ],
    "helix": ["academia", "industry", "government", "intermediary", "funder", "other"],
    "sector": [
        "food-industry", "agriculture", "logistics", "construction", "eco-products", "education",
    ],
    "horizon": [str(y) for y in HORIZON_YEARS],
    "cluster": [],
    "stage": ["why", "what", "how"],
    "ptype": [
        "tandem", "capacity-building", "joint-research", "contract-research", "dual-study",
        "curriculum-development", "needs-analysis",
    ],
    "etype": [
        "conference", "session", "master-class", "workshop", "foresight-workshop",
        "summer-school", "study-visit",
    ],
    "ctype": ["cash", "in-kind", "staff-time", "equipment", "venue", "expertise", "internships"],
}  # fmt: skip
NACE = "http://data.europa.eu/ux2/nace2.1/"
CERIF = "https://w3id.org/cerif/vocab/OrganisationProjectEngagements#"


def _concepts(vocab: Graph) -> list[URIRef]:
    return sorted(c for c in vocab.subjects(RDF.type, SKOS.Concept) if isinstance(c, URIRef))


@pytest.mark.parametrize("scheme", sorted(SLUGS))
def test_scheme_has_exactly_the_agreed_concepts(vocab: Graph, scheme: str) -> None:
    iri = scheme_iri(scheme)
    assert (iri, RDF.type, SKOS.ConceptScheme) in vocab
    in_scheme = set(vocab.subjects(SKOS.inScheme, iri))
    expected = {URIRef(f"https://w3id.org/triplehelix/vocab/{scheme}/{s}") for s in SLUGS[scheme]}
    assert in_scheme == expected


def test_every_concept_has_scheme_labels_and_definition(vocab: Graph) -> None:
    for concept in _concepts(vocab):
        schemes = list(vocab.objects(concept, SKOS.inScheme))
        assert len(schemes) == 1, concept
        labels = [v for v in vocab.objects(concept, SKOS.prefLabel) if isinstance(v, Literal)]
        languages = Counter(label.language for label in labels)
        assert languages["en"] == 1, concept
        assert all(count == 1 for count in languages.values()), concept
        definitions = [v for v in vocab.objects(concept, SKOS.definition) if isinstance(v, Literal)]
        assert [d.language for d in definitions] == ["en"], concept


def test_top_concepts_are_consistent(vocab: Graph) -> None:
    for concept in _concepts(vocab):
        scheme = vocab.value(concept, SKOS.inScheme)
        is_top = (concept, SKOS.topConceptOf, scheme) in vocab
        assert is_top == ((scheme, SKOS.hasTopConcept, concept) in vocab), concept
        assert is_top != (vocab.value(concept, SKOS.broader) is not None), concept
    assert (ROLE["industry-partner"], SKOS.broader, ROLE.partner) in vocab


def test_roles_are_org_roles_with_cerif_mappings(vocab: Graph) -> None:
    org_role = URIRef("http://www.w3.org/ns/org#Role")
    for concept in vocab.subjects(SKOS.inScheme, scheme_iri("role")):
        assert (concept, RDF.type, org_role) in vocab
    for slug, term in [
        ("coordinator", "Coordinator"),
        ("partner", "Partner"),
        ("participant", "Participant"),
        ("funder", "Funder"),
        ("sponsor", "Sponsor"),
        ("in-kind-contributor", "InkindContributor"),
    ]:
        assert (ROLE[slug], SKOS.exactMatch, URIRef(CERIF + term)) in vocab


def test_horizons_have_notation_and_integer_year(vocab: Graph) -> None:
    for year in HORIZON_YEARS:
        assert vocab.value(horizon(year), SKOS.notation) == Literal(str(year))
        assert vocab.value(horizon(year), TH.horizonYear) == Literal(year, datatype=XSD.integer)


def test_stage_notations(vocab: Graph) -> None:
    notations = {str(vocab.value(c, SKOS.notation)) for c in (STAGE.why, STAGE.what, STAGE.how)}
    assert notations == {"WHY", "WHAT", "HOW"}


def test_sector_nace_mappings(vocab: Graph) -> None:
    assert (SECTOR["food-industry"], SKOS.closeMatch, URIRef(NACE + "10")) in vocab
    assert (SECTOR.agriculture, SKOS.broadMatch, URIRef(NACE + "A")) in vocab
    assert (SECTOR.logistics, SKOS.closeMatch, URIRef(NACE + "H")) in vocab
    assert (SECTOR.construction, SKOS.closeMatch, URIRef(NACE + "F")) in vocab
    assert (SECTOR.education, SKOS.closeMatch, URIRef(NACE + "P")) in vocab
    eco = SECTOR["eco-products"]
    assert vocab.value(eco, SKOS.scopeNote) is not None
    mapped = [o for p, o in vocab.predicate_objects(eco) if str(p).endswith("Match")]
    assert mapped == []
    # Sectors are policy categories: never an exact match to a statistical class.
    assert all(str(o).startswith(CERIF) for o in vocab.objects(None, SKOS.exactMatch))
