"""Analytics checked against values worked out by hand from the definitions.

tests/fixtures/valid (see tests/graph/views/test_network.py): co-participation is the triangle
alpha (academia, KZ) – beta (industry, KZ) weight 2, alpha – gamma (academia, TJ) weight 1,
beta – gamma weight 1; delta (funder) takes part only as a funder.
"""

from __future__ import annotations

import importlib
import math

import networkx as nx
import pytest

from cli_helpers import FIXTURES
from triplehelix.data.loader import load_records
from triplehelix.errors import UsageError
from triplehelix.graph.analytics import (
    SphereCounts,
    adamic_adar,
    assortativity,
    broker_roles,
    centrality,
    communities,
    constraint,
    ei_index,
    mixing,
    suggest,
    summary,
    triple_helix_t,
)
from triplehelix.graph.store.local import KnowledgeGraph
from triplehelix.graph.views.network import Filters, bipartite_graph, coparticipation_graph

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


def weights(graph: nx.Graph) -> dict[frozenset[str], int]:
    return {frozenset((a, b)): d["weight"] for a, b, d in graph.edges(data=True)}


# -- filters -----------------------------------------------------------------------------


def test_sector_filter_keeps_activities_of_the_sector(kg: KnowledgeGraph) -> None:
    # p1 is food-industry: alpha and beta; p3 (agriculture) has gamma and a funder only
    assert weights(coparticipation_graph(kg, Filters(sectors=("food-industry",)))) == {
        frozenset((ALPHA, BETA)): 1
    }
    g = coparticipation_graph(kg, Filters(sectors=("agriculture",)))
    assert (list(g), g.number_of_edges()) == ([GAMMA], 0)


def test_country_and_sphere_filters_keep_organisations(kg: KnowledgeGraph) -> None:
    assert weights(coparticipation_graph(kg, Filters(countries=("KZ",)))) == {
        frozenset((ALPHA, BETA)): 2
    }
    # gamma is a research organisation and a company: in industry too
    assert weights(coparticipation_graph(kg, Filters(spheres=("industry",)))) == {
        frozenset((BETA, GAMMA)): 1
    }
    b = bipartite_graph(kg, Filters(countries=("TJ",)))
    assert b.number_of_edges() == 2  # gamma in p2 and p3


def test_programme_and_role_filters(kg: KnowledgeGraph) -> None:
    p2 = {frozenset((ALPHA, BETA)): 1, frozenset((ALPHA, GAMMA)): 1, frozenset((BETA, GAMMA)): 1}
    assert weights(coparticipation_graph(kg, Filters(programmes=("TP",)))) == p2
    assert weights(coparticipation_graph(kg, Filters(programmes=("test programme",)))) == p2
    assert weights(coparticipation_graph(kg, Filters(roles=("coordinator",)))) == {}
    assert weights(coparticipation_graph(kg, Filters(roles=("coordinator", "funder")))) == {
        frozenset((GAMMA, DELTA)): 1
    }


@pytest.mark.parametrize(
    ("filters", "code"),
    [
        (Filters(sectors=("no-such-sector",)), "unknown-sector"),
        (Filters(programmes=("nope",)), "unknown-programme"),
        (Filters(roles=("boss",)), "unknown-role"),
        (Filters(spheres=("church",)), "unknown-sphere"),
        (Filters(countries=("Kazakhstan",)), "bad-country"),
    ],
)
def test_unknown_filter_values_are_usage_errors(
    kg: KnowledgeGraph, filters: Filters, code: str
) -> None:
    with pytest.raises(UsageError) as info:
        coparticipation_graph(kg, filters)
    assert info.value.code == code


# -- summary, centrality, communities ----------------------------------------------------


def test_summary_of_the_fixture_world(kg: KnowledgeGraph) -> None:
    report = summary(coparticipation_graph(kg), bipartite_graph(kg))
    # triangle: 3 nodes, 3 edges, density 3/3; bipartite: 4 orgs x 4 activities, 9 edges
    assert report.table("views").rows == [
        ["coparticipation", 3, 3, 1.0, 1, 3],
        ["bipartite", 8, 9, 0.5625, 1, 8],
    ]
    assert report.table("spheres").rows == [
        ["academia", 2, 2],
        ["industry", 1, 1],
        ["funder", 1, 0],
    ]


def test_centrality_measures_on_hand_graphs(kg: KnowledgeGraph) -> None:
    g = coparticipation_graph(kg)
    top = centrality(g, "weighted-degree").table("centrality").rows
    # alpha 2+1, beta 2+1, gamma 1+1; ties ordered by label
    assert [(r[1], r[5]) for r in top] == [
        ("Alpha University", 3),
        ("Beta Steel", 3),
        ("Gamma Institute", 2),
    ]
    path = nx.path_graph(["a", "b", "c", "d"])
    rows = centrality(path, "betweenness").table("centrality").rows
    # b lies on a–c and a–d, c on a–d and b–d: 2 of the 3 pairs of the other nodes
    assert {r[1]: r[5] for r in rows} == {"b": 0.6667, "c": 0.6667, "a": 0.0, "d": 0.0}
    star = nx.star_graph(3)
    eig = {r[6]: r[5] for r in centrality(star, "eigenvector").table("centrality").rows}
    # leading eigenvector of a 3-star: centre 1/sqrt(2), leaves 1/sqrt(6)
    assert eig[0] == round(1 / math.sqrt(2), 4)
    assert eig[1] == round(1 / math.sqrt(6), 4)
    only = centrality(g, "degree", of_sphere="industry").table("centrality").rows
    assert [r[1] for r in only] == ["Beta Steel"]
    with pytest.raises(UsageError):
        centrality(g, "fame")


def test_betweenness_is_sampled_above_the_documented_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    module = importlib.import_module("triplehelix.graph.analytics.centrality")
    monkeypatch.setattr(module, "BETWEENNESS_WORK", 30)  # path of 10: 10 x 9 = 90 > 30
    monkeypatch.setattr(module, "BETWEENNESS_MIN_SAMPLE", 3)
    report = module.centrality(nx.path_graph(10), "betweenness")
    assert "3 sampled source nodes" in report.notes[0]
    assert not centrality(nx.path_graph(5), "betweenness").notes


def test_louvain_finds_two_triangles_and_their_modularity() -> None:
    g = nx.Graph([("a", "b"), ("b", "c"), ("a", "c"), ("d", "e"), ("e", "f"), ("d", "f")])
    g.add_edge("c", "d")
    nx.set_node_attributes(g, {"a": "academia", "b": "academia", "c": "industry"}, "helix")
    report = communities(g)
    # m = 7; each community: 3 inner ties, degree sum 7 -> Q = 2 * (3/7 - (7/14)^2)
    assert report.table("summary").rows[0][:2] == [2, round(2 * (3 / 7 - 0.25), 4)]
    mixes = sorted(r[2] for r in report.table("communities").rows)
    assert mixes == ["academia 2; industry 1", "unknown 3"]


# -- mixing ---------------------------------------------------------------------------------


def test_mixing_on_the_fixture_triangle(kg: KnowledgeGraph) -> None:
    g = coparticipation_graph(kg)
    report = mixing(g)
    assert report.table("matrix").rows == [["academia", 1, 2], ["industry", 2, 0]]
    assert report.table("pairs").rows == [
        ["academia", "academia", 1, 1],
        ["academia", "industry", 2, 3],  # alpha–beta weight 2, gamma–beta 1
    ]
    # E = 2 crossing ties, I = 1 inside: (2 - 1) / 3; academia the same; industry all out
    assert ei_index(g) == {"": 1 / 3, "academia": 1 / 3, "industry": 1.0}
    # tie ends: e_aa = 2/6, e_ai = e_ia = 2/6, e_ii = 0; a_a = 4/6, a_i = 2/6
    # r = (1/3 - 5/9) / (1 - 5/9) = -1/2; countries KZ, KZ, TJ give the same table
    assert assortativity(g, "helix") == pytest.approx(-0.5)
    assert assortativity(g, "country") == pytest.approx(-0.5)
    assert assortativity(g, "helix") == pytest.approx(
        nx.attribute_assortativity_coefficient(g, "helix")
    )


# -- synergy --------------------------------------------------------------------------------


def test_t_uig_of_an_exclusive_or_table_is_minus_one_bit() -> None:
    # U, I, G, UIG once each: every variable a fair bit (1 bit), every pair independent
    # (2 bits), the triple 4 equal cells (2 bits): T = 3 - 6 + 2 = -1
    t = triple_helix_t(SphereCounts({"U": 1, "I": 1, "G": 1, "UI": 0, "UG": 0, "IG": 0, "UIG": 1}))
    assert t["T_UIG"] == pytest.approx(-1.0)
    assert (t["T_UI"], t["T_UG"], t["T_IG"]) == pytest.approx((0.0, 0.0, 0.0))


def test_t_uig_of_a_hand_made_table() -> None:
    counts = {"U": 2, "I": 1, "G": 1, "UI": 2, "UG": 1, "IG": 0, "UIG": 1}  # N = 8

    def h(*ps: float) -> float:
        return -sum(p * math.log2(p) for p in ps if p)

    # marginals: U in 2+2+1+1 = 6 of 8, I in 1+2+1 = 4, G in 1+1+1 = 3
    h_u, h_i, h_g = h(6 / 8, 2 / 8), h(4 / 8, 4 / 8), h(3 / 8, 5 / 8)
    # (U, I): both UI+UIG 3, U only U+UG 3, I only I 1, neither G 1
    h_ui = h(3 / 8, 3 / 8, 1 / 8, 1 / 8)
    # (U, G): both UG+UIG 2, U not G U+UI 4, G not U G+IG 1, neither I 1
    h_ug = h(2 / 8, 4 / 8, 1 / 8, 1 / 8)
    # (I, G): both IG+UIG 1, I not G I+UI 3, G not I G+UG 2, neither U 2
    h_ig = h(1 / 8, 3 / 8, 2 / 8, 2 / 8)
    h_uig = h(2 / 8, 1 / 8, 1 / 8, 2 / 8, 1 / 8, 1 / 8)
    t = triple_helix_t(SphereCounts(counts))
    assert t["H_UI"] == pytest.approx(h_ui)
    assert t["T_UI"] == pytest.approx(h_u + h_i - h_ui)
    assert t["T_UIG"] == pytest.approx(h_u + h_i + h_g - h_ui - h_ug - h_ig + h_uig)


def test_one_sphere_only_carries_no_information() -> None:
    t = triple_helix_t(SphereCounts({"U": 4, "I": 0, "G": 0, "UI": 0, "UG": 0, "IG": 0, "UIG": 0}))
    assert t["T_UIG"] == 0.0
    assert math.isnan(triple_helix_t(SphereCounts(dict.fromkeys(["U", "I", "G"], 0)))["T_UIG"])


# -- brokerage ------------------------------------------------------------------------------


def test_gould_fernandez_roles_on_a_directed_five_node_example() -> None:
    # groups 1, 2, 3: A; 4: B; 5: C. Every open 2-path a -> b -> c (no a -> c), by hand:
    #   5->1->2 C,A,A gatekeeper(1)
    #   1->2->3 A,A,A coordinator(2)   1->2->5 A,A,C representative(2)
    #   4->2->3 B,A,A gatekeeper(2)    4->2->5 B,A,C liaison(2)
    #   2->3->5 closed by 2->5: nothing for 3
    #   5->4->2 C,B,A liaison(4)
    #   2->5->4 A,C,B liaison(5)  2->5->1 A,C,A consultant(5)
    #   3->5->4 A,C,B liaison(5)  3->5->1 A,C,A consultant(5)
    g = nx.DiGraph([(1, 2), (2, 3), (4, 2), (2, 5), (5, 4), (3, 5), (5, 1)])
    roles = broker_roles(g, {1: "A", 2: "A", 3: "A", 4: "B", 5: "C"})
    assert {n: dict(c) for n, c in roles.items() if c} == {
        1: {"gatekeeper": 1},
        2: {"coordinator": 1, "representative": 1, "gatekeeper": 1, "liaison": 1},
        4: {"liaison": 1},
        5: {"liaison": 2, "consultant": 2},
    }
    assert not roles[3]


def test_undirected_ties_count_both_ways() -> None:
    # b (A) with x (A), y (B), z (C); x–y tied. Open pairs around b: {x, z} gives
    # x->b->z representative and z->b->x gatekeeper; {y, z} two liaisons; {x, y} closed.
    g = nx.Graph([("b", "x"), ("b", "y"), ("b", "z"), ("x", "y")])
    roles = broker_roles(g, {"b": "A", "x": "A", "y": "B", "z": "C"})
    assert dict(roles["b"]) == {"representative": 1, "gatekeeper": 1, "liaison": 2}
    assert [dict(roles[n]) for n in "xyz"] == [{}, {}, {}]


def test_burt_constraint_by_hand_and_against_networkx() -> None:
    star = nx.star_graph(3)  # centre: 3 x (1/3)^2; a leaf: one contact, 1
    c = constraint(star)
    assert c[0] == pytest.approx(1 / 3)
    assert c[1] == pytest.approx(1.0)
    # triangle: p = 1/2, indirect 1/2 * 1/2: 2 x (3/4)^2
    assert constraint(nx.complete_graph(3))[0] == pytest.approx(1.125)
    g = nx.gnm_random_graph(30, 80, seed=3)
    for i, (a, b) in enumerate(g.edges()):
        g.edges[a, b]["weight"] = 1 + i % 4
    expected = nx.constraint(g, weight="weight")
    got = constraint(g)
    for n in g:
        if g.degree(n):
            assert got[n] == pytest.approx(expected[n])


# -- suggest --------------------------------------------------------------------------------


def test_adamic_adar_ranks_shared_partners_with_few_partners_higher() -> None:
    # a's partners b (deg 2) and d (deg 3); c shares both, e shares d only
    g = nx.Graph([("a", "b"), ("b", "c"), ("a", "d"), ("d", "c"), ("d", "e")])
    scores = adamic_adar(g, "a")
    assert scores["c"][0] == pytest.approx(1 / math.log(2) + 1 / math.log(3))
    assert scores["e"][0] == pytest.approx(1 / math.log(3))
    assert set(scores) == {"c", "e"}
    rows = suggest(g, "a").table("suggestions").rows
    assert [(r[1], r[5]) for r in rows] == [("c", "b; d"), ("e", "d")]
    with pytest.raises(UsageError):
        suggest(g, "zz")
