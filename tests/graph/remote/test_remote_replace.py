"""A graph replaced on a server takes its stale facts out of the union (real Oxigraph).

The union (the default graph) must not keep a fact that only an earlier version of a graph
stated, while a fact another named graph still states stays: as ``unload`` does locally.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_helpers import run_main
from oxigraph_server import OxigraphServer
from triplehelix.graph.remote.client import Endpoints, SparqlClient
from triplehelix.graph.remote.write import push_graphs
from triplehelix.graph.store.remote import RemoteStore

G1, G2 = "urn:th-test:g1", "urn:th-test:g2"


def triple(s: str, o: str) -> bytes:
    return f'<urn:th-test:{s}> <urn:th-test:p> "{o}" .'.encode()


ONLY_V1, SHARED, KEPT = triple("a", "only in v1"), triple("a", "shared"), triple("a", "kept")
IN_G2 = triple("b", "in g2")
NEW = [triple("a", f"new {n}") for n in range(3)]
V1 = {G1: [ONLY_V1, SHARED, KEPT], G2: [SHARED, IN_G2]}
V2 = {G1: [KEPT, *NEW]}  # a different size, so a re-push without --replace rewrites it


def default_graph(client: SparqlClient) -> set[str]:
    rows = client.query_json("SELECT ?o WHERE { ?s <urn:th-test:p> ?o FILTER(ISLITERAL(?o)) }")
    return {r["o"]["value"] for r in rows["results"]["bindings"]}


def push(client: SparqlClient, graphs: dict[str, list[bytes]], **options: object) -> None:
    push_graphs(list(graphs), graphs.__getitem__, client, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("gsp", [True, False])
@pytest.mark.parametrize("pack", [None, 0])  # packed Update requests / one graph each
@pytest.mark.parametrize("replace", [False, True])
def test_a_replaced_graph_leaves_no_stale_fact_in_the_union(
    oxigraph: OxigraphServer, gsp: bool, pack: int | None, replace: bool
) -> None:
    ends = Endpoints.of(oxigraph.url)
    client = SparqlClient(ends if gsp else Endpoints(ends.query, ends.update, None))
    push(client, V1, pack=pack)
    assert default_graph(client) == {"only in v1", "shared", "kept", "in g2"}
    push(client, V2, pack=pack, replace=replace)
    assert default_graph(client) == {"shared", "kept", "in g2", "new 0", "new 1", "new 2"}
    assert RemoteStore(client).graph_sizes() == {G1: 4, G2: 2}
    rows = client.query_json(f"SELECT ?o WHERE {{ GRAPH <{G1}> {{ ?s ?p ?o }} }}")
    assert {r["o"]["value"] for r in rows["results"]["bindings"]} == {
        "kept",
        "new 0",
        "new 1",
        "new 2",
    }


def test_big_graphs_are_staged_then_swapped_in_one_request(oxigraph: OxigraphServer) -> None:
    client = SparqlClient(Endpoints.of(oxigraph.url))
    big_v1 = [triple("c", f"v1 {n}") for n in range(30)]
    big_v2 = [triple("c", f"v2 {n}") for n in range(40)]
    push(client, {G1: big_v1, G2: [big_v1[0]]}, pack=0, chunk=7)
    urls: list[str] = []
    client.on_request = lambda method, url: urls.append(f"{method} {url}")
    push(client, {G1: big_v2}, pack=0, chunk=7, replace=True)
    client.on_request = None
    assert default_graph(client) == {"v1 0"} | {f"v2 {n}" for n in range(40)}
    assert "staging" in urls[0]  # the new version goes to a staging graph first...
    assert urls[-1] == f"POST {oxigraph.url}/update"  # ... then one swap request
    assert len(urls) == 40 // 7 + 2
    assert not any("default" in u for u in urls)  # the union is never appended to directly


def test_load_of_a_changed_file_drops_its_stale_facts_from_the_union(
    oxigraph: OxigraphServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "orgs.yaml"
    org = "organisations:\n  - id: alpha\n    name: {en: %s}\n    types: [university]\n"
    org += "    country: KZ\n"
    data.write_text(org % "Alpha Institute", encoding="utf-8")
    assert run_main(["load", str(data), "--endpoint", oxigraph.url]) == 0
    data.write_text(org % "Alpha University" + "    acronym: AU\n", encoding="utf-8")
    assert run_main(["load", str(data), "--endpoint", oxigraph.url]) == 0
    capsys.readouterr()
    for label, answer in (("Alpha Institute", "false"), ("Alpha University", "true")):
        ask = f'ASK {{ ?o skos:prefLabel "{label}"@en }}'
        run_main(["query", ask, "--endpoint", oxigraph.url])
        assert capsys.readouterr().out.strip() == answer, label


def test_a_changed_graph_of_the_same_size_is_rewritten_an_unchanged_one_skipped(
    oxigraph: OxigraphServer,
) -> None:
    client = SparqlClient(Endpoints.of(oxigraph.url))
    push(client, V1)
    again = push_graphs(list(V1), V1.__getitem__, client)
    assert (again.written, sorted(again.skipped)) == ([], [G1, G2])  # compared, not rewritten
    same_size = {G1: [KEPT, *NEW[:2]], G2: V1[G2]}
    assert len(same_size[G1]) == len(V1[G1])
    report = push_graphs(list(same_size), same_size.__getitem__, client)
    assert (report.written, report.skipped) == ([G1], [G2])
    assert default_graph(client) == {"shared", "kept", "in g2", "new 0", "new 1"}


def test_load_of_a_changed_file_drops_the_graphs_of_rows_it_no_longer_has(
    oxigraph: OxigraphServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # files named as given: organisations.csv, more/02-…
    orgs, other = Path("organisations.csv"), Path("more") / "02-organisations.csv"
    other.parent.mkdir()
    head = "id,name.en,types,country\n"
    orgs.write_text(
        head + "a,Alpha University,university,KZ\nb,Beta Steel,company,KZ\n", encoding="utf-8"
    )
    other.write_text(head + "c,Gamma Agency,government-body,TJ\n", encoding="utf-8")
    assert run_main(["load", str(orgs), str(other), "--endpoint", oxigraph.url]) == 0
    client = SparqlClient(Endpoints.of(oxigraph.url))
    rows_of = "SELECT ?g WHERE { GRAPH <https://w3id.org/triplehelix/graph/meta> { ?g ?p ?o } }"

    def row_graphs() -> set[str]:
        found = {b["g"]["value"] for b in client.query_json(rows_of)["results"]["bindings"]}
        return {g.rsplit("/", 2)[-2] + "/" + g.rsplit("/", 1)[-1] for g in found if "/row-" in g}

    assert row_graphs() == {
        "file-organisations-csv/row-2",
        "file-organisations-csv/row-3",
        "file-more.02-organisations-csv/row-2",
    }
    orgs.write_text(head + "a,Alpha University,university,KZ\n", encoding="utf-8")
    capsys.readouterr()
    assert run_main(["load", str(orgs), "--endpoint", oxigraph.url]) == 0
    assert "dropped 1 graph(s)" in capsys.readouterr().err
    assert row_graphs() == {"file-organisations-csv/row-2", "file-more.02-organisations-csv/row-2"}
    names = set(RemoteStore(client).graph_sizes())
    assert not any(n.endswith("file-organisations-csv/row-3") for n in names)
    for label, answer in (
        ("Beta Steel", "false"),
        ("Alpha University", "true"),
        ("Gamma Agency", "true"),
    ):
        run_main(["query", f'ASK {{ ?o skos:prefLabel "{label}"@en }}', "--endpoint", oxigraph.url])
        assert capsys.readouterr().out.strip() == answer, label
    described = 'ASK { ?g ?p ?o FILTER(STRENDS(STR(?g), "file-organisations-csv/row-3")) }'
    run_main(["query", described, "--endpoint", oxigraph.url])
    assert capsys.readouterr().out.strip() == "false"  # gone from the union's meta copy too
