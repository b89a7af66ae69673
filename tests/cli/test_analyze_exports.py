"""The export command's graph formats as users meet them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pytest

from cli_helpers import FIXTURES, Cli, run_main

VALID = FIXTURES / "valid"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("kg") / "kg"
    assert run_main(["load", str(VALID), "--store", str(path)]) == 0
    return str(path)


def test_graphml_file_opens_in_networkx(run_cli: Cli, store: str, tmp_path: Path) -> None:
    target = tmp_path / "partners.graphml"
    code, out, err = run_cli("export", "--store", store, "--format", "graphml", "-o", str(target))
    assert (code, out) == (0, "")
    assert f"wrote {target}" in err
    g = nx.read_graphml(target)
    # the fixture triangle: alpha–beta 2 shared projects, alpha–gamma 1, beta–gamma 1
    assert sorted(d["weight"] for _, _, d in g.edges(data=True)) == [1, 1, 2]


def test_bipartite_json_to_stdout_with_a_filter(run_cli: Cli, store: str) -> None:
    code, out, _ = run_cli(
        "export", "--store", store, "--format", "json", "--view", "bipartite", "--country", "TJ"
    )
    assert code == 0
    g = nx.node_link_graph(json.loads(out), edges="edges")
    assert (g.number_of_nodes(), g.number_of_edges()) == (3, 2)  # gamma, p2, p3


def test_csv_to_stdout_or_a_folder(run_cli: Cli, store: str, tmp_path: Path) -> None:
    code, out, _ = run_cli("export", "--store", store, "--format", "csv")
    assert code == 0
    assert [r["element"] for r in csv.DictReader(io.StringIO(out))].count("edge") == 3
    folder = tmp_path / "csv"
    code, _, _ = run_cli("export", "--store", store, "--format", "csv", "-o", str(folder))
    assert code == 0
    assert sorted(p.name for p in folder.iterdir()) == ["edges.csv", "nodes.csv"]


def test_folder_formats(run_cli: Cli, store: str, tmp_path: Path) -> None:
    code, _, _ = run_cli(
        "export", "--store", store, "--format", "neo4j-csv", "-o", str(tmp_path / "n")
    )
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "n").iterdir()) == ["nodes.csv", "relationships.csv"]
    code, _, _ = run_cli(
        "export", "--store", store, "--format", "vosviewer", "-o", str(tmp_path / "v")
    )
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "v").iterdir()) == ["map.txt", "network.txt"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "ttl", "--view", "full"], "--view and filters apply to graph formats only"),
        (["--format", "trig", "--country", "KZ"], "--view and filters apply to graph formats"),
        (
            ["--format", "graphml", "--view", "full", "--sphere", "industry"],
            "filters apply to the coparticipation and bipartite views",
        ),
        (["--format", "vosviewer", "-o", "-"], "vosviewer writes several files [bad-output]"),
        (
            ["--format", "vosviewer", "--view", "bipartite", "-o", "x"],
            "VOSviewer takes the co-participation network",
        ),
        (["--format", "neo4j-csv", "-o", "no/such/dir"], "no/such: no such folder"),
    ],
)
def test_bad_combinations_are_usage_errors(
    run_cli: Cli,
    args: list[str],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli("export", *args)
    assert (code, out) == (2, "")
    assert message in err
    assert not (tmp_path / "x").exists()
