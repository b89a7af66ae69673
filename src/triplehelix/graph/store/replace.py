"""Re-importing a changed source replaces what the previous import of it said.

An import's facts sit in the named graphs of its source records (rows, ROR records), and
those records are ``dcterms:isPartOf`` the source document of the file (in the ``meta``
graph). When a file is imported again with different content, the graphs of its earlier
records are dropped before the new ones are loaded, and their triples leave the default
graph (the union the queries run on) unless another graph still states them. Importing
an unchanged file changes nothing and skips all this.
"""

from __future__ import annotations

import pyoxigraph as ox

from triplehelix.data.iris import BASE, Minter
from triplehelix.data.loader import RecordSet
from triplehelix.data.models import Document
from triplehelix.graph.store.local import KnowledgeGraph
from triplehelix.ontology.namespace import GRAPH_META

__all__ = ["replace_sources"]

PART_OF = "http://purl.org/dc/terms/isPartOf"


def replace_sources(kg: KnowledgeGraph, rs: RecordSet, *, base: str = BASE) -> int:
    """Unload the earlier import of the documents in ``rs`` if their content changed.

    Returns:
        The number of quads removed (0 when the same files were imported before, or never).

    >>> kg = KnowledgeGraph()
    >>> replace_sources(kg, RecordSet())
    0
    """
    if not rs.records or kg._has_run(rs, base):
        return 0
    minter = Minter(base)
    docs = [minter.mint(d) for d in rs.records if isinstance(d, Document)]
    meta = ox.NamedNode(str(GRAPH_META))
    removed: list[ox.Quad] = []
    records: list[ox.NamedNode] = []
    for doc in docs:
        part_of = kg.store.quads_for_pattern(None, ox.NamedNode(PART_OF), ox.NamedNode(doc), meta)
        records.extend(q.subject for q in part_of if isinstance(q.subject, ox.NamedNode))
    for record in records:
        removed.extend(kg.store.quads_for_pattern(None, None, None, record))
        removed.extend(kg.store.quads_for_pattern(record, None, None, meta))
    for q in removed:
        kg.store.remove(q)
    for record in records:
        if kg.store.contains_named_graph(record):
            kg.store.remove_graph(record)
    for q in removed:
        t = q.triple
        if not any(
            not isinstance(x.graph_name, ox.DefaultGraph)
            for x in kg.store.quads_for_pattern(t.subject, t.predicate, t.object, None)
        ):
            kg.store.remove(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()))
    return len(removed)
