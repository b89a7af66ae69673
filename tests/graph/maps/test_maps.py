"""Map pages without a browser: data block, escaping, styles, layouts, selection."""

from __future__ import annotations

import json
import re

import networkx as nx
import pytest

from cli_helpers import FIXTURES
from triplehelix.data.loader import load_records
from triplehelix.errors import QueryError, UsageError
from triplehelix.graph.maps.data import node_details
from triplehelix.graph.maps.layout import geo_positions, positions
from triplehelix.graph.maps.page import MapStyle, render_map
from triplehelix.graph.maps.view import Selection, query_graph, resolve_node, select_view
from triplehelix.graph.store.local import KnowledgeGraph
from triplehelix.graph.views.network import bipartite_graph, node_table

VALID = FIXTURES / "valid"


def data_block(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', page, re.S)
    assert m
    return json.loads(m.group(1))


@pytest.fixture(scope="module")
def valid() -> KnowledgeGraph:
    kg = KnowledgeGraph()
    kg.load(load_records([VALID]))
    return kg


def details(kg: KnowledgeGraph):
    return node_details(kg, {k: v["label"] for k, v in node_table(kg).items()})


def test_page_has_every_node_and_edge_and_no_remote_reference(valid: KnowledgeGraph) -> None:
    g = bipartite_graph(valid)
    page = render_map(g, title="T", details=details(valid))
    data = data_block(page)
    assert {n["id"] for n in data["nodes"]} == set(g.nodes)
    ids = [n["id"] for n in data["nodes"]]
    assert {frozenset((ids[e["f"]], ids[e["t"]])) for e in data["edges"]} == {
        frozenset(e) for e in g.edges
    }
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page
    assert "<link" not in page


def test_hostile_text_cannot_leave_the_data_block() -> None:
    g = nx.Graph()
    bad = "</script><script>alert(1)</script>"
    g.add_node("a", label=bad, kind="organisation", helix="industry", country="")
    page = render_map(g, title="<b>title</b>", subtitle="<i>&</i>")
    assert bad not in page
    assert "<b>title</b>" not in page
    assert "&lt;b&gt;title&lt;/b&gt;" in page
    assert "&lt;i&gt;&amp;&lt;/i&gt;" in page
    assert data_block(page)["nodes"][0]["name"].startswith("</script>")


def test_tooltip_carries_names_types_roles_funding_and_sources(valid: KnowledgeGraph) -> None:
    g = bipartite_graph(valid)
    nodes = {
        n["id"]: n for n in data_block(render_map(g, title="T", details=details(valid)))["nodes"]
    }
    table = node_table(valid)
    alpha = next(n for n, a in table.items() if a["short"] == "AU")  # 10-organisations.csv
    title = nodes[alpha]["title"]
    assert title.splitlines()[0] == table[alpha]["label"]
    assert "coordinator" in title  # role in p1 (30-participations.jsonl)
    assert "source: " in title
    assert "coordinator" in nodes[alpha]["roles"]


@pytest.mark.parametrize("color", ["helix", "country", "community"])
@pytest.mark.parametrize("size", ["degree", "funding", "betweenness"])
def test_every_style_renders(valid: KnowledgeGraph, color: str, size: str) -> None:
    g = bipartite_graph(valid)
    page = render_map(g, title="T", details=details(valid), style=MapStyle(color=color, size=size))
    nodes = data_block(page)["nodes"]
    assert len(nodes) == len(g)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", n["color"]) for n in nodes)


def test_physics_is_off_above_the_limit_unless_asked() -> None:
    small, big = nx.path_graph(5), nx.path_graph(250)
    for g in (small, big):
        nx.set_node_attributes(g, "organisation", "kind")
    assert data_block(render_map(small, title="t"))["physics"] is True
    assert data_block(render_map(big, title="t"))["physics"] is False
    assert data_block(render_map(big, title="t", style=MapStyle(physics=True)))["physics"] is True


def test_large_maps_label_only_the_biggest_nodes() -> None:
    g = nx.star_graph(100)
    nx.set_node_attributes(g, {n: f"n{n}" for n in g}, "label")
    nodes = data_block(render_map(g, title="t"))["nodes"]
    labelled = [n["id"] for n in nodes if n["label"]]
    assert "0" in labelled
    assert len(labelled) == 30


def test_layout_is_seeded_and_separates_nodes() -> None:
    g = nx.connected_watts_strogatz_graph(400, 4, 0.1, seed=1)  # above the spring limit
    g.add_edges_from([(1000, 1001), (1002, 1003)])  # two more components
    a, b = positions(g), positions(g)
    assert a == b
    assert set(a) == set(g)
    assert len({(round(x), round(y)) for x, y in a.values()}) > 0.95 * len(g)


def test_geo_layout_places_known_coordinates_and_lists_others_aside() -> None:
    g = nx.Graph([("almaty", "dushanbe"), ("dushanbe", "nowhere")])
    p = geo_positions(g, {"almaty": (43.24, 76.89), "dushanbe": (38.56, 68.77)})
    assert p["almaty"][0] > p["dushanbe"][0]  # east is right
    assert p["almaty"][1] < p["dushanbe"][1]  # north is up
    assert p["nowhere"][0] > max(p["almaty"][0], p["dushanbe"][0])


def test_selection_by_country_sector_and_focus(valid: KnowledgeGraph) -> None:
    d = details(valid)
    g = bipartite_graph(valid)
    tj = select_view(valid, "bipartite", Selection(country="tj"), d)
    orgs = {n for n, a in tj.nodes(data=True) if a["kind"] == "organisation"}
    assert orgs == {
        n for n, a in g.nodes(data=True) if a["kind"] == "organisation" and a["country"] == "TJ"
    }
    assert all(any(m in orgs for m in tj[n]) for n in tj if n not in orgs)
    food = select_view(valid, "bipartite", Selection(sector="food-industry"), d)
    p1 = next(n for n, a in g.nodes(data=True) if a["label"] == "Project One")
    assert p1 in food  # p1 is the food-industry project (20-projects.json)
    assert {n for n in food if g.nodes[n]["kind"] == "organisation"} == set(g[p1])
    ego = select_view(valid, "bipartite", Selection(focus="Project One", depth=1), d)
    assert set(ego) == {p1, *g[p1]}


def test_focus_must_name_exactly_one_node() -> None:
    g = nx.Graph()
    g.add_node("http://x/a", label="Alpha One", short="")
    g.add_node("http://x/b", label="Alpha Two", short="")
    with pytest.raises(UsageError, match="names 2 nodes"):
        resolve_node(g, "alpha")
    with pytest.raises(UsageError, match="no such node"):
        resolve_node(g, "gamma")
    assert resolve_node(g, "b") == "http://x/b"


def test_years_narrow_the_view(valid: KnowledgeGraph) -> None:
    g = select_view(valid, "bipartite", Selection(year_from=2021, year_to=2021), details(valid))
    labels = {a["label"] for _, a in g.nodes(data=True) if a["kind"] == "project"}
    assert labels == {"Project Two"}  # p1 ends 2020, p3 is 2022 (20-projects.json)


def test_query_graph_needs_source_and_target(valid: KnowledgeGraph) -> None:
    q = """SELECT ?source ?target (COUNT(*) AS ?weight) WHERE {
      ?p th:agent ?source ; th:activity ?target } GROUP BY ?source ?target"""
    g = query_graph(valid, q, "edges.rq")
    assert g.number_of_edges() == nx.Graph(bipartite_graph(valid)).number_of_edges()
    with pytest.raises(QueryError, match="must be a SELECT returning"):
        query_graph(valid, "SELECT ?a WHERE { ?a ?b ?c } LIMIT 1", "bad.rq")
    with pytest.raises(QueryError, match="must be a SELECT returning"):
        query_graph(valid, "ASK { ?a ?b ?c }", "ask.rq")


def test_funding_sums_grants_awarded_and_funded_and_contributions(valid: KnowledgeGraph) -> None:
    # 00-world.yaml: grant g1 (150000.50 EUR) funded by delta, awarded to alpha;
    # 30-participations.jsonl: alpha brings 1000 EUR cash to p2.
    from decimal import Decimal

    table = node_table(valid)
    alpha = next(n for n, a in table.items() if a["short"] == "AU")
    delta = next(
        n for n, a in table.items() if a["kind"] == "organisation" and "Delta" in a["label"]
    )
    d = details(valid)
    assert d.amounts[alpha] == {"EUR": Decimal("151000.50")}
    assert d.amounts[delta] == {"EUR": Decimal("150000.50")}
    assert any(
        line.startswith("contributes to Project Two (1,000 EUR)") for line in d.funding[alpha]
    )
    g = bipartite_graph(valid)
    nodes = data_block(render_map(g, title="t", details=d, style=MapStyle(size="funding")))["nodes"]
    size = {n["id"]: n["size"] for n in nodes}
    assert size[alpha] == max(size.values())
    assert all(s == 8 for n, s in size.items() if n not in d.amounts)


def test_coparticipation_links_get_the_years_of_their_projects(valid: KnowledgeGraph) -> None:
    from triplehelix.graph.views.network import coparticipation_graph

    g = coparticipation_graph(valid)
    table = node_table(valid)
    page = render_map(g, title="t", activities=table)
    data = data_block(page)
    ids = [n["id"] for n in data["nodes"]]
    for e in data["edges"]:
        projects = g.edges[ids[e["f"]], ids[e["t"]]]["projects"].split()
        expected = [
            [int(table[p]["start"]), int(table[p]["end"] or table[p]["start"])]
            for p in projects
            if table[p]["start"] != ""
        ]
        assert e.get("spans", []) == expected
    assert any(e.get("spans") for e in data["edges"])


def test_geo_maps_never_move_by_physics_unless_asked() -> None:
    g = nx.path_graph(3)
    assert data_block(render_map(g, title="t", style=MapStyle(layout="geo")))["physics"] is False
    on = MapStyle(layout="geo", physics=True)
    assert data_block(render_map(g, title="t", style=on))["physics"] is True


def test_participation_nodes_are_not_labelled_with_identifiers() -> None:
    g = nx.Graph()
    g.add_node("p/1b2c", label="1b2c-uuid", kind="participation")
    g.add_node("o/a", label="Alpha", kind="organisation")
    nodes = {n["id"]: n for n in data_block(render_map(g, title="t"))["nodes"]}
    assert nodes["p/1b2c"]["label"] == ""
    assert nodes["o/a"]["label"] == "Alpha"


def test_query_graph_refuses_service_but_not_the_word_in_a_string(valid: KnowledgeGraph) -> None:
    remote = (
        "SELECT ?source ?target WHERE { SERVICE <http://127.0.0.1:1/s> { ?source ?p ?target } }"
    )
    with pytest.raises(QueryError, match="SERVICE"):
        query_graph(valid, remote, "remote.rq")
    hidden = "SELECT * WHERE { ?source a <http://x#T> . SERVICE <http://127.0.0.1:1/s> { ?source ?p ?target } }"
    with pytest.raises(QueryError, match="SERVICE"):  # a "#" inside an IRI is no comment
        query_graph(valid, hidden, "hidden.rq")
    quoted = """# SERVICE in a comment
    SELECT ?source ?target WHERE { ?p th:agent ?source ; th:activity ?target
      FILTER(?p != "SERVICE") }"""
    assert query_graph(valid, quoted, "ok.rq").number_of_edges() > 0
