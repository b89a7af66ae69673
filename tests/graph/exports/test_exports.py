"""Exports read back by the libraries other tools use: same nodes, edges and attributes."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
import rdflib
from rdflib.compare import isomorphic

from cli_helpers import FIXTURES
from triplehelix.data.loader import load_records
from triplehelix.graph.exports.gexf import write_gexf
from triplehelix.graph.exports.graphml import write_graphml
from triplehelix.graph.exports.neo4j import write_neo4j
from triplehelix.graph.exports.node_link import write_node_link
from triplehelix.graph.exports.tables import write_csv, write_csv_single
from triplehelix.graph.exports.vosviewer import write_vosviewer
from triplehelix.graph.store.local import KnowledgeGraph
from triplehelix.graph.views.network import bipartite_graph, coparticipation_graph, full_graph

VALID = FIXTURES / "valid"
VIEWS: dict[str, Callable[[KnowledgeGraph], nx.Graph]] = {
    "coparticipation": coparticipation_graph,
    "bipartite": bipartite_graph,
    "full": full_graph,
}


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    graph = KnowledgeGraph()
    graph.load(load_records([VALID]))
    return graph


def numeric(items: Any) -> set[str]:
    """Attributes with an integer value somewhere: their unknown values ("") are left out."""
    return {k for attrs in items for k, v in attrs.items() if type(v) is int}


def known(attrs: dict[str, Any], numbers: set[str]) -> dict[str, Any]:
    return {k: v for k, v in attrs.items() if not (v == "" and k in numbers)}


def edge_map(graph: nx.Graph) -> dict[Any, dict[str, Any]]:
    if graph.is_multigraph():
        return {(u, v, k): d for u, v, k, d in graph.edges(keys=True, data=True)}
    return {
        frozenset((u, v)) if not graph.is_directed() else (u, v): d
        for u, v, d in graph.edges(data=True)
    }


def same_graph(read: nx.Graph, original: nx.Graph, drop: tuple[str, ...] = ()) -> None:
    node_numbers = numeric(d for _, d in original.nodes(data=True))
    assert dict(read.nodes(data=True)) == {
        n: known(d, node_numbers) for n, d in original.nodes(data=True)
    }
    got = {e: {k: v for k, v in d.items() if k not in drop} for e, d in edge_map(read).items()}
    edges = edge_map(original)
    edge_numbers = numeric(edges.values())
    assert got == {e: known(d, edge_numbers) for e, d in edges.items()}
    assert read.is_directed() == original.is_directed()


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_graphml_round_trip(kg: KnowledgeGraph, view: str) -> None:
    graph = VIEWS[view](kg)
    buf = io.StringIO()
    write_graphml(graph, buf)
    read = nx.read_graphml(io.StringIO(buf.getvalue()), force_multigraph=graph.is_multigraph())
    same_graph(read, graph)


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_gexf_round_trip(kg: KnowledgeGraph, view: str) -> None:
    graph = VIEWS[view](kg)
    buf = io.StringIO()
    write_gexf(graph, buf)
    read = nx.read_gexf(io.StringIO(buf.getvalue()))
    if not graph.is_multigraph():
        same_graph(read, graph, drop=("id",))
        return
    # edge ids are 0, 1, ...: compare the full view's edges as (source, target, attributes)
    numbers = numeric(d for _, d in graph.nodes(data=True))
    assert dict(read.nodes(data=True)) == {n: known(d, numbers) for n, d in graph.nodes(data=True)}

    def edges(g: nx.Graph) -> list[tuple[Any, ...]]:
        return sorted(
            (u, v, sorted((k, x) for k, x in d.items() if k != "id"))
            for u, v, d in g.edges(data=True)
        )

    assert edges(read) == edges(graph)


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_node_link_json_round_trip(kg: KnowledgeGraph, view: str) -> None:
    import json

    graph = VIEWS[view](kg)
    buf = io.StringIO()
    write_node_link(graph, buf)
    read = nx.node_link_graph(json.loads(buf.getvalue()), edges="edges")
    assert dict(read.nodes(data=True)) == dict(graph.nodes(data=True))
    assert edge_map(read) == edge_map(graph)


def test_csv_files_hold_every_node_and_edge(kg: KnowledgeGraph, tmp_path: Path) -> None:
    graph = coparticipation_graph(kg)
    nodes, edges = write_csv(graph, tmp_path)
    with nodes.open(encoding="utf-8") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    assert set(rows) == set(graph)
    assert {r["label"] for r in rows.values()} == {
        "Alpha University",
        "Beta Steel",
        "Gamma Institute",
    }
    with edges.open(encoding="utf-8") as fh:
        read = {frozenset((r["source"], r["target"])): int(r["weight"]) for r in csv.DictReader(fh)}
    assert read == {e: d["weight"] for e, d in edge_map(graph).items()}
    buf = io.StringIO()
    write_csv_single(graph, buf)
    elements = [r["element"] for r in csv.DictReader(io.StringIO(buf.getvalue()))]
    assert (elements.count("node"), elements.count("edge")) == (3, 3)


def test_vosviewer_files(kg: KnowledgeGraph, tmp_path: Path) -> None:
    write_vosviewer(coparticipation_graph(kg), tmp_path)
    lines = (tmp_path / "map.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == [
        "id",
        "label",
        "description",
        "cluster",
        "weight<Links>",
        "weight<Total link strength>",
    ]
    items = {row.split("\t")[1]: row.split("\t") for row in lines[1:]}
    # alpha: academia (cluster 1), 2 partners, 2 + 1 shared projects
    assert items["AU"][3:] == ["1", "2", "3"]
    assert items["Beta Steel"][3:] == ["2", "2", "3"]
    ids = {row[1]: row[0] for row in items.values()}
    links = {
        tuple(line.split("\t"))
        for line in (tmp_path / "network.txt").read_text(encoding="utf-8").splitlines()
    }
    assert (ids["AU"], ids["Beta Steel"], "2") in links or (
        ids["Beta Steel"],
        ids["AU"],
        "2",
    ) in links
    assert len(links) == 3


def test_neo4j_import_headers(kg: KnowledgeGraph, tmp_path: Path) -> None:
    write_neo4j(full_graph(kg), tmp_path)
    with (tmp_path / "nodes.csv").open(encoding="utf-8") as fh:
        nodes = list(csv.reader(fh))
    assert nodes[0][0] == "id:ID"
    assert nodes[0][-1] == ":LABEL"
    assert "start:long" in nodes[0]
    labels = {row[-1] for row in nodes[1:]}
    assert {"Organisation;Academia", "Organisation;Industry", "Project", "Event"} <= labels
    with (tmp_path / "relationships.csv").open(encoding="utf-8") as fh:
        rels = list(csv.reader(fh))
    assert rels[0][:3] == [":START_ID", ":END_ID", ":TYPE"]
    types = [row[2] for row in rels[1:]]
    assert len(types) == 26  # the full view's edges (tests/graph/views/test_network.py)
    assert {"AGENT", "ACTIVITY", "IS_PART_OF", "FUNDED_ITEM"} <= set(types)


@pytest.mark.parametrize("fmt", ["ttl", "nt", "rdfxml"])
def test_merged_rdf_exports_parse_back_isomorphic(kg: KnowledgeGraph, fmt: str) -> None:
    buf = io.BytesIO()
    kg.dump(fmt, buf)
    parsed = rdflib.Graph().parse(
        data=buf.getvalue(), format={"ttl": "turtle", "nt": "nt", "rdfxml": "xml"}[fmt]
    )
    assert isomorphic(parsed, kg.union_graph())


# rdflib's Dataset.parse calls its own deprecated API
@pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")
@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_quad_exports_keep_every_named_graph(kg: KnowledgeGraph, fmt: str) -> None:
    buf = io.BytesIO()
    kg.dump(fmt, buf)
    parsed = rdflib.Dataset()
    parsed.parse(data=buf.getvalue().decode("utf-8"), format={"nq": "nquads", "trig": "trig"}[fmt])
    expected = kg.to_rdflib()
    names = {str(g.identifier) for g in expected.graphs()} - {
        "urn:x-rdflib:default",
        "https://w3id.org/triplehelix/graph/ontology",
        "https://w3id.org/triplehelix/graph/vocab",
    }
    for name in names:
        got = parsed.graph(rdflib.URIRef(name))
        assert isomorphic(got, expected.graph(rdflib.URIRef(name))), name
