"""NetworkX views, checked against values worked out by hand from tests/fixtures/valid.

p1: alpha (coordinator), beta (industry-partner)             2019–2020
p2: alpha (coordinator), beta (partner), gamma (partner)     2021–2023 (gamma from 2022)
p3: gamma (coordinator), delta (funder)                      2022
ev: alpha (organiser), delta (participant)                   an event, 2021
"""

from __future__ import annotations

import pytest

from cli_helpers import FIXTURES
from triplehelix.data.loader import load_records
from triplehelix.graph.store.local import KnowledgeGraph
from triplehelix.graph.views.network import (
    Filters,
    bipartite_graph,
    coparticipation_graph,
    full_graph,
)

VALID = FIXTURES / "valid"
ORG = "https://w3id.org/triplehelix/id/org/"
ALPHA, BETA, GAMMA, DELTA = (
    ORG + "alpha-university-kz",
    ORG + "beta-steel-kz",
    ORG + "gamma-institute-tj",
    ORG + "delta-fund-de",
)


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    graph = KnowledgeGraph()
    graph.load(load_records([VALID]))
    return graph


def weights(graph: object) -> dict[frozenset[str], int]:
    return {frozenset((a, b)): d["weight"] for a, b, d in graph.edges(data=True)}  # type: ignore[attr-defined]


def test_coparticipation_counts_shared_projects(kg: KnowledgeGraph) -> None:
    g = coparticipation_graph(kg)
    assert weights(g) == {
        frozenset((ALPHA, BETA)): 2,
        frozenset((ALPHA, GAMMA)): 1,
        frozenset((BETA, GAMMA)): 1,
    }
    assert DELTA not in g  # a funder links nobody by default


def test_coparticipation_options(kg: KnowledgeGraph) -> None:
    with_funders = weights(coparticipation_graph(kg, Filters(include_funders=True)))
    assert with_funders[frozenset((GAMMA, DELTA))] == 1
    with_events = weights(coparticipation_graph(kg, Filters(include_events=True)))
    assert frozenset((ALPHA, DELTA)) in with_events


def test_year_filter_applies_before_projecting(kg: KnowledgeGraph) -> None:
    g = coparticipation_graph(kg, Filters(year_from=2021))
    assert weights(g)[frozenset((ALPHA, BETA))] == 1  # p1 ended in 2020
    assert weights(coparticipation_graph(kg, Filters(year_to=2020))) == {
        frozenset((ALPHA, BETA)): 1
    }


def test_helix_pair_and_node_attributes(kg: KnowledgeGraph) -> None:
    g = coparticipation_graph(kg)
    assert g.edges[ALPHA, BETA]["helix_pair"] == "academia-industry"
    alpha = g.nodes[ALPHA]
    assert (alpha["label"], alpha["kind"], alpha["helix"], alpha["country"]) == (
        "Alpha University",
        "organisation",
        "academia",
        "KZ",
    )
    assert g.nodes[GAMMA]["spheres"] == "academia industry"


def test_bipartite_has_one_edge_per_org_activity_pair(kg: KnowledgeGraph) -> None:
    g = bipartite_graph(kg)
    assert g.number_of_edges() == 9
    assert sum(1 for _, d in g.nodes(data=True) if d["bipartite"] == 0) == 4
    assert sum(1 for _, d in g.nodes(data=True) if d["bipartite"] == 1) == 4
    p3 = next(n for n, d in g.nodes(data=True) if d["label"] == "Project Three")
    assert g.edges[DELTA, p3]["roles"] == "funder"
    p1 = next(n for n, d in g.nodes(data=True) if d["label"] == "Project One")
    assert g.edges[BETA, p1]["n_sources"] == 1  # the row cites report p4 only
    assert g.edges[ALPHA, p1]["years"] == "2019-2020"


def test_full_graph_has_every_typed_node_and_link(kg: KnowledgeGraph) -> None:
    g = full_graph(kg)
    kinds = [d["kind"] for _, d in g.nodes(data=True)]
    assert {k: kinds.count(k) for k in set(kinds)} == {
        "organisation": 4,
        "project": 3,
        "event": 1,
        "programme": 1,
        "grant": 1,
        "participation": 9,
    }
    # 9 agent + 9 activity links, 1 viaGrant, grant: funder, programme, fundedItem, awardee,
    # programme: funder, project p2: underProgramme, event: isPartOf p2
    assert g.number_of_edges() == 26
    preds = {k for _, _, k in g.edges(keys=True)}
    assert {"th:agent", "th:activity", "schema:fundedItem", "dcterms:isPartOf"} <= preds


@pytest.mark.parametrize("view", [full_graph, bipartite_graph, coparticipation_graph])
def test_every_node_carries_the_common_attributes(kg: KnowledgeGraph, view: object) -> None:
    g = view(kg)  # type: ignore[operator]
    for _, attrs in g.nodes(data=True):
        assert {"label", "kind", "helix", "country"} <= set(attrs)
        assert all(v is not None for v in attrs.values())
    for a, b in g.edges():
        assert a in g
        assert b in g
