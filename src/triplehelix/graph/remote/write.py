"""Copy named graphs to a SPARQL 1.1 server (push; pull is ``graph.remote.pull``).

Each named graph is written so that it is either whole on the server or absent:

1. its triples are first appended to the server's default graph (GSP ``POST ?default``), so
   the default graph stays the set union of the named graphs, as in the embedded store;
2. then the graph itself is written in one request (GSP ``PUT``, which replaces it), or, when
   it is larger than one chunk, into a staging graph chunk by chunk and moved into place with
   one SPARQL Update ``MOVE`` (the staging graph is never listed by readers).

Where the server has no Graph Store endpoint (404/405, or none configured), the same steps
use SPARQL Update ``INSERT DATA`` in batches of at most 1,000 triples (Virtuoso rejects large
ones). The ``meta`` graph is shared by every load, so it is appended to, never replaced.

A push that stops halfway is finished by running it again: graphs the server already holds
(the same triples) are skipped (``replace=True`` rewrites them all). A graph that is
rewritten takes the facts only its earlier version stated out of the union.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from triplehelix.graph.remote.client import HttpError, SparqlClient
from triplehelix.graph.remote.graph import SparqlReader, check_iri
from triplehelix.graph.store.retract import STAGING
from triplehelix.graph.store.retract import unstate as retract_unstate
from triplehelix.ontology.namespace import GRAPH_META

if TYPE_CHECKING:
    from triplehelix.graph.store.protocol import Store

__all__ = ["PushReport", "push_graphs", "push_store", "unstate"]

APPEND_ONLY = frozenset({str(GRAPH_META)})
TRIPLE = {"s": "node", "p": "uri", "o": "term"}
"""What every row of a SELECT of triples binds (checked by the client)."""
UPDATE_BATCH = 1000
PACK = 500
Pending = tuple[str, list[bytes], bool]
"""A small graph waiting for a packed request: name, N-Triples lines, maybe on the server."""
"""Graphs up to this many triples go several to one Update request (twice this many triples
with their default-graph copies: within what Virtuoso accepts)."""


@dataclass
class PushReport:
    """What a push did: graphs written and skipped (already whole), triples sent, protocol."""

    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    triples: int = 0
    protocol: str = "gsp"


def push_store(
    kg: Store,
    client: SparqlClient,
    *,
    replace: bool = False,
    chunk: int = 50_000,
    on_graph: Callable[[str], None] | None = None,
    pack: int | None = None,
) -> PushReport:
    """Copy every named graph of a store (ontology and vocabulary included) to a server."""

    def lines_of(name: str) -> list[bytes]:
        triples = (q.triple for q in kg.quads(name))
        return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").splitlines()

    return push_graphs(
        kg.graph_names(),
        lines_of,
        client,
        replace=replace,
        chunk=chunk,
        on_graph=on_graph,
        pack=pack,
    )


def push_graphs(
    names: Iterable[str],
    lines_of: Callable[[str], list[bytes]],
    client: SparqlClient,
    *,
    replace: bool = False,
    chunk: int = 50_000,
    on_graph: Callable[[str], None] | None = None,
    pack: int | None = None,
) -> PushReport:
    """Write named graphs (each given as N-Triples lines by ``lines_of``) to a server.

    Graphs of at most ``pack`` triples (default ``PACK``) go several to one SPARQL Update
    request; ``pack=0`` sends each by the Graph Store Protocol (faster on Virtuoso, whose
    Update is slow).

    Raises:
        HttpError: the server failed or went away; the graphs in ``report.written`` so far
            are whole (the exception's ``report`` attribute), the rest can be re-pushed.
    """
    limit = PACK if pack is None else pack  # 0: every graph its own request
    report = PushReport(protocol="gsp" if client.endpoints.gsp else "update")
    batch: list[Pending] = []
    current = ""
    try:
        remote = SparqlReader(client)
        there = {} if replace else remote.graph_sizes()
        for name, lines in _to_write(names, lines_of, remote, there, report):
            current = name
            if on_graph is not None:
                on_graph(name)
            # a graph that may be on the server already is replaced, stale facts and all
            old = name not in APPEND_ONLY and (replace or name in there)
            if len(lines) <= limit and not _has_bnodes(lines):
                if sum(len(ls) for _, ls, _ in batch) + len(lines) > limit:
                    _flush(client, batch, report)
                batch.append((name, lines, old))
                continue
            _flush(client, batch, report)
            _write(client, name, lines, chunk, report, old)
            report.written.append(name)
            report.triples += len(lines)
        current = batch[0][0] if batch else current
        _flush(client, batch, report)
    except HttpError as exc:
        exc.report = report  # type: ignore[attr-defined]
        done = len(report.written)
        exc.message += f" (while writing {current}; {done} graph(s) written before it)"
        raise
    return report


def _to_write(
    names: Iterable[str],
    lines_of: Callable[[str], list[bytes]],
    remote: SparqlReader,
    there: dict[str, int],
    report: PushReport,
) -> Iterator[tuple[str, list[bytes]]]:
    """The graphs to write, with their lines; those the server has already are skipped.

    A graph of the same size on the server is compared triple by triple (a query of up to
    ``UPDATE_BATCH`` triples at a time), so that a changed graph of unchanged size is
    rewritten, not taken for whole; one holding blank nodes cannot be compared and is
    taken for whole by its size.
    """
    same: list[tuple[str, list[bytes]]] = []

    def compared() -> Iterator[tuple[str, list[bytes]]]:
        kept = remote.same_graphs(same)
        for name, lines in same:
            if name in kept:
                report.skipped.append(name)
            else:
                yield name, lines
        same.clear()

    for name in names:
        lines = lines_of(check_iri(name))
        if not lines:
            report.skipped.append(name)
        elif name in APPEND_ONLY or there.get(name) != len(lines):
            yield name, lines
        elif _has_bnodes(lines):
            report.skipped.append(name)
        else:
            same.append((name, lines))
            if sum(len(ls) for _, ls in same) >= UPDATE_BATCH:
                yield from compared()
    yield from compared()


def _flush(client: SparqlClient, pack: list[Pending], report: PushReport) -> None:
    """Write small graphs together in one SPARQL Update request (one transaction)."""
    if not pack:
        return
    every = b"\n".join(line for _, lines, _ in pack for line in lines).decode()
    replaced = [name for name, _, old in pack if old]
    ops = [unstate(client, replaced)] if replaced else []
    ops.append(_insert(client.union_graph, every))  # the union: default graph or union graph
    for name, lines, _ in pack:
        body = b"\n".join(lines).decode()
        if name not in APPEND_ONLY:
            ops.append(f"DROP SILENT GRAPH <{name}>")
        ops.append(f"INSERT DATA {{ GRAPH <{name}> {{\n{body}\n}} }}")
    client.update(" ;\n".join(ops))
    report.written += [name for name, _, _ in pack]
    report.triples += sum(len(lines) for _, lines, _ in pack)
    pack.clear()


def unstate(client: SparqlClient, names: list[str]) -> str:
    """SPARQL Update removing from the server's union (default graph or union graph) the
    triples of graphs about to be replaced that no other named graph states: the rule of
    ``graph.store.retract``, run before the union gets the new triples, in the same request.
    """
    return retract_unstate([check_iri(n) for n in names], union=client.union_graph)


def _swap(client: SparqlClient, name: str, stage: str) -> None:
    """Replace graph ``name`` by the staged one in one request: the old version's facts
    leave the union, the new ones join it, and the staging graph moves into place."""
    union = f"GRAPH <{client.union_graph}> {{ ?s ?p ?o }}" if client.union_graph else "?s ?p ?o"
    client.update(
        f"{unstate(client, [name])} ;\n"
        f"INSERT {{ {union} }} WHERE {{ GRAPH <{stage}> {{ ?s ?p ?o }} }} ;\n"
        f"MOVE SILENT <{stage}> TO <{name}>"
    )


def _write(
    client: SparqlClient, name: str, lines: list[bytes], chunk: int, rep: PushReport, old: bool
) -> None:
    if rep.protocol == "gsp":
        try:
            _write_gsp(client, name, lines, chunk, old)
            return
        except HttpError as exc:
            if exc.status not in (404, 405, 415, 501):
                raise
            rep.protocol = "update"  # no Graph Store Protocol here: SPARQL Update from now on
    _write_update(client, name, lines, old)


def _insert(graph: str | None, triples: str) -> str:
    if graph is None:
        return f"INSERT DATA {{\n{triples}\n}}"
    return f"INSERT DATA {{ GRAPH <{graph}> {{\n{triples}\n}} }}"


def _has_bnodes(lines: list[bytes]) -> bool:
    return any(b"_:" in line for line in lines)


def _chunks(lines: list[bytes], size: int) -> list[bytes]:
    # A blank node is only the same node within one request: never split such a graph.
    if _has_bnodes(lines):
        size = len(lines)
    return [b"\n".join(lines[i : i + size]) + b"\n" for i in range(0, len(lines), size)]


def _write_gsp(
    client: SparqlClient, name: str, lines: list[bytes], chunk: int, old: bool = False
) -> None:
    parts = _chunks(lines, chunk)
    if old:  # staged, then swapped in with the union's clean-up: one request
        stage = _staging(name)
        client.gsp("PUT", stage, parts[0])
        for part in parts[1:]:
            client.gsp("POST", stage, part)
        _swap(client, name, stage)
        return
    for part in parts:  # the union (default graph or union graph), appended: a set
        client.gsp("POST", client.union_graph, part)
    if name in APPEND_ONLY:
        for part in parts:
            client.gsp("POST", name, part)
        return
    if len(parts) == 1:
        client.gsp("PUT", name, parts[0])  # one request: whole or absent
        return
    stage = _staging(name)
    client.gsp("PUT", stage, parts[0])
    for part in parts[1:]:
        client.gsp("POST", stage, part)
    client.update(f"MOVE SILENT <{stage}> TO <{name}>")


def _write_update(client: SparqlClient, name: str, lines: list[bytes], old: bool = False) -> None:
    batches = [b"\n".join(b) for b in _batches(lines)]
    if old:
        stage = _staging(name)
        client.update(f"DROP SILENT GRAPH <{stage}>")
        for batch in batches:
            client.update(f"INSERT DATA {{ GRAPH <{stage}> {{\n{batch.decode()}\n}} }}")
        _swap(client, name, stage)
        return
    for batch in batches:
        client.update(_insert(client.union_graph, batch.decode()))
    if name in APPEND_ONLY:
        for batch in batches:
            client.update(f"INSERT DATA {{ GRAPH <{name}> {{\n{batch.decode()}\n}} }}")
        return
    if len(batches) == 1:
        client.update(
            f"DROP SILENT GRAPH <{name}> ;\n"
            f"INSERT DATA {{ GRAPH <{name}> {{\n{batches[0].decode()}\n}} }}"
        )
        return
    stage = _staging(name)
    client.update(f"DROP SILENT GRAPH <{stage}>")
    for batch in batches:
        client.update(f"INSERT DATA {{ GRAPH <{stage}> {{\n{batch.decode()}\n}} }}")
    client.update(f"MOVE SILENT <{stage}> TO <{name}>")


def _batches(lines: list[bytes]) -> list[list[bytes]]:
    if _has_bnodes(lines):
        return [lines]
    return [lines[i : i + UPDATE_BATCH] for i in range(0, len(lines), UPDATE_BATCH)]


def _staging(name: str) -> str:
    return STAGING + hashlib.sha256(name.encode()).hexdigest()[:32]
