"""push, pull and load-remote against a real Oxigraph server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from cli_helpers import Cli
from oxigraph_server import OxigraphServer
from triplehelix.data.loader import seed_path
from triplehelix.graph.store.backend import free_port
from triplehelix.graph.store.local import KnowledgeGraph

pytestmark = pytest.mark.usefixtures("no_user_config")

SECRET = "s3cret-do-not-print"


def sizes(kg: KnowledgeGraph) -> dict[str, int]:
    return {
        g: len(list(kg.store.quads_for_pattern(None, None, None, ox.NamedNode(g))))
        for g in kg.graph_names()
    }


def test_load_remote_then_pull_gives_the_same_graphs(
    oxigraph: OxigraphServer, tmp_path: Path, run_cli: Cli
) -> None:
    code, _, err = run_cli("load-remote", str(seed_path()), "--endpoint", oxigraph.url)
    assert code == 0, err
    expected = sizes(KnowledgeGraph.seed())
    assert f"wrote {len(expected)} graph(s)" in err
    assert all(f"written: {g}" in err for g in expected)
    code, out, err = run_cli("pull", "--endpoint", oxigraph.url, "--list")
    assert code == 0, err
    listed = {line.split("\t")[1]: int(line.split("\t")[0]) for line in out.splitlines()}
    assert listed == expected
    code, _, err = run_cli("pull", "--endpoint", oxigraph.url, "--store", str(tmp_path / "c"))
    assert code == 0, err
    with KnowledgeGraph(tmp_path / "c", read_only=True) as kg:
        assert sizes(kg) == expected


def test_push_a_store_with_the_endpoint_from_the_environment(
    oxigraph: OxigraphServer,
    tmp_path: Path,
    run_cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = tmp_path / "kg"
    assert run_cli("load", str(seed_path()), "--store", str(store))[0] == 0
    monkeypatch.setenv("TRIPLEHELIX_ENDPOINT", oxigraph.url)
    monkeypatch.setenv("TH_PW", SECRET)
    code, out, err = run_cli(
        "push", "--store", str(store), "--user", "me", "--password-env", "TH_PW"
    )
    assert code == 0, err
    assert SECRET not in out + err
    with KnowledgeGraph(store, read_only=True) as kg:
        n = len(sizes(kg))
    assert f"wrote {n} graph(s)" in err
    code, _, err = run_cli("push", "--store", str(store))  # only meta is appended again
    assert code == 0
    assert "wrote 1 graph(s)" in err
    assert f"{n - 1} already there" in err
    assert err.count("written: ") == 1
    assert "written: https://w3id.org/triplehelix/graph/meta" in err


def test_errors_are_one_line_with_a_status(
    oxigraph: OxigraphServer,
    tmp_path: Path,
    run_cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TH_PW", raising=False)
    code, _, err = run_cli(
        "pull",
        "--endpoint",
        oxigraph.url,
        "--list",
        "--user",
        "u",
        "--password-env",
        "TH_PW",
    )
    assert code == 2
    assert "TH_PW is not set [no-password]" in err
    code, _, err = run_cli("pull", "--endpoint", oxigraph.url, "--store", str(tmp_path / "x"),
        "--graph", "https://example.org/nothing",
    )  # fmt: skip
    assert code == 5
    assert "[no-such-graph]" in err
    assert "Traceback" not in err
    dead = f"http://127.0.0.1:{free_port()}"
    code, _, err = run_cli("pull", "--endpoint", dead, "--list", "--retries", "0")
    assert code == 5
    assert "no answer" in err
    assert "[endpoint-error]" in err


@pytest.mark.parametrize(
    "query",
    [
        ["--saved", "partners-of", "--param", "org=ektu"],
        ["--saved", "org-portfolio", "--param", "org=ektu"],
        ["SELECT ?o ?l WHERE { ?o a th:Organization ; skos:prefLabel ?l } ORDER BY ?o ?l"],
        ["CONSTRUCT { ?o a th:Organization } WHERE { ?o a th:Organization }", "--format", "nt"],
    ],
)
def test_query_endpoint_answers_as_the_local_store(
    oxigraph: OxigraphServer, run_cli: Cli, query: list[str]
) -> None:
    assert run_cli("load-remote", str(seed_path()), "--endpoint", oxigraph.url)[0] == 0
    fmt = [] if "--format" in query else ["--format", "csv"]
    code, local, err = run_cli("query", *query, *fmt)
    assert code == 0, err
    code, far, err = run_cli("query", *query, *fmt, "--endpoint", oxigraph.url)
    assert code == 0, err
    assert len(local.splitlines()) > 1
    assert sorted(far.splitlines()) == sorted(local.splitlines())


def test_query_endpoint_ask_exits_by_answer(oxigraph: OxigraphServer, run_cli: Cli) -> None:
    assert run_cli("load-remote", str(seed_path()), "--endpoint", oxigraph.url)[0] == 0
    yes = run_cli("query", "ASK { ?o a th:Organization }", "--endpoint", oxigraph.url)
    no = run_cli("query", "ASK { ?o a th:Nothing }", "--endpoint", oxigraph.url)
    assert (yes[0], yes[1].strip()) == (0, "true")
    assert (no[0], no[1].strip()) == (1, "false")


def test_map_endpoint_draws_the_server_graph(
    oxigraph: OxigraphServer, tmp_path: Path, run_cli: Cli
) -> None:
    import re

    assert run_cli("load-remote", str(seed_path()), "--endpoint", oxigraph.url)[0] == 0
    far, local = tmp_path / "far.html", tmp_path / "local.html"
    code, _, err = run_cli("map", "--focus", "ektu", "--endpoint", oxigraph.url, "-o", str(far))
    assert code == 0, err
    assert run_cli("map", "--focus", "ektu", "-o", str(local))[0] == 0
    ids = re.compile(r'"(?:id|from|to)":\s*"([^"]+)"')
    nodes = sorted(ids.findall(far.read_text(encoding="utf-8")))
    assert nodes == sorted(ids.findall(local.read_text(encoding="utf-8")))
    assert len(nodes) > 2
    assert f"data: {oxigraph.url}" in far.read_text(encoding="utf-8")


def test_a_push_cut_off_halfway_says_which_graphs_were_written_and_a_rerun_finishes(
    oxigraph: OxigraphServer,
    tmp_path: Path,
    run_cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from triplehelix.graph.remote import write as remote_write
    from triplehelix.graph.remote.client import SparqlClient
    from triplehelix.graph.store.remote import RemoteStore

    store = tmp_path / "kg"
    assert run_cli("load", str(seed_path()), "--store", str(store))[0] == 0
    monkeypatch.setattr(remote_write, "PACK", 60)  # several requests, so the cut falls inside
    calls = 0
    send = SparqlClient.request

    def dying(self: SparqlClient, *args: object, **kwargs: object) -> bytes:
        nonlocal calls
        calls += 1
        if calls == 6:
            oxigraph.kill()
        return send(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(SparqlClient, "request", dying)
    args = ["push", "--store", str(store), "--endpoint", oxigraph.url, "--retries", "1"]
    code, _, err = run_cli(*args)
    assert code == 5
    assert "[endpoint-error]" in err
    said = {line.split("written: ")[1] for line in err.splitlines() if "written: " in line}
    monkeypatch.setattr(SparqlClient, "request", send)
    oxigraph.start()
    with KnowledgeGraph(store, read_only=True) as kg:
        expected = sizes(kg)
    there = RemoteStore.connect(oxigraph.url).graph_sizes()
    assert said == set(there)  # exactly the graphs on the server, each whole
    assert all(there[g] == expected[g] for g in there)
    assert 0 < len(said) < len(expected)
    code, _, err = run_cli(*args)
    assert code == 0, err
    assert RemoteStore.connect(oxigraph.url).graph_sizes() == expected


def test_push_pack_0_sends_every_graph_by_the_graph_store_protocol(
    oxigraph: OxigraphServer,
    tmp_path: Path,
    run_cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from triplehelix.graph.remote.client import SparqlClient
    from triplehelix.graph.store.remote import RemoteStore

    store = tmp_path / "kg"
    assert run_cli("load", str(seed_path()), "--store", str(store))[0] == 0
    seen: list[str] = []
    send = SparqlClient.request

    def spy(self: SparqlClient, method: str, url: str, **kwargs: object) -> bytes:
        seen.append(url)
        return send(self, method, url, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(SparqlClient, "request", spy)
    code, _, err = run_cli("push", "--store", str(store), "--endpoint", oxigraph.url, "--pack", "0")
    assert code == 0, err
    assert not any(u.endswith("/update") for u in seen)  # no Update request at all
    with KnowledgeGraph(store, read_only=True) as kg:
        assert RemoteStore.connect(oxigraph.url).graph_sizes() == sizes(kg)


def test_query_endpoint_refuses_updates(oxigraph: OxigraphServer, run_cli: Cli) -> None:
    text = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    args = ["query", text, "--allow-update", "--endpoint", oxigraph.url]
    code, _, err = run_cli(*args)
    assert code == 2
    assert "[bad-update]" in err
    code, _, err = run_cli("query", text, "--endpoint", oxigraph.url)  # read-only by default
    assert code == 6
    assert not remote_has(oxigraph.url, "ASK { <urn:a> <urn:b> <urn:c> }")


def remote_has(url: str, ask: str) -> bool:
    from triplehelix.graph.store.remote import RemoteStore

    return RemoteStore.connect(url).ask(ask)


def test_the_endpoint_from_the_config_file(
    oxigraph: OxigraphServer, no_user_config: Path, run_cli: Cli
) -> None:
    code, _, err = run_cli("pull", "--list")
    assert code == 2
    assert "[no-endpoint]" in err
    no_user_config.write_text(f'[remote]\nendpoint = "{oxigraph.url}"\nretries = 0\n')
    assert run_cli("load-remote", str(seed_path()))[0] == 0
    code, out, err = run_cli("pull", "--list")
    assert code == 0, err
    assert len(out.splitlines()) == len(KnowledgeGraph.seed().graph_names())


def test_a_config_file_holding_a_password_is_refused_without_printing_it(
    oxigraph: OxigraphServer, no_user_config: Path, run_cli: Cli
) -> None:
    no_user_config.write_text(f'[remote]\nendpoint = "{oxigraph.url}"\npassword = "{SECRET}"\n')
    code, out, err = run_cli("pull", "--list")
    assert code == 2
    assert "[password-in-config]" in err
    assert SECRET not in out + err
    no_user_config.write_text("[remote]\nendpont = 1\n")
    code, _, err = run_cli("pull", "--list")
    assert code == 2
    assert "unknown key(s): endpont" in err


@pytest.mark.parametrize("analysis", ["summary", "brokerage", "synergy"])
def test_analyze_a_remote_store_as_a_local_one(
    oxigraph: OxigraphServer, run_cli: Cli, analysis: str
) -> None:
    code, _, err = run_cli("load-remote", str(seed_path()), "--endpoint", oxigraph.url)
    assert code == 0, err
    code, local, err = run_cli("analyze", analysis, "--format", "json")
    assert code == 0, err
    code, remote, err = run_cli("analyze", analysis, "--format", "json", "--endpoint", oxigraph.url)
    assert code == 0, err
    assert remote == local


def test_store_and_endpoint_together_are_refused(tmp_path: Path, run_cli: Cli) -> None:
    code, _, err = run_cli(
        "analyze", "summary", "--store", str(tmp_path), "--endpoint", "http://127.0.0.1:9"
    )
    assert code == 2
    assert "[bad-source]" in err


def test_load_with_an_endpoint_writes_the_same_graphs_as_a_store(
    oxigraph: OxigraphServer, run_cli: Cli
) -> None:
    code, _, err = run_cli("load", str(seed_path()), "--endpoint", oxigraph.url)
    assert code == 0, err
    code, out, err = run_cli("pull", "--endpoint", oxigraph.url, "--list")
    assert code == 0, err
    listed = {line.split("\t")[1]: int(line.split("\t")[0]) for line in out.splitlines()}
    assert listed == sizes(KnowledgeGraph.seed())


def test_load_without_store_or_endpoint_says_what_it_needs(
    run_cli: Cli,
) -> None:
    code, _, err = run_cli("load", str(seed_path()))
    assert code == 2
    assert "load needs --store DIR or a SPARQL endpoint [no-target]" in err
