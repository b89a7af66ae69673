"""The map command: options, outputs, refusals."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cli_helpers import FIXTURES, Cli, run_main
from triplehelix.data.loader import load_records
from triplehelix.graph.store.local import KnowledgeGraph
from triplehelix.graph.views.network import bipartite_graph, coparticipation_graph

VALID = FIXTURES / "valid"


def nodes_of(page: str) -> set[str]:
    m = re.search(r'id="map-data">(.*?)</script>', page, re.S)
    assert m
    return {n["id"] for n in json.loads(m.group(1))["nodes"]}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kg") / "kg"
    assert run_main(["load", str(VALID), "--store", str(path)]) == 0
    return path


def test_views_to_stdout(run_cli: Cli) -> None:
    seed = KnowledgeGraph.seed()
    for view, graph in (
        ("bipartite", bipartite_graph(seed)),
        ("coparticipation", coparticipation_graph(seed)),
    ):
        code, out, _ = run_cli("map", "--view", view, "-o", "-")
        assert code == 0
        assert out.startswith("<!DOCTYPE html>")
        assert nodes_of(out) == set(graph.nodes)
    code, out, _ = run_cli(
        "map", "--view", "full", "--color", "community", "--size", "betweenness", "-o", "-"
    )
    assert code == 0
    assert len(nodes_of(out)) > len(bipartite_graph(seed))


def test_writes_only_the_named_file(run_cli: Cli, tmp_path: Path) -> None:
    code, _, err = run_cli("map", "-o", str(tmp_path / "m.html"))
    assert code == 0
    assert f"wrote {tmp_path / 'm.html'}" in err
    assert [p.name for p in tmp_path.iterdir()] == ["m.html"]
    code, _, err = run_cli("map", "-o", str(tmp_path / "no" / "m.html"))
    assert code == 2
    assert "[bad-output]" in err


def test_focus_and_filters_from_a_store(run_cli: Cli, store: Path) -> None:
    kg = KnowledgeGraph(store, read_only=True)
    g = bipartite_graph(kg)
    kg.close()
    alpha = next(n for n, a in g.nodes(data=True) if a["short"] == "AU")
    code, out, _ = run_cli("map", "--store", str(store), "--focus", "AU", "--depth", "1", "-o", "-")
    assert code == 0
    assert nodes_of(out) == {alpha, *g[alpha]}
    assert "around AU (depth 1)" in out
    code, out, _ = run_cli(
        "map",
        "--store",
        str(store),
        "--country",
        "KZ",
        "--from",
        "2019",
        "--to",
        "2020",
        "-o",
        "-",
    )
    assert code == 0
    assert "country KZ · 2019–2020" in out
    code, _, err = run_cli("map", "--store", str(store), "--focus", "zzz", "-o", "-")
    assert code == 2
    assert "[unknown-focus]" in err


def test_refuses_maps_above_max_nodes(run_cli: Cli) -> None:
    n = len(bipartite_graph(KnowledgeGraph.seed()))
    code, out, err = run_cli("map", "--max-nodes", str(n - 1), "-o", "-")
    assert code == 2
    assert out == ""
    assert f"{n} nodes, more than --max-nodes {n - 1}" in err
    assert "--focus" in err
    assert run_cli("map", "--max-nodes", str(n), "-o", "-")[0] == 0


def test_query_file(run_cli: Cli, tmp_path: Path) -> None:
    rq = tmp_path / "edges.rq"
    rq.write_text("SELECT ?source ?target WHERE { ?p th:agent ?source ; th:activity ?target }")
    code, out, _ = run_cli("map", "--query", str(rq), "-o", "-")
    assert code == 0
    assert nodes_of(out) == set(bipartite_graph(KnowledgeGraph.seed()).nodes)
    assert "from edges.rq" in out
    rq.write_text("SELECT ?x WHERE { ?x ?y ?z } LIMIT 1")
    code, _, err = run_cli("map", "--query", str(rq), "-o", "-")
    assert code != 0
    assert "[bad-map-query]" in err


def test_help_has_examples(run_cli: Cli) -> None:
    code, out, _ = run_cli("map", "--help")
    assert code == 0
    assert "Examples:" in out
    assert "--focus ektu --depth 2" in out


def test_geo_layout_places_what_has_coordinates(
    capsys: pytest.CaptureFixture[str], run_cli: Cli, tmp_path: Path
) -> None:
    # Coordinates come with RDF files loaded next to the records (schema:latitude/longitude).
    world = tmp_path / "world"
    world.mkdir()
    for f in VALID.iterdir():
        (world / f.name).write_bytes(f.read_bytes())
    kg = KnowledgeGraph()
    kg.load(load_records([VALID]))
    alpha = next(n for n, a in bipartite_graph(kg).nodes(data=True) if a["short"] == "AU")
    kg.close()
    (world / "geo.ttl").write_text(
        f"<{alpha}> <https://schema.org/latitude> 43.24 ; <https://schema.org/longitude> 76.89 .\n"
    )
    store = tmp_path / "kg"
    assert run_main(["load", str(world), "--store", str(store)]) == 0
    capsys.readouterr()
    code, out, _ = run_cli("map", "--store", str(store), "--layout", "geo", "-o", "-")
    assert code == 0
    n = len(nodes_of(out))
    assert f"1 of {n} placed by coordinates" in out


def test_open_hands_the_written_file_to_the_browser(
    run_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", opened.append)
    code, _, _ = run_cli("map", "-o", str(tmp_path / "m.html"), "--open")
    assert code == 0
    assert opened == [(tmp_path / "m.html").resolve().as_uri()]
    assert run_cli("map", "-o", "-", "--open")[0] == 0
    assert len(opened) == 1  # nothing to open when the page goes to stdout


def test_an_empty_map_is_written_with_a_warning(run_cli: Cli) -> None:
    # The seed world's food-industry project has no recorded participant (30-projects.yaml).
    code, out, err = run_cli("map", "--sector", "food-industry", "-o", "-")
    assert code == 0
    assert nodes_of(out) == set()
    assert "warning: the map is empty" in err
