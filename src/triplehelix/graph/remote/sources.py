"""A changed source file loaded again to a server: its rows that are gone go too.

Locally, ``load`` of a changed JSON Lines or CSV file unloads the file's earlier graphs before
writing the new ones (``graph.bulk``). On a server, ``push`` replaces graph by graph, which
leaves the graphs of rows the new version no longer has. ``drop_vanished`` finds them (the
server's ``meta`` says which graphs are part of the file's document) and, in one SPARQL
Update request per batch: takes out of the union the facts no other graph states, removes
their source-record descriptions from ``meta`` and the union, and drops the graphs.
Only file documents (``…/source/file-NAME``, a file taken as the source of its rows) are
considered: a file loaded is then the whole of its source.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from triplehelix.graph.remote.graph import check_iri
from triplehelix.graph.remote.write import unstate
from triplehelix.ontology.namespace import GRAPH_META

if TYPE_CHECKING:
    from triplehelix.graph.remote.client import SparqlClient
    from triplehelix.graph.store.protocol import Store

__all__ = ["drop_documents", "drop_vanished"]

PART_OF = "http://purl.org/dc/terms/isPartOf"
PROV_USED = "http://www.w3.org/ns/prov#used"
BATCH = 200


def file_documents(kg: Store) -> list[str]:
    """The file documents whose rows ``kg`` holds."""
    rows = kg.select(
        f"SELECT DISTINCT ?doc WHERE {{ GRAPH <{GRAPH_META}> {{ ?g <{PART_OF}> ?doc }} "
        'FILTER(CONTAINS(STR(?doc), "/source/file-")) }'
    )
    return sorted(str(r["doc"]) for r in rows)


def drop_vanished(kg: Store, client: SparqlClient) -> list[str]:
    """Drop the server's graphs of ``kg``'s file documents that ``kg`` no longer has.

    Returns:
        The graphs dropped (re-running finds what an interrupted run left).
    """
    docs = file_documents(kg)
    if not docs:
        return []
    local = set(kg.graph_names())
    values = " ".join(f"<{d}>" for d in docs)
    answer = client.query_json(
        f"SELECT DISTINCT ?g WHERE {{ VALUES ?doc {{ {values} }} "
        f"GRAPH <{GRAPH_META}> {{ ?g <{PART_OF}> ?doc }} }}",
        need={"g": "term"},
    )
    bindings = answer["results"]["bindings"]
    there = {check_iri(b["g"]["value"]) for b in bindings if b["g"]["type"] == "uri"}
    gone = sorted(there - local)
    for start in range(0, len(gone), BATCH):
        client.update(_drop_request(client, gone[start : start + BATCH]))
    return gone


def drop_documents(client: SparqlClient, docs: list[str]) -> list[str]:
    """Remove source documents from the server, as ``unload`` does locally: their graphs
    (with the union facts only they state and their ``meta`` descriptions), then what
    ``meta`` says of the documents themselves.

    Returns:
        The graphs dropped.
    """
    if not docs:
        return []
    values = " ".join(f"<{check_iri(d)}>" for d in docs)
    answer = client.query_json(
        f"SELECT DISTINCT ?g WHERE {{ VALUES ?doc {{ {values} }} "
        f"GRAPH <{GRAPH_META}> {{ ?g <{PART_OF}> ?doc }} }}",
        need={"g": "term"},
    )
    bindings = answer["results"]["bindings"]
    graphs = sorted({check_iri(b["g"]["value"]) for b in bindings if b["g"]["type"] == "uri"})
    for start in range(0, len(graphs), BATCH):
        client.update(_drop_request(client, graphs[start : start + BATCH]))
    union = client.union_graph
    target = "?s ?p ?o" if union is None else f"GRAPH <{union}> {{ ?s ?p ?o }}"
    client.update(
        f"DELETE {{ GRAPH <{GRAPH_META}> {{ ?s ?p ?o }} {target} }} WHERE {{ "
        f"VALUES ?doc {{ {values} }} GRAPH <{GRAPH_META}> {{ ?s ?p ?o }} "
        f"FILTER(?s = ?doc || (?p = <{PROV_USED}> && ?o = ?doc)) }}"
    )
    return graphs


def _drop_request(client: SparqlClient, names: list[str]) -> str:
    """One Update: facts only these graphs state leave the union, then their descriptions
    leave ``meta`` (and the union), then the graphs go."""
    iris = " ".join(f"<{n}>" for n in names)
    union = client.union_graph
    target = "?g ?p ?o" if union is None else f"GRAPH <{union}> {{ ?g ?p ?o }}"
    described = f"VALUES ?g {{ {iris} }} GRAPH <{GRAPH_META}> {{ ?g ?p ?o }}"
    return " ;\n".join(
        [
            unstate(client, names),
            f"DELETE {{ {target} }} WHERE {{ {described} }}",
            f"DELETE {{ GRAPH <{GRAPH_META}> {{ ?g ?p ?o }} }} WHERE {{ {described} }}",
            *(f"DROP SILENT GRAPH <{n}>" for n in names),
        ]
    )
