"""``import cordis|ror|csv --endpoint``: the graphs ``import --store`` makes, on a real server."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from cli_helpers import FIXTURES, ROOT, Cli
from cli_helpers import small_cordis as cordis_sample
from oxigraph_server import OxigraphServer
from triplehelix.graph.store.local import KnowledgeGraph

pytestmark = pytest.mark.usefixtures("no_user_config")

META = "https://w3id.org/triplehelix/graph/meta"
ROR = FIXTURES / "ror" / "ror_records_v2.json"
MAPPING = ROOT / "examples" / "mapping"


@pytest.fixture
def small_cordis(tmp_path: Path) -> Path:
    """The first 100 rows of the H2020 sample and the names of their organisations."""
    return cordis_sample(tmp_path / "cordis", 100)


def listed(run_cli: Cli, url: str) -> dict[str, int]:
    code, out, err = run_cli("pull", "--endpoint", url, "--list")
    assert code == 0, err
    return {line.split("\t")[1]: int(line.split("\t")[0]) for line in out.splitlines()}


def store_sizes(store: Path) -> dict[str, int]:
    with KnowledgeGraph(store, read_only=True) as kg:
        return {
            g: len(list(kg.store.quads_for_pattern(None, None, None, ox.NamedNode(g))))
            for g in kg.graph_names()
        }


def test_import_cordis_and_ror_to_a_server_as_to_a_store(
    oxigraph: OxigraphServer,
    small_cordis: Path,
    tmp_path: Path,
    run_cli: Cli,
) -> None:
    store = tmp_path / "kg"
    reports = {}
    for source, path in (("cordis", small_cordis), ("ror", ROR)):
        code, local, err = run_cli("import", source, str(path), "--store", str(store))
        assert code == 0, err
        code, far, err = run_cli("import", source, str(path), "--endpoint", oxigraph.url)
        assert code == 0, err
        assert far == local  # the same data-quality report
        assert f"to {oxigraph.url}/query by " in err
        reports[source] = err
    on_server, in_store = listed(run_cli, oxigraph.url), store_sizes(store)
    assert set(on_server) == set(in_store)
    assert {g: n for g, n in on_server.items() if g != META} == {
        g: n for g, n in in_store.items() if g != META
    }
    query = ["query", "SELECT ?o ?l WHERE { ?o a th:Organization ; skos:prefLabel ?l }"]
    _, local, _ = run_cli(*query, "--format", "csv", "--store", str(store))
    code, far, err = run_cli(*query, "--format", "csv", "--endpoint", oxigraph.url)
    assert code == 0, err
    assert len(local.splitlines()) > 100
    assert sorted(far.splitlines()) == sorted(local.splitlines())
    # again, unchanged: every record graph is there already, only meta is appended to
    code, _, err = run_cli("import", "ror", str(ROR), "--endpoint", oxigraph.url)
    assert code == 0, err
    assert "wrote 1 graph(s)" in err
    assert f"written: {META}" in err


def test_import_csv_to_a_server_from_the_environment(
    oxigraph: OxigraphServer,
    tmp_path: Path,
    run_cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    table = FIXTURES / "cordis" / "Stacked_by_activityType.csv"
    mapping = MAPPING / "cordis-organisations.yaml"
    args = ["import", "csv", str(table), "--mapping", str(mapping)]
    store = tmp_path / "kg"
    assert run_cli(*args, "--store", str(store))[0] == 0
    monkeypatch.setenv("TRIPLEHELIX_ENDPOINT", oxigraph.url)
    code, _, err = run_cli(*args, "--dry-run")  # a dry run writes nothing anywhere
    assert code == 0, err
    assert listed(run_cli, oxigraph.url) == {}
    code, _, err = run_cli(*args)
    assert code == 0, err
    on_server, in_store = listed(run_cli, oxigraph.url), store_sizes(store)
    assert {g: n for g, n in on_server.items() if g != META} == {
        g: n for g, n in in_store.items() if g != META
    }
    assert len(on_server) > 1000


def test_import_target_errors(
    tmp_path: Path, run_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = run_cli("import", "ror", str(ROR))
    assert code == 2
    assert "no --store given [no-store]" in err
    assert "--endpoint URL" in err
    dead = "http://127.0.0.1:9"
    code, _, err = run_cli("import", "ror", str(ROR), "--store", str(tmp_path), "--endpoint", dead)
    assert code == 2
    assert "[bad-source]" in err
    code, _, err = run_cli("import", "ror", str(ROR), "--endpoint", dead, "--retries", "0")
    assert code == 5
    assert "[endpoint-error]" in err
    assert "Traceback" not in err


def test_import_to_the_endpoint_of_the_config_file(
    oxigraph: OxigraphServer, no_user_config: Path, run_cli: Cli
) -> None:
    no_user_config.write_text(f'[remote]\nendpoint = "{oxigraph.url}"\n')
    code, _, err = run_cli("import", "ror", str(ROR))  # as `load` without --store
    assert code == 0, err
    assert f"to {oxigraph.url}/query" in err
    assert len(listed(run_cli, oxigraph.url)) > 10


def test_a_changed_file_imported_again_to_a_server_leaves_no_vanished_rows(
    oxigraph: OxigraphServer,
    small_cordis: Path,
    tmp_path: Path,
    run_cli: Cli,
) -> None:
    code, _, err = run_cli("import", "cordis", str(small_cordis), "--endpoint", oxigraph.url)
    assert code == 0, err
    before = listed(run_cli, oxigraph.url)
    table = small_cordis / "h2020.csv"
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    table.write_text("".join(lines[:61]), encoding="utf-8")  # 40 rows fewer
    code, _, err = run_cli("import", "cordis", str(small_cordis), "--endpoint", oxigraph.url)
    assert code == 0, err
    # 40 rows of h2020.csv, and the 25 rows of names.csv only they cited
    assert "dropped 65 graph(s) of rows no longer in the files" in err
    store = tmp_path / "fresh"  # what a first import of the new file makes
    assert run_cli("import", "cordis", str(small_cordis), "--store", str(store))[0] == 0
    on_server, in_store = listed(run_cli, oxigraph.url), store_sizes(store)
    assert len(before) == len(on_server) + 65
    assert {g: n for g, n in on_server.items() if g != META} == {
        g: n for g, n in in_store.items() if g != META
    }
    for query in (
        "SELECT ?o ?l WHERE { ?o a th:Organization ; skos:prefLabel ?l }",
        "SELECT ?p ?a WHERE { ?p a th:Participation ; th:agent ?a }",
    ):
        _, local, _ = run_cli("query", query, "--format", "csv", "--store", str(store))
        code, far, err = run_cli("query", query, "--format", "csv", "--endpoint", oxigraph.url)
        assert code == 0, err
        assert sorted(far.splitlines()) == sorted(local.splitlines())
