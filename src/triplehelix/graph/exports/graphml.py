"""GraphML 1.0, streamed: Gephi, yEd and Cytoscape open it."""

from __future__ import annotations

from typing import IO, Any

import networkx as nx

from triplehelix.graph.exports.common import (
    attribute_types,
    edge_attrs,
    edges,
    xml_attr,
    xml_text_node,
)

__all__ = ["write_graphml"]

GRAPHML_TYPES = {"int": "long", "float": "double", "str": "string"}


def write_graphml(graph: nx.Graph, out: IO[str]) -> None:
    """GraphML 1.0 (opens in Gephi, yEd, Cytoscape; ``networkx.read_graphml`` reads it back).

    >>> import io
    >>> g = nx.Graph(); g.add_edge("a", "b", weight=2)
    >>> buf = io.StringIO(); write_graphml(g, buf)
    >>> nx.read_graphml(io.StringIO(buf.getvalue())).edges["a", "b"]["weight"]
    2
    """
    node_types = attribute_types(d for _, d in graph.nodes(data=True))
    edge_types = attribute_types(edge_attrs(graph))
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write('<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n')
    keys: dict[tuple[str, str], str] = {}
    for domain, types in (("node", node_types), ("edge", edge_types)):
        for name, kind in types.items():
            key = f"{domain[0]}{len(keys)}"
            keys[(domain, name)] = key
            out.write(
                f'  <key id="{key}" for="{domain}" attr.name={xml_attr(name)} '
                f'attr.type="{GRAPHML_TYPES[kind]}"/>\n'
            )
    direction = "directed" if graph.is_directed() else "undirected"
    out.write(f'  <graph edgedefault="{direction}">\n')
    for node, attrs in graph.nodes(data=True):
        out.write(f"    <node id={xml_attr(node)}>")
        out.write(_graphml_data(attrs, keys, "node", node_types))
        out.write("</node>\n")
    for u, v, k, attrs in edges(graph):
        ident = f" id={xml_attr(k)}" if k is not None else ""
        out.write(f"    <edge{ident} source={xml_attr(u)} target={xml_attr(v)}>")
        out.write(_graphml_data(attrs, keys, "edge", edge_types))
        out.write("</edge>\n")
    out.write("  </graph>\n</graphml>\n")


def _graphml_data(
    attrs: dict[str, Any], keys: dict[tuple[str, str], str], domain: str, types: dict[str, str]
) -> str:
    return "".join(
        f'<data key="{keys[(domain, name)]}">{xml_text_node(value)}</data>'
        for name, value in attrs.items()
        if not (value == "" and types[name] != "str")
    )
