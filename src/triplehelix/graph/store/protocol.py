"""The one store interface: what every consumer of a knowledge graph needs, on any backend.

Two backends implement it: ``LocalStore`` (an embedded Oxigraph store, ``graph.store.local``)
and ``RemoteStore`` (a SPARQL 1.1 server through the Query, Update and Graph Store protocols,
``graph.store.remote``); ``open_store`` picks one from a location. Views, statistics, maps,
analytics, exports, saved queries and the CLI take a ``Store`` and never reach for a raw
``pyoxigraph.Store``.

Both backends keep the same layout: one named graph per source record plus ``meta``,
``ontology`` and ``vocab``, and the default graph holding the set union of them all.

>>> from triplehelix.graph.store.local import LocalStore
>>> isinstance(LocalStore.seed(), Store)
True
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from types import TracebackType
from typing import IO, TYPE_CHECKING, Protocol, runtime_checkable

import pyoxigraph as ox

from triplehelix.graph.rdf.values import Bindings, Row, Term

if TYPE_CHECKING:
    from triplehelix.data.loader import RecordSet
    from triplehelix.graph.store.report import LoadReport

__all__ = ["Bindings", "Row", "SolutionRow", "Solutions", "Store", "Term"]

SolutionRow = Mapping[str, Term | None]
"""A SELECT row of typed RDF terms (None if unbound)."""


@runtime_checkable
class Solutions(Protocol):
    """A SELECT answer as typed terms: its variables, its rows, and its W3C JSON form.

    Read once: iterating or writing the JSON consumes it.
    """

    @property
    def variables(self) -> list[str]:
        """The projected variables, in order."""

    def __iter__(self) -> Iterator[SolutionRow]:
        """Each row's terms by variable name."""

    def to_json(self) -> bytes:
        """The answer as SPARQL 1.1 Query Results JSON."""


@runtime_checkable
class Store(Protocol):
    """A knowledge graph: read with SPARQL, written by source, dumped as RDF.

    Statistics are not a method: ``graph.views.stats.collect_stats(store)`` is a free
    function over this interface, the same SELECTs on every backend.
    """

    @property
    def location(self) -> str:
        """Where the graph is: a folder, ``memory``, or the query endpoint URL."""

    @property
    def writable(self) -> bool:
        """Whether writes are allowed (an on-disk store opened read-only is not)."""

    # -- reading ------------------------------------------------------------------------------

    def select(self, sparql: str, bindings: Bindings | None = None) -> list[Row]:
        """Every row of a SELECT, as Python values."""

    def rows(self, sparql: str, bindings: Bindings | None = None) -> Iterator[Row]:
        """The rows of a SELECT as Python values, streamed (remotely: read in pages)."""

    def ask(self, sparql: str, bindings: Bindings | None = None) -> bool:
        """The answer of an ASK query."""

    def construct(self, sparql: str) -> Iterator[ox.Triple]:
        """The triples of a CONSTRUCT or DESCRIBE query."""

    def solutions(self, sparql: str) -> Solutions:
        """A SELECT answer as typed terms (what result printers need)."""

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """The quads of one named graph, or of every named graph when None."""

    def graph_names(self) -> list[str]:
        """Every named graph, sorted."""

    def graph_sizes(self) -> dict[str, int]:
        """Triples in each named graph."""

    def __len__(self) -> int:
        """Quads in the named graphs and the default graph."""

    def count_of(self, cls: str) -> int:
        """Distinct instances of a class (prefixed name or IRI)."""

    def dump(self, fmt: str, out: IO[bytes], *, with_ontology: bool = False) -> None:
        """Serialise the graph in an RDF format (``graph.rdf.formats.RDF_FORMATS``)."""

    # -- writing ------------------------------------------------------------------------------

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update (the project prefixes declared)."""

    def write_nquads(self, data: str | bytes) -> None:
        """Add N-Quads as they are (the caller writes the default-graph copies)."""

    def write_sources(self, rs: RecordSet, *, strict: bool = False) -> LoadReport:
        """Write validated records as sources; a changed source replaces its old facts."""

    def drop_sources(self, docs: Iterable[str]) -> int:
        """Remove sources (document IRIs) and the union facts only they state; quads removed."""

    # -- lifetime -----------------------------------------------------------------------------

    def close(self) -> None:
        """Release the store; the object must not be used afterwards."""

    def __enter__(self) -> Store:
        """The store itself."""

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close (an on-disk store created by a failed command is removed)."""
