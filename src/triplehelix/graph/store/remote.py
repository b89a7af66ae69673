"""The knowledge graph on a SPARQL 1.1 server: the ``Store`` protocol over HTTP.

``RemoteStore`` reads with SPARQL Query (``SparqlReader``: SELECTs checked and paged),
writes with SPARQL Update and the Graph Store Protocol (``graph.remote.write``, as ``push``
does), and reads graphs back as ``pull`` does (``graph.remote.pull``). The server keeps the
layout of the embedded store, so views, statistics, maps, exports and saved queries run the
same on it as on a ``LocalStore``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import IO, TYPE_CHECKING

import pyoxigraph as ox

from triplehelix.data.formats import QUAD_FORMATS, RDF_FORMATS
from triplehelix.errors import QueryError, StoreError, UsageError
from triplehelix.graph.rdf.formats import xml_safe
from triplehelix.graph.rdf.jsonld import write_jsonld
from triplehelix.graph.rdf.values import Bindings, Row
from triplehelix.graph.remote.client import HttpError, SparqlClient
from triplehelix.graph.remote.graph import PROLOGUE, RemoteSolutions, SparqlReader, check_iri
from triplehelix.graph.remote.pull import read_graphs
from triplehelix.graph.remote.sources import drop_vanished
from triplehelix.graph.remote.sparql_json import ntriples
from triplehelix.graph.remote.write import PushReport, push_store
from triplehelix.graph.store.local import INFRASTRUCTURE, LocalStore
from triplehelix.graph.store.report import LoadReport
from triplehelix.graph.store.retract import drop_source
from triplehelix.ontology.namespace import PREFIXES

if TYPE_CHECKING:
    from triplehelix.data.loader import RecordSet
    from triplehelix.graph.store.protocol import Store

__all__ = ["RemoteStore", "check_iri"]

INSERT_BATCH = 1000
"""Triples per ``INSERT DATA`` request of ``write_nquads`` (Virtuoso rejects large ones)."""


class RemoteStore(SparqlReader):
    """The triplehelix graph on a SPARQL 1.1 server (a ``Store``).

    Args:
        client: the HTTP client (endpoints, credentials, timeouts, retries, union graph).
        page_size: rows per page of a large SELECT.
        progress: called with the rows read so far after each page of a paged read.
        check_cap: shrink the page below the server's row cap (``SparqlReader``).
        writable: whether writes are allowed (the server still decides).
        on_push: called with what ``write_sources`` wrote and the query endpoint URL
            (also when it failed halfway, with the graphs written before), e.g. to print it.

    >>> RemoteStore.connect("http://127.0.0.1:7878").location
    'http://127.0.0.1:7878/query'
    """

    def __init__(
        self,
        client: SparqlClient,
        *,
        page_size: int = 5000,
        progress: Callable[[int], None] | None = None,
        check_cap: bool = True,
        writable: bool = True,
        on_push: Callable[[PushReport, str], None] | None = None,
    ) -> None:
        super().__init__(client, page_size=page_size, progress=progress, check_cap=check_cap)
        self._writable, self.on_push = writable, on_push

    @property
    def writable(self) -> bool:
        """Whether writes are allowed."""
        return self._writable

    # -- reading ------------------------------------------------------------------------------

    def rows(self, sparql: str, bindings: Bindings | None = None) -> Iterator[Row]:
        """SELECT rows as Python values, read in pages."""
        return iter(self.select(sparql, bindings))

    def solutions(self, sparql: str) -> RemoteSolutions:
        """A SELECT answer as typed terms (every page read).

        Raises:
            QueryError: not a SELECT (``not-select``).
        """
        result = self.query(sparql)
        if isinstance(result, bool):
            raise QueryError("solutions() needs a SELECT query", code="not-select")
        return result

    def construct(self, sparql: str) -> Iterator[ox.Triple]:
        """The triples of a CONSTRUCT or DESCRIBE query (the server's N-Triples answer)."""
        data = self.client.query_triples(PROLOGUE + sparql)
        return iter(ntriples(data, self.location))

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """The quads of one named graph, or of every named graph, read as ``pull`` reads."""
        for _, quads in read_graphs(self, None if graph is None else [graph]):
            yield from quads

    def dump(self, fmt: str, out: IO[bytes], *, with_ontology: bool = False) -> None:
        """Serialise the server's graphs, read graph by graph (as ``LocalStore.dump``)."""
        keep = [g for g in self.graph_names() if with_ontology or g not in INFRASTRUCTURE]
        if fmt == "jsonld":
            write_jsonld(self.quads, keep, out)
            return
        quads = (q for _, got in read_graphs(self, keep) for q in got)
        if fmt in QUAD_FORMATS:
            ox.serialize(quads, out, RDF_FORMATS[fmt], prefixes=PREFIXES)
            return
        triples = _distinct(q.triple for q in quads)
        if fmt == "rdfxml":
            triples = xml_safe(triples)
        ox.serialize(triples, out, RDF_FORMATS[fmt], prefixes=PREFIXES)

    # -- writing ------------------------------------------------------------------------------

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update on the server's update endpoint (the project prefixes declared)."""
        self._check_writable()
        self.client.update(PROLOGUE + sparql)

    def write_nquads(self, data: str | bytes) -> None:
        """Add N-Quads by ``INSERT DATA`` (default-graph quads go to the union graph, if any)."""
        self._check_writable()
        union = self.client.union_graph
        quads = list(ox.parse(data, ox.RdfFormat.N_QUADS))
        for start in range(0, len(quads), INSERT_BATCH):
            parts = []
            for q in quads[start : start + INSERT_BATCH]:
                triple = f"{q.subject} {q.predicate} {q.object} ."
                graph = union if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value
                parts.append(
                    triple if graph is None else f"GRAPH <{check_iri(graph)}> {{ {triple} }}"
                )
            self.client.update("INSERT DATA {\n" + "\n".join(parts) + "\n}")

    def write_sources(self, rs: RecordSet, *, strict: bool = False) -> LoadReport:
        """Write records as ``load`` writes them locally: graph by graph (``push``), and the
        graphs of rows a changed file no longer has are dropped (``drop_vanished``).

        The report counts what was sent (``quads_before`` 0, ``quads_after`` the triples
        written), not the server's size.

        Raises:
            UsageError: ``strict`` (the conflict check needs a local store).
        """
        self._check_writable()
        if strict:
            raise UsageError(
                "--strict needs a local store",
                code="store-only-option",
                hint="load into an on-disk store with --store DIR",
            )
        with LocalStore() as kg:  # in memory: the records become graphs exactly as in `load`
            local = kg.load(rs)
            report = self._push(kg)
            dropped = drop_vanished(kg, self.client)  # rows a changed file no longer has
        return LoadReport(
            local.records,
            local.rdf_files,
            0,  # a server's size is not counted (a COUNT of every quad): what was sent
            report.triples,
            len(report.written),
            local.run,
            local.moved,
            local.conflicts,
            dropped,
        )

    def _push(self, kg: LocalStore) -> PushReport:
        try:
            report = push_store(kg, self.client)
        except HttpError as exc:
            partial = getattr(exc, "report", None)
            if partial is not None and partial.written and self.on_push is not None:
                self.on_push(partial, self.location)
            raise
        if self.on_push is not None:
            self.on_push(report, self.location)
        return report

    def drop_sources(self, docs: Iterable[str]) -> int:
        """Remove sources by their document IRIs; returns the quads removed."""
        self._check_writable()
        before = len(self)
        for doc in docs:
            drop_source(self, doc, union=self.client.union_graph)
        return before - len(self)

    def _check_writable(self) -> None:
        if not self.writable:
            raise StoreError(f"{self.location}: opened read-only", code="read-only-store")

    # -- lifetime -----------------------------------------------------------------------------

    def close(self) -> None:
        """Nothing to release: every request opens and closes its own connection."""

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None = None,
        tb: TracebackType | None = None,
    ) -> None:
        self.close()


def _distinct(triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
    """Each triple once (the union of several graphs)."""
    seen: set[ox.Triple] = set()
    for t in triples:
        if t not in seen:
            seen.add(t)
            yield t


_CHECK: type[Store] = RemoteStore  # mypy: RemoteStore implements the Store protocol
