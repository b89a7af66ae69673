"""NetworkX node-link JSON, streamed one node or edge at a time."""

from __future__ import annotations

import json
from typing import IO

import networkx as nx

from triplehelix.graph.exports.common import edges

__all__ = ["write_node_link"]


def write_node_link(graph: nx.Graph, out: IO[str]) -> None:
    """NetworkX node-link JSON (``nx.node_link_graph(data, edges="edges")`` reads it).

    >>> import io
    >>> buf = io.StringIO(); write_node_link(nx.Graph([("a", "b")]), buf)
    >>> json.loads(buf.getvalue())["edges"]
    [{'source': 'a', 'target': 'b'}]
    """
    head = {"directed": graph.is_directed(), "multigraph": graph.is_multigraph(), "graph": {}}
    out.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "nodes": [')
    for n, (node, attrs) in enumerate(graph.nodes(data=True)):
        out.write(
            ("," if n else "") + "\n  " + json.dumps({**attrs, "id": node}, ensure_ascii=False)
        )
    out.write('\n], "edges": [')
    for n, (u, v, k, attrs) in enumerate(edges(graph)):
        item = {**attrs, "source": u, "target": v}
        if k is not None:
            item["key"] = k
        out.write(("," if n else "") + "\n  " + json.dumps(item, ensure_ascii=False))
    out.write("\n]}\n")
