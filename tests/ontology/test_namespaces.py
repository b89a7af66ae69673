"""The closed namespaces and the Turtle files stay in parity."""

from __future__ import annotations

import inspect

import pytest
from rdflib import RDF, SKOS, Graph, URIRef
from rdflib.namespace import DefinedNamespace, Namespace

from triplehelix.ontology import (
    CLUSTER,
    CTYPE,
    ETYPE,
    EU_COUNTRY,
    GRAPH_CURATION,
    GRAPH_META,
    GRAPH_ONTOLOGY,
    GRAPH_VOCAB,
    HELIX,
    HORIZON,
    ID,
    PREFIXES,
    PTYPE,
    ROLE,
    SECTOR,
    SRC,
    STAGE,
    TH,
    THSH,
    VOCAB,
    horizon,
    scheme_iri,
)

CLOSED_SCHEMES: dict[str, type[DefinedNamespace]] = {
    "role": ROLE,
    "helix": HELIX,
    "stage": STAGE,
    "ptype": PTYPE,
    "etype": ETYPE,
    "ctype": CTYPE,
    "horizon": HORIZON,
}


def _members(namespace: type[DefinedNamespace]) -> set[URIRef]:
    names = [*inspect.get_annotations(namespace), *namespace._extras]
    return {namespace[name] for name in names}


def test_th_matches_the_tbox(tbox: Graph) -> None:
    declared = {
        s
        for s in tbox.subjects(RDF.type, None)
        if isinstance(s, URIRef) and str(s).startswith(str(TH))
    }
    assert _members(TH) == declared
    assert len(declared) == 44  # 21 classes + 23 properties


@pytest.mark.parametrize("scheme", sorted(CLOSED_SCHEMES))
def test_closed_vocab_namespaces_match_their_schemes(vocab: Graph, scheme: str) -> None:
    concepts = set(vocab.subjects(SKOS.inScheme, scheme_iri(scheme)))
    assert _members(CLOSED_SCHEMES[scheme]) == {c for c in concepts if isinstance(c, URIRef)}


def test_undefined_terms_raise() -> None:
    with pytest.raises(AttributeError):
        _ = TH.foo
    with pytest.raises(AttributeError):
        _ = ROLE["co-ordinator"]
    with pytest.raises(AttributeError):
        _ = HORIZON["2031"]


def test_hyphenated_and_numeric_slugs() -> None:
    assert ROLE["industry-partner"] == URIRef(
        "https://w3id.org/triplehelix/vocab/role/industry-partner"
    )
    assert CTYPE["in-kind"] == URIRef("https://w3id.org/triplehelix/vocab/ctype/in-kind")
    assert (
        horizon(2045)
        == HORIZON["2045"]
        == URIRef("https://w3id.org/triplehelix/vocab/horizon/2045")
    )
    with pytest.raises(ValueError, match="2031"):
        horizon(2031)


def test_open_namespaces_and_graph_iris() -> None:
    base = "https://w3id.org/triplehelix/"
    for ns in (SECTOR, CLUSTER, ID, SRC, VOCAB, THSH, EU_COUNTRY):
        assert isinstance(ns, Namespace)
    assert SECTOR["new-sector"] == URIRef(base + "vocab/sector/new-sector")
    assert ID["org/x"] == URIRef(base + "id/org/x")
    assert SRC["doc"] == URIRef(base + "source/doc")
    assert URIRef("http://publications.europa.eu/resource/authority/country/UZB") == EU_COUNTRY.UZB
    assert [
        URIRef(base + "graph/" + name) for name in ("meta", "ontology", "vocab", "curation")
    ] == [GRAPH_META, GRAPH_ONTOLOGY, GRAPH_VOCAB, GRAPH_CURATION]


def test_prefixes() -> None:
    assert set(PREFIXES) == {
        "th", "role", "helix", "sector", "horizon", "cluster", "stage", "ptype", "etype",
        "ctype", "id", "src", "thsh", "skos", "rdf", "rdfs", "owl", "xsd", "prov", "dcterms",
        "schema", "org", "foaf", "dcat", "sh", "country",
    }  # fmt: skip
    assert PREFIXES["th"] == "https://w3id.org/triplehelix/ontology#"
    assert PREFIXES["schema"] == "https://schema.org/"
    assert PREFIXES["country"] == "http://publications.europa.eu/resource/authority/country/"
    for scheme in ("role", "helix", "sector", "horizon", "cluster", "stage", "ptype", "etype"):
        assert PREFIXES[scheme] == f"https://w3id.org/triplehelix/vocab/{scheme}/"
    assert len(set(PREFIXES.values())) == len(PREFIXES)
