"""The knowledge graph: an embedded Oxigraph store holding records, provenance and ontology.

The store is the source of truth. Records are mapped to N-Quads (``graph.rdf``) and
written in one transaction with the RDF files given alongside them, so a load either
lands whole or not at all; loading the same data twice changes nothing.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterable, Iterator
from contextlib import suppress
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox
import rdflib

from triplehelix.data.formats import QUAD_FORMATS, RDF_FORMATS
from triplehelix.data.iris import BASE, Minter
from triplehelix.data.loader import RecordSet, gc_paused, load_records, seed_path
from triplehelix.errors import InvalidDataError, QueryError, StoreError
from triplehelix.graph.rdf.formats import xml_safe
from triplehelix.graph.rdf.jsonld import write_jsonld
from triplehelix.graph.rdf.mapping import build_nquads, run_key
from triplehelix.graph.rdf.values import Bindings, Row, to_python, values_block
from triplehelix.graph.store.bulk import interrupted, recover
from triplehelix.graph.store.conflicts import records_conflicts
from triplehelix.graph.store.rdf_files import in_union, rdf_file_nquads
from triplehelix.graph.store.report import LoadReport
from triplehelix.graph.store.retract import drop_source
from triplehelix.graph.store.sources import drop_changed, find_source, run_start, sort_sources
from triplehelix.ontology import ontology_nquads
from triplehelix.ontology.namespace import GRAPH_ONTOLOGY, GRAPH_VOCAB, PREFIXES

if TYPE_CHECKING:
    from triplehelix.graph.store.protocol import Store

__all__ = ["RDF_FORMATS", "KnowledgeGraph", "LoadReport", "LocalSolutions", "LocalStore", "Row"]

INFRASTRUCTURE = {str(GRAPH_ONTOLOGY), str(GRAPH_VOCAB)}


class LocalSolutions:
    """A SELECT answer of the embedded store, read lazily (``graph.store.protocol.Solutions``)."""

    def __init__(self, result: ox.QuerySolutions) -> None:
        self.result = result
        self.variables = [v.value for v in result.variables]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        names = self.variables
        for solution in self.result:
            yield {n: solution[n] for n in names}

    def to_json(self) -> bytes:
        """SPARQL 1.1 Query Results JSON, written by Oxigraph."""
        return self.result.serialize(format=ox.QueryResultsFormat.JSON) or b""


class LocalStore:
    """An Oxigraph store with the triplehelix ontology loaded (a ``Store``).

    Args:
        path: a folder for an on-disk store (created if missing), or None for memory.
        read_only: open an existing on-disk store without taking the write lock.

    >>> kg = KnowledgeGraph.seed()
    >>> kg.ask('ASK { ?o skos:prefLabel "GIZ"@en }') or kg.count_of("th:Organization") > 5
    True
    """

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        self.recovered: list[str] = []  # sources whose interrupted load was rolled back
        self.created: Path | None = None  # the folder this object made (see __exit__)
        try:
            if self.path is None:
                self.store = ox.Store()
            elif read_only:
                if not (self.path / "CURRENT").exists():
                    raise StoreError(
                        f"{self.path}: no triplehelix store here",
                        code="no-store",
                        hint="create one with: triplehelix load DATA --store DIR",
                    )
                self.store = ox.Store.read_only(str(self.path))
            else:
                self.created = _check_store_folder(self.path)
                self.store = ox.Store(str(self.path))
        except OSError as exc:
            raise StoreError(
                f"{self.path}: cannot open the store: {_first_line(exc)}",
                code="store-unavailable",
                hint="is another triplehelix process using it?",
            ) from exc
        if not read_only:
            try:
                self._ensure_ontology()
                self.recovered = recover(self)
            except BaseException:
                self._discard()
                raise
        elif interrupted(self.store):
            raise StoreError(
                f"{self.path}: a bulk load is running or was interrupted",
                code="store-busy",
                hint="wait for it; if it was interrupted, any write "
                "(triplehelix load or unload) rolls the partial source back",
            )

    @classmethod
    def seed(cls) -> LocalStore:
        """An in-memory graph of the bundled seed world (EKTU, TSUC, PECA…)."""
        kg = cls()
        kg.load(load_records([seed_path()]))
        return kg

    def _ensure_ontology(self) -> None:
        if not self.store.contains_named_graph(ox.NamedNode(str(GRAPH_ONTOLOGY))):
            quads = list(ox.parse(ontology_nquads(), ox.RdfFormat.N_QUADS))
            self.store.extend([*quads, *(in_union(q) for q in quads)])

    # -- writing ------------------------------------------------------------------------------

    def load(self, rs: RecordSet, *, base: str = BASE, strict: bool = False) -> LoadReport:
        """Add validated records (and their RDF files) in one transaction.

        A source (file) loaded before with other bytes is replaced; one whose bytes are
        already here under another name of the same base name (a moved file) is skipped.

        Values that other sources state otherwise are reported (``graph.conflicts``);
        with ``strict`` they are refused.

        Raises:
            InvalidDataError: an RDF file does not parse, or ``strict`` and conflicting
                values (nothing is written).
        """
        before = len(self.store)
        started = run_start(self, f"{base}id/run/{run_key(rs.files)}")
        found = sort_sources(self, rs.files, Minter(base))
        with gc_paused():
            build = build_nquads(rs, base=base, started=started, skip=frozenset(found.moved))
        minter = Minter(base)
        minter.by_key = build.iris
        keep = [i for i, loc in enumerate(rs.where) if loc.file not in found.moved]
        conflicts = records_conflicts(self, rs, keep, minter, lambda _: build.nquads)
        if strict and conflicts:
            raise InvalidDataError(
                [c.problem() for c in conflicts],
                hint="other sources in the store say otherwise; nothing was written",
            )
        drop_changed(self, found, Minter(base))
        parts = [build.nquads]
        minter = Minter(base)
        for src in rs.rdf_files:
            parts.append(rdf_file_nquads(src, minter, build.run))
        try:
            self.store.load("".join(parts), ox.RdfFormat.N_QUADS)
        except OSError as exc:
            raise StoreError(
                f"writing to the store failed: {_first_line(exc)}", hint="nothing was written"
            ) from exc
        if self.path is not None:
            self.store.flush()
        return LoadReport(
            len(rs.records),
            len(rs.rdf_files),
            before,
            len(self.store),
            len(build.graphs) + len(rs.rdf_files),
            build.run,
            found.moved,
            conflicts,
        )

    def unload(self, source: str, *, base: str = BASE) -> int:
        """Remove one source: its name as loaded (``a/organisations.csv``), its document
        IRI, or its base name when one source only has it.

        The default graph keeps the triples that other graphs still state.

        Returns:
            The number of quads removed.

        Raises:
            StoreError: no such source in the store (``no-source``).
            UsageError: a base name that several sources have (``ambiguous-source``).

        >>> kg = KnowledgeGraph.seed()
        >>> kg.unload("nothing.jsonl")
        Traceback (most recent call last):
        ...
        triplehelix.errors.StoreError: no source 'nothing.jsonl' in the store
        """
        doc = find_source(self, source, Minter(base))
        before = len(self.store)
        drop_source(self, doc)
        if self.path is not None:
            self.store.flush()
        return before - len(self.store)

    def write_sources(self, rs: RecordSet, *, strict: bool = False) -> LoadReport:
        """Write validated records as sources (``load``)."""
        return self.load(rs, strict=strict)

    def drop_sources(self, docs: Iterable[str]) -> int:
        """Remove sources by their document IRIs (``graph.store.retract``); quads removed."""
        before = len(self.store)
        for doc in docs:
            drop_source(self, doc)
        removed = before - len(self.store)
        if self.path is not None:
            self.store.flush()
        return removed

    def update(self, sparql: str) -> None:
        """Run a SPARQL Update with the project prefixes declared.

        Raises:
            StoreError: the store is open read-only (``read-only-store``).
            SyntaxError, OSError: from Oxigraph (``graph.query.run`` words them).
        """
        if self.read_only:
            raise StoreError(
                f"{self.location}: the store is open read-only", code="read-only-store"
            )
        self.store.update(sparql, prefixes=PREFIXES)
        if self.path is not None:
            self.store.flush()

    def write_nquads(self, data: str | bytes) -> None:
        """Add N-Quads as they are, in one transaction (the caller writes the union)."""
        self.store.load(data, ox.RdfFormat.N_QUADS)
        if self.path is not None:
            self.store.flush()

    # -- reading ------------------------------------------------------------------------------

    @property
    def location(self) -> str:
        """Where the graph is: its folder, or ``memory``."""
        return str(self.path) if self.path is not None else "memory"

    @property
    def writable(self) -> bool:
        """Whether the store was opened for writing."""
        return not self.read_only

    def __len__(self) -> int:
        return len(self.store)

    def query(self, sparql: str, bindings: Bindings | None = None) -> Any:
        """Run SPARQL over the union of all graphs with the project prefixes declared:
        pyoxigraph's own result (solutions, a boolean or triples).

        ``bindings`` are IRIs (``http…``) or integers/strings, added as a ``VALUES`` block
        after the query, never pasted into patterns.

        Raises:
            QueryError: the query does not parse (``query-syntax``) or fails.
        """
        if bindings:
            sparql = sparql + "\n" + values_block(bindings)
        try:
            return self.store.query(sparql, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise QueryError(
                f"SPARQL syntax error: {exc.msg if hasattr(exc, 'msg') else exc}",
                code="query-syntax",
            ) from exc
        except (OSError, RuntimeError) as exc:
            raise QueryError(f"query failed: {_first_line(exc)}") from exc

    def solutions(self, sparql: str) -> LocalSolutions:
        """A SELECT answer as typed terms, read lazily."""
        result = self.query(sparql)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("solutions() needs a SELECT query", code="not-select")
        return LocalSolutions(result)

    def rows(self, sparql: str, bindings: Bindings | None = None) -> Iterator[Row]:
        """SELECT rows as dicts of Python values, streamed from Oxigraph's solutions."""
        result = self.query(sparql, bindings)
        names = [v.value for v in result.variables]
        for sol in result:
            yield {n: to_python(sol[n]) for n in names}

    def select(self, sparql: str, bindings: Bindings | None = None) -> list[Row]:
        """SELECT rows as dicts of Python values (str, int, Decimal, bool; None if unbound)."""
        return list(self.rows(sparql, bindings))

    def ask(self, sparql: str, bindings: Bindings | None = None) -> bool:
        """Answer of an ASK query."""
        return bool(self.query(sparql, bindings))

    def construct(self, sparql: str) -> Iterator[ox.Triple]:
        """The triples of a CONSTRUCT or DESCRIBE query."""
        result = self.query(sparql)
        if not isinstance(result, ox.QueryTriples):
            raise QueryError("construct() needs a CONSTRUCT or DESCRIBE query", code="not-graph")
        return iter(result)

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """The quads of one named graph, or of every named graph."""
        if graph is not None:
            return self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        return (q for q in self.store if not isinstance(q.graph_name, ox.DefaultGraph))

    def count_of(self, cls: str) -> int:
        """Number of distinct instances of a class (prefixed name or IRI)."""
        term = f"<{cls}>" if "://" in cls else cls
        rows = self.select(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a {term} }}")
        return int(rows[0]["n"])

    def graph_names(self) -> list[str]:
        """Every named graph, sorted."""
        return sorted(
            str(g.value) for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)
        )

    def graph_sizes(self) -> dict[str, int]:
        """Triples in each named graph (one query)."""
        rows = self.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return {str(r["g"]): int(r["n"]) for r in sorted(rows, key=lambda r: str(r["g"]))}

    def dump(self, fmt: str, out: IO[bytes], *, with_ontology: bool = False) -> None:
        """Serialise the store (``nq``/``trig``/``jsonld`` keep the graphs; others merge them).

        JSON-LD is compacted with the bundled ``@context`` (``graph.rdf.jsonld``).

        The ontology and vocabulary graphs are left out unless ``with_ontology``.
        """
        keep = [g for g in self.graph_names() if with_ontology or g not in INFRASTRUCTURE]
        if fmt == "jsonld":
            write_jsonld(self.quads, keep, out)
        elif fmt in QUAD_FORMATS:
            quads: Iterable[ox.Quad] = (q for g in keep for q in self.quads(g))
            ox.serialize(quads, out, RDF_FORMATS[fmt], prefixes=PREFIXES)
        else:
            triples = self._merged(keep)
            if fmt == "rdfxml":
                triples = xml_safe(triples)
            ox.serialize(triples, out, RDF_FORMATS[fmt], prefixes=PREFIXES)

    def _merged(self, graphs: list[str]) -> Iterator[ox.Triple]:
        """The set union of some named graphs (each triple once)."""
        if set(graphs) == set(self.graph_names()):  # the default graph is that union
            for q in self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
                yield q.triple
            return
        names = " ".join(f"<{g}>" for g in graphs)
        result = self.store.query(
            f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?g {{ {names} }} GRAPH ?g {{ ?s ?p ?o }} }}"
        )
        assert isinstance(result, ox.QuerySolutions)
        for row in result:
            yield ox.Triple(row["s"], row["p"], row["o"])

    def to_rdflib(self) -> rdflib.Dataset:
        """A copy of the store as an ``rdflib.Dataset`` (default graph = union of graphs).

        >>> ds = KnowledgeGraph.seed().to_rdflib()
        >>> len(list(ds.graphs())) > 5
        True
        """
        ds = rdflib.Dataset(default_union=True)
        # Graph by graph as N-Triples: rdflib 7.6's N-Quads parser warns (deprecated API).
        for name in self.graph_names():
            buffer = io.BytesIO()
            self.store.dump(buffer, ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name))
            ds.graph(rdflib.URIRef(name)).parse(data=buffer.getvalue().decode("utf-8"), format="nt")
        for prefix, ns in PREFIXES.items():
            ds.bind(prefix, ns, replace=True)
        return ds

    def union_graph(self) -> rdflib.Graph:
        """All data graphs (not ontology and vocabulary) merged into one rdflib Graph."""
        buffer = io.BytesIO()
        keep = [g for g in self.graph_names() if g not in INFRASTRUCTURE]
        ox.serialize(self._merged(keep), buffer, ox.RdfFormat.N_TRIPLES)
        graph = rdflib.Graph()
        graph.parse(data=buffer.getvalue().decode("utf-8"), format="nt")
        return graph

    def close(self) -> None:
        """Flush an on-disk store; the object must not be used afterwards."""
        if self.path is not None and not self.read_only:
            self.store.flush()
        del self.store

    def _discard(self) -> None:
        """Close, and remove the store folder if this object created it: a command that
        fails leaves no new store behind (as a load that fails validation opens none)."""
        created = self.created
        with suppress(OSError):
            self.close()
        if created is not None:
            shutil.rmtree(created, ignore_errors=True)

    def __enter__(self) -> LocalStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None = None,
        tb: TracebackType | None = None,
    ) -> None:
        if exc_type is not None and self.created is not None:
            self._discard()
        else:
            self.close()


KnowledgeGraph = LocalStore
"""The name the README, the docs and earlier releases use for ``LocalStore``."""
_CHECK: type[Store] = LocalStore  # mypy: LocalStore implements the Store protocol


def _check_store_folder(path: Path) -> Path | None:
    """Refuse a folder that holds other files than a store; return ``path`` if opening
    the store will create it, else None.

    Raises:
        StoreError: ``path`` is a file (``bad-store``), a folder with other files in it
            and no store (``not-a-store``), or in a folder that does not exist
            (``no-parent-folder``: only the store's own folder is created).
    """
    if not path.exists() and not path.absolute().parent.is_dir():
        raise StoreError(
            f"{path.absolute().parent}: no such folder",
            code="no-parent-folder",
            hint=f"create it first (mkdir -p {path.parent}); triplehelix creates only the "
            "store's own folder",
        )
    if path.exists() and not path.is_dir():
        raise StoreError(
            f"{path}: exists and is not a folder",
            code="bad-store",
            hint="name a new or existing store folder",
        )
    if path.is_dir():
        store_files = ("CURRENT", "LOCK")  # LOCK alone: another process is creating it
        if not any((path / f).exists() for f in store_files) and any(path.iterdir()):
            raise StoreError(
                f"{path}: holds other files and no triplehelix store",
                code="not-a-store",
                hint="name a new or empty folder for a new store (e.g. DIR/kg), "
                "or the folder of an existing one",
            )
        return None
    return path


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
