"""A changed source loaded or imported again to a server: its rows that are gone go too.

Locally, loading a changed file drops the file's earlier graphs before writing the new
ones (``graph.store.sources``). On a server, ``push`` replaces graph by graph, which leaves
the graphs of rows the new version no longer has. ``drop_vanished`` finds them (the
server's ``meta`` says which graphs are part of each document) and retracts them by the
rule of ``graph.store.retract``, a batch of graphs per SPARQL Update request.
By default only file documents (``…/source/file-NAME``, a file taken as the source of its
rows) are considered: a file loaded is then the whole of its source. An import names the
documents of its files itself (``graph.store.replace.imported_documents``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from triplehelix.graph.remote.graph import check_iri
from triplehelix.graph.store.retract import drop_graphs
from triplehelix.ontology.namespace import GRAPH_META, PART_OF

if TYPE_CHECKING:
    from triplehelix.graph.remote.client import SparqlClient
    from triplehelix.graph.store.protocol import Store

__all__ = ["drop_vanished", "file_documents"]

BATCH = 200


def file_documents(kg: Store) -> list[str]:
    """The file documents whose rows ``kg`` holds."""
    rows = kg.select(
        f"SELECT DISTINCT ?doc WHERE {{ GRAPH <{GRAPH_META}> {{ ?g <{PART_OF}> ?doc }} "
        'FILTER(CONTAINS(STR(?doc), "/source/file-")) }'
    )
    return sorted(str(r["doc"]) for r in rows)


def drop_vanished(kg: Store, client: SparqlClient, docs: list[str] | None = None) -> list[str]:
    """Drop the server's graphs of some documents (default: ``kg``'s file documents)
    that ``kg`` no longer has.

    Returns:
        The graphs dropped (re-running finds what an interrupted run left).
    """
    docs = file_documents(kg) if docs is None else docs
    if not docs:
        return []
    local = set(kg.graph_names())
    values = " ".join(f"<{check_iri(d)}>" for d in docs)
    answer = client.query_json(
        f"SELECT DISTINCT ?g WHERE {{ VALUES ?doc {{ {values} }} "
        f"GRAPH <{GRAPH_META}> {{ ?g <{PART_OF}> ?doc }} }}",
        need={"g": "term"},
    )
    bindings = answer["results"]["bindings"]
    there = {check_iri(b["g"]["value"]) for b in bindings if b["g"]["type"] == "uri"}
    gone = sorted(there - local)
    drop_graphs(client, gone, union=client.union_graph, batch=BATCH)
    return gone
