"""A real Oxigraph server on 127.0.0.1: push, read back, page, pull, survive a crash.

Expected values come from the embedded store's quads read with pyoxigraph directly (plain
Python over the input), never from the remote code under test.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from oxigraph_server import OxigraphServer
from store_checks import assert_same_views
from triplehelix.errors import StoreError
from triplehelix.graph.remote import write as remote_write
from triplehelix.graph.remote.client import Endpoints, HttpError, SparqlClient
from triplehelix.graph.remote.graph import STAGING
from triplehelix.graph.remote.pull import pull_graphs
from triplehelix.graph.remote.write import push_store
from triplehelix.graph.store.local import KnowledgeGraph
from triplehelix.graph.store.remote import RemoteStore

SKOS_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"


@pytest.fixture(scope="module")
def seed() -> KnowledgeGraph:
    return KnowledgeGraph.seed()


def local_graphs(kg: KnowledgeGraph) -> dict[str, set[ox.Triple]]:
    """Each named graph's triples, read straight from pyoxigraph."""
    return {
        g: {q.triple for q in kg.store.quads_for_pattern(None, None, None, ox.NamedNode(g))}
        for g in kg.graph_names()
    }


@pytest.fixture(scope="module")
def pushed(oxigraph_module: OxigraphServer, seed: KnowledgeGraph) -> RemoteStore:
    remote = RemoteStore.connect(oxigraph_module.url)
    push_store(seed, remote.client)
    return remote


def remote_sizes(remote: RemoteStore) -> dict[str, int]:
    rows = remote.client.query_json(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    )["results"]["bindings"]
    return {r["g"]["value"]: int(r["n"]["value"]) for r in rows}


def default_count(remote: RemoteStore) -> int:
    rows = remote.client.query_json("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return int(rows["results"]["bindings"][0]["n"]["value"])


def test_push_writes_every_graph_and_their_union_as_default(
    pushed: RemoteStore, seed: KnowledgeGraph
) -> None:
    graphs = local_graphs(seed)
    assert remote_sizes(pushed) == {g: len(t) for g, t in graphs.items()}
    union = set().union(*graphs.values())
    assert default_count(pushed) == len(union)  # a set: nothing counted twice
    assert len(pushed) == sum(map(len, graphs.values())) + len(union) == len(seed)
    assert pushed.graph_names() == sorted(graphs)


def test_views_and_stats_are_the_same_remotely(pushed: RemoteStore, seed: KnowledgeGraph) -> None:
    assert_same_views(pushed, seed)


def test_select_ask_count_and_bindings(pushed: RemoteStore, seed: KnowledgeGraph) -> None:
    orgs = {
        q.subject.value
        for q in seed.store.quads_for_pattern(
            None,
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode("https://w3id.org/triplehelix/ontology#Organization"),
            ox.DefaultGraph(),
        )
    }
    assert pushed.count_of("th:Organization") == len(orgs)
    one = sorted(orgs)[0]
    rows = pushed.select("SELECT ?org ?l WHERE { ?org skos:prefLabel ?l }", {"org": one})
    labels = {
        q.object.value
        for q in seed.store.quads_for_pattern(
            ox.NamedNode(one), ox.NamedNode(SKOS_LABEL), None, ox.DefaultGraph()
        )
    }
    assert {r["l"] for r in rows} == labels
    assert {r["org"] for r in rows} == {one}
    assert pushed.ask("ASK { ?o a th:Organization }")
    assert not pushed.ask("ASK { ?o a th:NoSuchClass }")
    n = pushed.select("SELECT (COUNT(*) AS ?n) WHERE { ?s a th:Organization }")[0]["n"]
    assert isinstance(n, int)


@pytest.mark.parametrize("capped", [False, True])
@pytest.mark.parametrize("page_size", [1, 2, 3, 5000])
def test_a_result_larger_than_a_page_comes_back_whole(
    pushed: RemoteStore, seed: KnowledgeGraph, page_size: int, capped: bool
) -> None:
    # A bag: organisations with several labels repeat, and every repeat must come back.
    expected = Counter(
        q.subject.value
        for q in seed.store.quads_for_pattern(None, ox.NamedNode(SKOS_LABEL), None, None)
        if isinstance(q.graph_name, ox.DefaultGraph)
    )
    total = sum(expected.values())
    assert total > CappedClient.cap
    requests: list[str] = []
    kind = CappedClient if capped else SparqlClient
    client = kind(pushed.client.endpoints, on_request=lambda m, u: requests.append(u))
    pages: list[int] = []
    remote = RemoteStore(client, page_size=page_size, progress=pages.append)
    rows = remote.select("SELECT ?s WHERE { ?s skos:prefLabel ?l }")
    assert Counter(r["s"] for r in rows) == expected  # a cap below the page is found first
    probe = 1  # one request asks the server for page_size + 1 generated rows
    if capped and page_size >= CappedClient.cap:
        page_size = CappedClient.cap - 1  # the page shrunk to fit under the cap
        assert remote.page_size == page_size
    if page_size >= total:
        assert len(requests) == probe + 1
        assert pages == []
    elif not capped:  # a probe, a count, the whole answer
        assert len(requests) == probe + 3
        assert pages == [total]
    else:  # ... short of the count: full pages and one short (maybe empty) page
        assert len(requests) == probe + 3 + total // page_size + 1
        assert pages[-1] == total


def test_pull_copies_graphs_into_a_store(
    pushed: RemoteStore, seed: KnowledgeGraph, tmp_path: Path
) -> None:
    graphs = local_graphs(seed)
    remote = RemoteStore(pushed.client, page_size=100)  # several pages per graph
    with KnowledgeGraph(tmp_path / "copy") as kg:
        report = pull_graphs(remote, kg)
        assert report.graphs == {g: len(t) for g, t in graphs.items()}
        assert local_graphs(kg) == graphs
        assert len(kg) == len(seed)
    some = sorted(graphs)[3]
    with KnowledgeGraph(tmp_path / "one") as kg:
        pull_graphs(remote, kg, [some])
        assert local_graphs(kg)[some] == graphs[some]


def test_update_fallback_batches_and_staging(
    oxigraph: OxigraphServer, seed: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(remote_write, "UPDATE_BATCH", 50)
    monkeypatch.setattr(remote_write, "PACK", 50)
    ends = Endpoints.of(oxigraph.url)
    client = SparqlClient(Endpoints(ends.query, ends.update, None))  # no Graph Store Protocol
    sent: list[int] = []
    update = client.update

    def spy(text: str) -> None:
        for op in text.split(" ;\n"):  # triples per INSERT DATA operation
            sent.append(sum(line.endswith(" .") for line in op.splitlines()))
        update(text)

    monkeypatch.setattr(client, "update", spy)
    report = push_store(seed, client)
    assert report.protocol == "update"
    graphs = local_graphs(seed)
    remote = RemoteStore(client)
    assert remote_sizes(remote) == {g: len(t) for g, t in graphs.items()}
    assert default_count(remote) == len(set().union(*graphs.values()))
    assert max(sent) == 50  # full batches, never more
    assert sum(sent) == 2 * sum(map(len, graphs.values()))  # each triple: its graph + default


def test_gsp_chunks_go_through_a_staging_graph(
    oxigraph: OxigraphServer, seed: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(remote_write, "PACK", 30)  # graphs of more than 30 triples: GSP
    urls: list[str] = []
    client = SparqlClient(Endpoints.of(oxigraph.url), on_request=lambda m, u: urls.append(u))
    push_store(seed, client, chunk=40)
    assert sum("staging" in u for u in urls) > 2
    assert any("graph=" in u for u in urls)
    assert any(u.endswith("/update") for u in urls)  # small graphs packed, MOVE
    remote = RemoteStore(client)
    graphs = local_graphs(seed)
    assert remote_sizes(remote) == {g: len(t) for g, t in graphs.items()}  # no staging left


@pytest.mark.parametrize("kill_at", [3, 6, 10, 15, 18, 34, 45, 49])  # 1: the cap probe
def test_a_push_killed_halfway_leaves_whole_or_absent_graphs_and_a_rerun_finishes(
    oxigraph: OxigraphServer, seed: KnowledgeGraph, kill_at: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(remote_write, "PACK", 60)  # some graphs packed, the others in chunks
    graphs = local_graphs(seed)
    count = 0

    def crash(method: str, url: str) -> None:
        nonlocal count
        count += 1
        if count == kill_at:
            oxigraph.kill()

    client = SparqlClient(Endpoints.of(oxigraph.url), retries=1, backoff=0.01, on_request=crash)
    with pytest.raises(HttpError) as failed:
        push_store(seed, client, chunk=40)  # the bigger graphs take several requests
    written = failed.value.report.written  # type: ignore[attr-defined]
    oxigraph.start()
    remote = RemoteStore(SparqlClient(Endpoints.of(oxigraph.url)))
    sizes = remote_sizes(remote)
    for name, triples in graphs.items():
        if name.endswith("/meta"):
            continue  # appended to, never replaced: checked after the re-run
        assert sizes.get(name, 0) in (0, len(triples)), name
    assert set(written) <= {g for g in sizes if not g.startswith(STAGING)}
    for name in sizes:  # every whole graph's triples are in the default graph
        if name.startswith(STAGING):
            continue
        missing = remote.select(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} "
            "FILTER NOT EXISTS { ?s ?p ?o } }"
        )
        assert missing[0]["n"] == 0, name
    again = push_store(seed, remote.client, chunk=40)
    assert set(again.written) | set(again.skipped) == set(graphs)
    assert remote_sizes(remote) == {g: len(t) for g, t in graphs.items()}
    assert default_count(remote) == len(set().union(*graphs.values()))


class CappedClient(SparqlClient):
    """Cuts every SELECT answer and every GSP GET to ``cap`` rows with status 200, as
    Virtuoso's ``ResultSetMaxRows`` does."""

    cap = 10

    def gsp(self, method: str, graph: str | None, data: bytes | None = None) -> bytes:
        answer = super().gsp(method, graph, data)
        if method == "GET":
            return b"".join(answer.splitlines(keepends=True)[: self.cap])
        return answer

    def query_json(self, sparql: str, **checks: Any) -> dict[str, Any]:
        data = super().query_json(sparql, **checks)
        if "results" in data:
            data["results"]["bindings"] = data["results"]["bindings"][: self.cap]
        return data


def test_a_capped_server_is_read_whole_in_pages_below_the_cap(
    pushed: RemoteStore, seed: KnowledgeGraph, tmp_path: Path
) -> None:
    graphs = local_graphs(seed)
    requests: list[str] = []
    capped = CappedClient(pushed.client.endpoints, on_request=lambda m, u: requests.append(m))
    with KnowledgeGraph(tmp_path / "copy") as kg:
        pull_graphs(RemoteStore(capped, page_size=9), kg)
        assert local_graphs(kg) == graphs
    assert len(requests) > sum(map(len, graphs.values())) // 9  # read in pages of 9
    rows = RemoteStore(capped, page_size=9).select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert len(rows) == sum(map(len, graphs.values()))


def test_a_cap_below_the_page_size_is_detected_not_trusted(
    pushed: RemoteStore, tmp_path: Path
) -> None:
    capped = CappedClient(pushed.client.endpoints)
    unchecked = RemoteStore(capped, page_size=100, check_cap=False)  # a page above the cap
    with KnowledgeGraph(tmp_path / "copy") as kg, pytest.raises(StoreError) as failed:
        pull_graphs(unchecked, kg)
    assert failed.value.code == "truncated-result"
    assert "of" in failed.value.message


def test_the_page_shrinks_below_a_cap_found_by_the_probe(
    pushed: RemoteStore, seed: KnowledgeGraph, tmp_path: Path
) -> None:
    remote = RemoteStore(CappedClient(pushed.client.endpoints), page_size=100)
    with KnowledgeGraph(tmp_path / "copy") as kg:
        pull_graphs(remote, kg)
        assert local_graphs(kg) == local_graphs(seed)
    assert remote.page_size == CappedClient.cap - 1


@pytest.mark.parametrize("view", ["coparticipation", "bipartite"])
def test_a_map_of_the_remote_store_is_the_map_of_the_local_one(
    pushed: RemoteStore, seed: KnowledgeGraph, view: str
) -> None:
    import re

    from triplehelix.graph.maps.build import map_page

    far, local = map_page(pushed, view, "data"), map_page(seed, view, "data")
    # Rows come in another order from the server, so the layout differs: compare contents.
    ids = re.compile(r'"(?:id|from|to)":\s*"([^"]+)"')
    assert sorted(ids.findall(far)) == sorted(ids.findall(local))
    assert len(ids.findall(local)) >= 2
