"""Copy named graphs from a SPARQL 1.1 server: into an embedded store (pull), or as quads.

Graphs are read several at a time, each request expected to hold at most one page (the
server's own per-graph counts say how many rows to expect); a graph larger than a page is
read by the Graph Store Protocol, else in parts of one page. Every graph's row count is
checked against the server's count, so a capped answer is detected, not trusted.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from triplehelix.errors import StoreError
from triplehelix.graph.remote.client import HttpError
from triplehelix.graph.remote.graph import COUNT, PROLOGUE, SparqlReader, check_iri, terms_of
from triplehelix.graph.remote.sparql_json import bad_response, ntriples

if TYPE_CHECKING:
    from triplehelix.graph.store.protocol import Store

__all__ = ["PullReport", "pull_graphs", "read_graphs"]

TRIPLE = {"s": "node", "p": "uri", "o": "term"}
"""What every row of a SELECT of triples binds (checked by the client)."""


@dataclass
class PullReport:
    """Graphs copied into the local store and their triple counts."""

    graphs: dict[str, int] = field(default_factory=dict)


def pull_graphs(remote: SparqlReader, kg: Store, graphs: Iterable[str] | None = None) -> PullReport:
    """Copy named graphs from a server into a local store, in one local transaction.

    Raises:
        StoreError: a graph is not on the server, or came back short.
    """
    quads: list[ox.Quad] = []
    report = PullReport()
    for name, got in read_graphs(remote, graphs):
        quads += got
        quads += [ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in got]
        report.graphs[name] = len(got)
    kg.write_nquads(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    return report


def read_graphs(
    remote: SparqlReader, graphs: Iterable[str] | None = None
) -> Iterator[tuple[str, list[ox.Quad]]]:
    """Each named graph (all the server's when None) with its quads, checked whole.

    Raises:
        StoreError: a graph is not on the server (``no-such-graph``), or came back short
            (``truncated-result``).
    """
    sizes = remote.graph_sizes()
    names = list(graphs) if graphs is not None else sorted(sizes)
    missing = [n for n in names if n not in sizes]
    if missing:
        raise StoreError(
            f"graph <{missing[0]}> is not on the server",
            code="no-such-graph",
            hint="list the graphs with: triplehelix pull --list --endpoint URL",
        )
    for group in _groups(names, sizes, remote.page_size):
        if len(group) == 1 and sizes[group[0]] > remote.page_size:
            name = group[0]
            whole = _gsp_get(remote, name, sizes[name])
            if whole is None:  # no GSP, or a capped answer: by parts of one page each
                whole = _by_parts(remote, name, sizes[name])
            yield name, whole
            continue
        yield from _group(remote, group, sizes).items()


def _group(
    remote: SparqlReader, group: list[str], sizes: dict[str, int]
) -> dict[str, list[ox.Quad]]:
    """Some small graphs read in one SELECT, each checked against its count."""
    got: dict[str, list[ox.Quad]] = {name: [] for name in group}
    graphs_in = " ".join(f"<{check_iri(g)}>" for g in group)
    result = remote.query(
        f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {graphs_in} }} GRAPH ?g {{ ?s ?p ?o }} }}",
        need={"g": "uri", **TRIPLE},
    )
    assert not isinstance(result, bool)
    for row in result:
        g, s, p, o = row["g"], row["s"], row["p"], row["o"]
        assert isinstance(g, ox.NamedNode)
        assert isinstance(p, ox.NamedNode)
        assert isinstance(s, ox.NamedNode | ox.BlankNode)
        assert o is not None
        if g.value not in got:
            raise bad_response(remote.location, f"rows of {len(got)} graph(s)", f"<{g.value}>")
        got[g.value].append(ox.Quad(s, p, o, g))
    for name in group:
        if len(got[name]) != sizes[name]:
            raise StoreError(
                f"graph <{name}>: {len(got[name])} of {sizes[name]} triples came back",
                code="truncated-result",
                hint="the server caps results; use a smaller --page-size",
            )
    return got


def _gsp_get(remote: SparqlReader, name: str, size: int) -> list[ox.Quad] | None:
    """A graph read by GSP GET as quads, or None where GSP is absent or
    the answer is short (a capped server: the caller reads it in SELECT pages instead)."""
    if remote.client.endpoints.gsp is None:
        return None
    try:
        data = remote.client.gsp("GET", name)
    except HttpError as exc:
        if exc.status in (404, 405, 406, 415, 501):
            return None
        raise
    triples = ntriples(data, remote.client.endpoints.gsp)
    if len(triples) != size:
        return None
    graph = ox.NamedNode(name)
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]


def _by_parts(remote: SparqlReader, name: str, size: int, prefix: str = "") -> list[ox.Quad]:
    """A big graph read in parts small enough for one request each, whatever the server's
    row cap: triples split by the leading hex digits of the MD5 of their text, recursively.
    No OFFSET (Virtuoso refuses sorted windows past its cap: SR353).

    Raises:
        StoreError: a part came back short of its count.
    """
    key = 'CONCAT(COALESCE(STR(?s), ""), " ", STR(?p), " ", COALESCE(STR(?o), ""))'
    part = f'FILTER(STRSTARTS(MD5({key}), "{prefix}"))'
    where = f"WHERE {{ GRAPH <{check_iri(name)}> {{ ?s ?p ?o }} {part} }}"
    if prefix:
        rows = remote.client.query_json(
            PROLOGUE + f"SELECT (COUNT(*) AS ?n) {where}", need=COUNT, rows=1
        )
        size = int(rows["results"]["bindings"][0]["n"]["value"])
    if size > remote.page_size and len(prefix) < 4:
        return [
            q for digit in "0123456789abcdef" for q in _by_parts(remote, name, 0, prefix + digit)
        ]
    if size == 0:
        return []
    answer = remote.client.query_json(PROLOGUE + f"SELECT ?s ?p ?o {where}", need=TRIPLE)
    rows = answer["results"]["bindings"]
    if len(rows) != size:
        raise StoreError(
            f"graph <{name}>: {len(rows)} of {size} triples came back",
            code="truncated-result",
            hint="the server caps results below --page-size; use a smaller one",
        )
    graph = ox.NamedNode(name)
    quads = []
    for row in rows:
        s, p, o = terms_of(row, ["s", "p", "o"], remote.location).values()
        assert isinstance(s, ox.NamedNode | ox.BlankNode)
        assert isinstance(p, ox.NamedNode)
        assert o is not None
        quads.append(ox.Quad(s, p, o, graph))
    return quads


def _groups(names: list[str], sizes: dict[str, int], page: int) -> Iterator[list[str]]:
    """Graphs in groups of at most ``page`` triples (a bigger graph alone)."""
    group: list[str] = []
    total = 0
    for name in names:
        if group and total + sizes[name] > page:
            yield group
            group, total = [], 0
        group.append(name)
        total += sizes[name]
    if group:
        yield group
