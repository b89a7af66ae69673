"""The rule of removal, written once: what leaves a store when graphs of a source go.

*Retracting* named graphs (or some quads of one graph) means: each of their triples
leaves the union — the default graph (an embedded store; a server by default) or the
server's ``--union-graph`` — unless another named graph still states it (not a staging
graph, which holds a half-written upload, and not one being dropped); their source-record
descriptions leave ``meta`` (and the union); the graphs go.

Every write path that removes or replaces something runs the SPARQL Update made here,
through the store's ``update`` (an embedded Oxigraph store and a SPARQL 1.1 server alike):
``unload`` and a changed source loaded again (``drop_source``), a changed file imported
again (``graph.store.sources.replace_documents``), the rows a changed file no longer has
on a server (``graph.remote.sources.drop_vanished``), a graph replaced by a push
(``unstate``, in the same request as its new version), ``resolve --undo``
(``retract_quads``) and the roll-back of an interrupted load (``graph.store.bulk.recover``).

A big source goes ``batch`` graphs per request, between the markers a bulk load uses
(``mark``): if the process dies midway, the next writable open finishes the job.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox

from triplehelix.errors import QueryError
from triplehelix.graph.rdf.terms import literal
from triplehelix.graph.store.protocol import Store
from triplehelix.ontology.namespace import GRAPH_META, PART_OF, PROV_USED, TH

__all__ = [
    "BATCH",
    "LOADING",
    "STAGING",
    "LocalTarget",
    "Target",
    "Updatable",
    "drop_graphs",
    "drop_source",
    "forget_document",
    "mark",
    "retract_graphs",
    "retract_quads",
    "source_graphs",
    "unstate",
]

STAGING = "urn:triplehelix:staging:"
"""Graphs named with this prefix hold half-written uploads: they state nothing."""
LOADING = f"{TH}loadInProgress"
"""The marker (in ``meta``) of a source being written or removed in several steps."""
BATCH = 2_000
"""Graphs per request when a source is dropped: a bigger source goes in several."""
META = f"<{GRAPH_META}>"


class Updatable(Protocol):
    """Anything that runs SPARQL Update: a store, or a server's client."""

    def update(self, sparql: str, /) -> None:
        """Run a SPARQL Update."""


class Target(Updatable, Protocol):
    """What the rule needs of a store: SELECT rows, ASK answers and SPARQL Update."""

    def select(
        self, sparql: str, bindings: Mapping[str, str | int] | None = None
    ) -> list[dict[str, Any]]:
        """SELECT rows of Python values."""

    def ask(self, sparql: str) -> bool:
        """An ASK answer."""


class LocalTarget(Store, Protocol):
    """An embedded store: a ``Store``, plus the Oxigraph store and its folder (what the
    bulk loader writes through)."""

    store: ox.Store
    path: Path | None


def unstate(graphs: Sequence[str], *, union: str | None = None, staging: str = STAGING) -> str:
    """SPARQL Update taking out of the union the triples of ``graphs`` that no other named
    graph states (the first step of a retraction; a push runs it before a replaced graph's
    new version joins the union, in the same request).

    >>> print(unstate(["urn:a"]))
    DELETE { ?s ?p ?o } WHERE {
      VALUES ?_g { <urn:a> }
      GRAPH ?_g { ?s ?p ?o }
      FILTER NOT EXISTS { GRAPH ?_h { ?s ?p ?o }
        FILTER(?_h NOT IN (<urn:a>) && !STRSTARTS(STR(?_h), "urn:triplehelix:staging:")) }
    }
    """
    iris = [_iri(g) for g in graphs]
    scope = f"VALUES ?_g {{ {' '.join(iris)} }}\n  GRAPH ?_g {{ ?s ?p ?o }}"
    return _unstate(scope, iris, "", union, staging)


def _unstate(scope: str, dropped: list[str], within: str, union: str | None, staging: str) -> str:
    """The one DELETE of the rule: triples bound by ``scope`` leave the union unless a
    named graph other than ``dropped`` (or than the graphs ``within`` names), the union
    graph and staging graphs states them."""
    others = ", ".join(dropped + ([_iri(union)] if union else []))
    keep = [f"?_h NOT IN ({others})"] if others else []
    keep.append(f"!STRSTARTS(STR(?_h), {literal(staging)})")
    return (
        f"DELETE {{ {_in_union('?s ?p ?o', union)} }} WHERE {{\n"
        f"  {scope}\n"
        "  FILTER NOT EXISTS { GRAPH ?_h { ?s ?p ?o }\n"
        f"    FILTER({' && '.join(keep)}){within} }}\n"
        "}"
    )


def retract_graphs(
    graphs: Sequence[str],
    *,
    union: str | None = None,
    staging: str = STAGING,
    within: str | None = None,
) -> str:
    """SPARQL Update retracting named graphs: the union keeps what other graphs state,
    their descriptions leave ``meta`` and the union, the graphs go.

    Args:
        graphs: the graphs to drop.
        union: the server's union graph (None: the default graph).
        staging: the prefix of staging graphs (they state nothing).
        within: a source document whose graphs are all being dropped (``graphs`` is one
            batch of them): its other graphs do not keep a triple in the union either.

    >>> text = retract_graphs(["urn:a", "urn:b"])
    >>> text.count("DROP SILENT GRAPH"), "GRAPH <https://w3id.org/triplehelix/graph/meta>" in text
    (2, True)
    """
    iris = [_iri(g) for g in graphs]
    scope = f"VALUES ?_g {{ {' '.join(iris)} }}\n  GRAPH ?_g {{ ?s ?p ?o }}"
    if within is None:
        first = _unstate(scope, iris, "", union, staging)
    else:
        part = f"\n    FILTER NOT EXISTS {{ GRAPH {META} {{ ?_h <{PART_OF}> {_iri(within)} }} }}"
        first = _unstate(scope, [], part, union, staging)
    described = f"VALUES ?_g {{ {' '.join(iris)} }} GRAPH {META} {{ ?_g ?p ?o }}"
    return " ;\n".join(
        [
            first,
            f"DELETE {{ GRAPH {META} {{ ?_g ?p ?o }} {_in_union('?_g ?p ?o', union)} }} "
            f"WHERE {{ {described} }}",
            *(f"DROP SILENT GRAPH {iri}" for iri in iris),
        ]
    )


def forget_document(doc: str, *, union: str | None = None) -> str:
    """SPARQL Update removing a source document's own description (and its marker) from
    ``meta`` and the union, and what any ingest run says it used.

    >>> "prov#used" in forget_document("urn:doc")
    True
    """
    d = _iri(doc)
    return (
        f"DELETE {{ GRAPH {META} {{ ?s ?p ?o }} {_in_union('?s ?p ?o', union)} }} WHERE {{\n"
        f"  GRAPH {META} {{ ?s ?p ?o FILTER(?s = {d} || (?p = <{PROV_USED}> && ?o = {d})) }}\n"
        "}"
    )


def retract_quads(
    graph: str,
    triples: Iterable[tuple[str, str, str]],
    *,
    union: str | None = None,
    staging: str = STAGING,
) -> str:
    """SPARQL Update retracting some triples of one graph (N-Triples terms, no blank
    nodes): each leaves the union unless another named graph states it, then the graph.

    >>> print(retract_quads("urn:g", [("<urn:s>", "<urn:p>", '"o"')]).splitlines()[-1])
    DELETE DATA { GRAPH <urn:g> { <urn:s> <urn:p> "o" . } }
    """
    rows = list(triples)
    values = " ".join(f"({s} {p} {o})" for s, p, o in rows)
    scope = f"VALUES (?s ?p ?o) {{ {values} }}\n  GRAPH {_iri(graph)} {{ ?s ?p ?o }}"
    body = " ".join(f"{s} {p} {o} ." for s, p, o in rows)
    return (
        f"{_unstate(scope, [_iri(graph)], '', union, staging)} ;\n"
        f"DELETE DATA {{ GRAPH {_iri(graph)} {{ {body} }} }}"
    )


def mark(store: Target, doc: str, *, loading: bool) -> None:
    """Set or clear the marker of a source being written or removed in several steps."""
    verb = "INSERT" if loading else "DELETE"
    store.update(f'{verb} DATA {{ GRAPH {META} {{ {_iri(doc)} <{LOADING}> "true" }} }}')


def source_graphs(store: Target, doc: str) -> list[str]:
    """The named graphs that are part of a source document (as ``meta`` says)."""
    rows = store.select(
        f"SELECT DISTINCT ?g WHERE {{ GRAPH {META} {{ ?g <{PART_OF}> {_iri(doc)} }} "
        "FILTER(ISIRI(?g)) }"
    )
    return sorted(str(r["g"]) for r in rows)


def drop_source(
    store: Target, doc: str, *, union: str | None = None, batch: int = BATCH
) -> list[str]:
    """Retract every graph of a source document, then the document's own description.

    A source of at most ``batch`` graphs goes in one request (atomic); a bigger one goes
    ``batch`` graphs per request after its marker is set, and the last request clears it
    (``forget_document``): an interrupted drop is finished by dropping it again.

    Returns:
        The graphs dropped.
    """
    graphs = source_graphs(store, doc)
    if len(graphs) > batch:
        mark(store, doc, loading=True)
    last = max(len(graphs) - batch, 0)
    for start in range(0, last, batch):
        store.update(retract_graphs(graphs[start : start + batch], union=union, within=doc))
    tail = graphs[last:]
    ops = [retract_graphs(tail, union=union, within=doc)] if tail else []
    store.update(" ;\n".join([*ops, forget_document(doc, union=union)]))
    return graphs


def drop_graphs(
    store: Updatable, graphs: Sequence[str], *, union: str | None = None, batch: int = 200
) -> None:
    """Retract some named graphs, ``batch`` per request (re-running finishes the job)."""
    for start in range(0, len(graphs), batch):
        store.update(retract_graphs(graphs[start : start + batch], union=union))


def _in_union(triple: str, union: str | None) -> str:
    return triple if union is None else f"GRAPH {_iri(union)} {{ {triple} }}"


def _iri(iri: str) -> str:
    if not iri or ":" not in iri or any(c in iri for c in '<>"{}|^`\\ \n\t\r'):
        raise QueryError(f"not an IRI: {iri!r}", code="bad-iri", hint="give a full IRI")
    return f"<{iri}>"
