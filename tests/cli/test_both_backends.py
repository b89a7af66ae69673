"""The shared commands answer the same on a store folder and on a SPARQL server.

Each test runs once with ``--store DIR`` and once with ``--store URL`` of the real Oxigraph
server the tests start (``oxigraph_server.py``), both holding the same data written by
``load``; the answers are compared with each other and with exact values.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from cli_helpers import FIXTURES, Cli, run_main
from oxigraph_server import OxigraphServer
from triplehelix.data.loader import seed_path

pytestmark = pytest.mark.usefixtures("no_user_config")

BACKENDS = ["local", "remote"]
VALID = FIXTURES / "valid"


def _loaded(run_cli: Cli, location: str, data: Path) -> str:
    code, _, err = run_cli("load", str(data), "--store", location)
    assert code == 0, err
    return location


@pytest.fixture(scope="module")
def server(oxigraph_module: OxigraphServer) -> OxigraphServer:
    """An Oxigraph server holding the seed world."""
    assert run_main(["load", str(seed_path()), "--store", oxigraph_module.url]) == 0
    return oxigraph_module


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> str:
    location = str(tmp_path_factory.mktemp("local") / "kg")
    assert run_main(["load", str(seed_path()), "--store", location]) == 0
    return location


@pytest.fixture(params=BACKENDS)
def seed_store(request: pytest.FixtureRequest) -> str:
    """The seed world in a store folder, or on the server (``--store`` either way)."""
    if request.param == "local":
        return str(request.getfixturevalue("folder"))
    return str(request.getfixturevalue("server").url)


@pytest.fixture(params=BACKENDS)
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty store: a new folder, or a new server."""
    if request.param == "local":
        return str(tmp_path / "kg")
    return str(request.getfixturevalue("oxigraph").url)


def test_stats(seed_store: str, run_cli: Cli) -> None:
    code, out, err = run_cli("stats", "--store", seed_store, "--format", "json")
    assert code == 0, err
    _, seed, _ = run_cli("stats", "--format", "json")  # the seed world in memory
    got, want = json.loads(out), json.loads(seed)
    for doc in (got, want):
        doc.pop("location")
        doc.pop("store_bytes")
    assert got == want
    assert got["by_class"]["Organization"] > 5
    code, out, err = run_cli("stats", "--store", seed_store)
    assert code == 0, err
    assert seed_store.rstrip("/") in out


def _quads(data: bytes, fmt: ox.RdfFormat) -> set[ox.Quad]:
    """The quads of an export but the times of the load runs (each load has its own)."""
    timed = ("http://www.w3.org/ns/prov#startedAtTime", "http://www.w3.org/ns/prov#endedAtTime")
    return {q for q in ox.parse(data, fmt) if q.predicate.value not in timed}


@pytest.mark.parametrize(
    ("fmt", "rdf"),
    [("nq", ox.RdfFormat.N_QUADS), ("trig", ox.RdfFormat.TRIG), ("ttl", ox.RdfFormat.TURTLE)],
)
def test_export_rdf(
    seed_store: str, fmt: str, rdf: ox.RdfFormat, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code = run_main(["export", "--store", seed_store, "--format", fmt])
    out, err = capsysbinary.readouterr()
    assert code == 0, err
    assert run_main(["export", "--format", fmt]) == 0
    seed, _ = capsysbinary.readouterr()
    got, want = _quads(out, rdf), _quads(seed, rdf)
    assert got == want
    assert len(got) > 250
    named = {q.graph_name for q in got}
    if fmt == "ttl":  # a graph format: the union, one default graph
        assert named == {ox.DefaultGraph()}
    else:
        assert ox.NamedNode("https://w3id.org/triplehelix/graph/meta") in named
        assert ox.NamedNode("https://w3id.org/triplehelix/graph/ontology") not in named


def test_export_a_network_view(seed_store: str, run_cli: Cli) -> None:
    code, out, err = run_cli("export", "--store", seed_store, "--format", "json")
    assert code == 0, err
    _, seed, _ = run_cli("export", "--format", "json")
    assert json.loads(out) == json.loads(seed)


def test_unload(fresh: str, tmp_path: Path, run_cli: Cli) -> None:
    _loaded(run_cli, fresh, VALID)
    code, before, err = run_cli("stats", "--store", fresh, "--format", "json")
    assert code == 0, err
    code, _, err = run_cli("unload", "30-participations.jsonl", "--store", fresh)
    assert code == 0, err
    said = re.search(r": (\d+) quads removed, (\d+) left", err)
    assert said is not None, err
    removed, left = int(said.group(1)), int(said.group(2))
    _, after, _ = run_cli("stats", "--store", fresh, "--format", "json")
    was, now = json.loads(before), json.loads(after)
    assert removed > 0
    assert now["quads"] == left == was["quads"] - removed
    # its 7 rows, each a participation (2 more come from the YAML world file)
    assert (was["by_class"]["Participation"], now["by_class"]["Participation"]) == (9, 2)
    assert (was["by_class"]["SourceRecord"], now["by_class"]["SourceRecord"]) == (15, 8)
    assert now["by_class"]["Organization"] == was["by_class"]["Organization"]  # they stay
    code, _, err = run_cli("unload", "30-participations.jsonl", "--store", fresh)
    assert code == 5
    assert "[no-source]" in err
    # loading it again brings back exactly what was there
    _loaded(run_cli, fresh, VALID)
    _, again, _ = run_cli("stats", "--store", fresh, "--format", "json")
    assert json.loads(again)["by_class"] == was["by_class"]


def test_unload_answers_the_same_on_both(
    tmp_path: Path, oxigraph: OxigraphServer, run_cli: Cli
) -> None:
    folder = _loaded(run_cli, str(tmp_path / "kg"), VALID)
    _loaded(run_cli, oxigraph.url, VALID)
    said = []
    for location in (folder, oxigraph.url):
        code, _, err = run_cli("unload", "10-organisations.csv", "--store", location)
        assert code == 0, err
        said.append(err.split(": ", 1)[1])
        code, out, err = run_cli("export", "--store", location, "--format", "nq")
        assert code == 0, err
        said.append(out)
    assert said[0] == said[2]  # "N quads removed, M left"
    assert _quads(said[1].encode(), ox.RdfFormat.N_QUADS) == _quads(
        said[3].encode(), ox.RdfFormat.N_QUADS
    )


def test_saved_query_with_a_parameter(seed_store: str, run_cli: Cli) -> None:
    args = ["query", "--saved", "partners-of", "--param", "org=ektu", "--format", "csv"]
    code, out, err = run_cli(*args, "--store", seed_store)
    assert code == 0, err
    _, seed, _ = run_cli(*args)
    assert sorted(out.splitlines()) == sorted(seed.splitlines())
    assert len(out.splitlines()) > 2
    code, out, err = run_cli("query", "ASK { ?o a th:University }", "--store", seed_store)
    assert (code, out.strip()) == (0, "true"), err
    text = "CONSTRUCT { ?o a th:University } WHERE { ?o a th:University }"
    code, out, err = run_cli("query", text, "--store", seed_store, "--format", "nt")
    assert code == 0, err
    _, seed, _ = run_cli("query", text, "--format", "nt")
    assert set(out.splitlines()) == set(seed.splitlines())
    assert out.strip()


def test_map_to_stdout(seed_store: str, run_cli: Cli) -> None:
    code, out, err = run_cli("map", "--store", seed_store, "--focus", "ektu", "-o", "-")
    assert code == 0, err
    _, seed, _ = run_cli("map", "--focus", "ektu", "-o", "-")
    assert out.startswith("<!DOCTYPE html>") or "<html" in out[:500]
    where = "/query" if seed_store.startswith("http") else seed_store
    assert where in out
    labels = set(re.findall(r'"label": ?"([^"]+)"', out))
    assert labels
    assert labels == set(re.findall(r'"label": ?"([^"]+)"', seed))


def test_analyze_summary(seed_store: str, run_cli: Cli) -> None:
    code, out, err = run_cli("analyze", "summary", "--store", seed_store, "--format", "json")
    assert code == 0, err
    _, seed, _ = run_cli("analyze", "summary", "--format", "json")
    assert json.loads(out) == json.loads(seed)
    assert json.loads(out)


def test_resolve_lists_the_same_candidates_on_both(
    folder: str, server: OxigraphServer, run_cli: Cli
) -> None:
    answers = []
    for location in (folder, server.url):
        for extra in ([], ["--merged"]):
            code, out, err = run_cli("resolve", "--store", location, "--format", "json", *extra)
            assert code == 0, err
            answers.append(json.loads(out))
    assert answers[:2] == answers[2:]
    code, _, err = run_cli("resolve")
    assert code == 2
    assert "[no-target]" in err


def test_serve_refuses_a_server(run_cli: Cli) -> None:
    code, _, err = run_cli("serve", "--store", "http://127.0.0.1:9")
    assert code == 2
    assert "serve works on a local store folder only [serve-needs-folder]" in err


def test_store_url_and_endpoint_alias_agree(server: OxigraphServer, run_cli: Cli) -> None:
    by_store = run_cli("stats", "--store", server.url, "--format", "json")
    by_endpoint = run_cli("stats", "--endpoint", server.url, "--format", "json")
    assert by_store == by_endpoint
    assert by_store[0] == 0
    code, _, err = run_cli("stats", "--store", server.url, "--endpoint", server.url)
    assert code == 2
    assert "[bad-source]" in err
