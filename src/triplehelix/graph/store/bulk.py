"""Bulk loading: stream big record files into the store at the speed of Oxigraph's loader.

Two passes over the input, so that memory does not grow with the number of rows:

1. ``prepare`` validates every record chunk by chunk (``loader.validate_raw``) before
   any store is opened. Records that others refer to (organisations, projects,
   programmes…, "entities") are kept and minted; participations — the bulk of a funding
   database, referred to by nobody — are validated and forgotten, keeping only their keys
   (duplicates) and the distinct ids they refer to (checked once all entities are known).
   Invalid input raises ``InvalidDataError`` and writes nothing.
2. ``write`` streams the files again and turns each chunk into N-Quads text
   (``rdf.Emitter``) fed to ``Store.bulk_load``: no Python object per quad.

Each input file is one *source*, named by ``data.sources.source_name`` (its path with the
folder given on the command line): its rows become named graphs ``…/source/file-KEY/row-N``
that are ``dcterms:isPartOf`` its document. A file already loaded with the same bytes is
skipped (also under another name of the same base name: a moved file); a changed one is
dropped first (``sources.drop_changed``, the rule of ``graph.store.retract``), so no stale
fact survives. The bulk
loader is not transactional, so a file is written between two transactional markers in the
``meta`` graph: if the process dies in between, the next writable open rolls the partial
source back (``recover``). Files that cite explicit source documents (curated YAML) are
small: they are written with the transactional ``Store.load`` instead.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from triplehelix.data.iris import BASE, Minter
from triplehelix.data.loader import (
    Located,
    RecordSet,
    check_rdf_syntax,
    cross_check,
    gc_paused,
    validate_raw,
)
from triplehelix.data.models import (
    Document,
    Participation,
    Record,
    SourceRecord,
    record_key,
)
from triplehelix.data.readers import SourceFile, expand_paths, read_source
from triplehelix.data.refindex import RefIndex
from triplehelix.data.stream import CHUNK, RecordStream
from triplehelix.errors import InvalidDataError, StoreError, UsageError
from triplehelix.graph.rdf.mapping import Emitter, check_collisions, run_key
from triplehelix.graph.store.conflicts import Conflict, records_conflicts
from triplehelix.graph.store.rdf_files import rdf_file_nquads
from triplehelix.graph.store.retract import LOADING, LocalTarget, drop_source, mark
from triplehelix.graph.store.sources import drop_changed, run_start, sort_sources
from triplehelix.ontology.namespace import GRAPH_META

__all__ = [
    "BulkReport",
    "Plan",
    "interrupted",
    "plan_conflicts",
    "prepare",
    "recover",
    "write",
]

Progress = Callable[[int], None]


@dataclass(slots=True)
class Plan:
    """Validated input, ready to be written: what ``prepare`` found.

    Attributes:
        streams: the record files, in input order.
        rdf_files: RDF files, loaded as they are (one graph each).
        minter: IRIs of every entity.
        files: record file name → SHA-256.
        records: number of valid records.
        curated: files whose records cite explicit source documents.
        primary: document id → primary source or not.
        entities: the records other than participations (kept for the conflict check).
    """

    streams: list[RecordStream] = field(default_factory=list)
    rdf_files: list[SourceFile] = field(default_factory=list)
    minter: Minter = field(default_factory=Minter)
    files: dict[str, str] = field(default_factory=dict)
    records: int = 0
    curated: set[str] = field(default_factory=set)
    primary: dict[str, bool] = field(default_factory=dict)
    entities: RecordSet = field(default_factory=RecordSet)

    @property
    def run(self) -> str:
        """The IRI of this ingest run (a hash of the inputs)."""
        return f"{self.minter.id_base}run/{run_key(self.files)}"


@dataclass(frozen=True, slots=True)
class BulkReport:
    """What a bulk load did."""

    records: int
    files: int
    skipped: int
    replaced: int
    quads_before: int
    quads_after: int
    moved: dict[str, str] = field(default_factory=dict)
    """Sources skipped: already loaded under another name (name → that document)."""
    conflicts: list[Conflict] = field(default_factory=list)
    """Values that other sources state otherwise (``graph.conflicts``)."""

    @property
    def added(self) -> int:
        """Net change in the number of quads."""
        return self.quads_after - self.quads_before


def prepare(
    paths: Iterable[str | Path],
    *,
    chunk: int = CHUNK,
    base: str = BASE,
    progress: Progress | None = None,
    source: str | None = None,
) -> Plan:
    """Validate input files in chunks (pass 1); nothing is written.

    Raises:
        InvalidDataError: every problem found (references are reported once per distinct
            id, at its first use).
        InputError: a path that does not exist.

    >>> from triplehelix.data.loader import load_records, seed_path
    >>> plan = prepare([seed_path()])
    >>> plan.records == len(load_records([seed_path()])), len(plan.files) > 5
    (True, True)
    """
    with gc_paused():
        return _prepare(paths, chunk, base, progress, source)


def _prepare(
    paths: Iterable[str | Path],
    chunk: int,
    base: str,
    progress: Progress | None,
    source: str | None,
) -> Plan:
    plan, problems, index = Plan(minter=Minter(base)), [], RefIndex()
    entities: list[Record] = []
    where: list[Located] = []
    for name, path in expand_paths([str(p) for p in paths], source):
        if path is None:
            raise UsageError(
                "standard input cannot be bulk loaded: it is read twice",
                code="bulk-stdin",
                hint="save it to a file, or use KnowledgeGraph.load(load_records(['-']))",
            )
        stream = RecordStream.open(name, path)
        if stream.is_rdf:
            src = read_source(name, path)
            problems.extend(check_rdf_syntax(src))
            plan.rdf_files.append(src)
            continue
        for raws in stream.chunks(chunk):
            records, located, found = validate_raw(raws)
            problems.extend(found)
            for rec, loc in zip(records, located, strict=True):
                if rec.sources or isinstance(rec, Document | SourceRecord):
                    plan.curated.add(name)
                if type(rec) is Participation:
                    problems.extend(index.add(rec, loc))
                else:
                    entities.append(rec)
                    where.append(loc)
            plan.records += len(records)
            if progress:
                progress(len(raws))
        problems.extend(stream.problems)
        plan.files[name] = stream.sha256
        plan.streams.append(stream)
    problems.extend(cross_check(entities, where))
    kinds = {r.id: str(r.kind) for r in entities if r.id is not None}  # type: ignore[attr-defined]
    problems.extend(index.check(kinds))
    if problems:
        raise InvalidDataError(sorted(problems, key=lambda p: (p.file, p.line or 0)))
    plan.minter.mint_all(entities)
    check_collisions(RecordSet(entities, where), plan.minter)
    plan.primary = {d.id: d.primary for d in entities if isinstance(d, Document)}
    plan.entities = RecordSet(entities, where)
    return plan


def write(
    kg: LocalTarget,
    plan: Plan,
    *,
    chunk: int = CHUNK,
    progress: Progress | None = None,
    strict: bool = False,
) -> BulkReport:
    """Write a prepared plan (pass 2): changed sources replaced, unchanged ones skipped.

    Values that conflict with what other sources say (``graph.conflicts``, checked on the
    entities of the sources to be written, before anything is) are reported, or with
    ``strict`` refused (``InvalidDataError``, nothing written).

    Python turns chunk *n + 1* into N-Quads while Oxigraph (which releases the GIL)
    loads chunk *n*: on two cores the two halves overlap.

    >>> from triplehelix.data.loader import seed_path
    >>> from triplehelix.graph.store.local import KnowledgeGraph
    >>> kg = KnowledgeGraph()
    >>> first = write(kg, prepare([seed_path()]))
    >>> again = write(kg, prepare([seed_path()]))
    >>> first.added > 500, again.added
    (True, 0)
    """
    with gc_paused():
        return _write(kg, plan, chunk, progress, strict)


def _write(
    kg: LocalTarget, plan: Plan, chunk: int, progress: Progress | None, strict: bool
) -> BulkReport:
    store = kg.store
    before = len(store)
    started = run_start(kg, plan.run)
    emitter = Emitter(plan.minter, plan.run, plan.files, plan.primary)
    found = sort_sources(kg, plan.files, plan.minter)
    todo = {*found.changed, *found.new}
    conflicts = plan_conflicts(kg, plan, todo)
    if strict and conflicts:
        raise InvalidDataError(
            [c.problem() for c in conflicts],
            hint="other sources in the store say otherwise; nothing was written",
        )
    drop_changed(kg, found, plan.minter)
    for stream in (s for s in plan.streams if s.name in todo):
        _write_source(kg, plan, stream, emitter, chunk, progress)
    _write_rdf_files(kg, plan)
    store.load("".join(emitter.finish(started)), ox.RdfFormat.N_QUADS)
    if kg.path is not None:
        store.flush()
    return BulkReport(
        plan.records,
        len(plan.streams),
        len(found.same),
        len(found.changed),
        before,
        len(store),
        found.moved,
        conflicts,
    )


def _write_source(
    kg: LocalTarget,
    plan: Plan,
    stream: RecordStream,
    emitter: Emitter,
    chunk: int,
    progress: Progress | None,
) -> None:
    """One file between its markers; on any failure its partial graphs are removed."""
    doc = plan.minter.file_document(stream.name)
    curated = stream.name in plan.curated
    _mark(kg, doc, loading=True)
    with _Loader(kg.store, transactional=curated or kg.path is None) as loader:
        try:
            texts = _emit(plan, stream, emitter, chunk, progress)
            if curated:  # small, cites shared source graphs: one transaction
                texts = iter(["".join(texts)])
            for text in texts:
                loader.put(text.encode())
            loader.join()
        except BaseException as exc:
            loader.abandon()
            drop_source(kg, doc)  # its partial graphs, and the marker
            if isinstance(exc, OSError):
                raise StoreError(
                    f"writing {stream.name} to the store failed: {exc}",
                    hint="that source was removed again; free space or check the store folder",
                ) from exc
            raise
    _mark(kg, doc, loading=False)


def _emit(
    plan: Plan, stream: RecordStream, emitter: Emitter, chunk: int, progress: Progress | None
) -> Iterator[str]:
    minter = plan.minter
    for raws in stream.chunks(chunk):
        records, where, _ = validate_raw(raws)
        keys = [record_key(r) for r in records if type(r) is Participation]
        for rec in records:
            if type(rec) is Participation:
                minter.by_key[record_key(rec)] = str(rec.iri) if rec.iri else minter.mint(rec)
        yield "".join(emitter.records(records, where))
        emitter.graphs.clear()
        for key in keys:  # nothing refers to participations: forget them
            minter.by_key.pop(key, None)
        if progress:
            progress(len(raws))


def plan_conflicts(kg: LocalTarget, plan: Plan, names: set[str]) -> list[Conflict]:
    """Conflicts of the entities (not participations) of some sources of a bulk plan."""
    rs = plan.entities

    def emit(picked: list[int]) -> str:
        emitter = Emitter(plan.minter, plan.run, plan.files, plan.primary)
        return "".join(
            emitter.records([rs.records[i] for i in picked], [rs.where[i] for i in picked])
        )

    keep = [i for i, loc in enumerate(rs.where) if loc.file in names]
    return records_conflicts(kg, rs, keep, plan.minter, emit)


class _Loader:
    """A thread that feeds N-Quads chunks to Oxigraph while the caller makes the next one."""

    def __init__(self, store: ox.Store, *, transactional: bool) -> None:
        self.store, self.transactional = store, transactional
        self.queue: queue.Queue[bytes | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> _Loader:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.thread.is_alive():
            self.abandon()

    def _run(self) -> None:
        while (data := self.queue.get()) is not None:
            if self.error is not None:
                continue
            try:
                if self.transactional:
                    self.store.load(data, ox.RdfFormat.N_QUADS)
                else:
                    self.store.bulk_load(data, ox.RdfFormat.N_QUADS)
            except BaseException as exc:  # re-raised in the caller's thread
                self.error = exc

    def put(self, data: bytes) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(data)

    def join(self) -> None:
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error

    def abandon(self) -> None:
        self.error = self.error or RuntimeError("abandoned")
        self.queue.put(None)
        self.thread.join()


def _write_rdf_files(kg: LocalTarget, plan: Plan) -> None:
    for src in plan.rdf_files:
        kg.store.load(rdf_file_nquads(src, plan.minter, plan.run), ox.RdfFormat.N_QUADS)


def _mark(kg: LocalTarget, doc: str, *, loading: bool) -> None:
    """Set or clear the marker of a source being written (each in its own transaction)."""
    mark(kg, doc, loading=loading)
    kg.store.flush()


def interrupted(store: ox.Store) -> list[str]:
    """Sources whose load was interrupted (the marker is still set)."""
    pattern = store.quads_for_pattern(
        None, ox.NamedNode(LOADING), None, ox.NamedNode(str(GRAPH_META))
    )
    return sorted({q.subject.value for q in pattern if isinstance(q.subject, ox.NamedNode)})


def recover(kg: LocalTarget) -> list[str]:
    """Roll back every interrupted source load (or finish an interrupted unload): each
    marked source is dropped (``retract.drop_source``); returns the sources rolled back."""
    docs = interrupted(kg.store)
    for doc in docs:
        drop_source(kg, doc)
    if docs and kg.path is not None:
        kg.store.flush()
    return docs
