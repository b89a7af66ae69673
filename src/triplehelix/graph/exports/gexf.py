"""GEXF 1.2, Gephi's own format, streamed."""

from __future__ import annotations

from typing import IO, Any

import networkx as nx

from triplehelix.graph.exports.common import attribute_types, edge_attrs, edges, xml_attr

__all__ = ["write_gexf"]

GEXF_TYPES = {"int": "long", "float": "double", "str": "string"}


def write_gexf(graph: nx.Graph, out: IO[str]) -> None:
    """GEXF 1.2 (Gephi's own format): ``label`` is the node label, ``weight`` the edge weight.

    Edge ids are 0, 1, … (a full view's edge keys are its ``predicate`` attribute).

    >>> import io
    >>> g = nx.Graph(); g.add_edge("a", "b", weight=2)
    >>> buf = io.StringIO(); write_gexf(g, buf)
    >>> nx.read_gexf(io.StringIO(buf.getvalue())).edges["a", "b"]["weight"]
    2.0
    """
    node_types = {
        k: t
        for k, t in attribute_types(d for _, d in graph.nodes(data=True)).items()
        if k != "label"
    }
    edge_types = {k: t for k, t in attribute_types(edge_attrs(graph)).items() if k != "weight"}
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write('<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">\n')
    direction = "directed" if graph.is_directed() else "undirected"
    out.write(f'  <graph defaultedgetype="{direction}" mode="static">\n')
    ids: dict[str, dict[str, str]] = {}
    for domain, types in (("node", node_types), ("edge", edge_types)):
        ids[domain] = {name: str(n) for n, name in enumerate(types)}
        out.write(f'    <attributes class="{domain}" mode="static">\n')
        for name, kind in types.items():
            out.write(
                f'      <attribute id="{ids[domain][name]}" title={xml_attr(name)} '
                f'type="{GEXF_TYPES[kind]}"/>\n'
            )
        out.write("    </attributes>\n")
    out.write("    <nodes>\n")
    for node, attrs in graph.nodes(data=True):
        label = attrs.get("label", node)
        out.write(f"      <node id={xml_attr(node)} label={xml_attr(label)}>")
        out.write(_gexf_values(attrs, ids["node"], node_types))
        out.write("</node>\n")
    out.write("    </nodes>\n    <edges>\n")
    for n, (u, v, _, attrs) in enumerate(edges(graph)):
        weight = f" weight={xml_attr(attrs['weight'])}" if "weight" in attrs else ""
        out.write(f'      <edge id="{n}" source={xml_attr(u)} target={xml_attr(v)}{weight}>')
        out.write(_gexf_values(attrs, ids["edge"], edge_types))
        out.write("</edge>\n")
    out.write("    </edges>\n  </graph>\n</gexf>\n")


def _gexf_values(attrs: dict[str, Any], ids: dict[str, str], types: dict[str, str]) -> str:
    values = "".join(
        f'<attvalue for="{ids[name]}" value={xml_attr(value)}/>'
        for name, value in attrs.items()
        if name in ids and not (value == "" and types[name] != "str")
    )
    return f"<attvalues>{values}</attvalues>" if values else ""
