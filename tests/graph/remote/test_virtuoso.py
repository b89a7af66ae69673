"""The same remote-store suite against a real Virtuoso (Debian's ``virtuoso-opensource``).

A private instance on loopback ports with ``ResultSetMaxRows = 100``, so its silent cap on
answers is met for real. Skipped where Virtuoso is not installed.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from cli_helpers import Cli, run_main
from store_checks import assert_same_views
from triplehelix.graph.query.run import run_query
from triplehelix.graph.remote import write as remote_write
from triplehelix.graph.remote.client import Endpoints, HttpError, SparqlClient
from triplehelix.graph.remote.pull import pull_graphs
from triplehelix.graph.remote.write import push_store
from triplehelix.graph.store.local import KnowledgeGraph
from triplehelix.graph.store.remote import RemoteStore
from triplehelix.graph.views.network import node_table
from virtuoso_server import PASSWORD, USER, VirtuosoServer, available

pytestmark = pytest.mark.skipif(
    not available(), reason="Virtuoso is not installed (apt-get install virtuoso-opensource)"
)
CAP = 100
VIRTUOSO_MAX_ROWS = CAP  # the conftest fixture `virtuoso` cuts answers to this
VOCAB = "https://w3id.org/triplehelix/graph/vocab"
UNION = "urn:triplehelix:union"


def local_graphs(kg: KnowledgeGraph) -> dict[str, set[ox.Triple]]:
    return {
        g: {q.triple for q in kg.store.quads_for_pattern(None, None, None, ox.NamedNode(g))}
        for g in kg.graph_names()
    }


def client_for(
    server: VirtuosoServer, *, gsp: bool = True, password: str = PASSWORD
) -> SparqlClient:
    ends = Endpoints.of(
        f"{server.url}/sparql-auth", gsp=f"{server.url}/sparql-graph-crud-auth" if gsp else None
    )
    return SparqlClient(ends, USER, password, timeout=60, retries=1, union_graph=UNION)


@pytest.fixture(scope="module")
def seed() -> KnowledgeGraph:
    return KnowledgeGraph.seed()


@pytest.fixture(scope="module")
def pushed(virtuoso: VirtuosoServer, seed: KnowledgeGraph) -> RemoteStore:
    client = client_for(virtuoso)
    report = push_store(seed, client)
    assert report.protocol == "gsp"
    return RemoteStore(client, page_size=CAP // 2)


def test_graphs_views_stats_and_queries_match_the_embedded_store(
    pushed: RemoteStore, seed: KnowledgeGraph
) -> None:
    graphs = local_graphs(seed)
    assert pushed.graph_sizes() == {g: len(t) for g, t in graphs.items()}
    assert len(pushed) == len(seed)
    assert_same_views(pushed, seed)
    for name in ("partners-of", "org-portfolio"):
        a = run_query(pushed, name, {"org": "ektu"}).to_records()  # type: ignore[arg-type]
        b = run_query(seed, name, {"org": "ektu"}).to_records()
        assert sorted(map(str, a)) == sorted(map(str, b))


def test_the_real_cap_cuts_a_plain_answer_but_not_a_paged_read(
    pushed: RemoteStore, seed: KnowledgeGraph
) -> None:
    text = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{VOCAB}> {{ ?s ?p ?o }} }}"
    expected = len(local_graphs(seed)[VOCAB])
    assert expected > CAP
    raw = pushed.client.query_json(text)["results"]["bindings"]
    assert len(raw) <= CAP + 1  # Virtuoso answered 200 with a cut answer
    assert len(pushed.select(text)) == expected  # counted, found short, read in pages


def test_pull_is_whole_despite_the_cap(
    pushed: RemoteStore, seed: KnowledgeGraph, tmp_path: Path
) -> None:
    with KnowledgeGraph(tmp_path / "copy") as kg:
        report = pull_graphs(pushed, kg)
        assert local_graphs(kg) == local_graphs(seed)
    assert report.graphs[VOCAB] > CAP


def test_a_second_push_skips_whole_graphs(pushed: RemoteStore, seed: KnowledgeGraph) -> None:
    again = push_store(seed, pushed.client)
    assert again.written == ["https://w3id.org/triplehelix/graph/meta"]  # appended to, only
    assert len(again.skipped) == len(seed.graph_names()) - 1


def test_update_only_in_batches(
    virtuoso: VirtuosoServer, seed: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(remote_write, "PACK", 40)  # bigger graphs: staged INSERT DATA + MOVE
    client = client_for(virtuoso, gsp=False)
    report = push_store(seed, client, replace=True)
    assert report.protocol == "update"
    remote = RemoteStore(client, page_size=CAP // 2)
    assert remote.graph_sizes() == {g: len(t) for g, t in local_graphs(seed).items()}
    assert len(remote) == len(seed)  # the union graph holds each triple once
    assert node_table(remote) == node_table(seed)  # type: ignore[arg-type]


def test_a_wrong_password_is_refused(virtuoso: VirtuosoServer) -> None:
    client = client_for(virtuoso, password="not-the-password")
    with pytest.raises(HttpError) as refused:
        client.update("INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:b> <urn:x:c> } }")
    assert refused.value.status == 401
    assert "not-the-password" not in refused.value.message


def test_graph_store_protocol_writes_and_staged_chunks(
    virtuoso: VirtuosoServer, seed: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(remote_write, "PACK", 25)  # most graphs by GSP PUT, one request each
    urls: list[str] = []
    client = client_for(virtuoso)
    client.on_request = lambda method, url: urls.append(f"{method} {url}")
    push_store(seed, client, replace=True, chunk=100)  # vocab and ontology: staged + MOVE
    assert any(u.startswith("PUT") and "staging" in u for u in urls)
    assert sum(u.startswith("PUT") for u in urls) > 5
    remote = RemoteStore(client, page_size=CAP // 2)
    assert remote.graph_sizes() == {g: len(t) for g, t in local_graphs(seed).items()}
    assert len(remote) == len(seed)  # the union graph holds each triple once
    assert node_table(remote) == node_table(seed)  # type: ignore[arg-type]


@pytest.mark.usefixtures("no_user_config")
def test_query_map_and_analyze_commands_on_virtuoso(
    pushed: RemoteStore,
    virtuoso: VirtuosoServer,
    tmp_path: Path,
    run_cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The read commands with the connection options of push/pull: Digest auth, the union
    graph, and the CLI's default page (5,000 rows) shrunk under this server's cap of 100."""
    import re

    monkeypatch.setenv("TH_VIRTUOSO_PW", PASSWORD)
    conn = ["--endpoint", f"{virtuoso.url}/sparql-auth", "--union-graph", UNION]
    conn += ["--user", USER, "--password-env", "TH_VIRTUOSO_PW"]

    def run(*args: str) -> str:
        code, out, err = run_cli(*args)
        assert code == 0, err
        assert PASSWORD not in out + err
        return out

    for args in (
        ["query", "--saved", "partners-of", "--param", "org=ektu", "--format", "csv"],
        ["query", "--saved", "org-portfolio", "--param", "org=ektu", "--format", "csv"],
        ["query", "SELECT ?s ?o WHERE { ?s skos:prefLabel ?o }", "--format", "csv"],
    ):
        local, far = run(*args), run(*args, *conn)
        assert len(local.splitlines()) > 1
        assert sorted(far.splitlines()) == sorted(local.splitlines()), args
    assert len(local.splitlines()) > CAP  # more rows than the server gives in one answer
    for analysis in ("summary", "brokerage", "synergy"):
        args = ["analyze", analysis, "--format", "json"]
        assert run(*args, *conn, "--timeout", "60") == run(*args)
    anonymous = ["--endpoint", f"{virtuoso.url}/sparql", "--union-graph", UNION]
    assert run(*args, *anonymous) == run(*args)  # reads need no account
    pages = {}
    for name, extra in (("far", conn), ("local", [])):
        pages[name] = tmp_path / f"{name}.html"
        run("map", "--focus", "ektu", "-o", str(pages[name]), *extra)
    ids = re.compile(r'"(?:id|from|to)":\s*"([^"]+)"')
    far_ids, local_ids = (ids.findall(p.read_text(encoding="utf-8")) for p in pages.values())
    assert sorted(far_ids) == sorted(local_ids)
    assert len(local_ids) > 2
    monkeypatch.setenv("TH_VIRTUOSO_PW", "not-the-password")
    code, out, err = run_cli("query", "ASK { ?s ?p ?o }", *conn)
    assert code != 0
    assert "HTTP 401" in err
    assert "Traceback" not in err
    assert "not-the-password" not in out + err


def test_a_replaced_graph_leaves_no_stale_fact_in_the_union_graph(
    virtuoso: VirtuosoServer,
) -> None:
    from triplehelix.graph.remote.write import push_graphs

    g1, g2 = "urn:th-test:g1", "urn:th-test:g2"

    def triple(o: str) -> bytes:
        return f'<urn:th-test:a> <urn:th-test:p> "{o}"@en .'.encode()

    def union() -> set[str]:  # the union graph is the default graph of every query
        rows = client.query_json("SELECT ?o WHERE { ?s <urn:th-test:p> ?o }")
        return {r["o"]["value"] for r in rows["results"]["bindings"]}

    client = client_for(virtuoso)
    v1 = {g1: [triple("only in v1"), triple("shared"), triple("kept")], g2: [triple("shared")]}
    v2 = {g1: [triple("kept"), triple("new"), triple("newer")]}  # the same size
    try:
        for pack in (None, 0):  # packed Update requests, then staged GSP + one swap
            push_graphs(list(v1), v1.__getitem__, client, pack=pack, replace=True)
            assert union() == {"only in v1", "shared", "kept"}
            report = push_graphs(list(v2), v2.__getitem__, client, pack=pack)
            assert report.written == [g1]  # compared triple by triple: changed
            assert union() == {"shared", "kept", "new", "newer"}
    finally:
        client.update(
            f"DROP SILENT GRAPH <{g1}> ; DROP SILENT GRAPH <{g2}> ; "
            f"DELETE WHERE {{ GRAPH <{UNION}> {{ ?s <urn:th-test:p> ?o }} }}"
        )


def test_graphs_are_listed_without_sorted_windows_past_the_limit(
    tmp_path_factory: pytest.TempPathFactory, seed: KnowledgeGraph
) -> None:
    """More graphs than ``MaxSortedTopRows`` (130,000 at M scale, 10,000 allowed): ``pull``
    and a re-run of ``push`` list them in pages after the last IRI, never by ``OFFSET``."""
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso-sorted") / "db", max_rows=8)
    server.max_sorted = 8  # fewer than the seed's graphs, as 10,000 is at M scale
    server.start()
    try:
        client = client_for(server)
        push_store(seed, client)
        expected = {g: len(t) for g, t in local_graphs(seed).items()}
        assert len(expected) > server.max_sorted
        with pytest.raises(HttpError) as refused:  # what reading by OFFSET meets
            client.query_json(
                "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g LIMIT 3 OFFSET 6"
            )
        assert "SR353" in refused.value.message
        remote = RemoteStore(client, page_size=3)
        assert remote.graph_sizes() == expected
        again = push_store(seed, client)
        assert again.written == ["https://w3id.org/triplehelix/graph/meta"]
    finally:
        server.stop()


@pytest.mark.usefixtures("no_user_config")
def test_load_of_a_changed_file_drops_the_rows_it_no_longer_has(
    virtuoso: VirtuosoServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the union in ``--union-graph``: the dropped row's facts leave that graph."""
    monkeypatch.setenv("TH_VIRTUOSO_PW", PASSWORD)
    conn = ["--endpoint", f"{virtuoso.url}/sparql-auth", "--union-graph", UNION]
    conn += ["--user", USER, "--password-env", "TH_VIRTUOSO_PW"]
    data = tmp_path / "02-organisations.csv"
    head = "id,name.en,types,country\n"
    data.write_text(head + "z1,Zeta One,university,KZ\nz2,Zeta Two,company,KZ\n", "utf-8")
    assert run_main(["load", str(data), *conn]) == 0
    data.write_text(head + "z1,Zeta One,university,KZ\n", "utf-8")
    assert run_main(["load", str(data), *conn]) == 0
    assert "dropped 1 graph(s)" in capsys.readouterr().err
    for label, answer in (("Zeta Two", "false"), ("Zeta One", "true")):
        run_main(["query", f'ASK {{ ?o skos:prefLabel "{label}"@en }}', *conn])
        assert capsys.readouterr().out.strip() == answer, label
    rows = [n for n in RemoteStore(client_for(virtuoso)).graph_names() if "02-organisations" in n]
    assert [n.rsplit("/", 1)[-1] for n in rows] == ["row-2"]
