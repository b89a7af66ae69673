"""The record models accept exactly the concepts the SKOS vocabularies define."""

from __future__ import annotations

from typing import Any, get_args

import pytest
from rdflib import URIRef
from rdflib.namespace import SKOS

from triplehelix.data import models
from triplehelix.graph.rdf.terms import org_class
from triplehelix.ontology import scheme_iri, tbox_graph, vocab_graph
from triplehelix.ontology.namespace import HORIZON_YEARS as VOCAB_HORIZONS
from triplehelix.ontology.namespace import TH


def concepts(scheme: str) -> set[str]:
    graph = vocab_graph()
    return {str(c).rsplit("/", 1)[-1] for c in graph.subjects(SKOS.inScheme, scheme_iri(scheme))}


@pytest.mark.parametrize(
    ("literal", "scheme"),
    [
        (models.Role, "role"),
        (models.ProjectType, "ptype"),
        (models.EventType, "etype"),
        (models.ContributionType, "ctype"),
        (models.Stage, "stage"),
    ],
)
def test_model_choices_are_the_scheme_concepts(literal: Any, scheme: str) -> None:
    assert set(get_args(literal)) == concepts(scheme)


def test_builtin_sectors_and_horizons_are_in_the_vocabulary() -> None:
    assert set(models.BUILTIN_SECTORS) == concepts("sector")
    assert {str(y) for y in models.HORIZON_YEARS} == concepts("horizon")
    assert tuple(models.HORIZON_YEARS) == tuple(VOCAB_HORIZONS)


def test_every_organisation_type_has_a_class_with_a_sphere() -> None:
    tbox = tbox_graph()
    for org_type in get_args(models.OrgType):
        spheres = list(tbox.objects(URIRef(org_class(org_type)), TH.helixSphere))
        assert len(spheres) == 1, org_type
