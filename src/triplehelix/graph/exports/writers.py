"""The NetworkX views in formats other tools open: GraphML, GEXF, node-link JSON, CSV,
VOSviewer and neo4j-admin import files.

Attributes keep the views' names in every format (``label``, ``short``, ``kind``,
``helix``, ``spheres``, ``country``, ``start``, ``end``, ``bipartite`` on nodes; ``weight``,
``projects``, ``helix_pair``, ``roles``, ``years``, ``n_sources``, ``predicate`` on edges).
An attribute whose known values are all integers is typed as an integer; an unknown value
(the views' ``""``) is then left out in GraphML and GEXF, and empty in CSV.

Every writer streams: it walks the graph and writes one node or edge at a time, never
building the whole document in memory.

Every writer is safe for what it writes to: the XML writers replace characters XML 1.0
cannot hold with U+FFFD (``safe_text.xml_text``), and the spreadsheet-bound writers (CSV,
neo4j-csv, VOSviewer) prefix a text cell that a spreadsheet would run as a formula with
``'`` (``safe_text.spreadsheet_cell``) unless ``escape_formulas=False``.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

import networkx as nx

from triplehelix.graph.views.network import SPHERE_ORDER
from triplehelix.safe_text import spreadsheet_cell, xml_text

__all__ = [
    "GRAPH_FORMATS",
    "attribute_types",
    "write_csv",
    "write_csv_single",
    "write_gexf",
    "write_graphml",
    "write_neo4j",
    "write_node_link",
    "write_vosviewer",
]

GRAPH_FORMATS = ("graphml", "gexf", "json", "csv", "vosviewer", "neo4j-csv")


def attribute_types(items: Iterable[dict[str, Any]]) -> dict[str, str]:
    """``int``, ``float`` or ``str`` for each attribute, from its known (non-"") values.

    >>> attribute_types([{"a": 1, "b": ""}, {"a": "", "b": "x"}, {"c": 0.5}])
    {'a': 'int', 'b': 'str', 'c': 'float'}
    """
    seen: dict[str, set[str]] = {}
    for attrs in items:
        for key, value in attrs.items():
            kinds = seen.setdefault(key, set())
            if value != "":
                kinds.add(_kind(value))
    out = {}
    for key, kinds in seen.items():
        if kinds and kinds <= {"int"}:
            out[key] = "int"
        elif kinds and kinds <= {"int", "float"}:
            out[key] = "float"
        else:
            out[key] = "str"
    return out


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "str"
    if isinstance(value, int):
        return "int"
    return "float" if isinstance(value, float) else "str"


def _edges(graph: nx.Graph) -> Iterator[tuple[Any, Any, Any, dict[str, Any]]]:
    """(source, target, key or None, attributes) of every edge."""
    if graph.is_multigraph():
        for u, v, k, d in graph.edges(keys=True, data=True):
            yield u, v, k, d
    else:
        for u, v, d in graph.edges(data=True):
            yield u, v, None, d


def _edge_attrs(graph: nx.Graph) -> Iterator[dict[str, Any]]:
    return (d for _, _, _, d in _edges(graph))


def _xml(value: Any) -> str:
    """Element text that is well-formed XML whatever the value holds (``\\r`` kept)."""
    return escape(xml_text(str(value)), {"\r": "&#13;"})


def _attr(value: Any) -> str:
    """A quoted attribute value that is well-formed XML whatever the value holds."""
    return quoteattr(xml_text(str(value)))


def _same(value: Any) -> Any:
    return value


def _cells(escape_formulas: bool) -> Callable[[Any], Any]:
    """The function every spreadsheet-bound cell goes through."""
    return spreadsheet_cell if escape_formulas else _same


# -- GraphML ---------------------------------------------------------------------------------

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
    edge_types = attribute_types(_edge_attrs(graph))
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write('<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n')
    keys: dict[tuple[str, str], str] = {}
    for domain, types in (("node", node_types), ("edge", edge_types)):
        for name, kind in types.items():
            key = f"{domain[0]}{len(keys)}"
            keys[(domain, name)] = key
            out.write(
                f'  <key id="{key}" for="{domain}" attr.name={_attr(name)} '
                f'attr.type="{GRAPHML_TYPES[kind]}"/>\n'
            )
    direction = "directed" if graph.is_directed() else "undirected"
    out.write(f'  <graph edgedefault="{direction}">\n')
    for node, attrs in graph.nodes(data=True):
        out.write(f"    <node id={_attr(node)}>")
        out.write(_graphml_data(attrs, keys, "node", node_types))
        out.write("</node>\n")
    for u, v, k, attrs in _edges(graph):
        ident = f" id={_attr(k)}" if k is not None else ""
        out.write(f"    <edge{ident} source={_attr(u)} target={_attr(v)}>")
        out.write(_graphml_data(attrs, keys, "edge", edge_types))
        out.write("</edge>\n")
    out.write("  </graph>\n</graphml>\n")


def _graphml_data(
    attrs: dict[str, Any], keys: dict[tuple[str, str], str], domain: str, types: dict[str, str]
) -> str:
    return "".join(
        f'<data key="{keys[(domain, name)]}">{_xml(value)}</data>'
        for name, value in attrs.items()
        if not (value == "" and types[name] != "str")
    )


# -- GEXF ------------------------------------------------------------------------------------

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
    edge_types = {k: t for k, t in attribute_types(_edge_attrs(graph)).items() if k != "weight"}
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
                f'      <attribute id="{ids[domain][name]}" title={_attr(name)} '
                f'type="{GEXF_TYPES[kind]}"/>\n'
            )
        out.write("    </attributes>\n")
    out.write("    <nodes>\n")
    for node, attrs in graph.nodes(data=True):
        label = attrs.get("label", node)
        out.write(f"      <node id={_attr(node)} label={_attr(label)}>")
        out.write(_gexf_values(attrs, ids["node"], node_types))
        out.write("</node>\n")
    out.write("    </nodes>\n    <edges>\n")
    for n, (u, v, _, attrs) in enumerate(_edges(graph)):
        weight = f" weight={_attr(attrs['weight'])}" if "weight" in attrs else ""
        out.write(f'      <edge id="{n}" source={_attr(u)} target={_attr(v)}{weight}>')
        out.write(_gexf_values(attrs, ids["edge"], edge_types))
        out.write("</edge>\n")
    out.write("    </edges>\n  </graph>\n</gexf>\n")


def _gexf_values(attrs: dict[str, Any], ids: dict[str, str], types: dict[str, str]) -> str:
    values = "".join(
        f'<attvalue for="{ids[name]}" value={_attr(value)}/>'
        for name, value in attrs.items()
        if name in ids and not (value == "" and types[name] != "str")
    )
    return f"<attvalues>{values}</attvalues>" if values else ""


# -- node-link JSON --------------------------------------------------------------------------


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
    for n, (u, v, k, attrs) in enumerate(_edges(graph)):
        item = {**attrs, "source": u, "target": v}
        if k is not None:
            item["key"] = k
        out.write(("," if n else "") + "\n  " + json.dumps(item, ensure_ascii=False))
    out.write("\n]}\n")


# -- CSV -------------------------------------------------------------------------------------


def _columns(items: Iterable[dict[str, Any]]) -> list[str]:
    return list(attribute_types(items))


def write_csv(graph: nx.Graph, folder: Path, *, escape_formulas: bool = True) -> list[Path]:
    """``nodes.csv`` (``id`` + node attributes) and ``edges.csv`` (``source``, ``target``,
    ``key`` for multigraphs, edge attributes) in ``folder``; returns the two paths.

    Text cells a spreadsheet would run as formulas get a leading ``'`` unless
    ``escape_formulas`` is False."""
    cell = _cells(escape_formulas)
    node_cols = _columns(d for _, d in graph.nodes(data=True))
    edge_cols = _columns(_edge_attrs(graph))
    nodes, edges = folder / "nodes.csv", folder / "edges.csv"
    with nodes.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", *node_cols])
        for node, attrs in graph.nodes(data=True):
            writer.writerow([cell(node), *(cell(attrs.get(c, "")) for c in node_cols)])
    keyed = graph.is_multigraph()
    with edges.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["source", "target", *(["key"] if keyed else []), *edge_cols])
        for u, v, k, attrs in _edges(graph):
            row = [u, v, *([k] if keyed else []), *(attrs.get(c, "") for c in edge_cols)]
            writer.writerow([cell(c) for c in row])
    return [nodes, edges]


def write_csv_single(graph: nx.Graph, out: IO[str], *, escape_formulas: bool = True) -> None:
    """Nodes and edges in one CSV (for stdout): ``element`` is ``node`` or ``edge``; node rows
    fill ``id`` and node columns, edge rows ``source``, ``target`` and edge columns.

    >>> import io
    >>> buf = io.StringIO(); write_csv_single(nx.Graph([("a", "b")]), buf)
    >>> buf.getvalue().splitlines()
    ['element,id,source,target', 'node,a,,', 'node,b,,', 'edge,,a,b']
    """
    cell = _cells(escape_formulas)
    node_cols = _columns(d for _, d in graph.nodes(data=True))
    edge_cols = [c for c in _columns(_edge_attrs(graph)) if c not in node_cols]
    keyed = graph.is_multigraph()
    head = ["element", "id", "source", "target", *(["key"] if keyed else [])]
    writer = _LfWriter(out)
    writer.writerow([*head, *node_cols, *edge_cols])
    blank = [""] * len(edge_cols)
    for node, attrs in graph.nodes(data=True):
        extra = [""] if keyed else []
        row = ["node", node, "", "", *extra, *(attrs.get(c, "") for c in node_cols), *blank]
        writer.writerow([cell(c) for c in row])
    for u, v, k, attrs in _edges(graph):
        extra = [k] if keyed else []
        row = [
            "edge",
            "",
            u,
            v,
            *extra,
            *(attrs.get(c, "") for c in node_cols),
            *(attrs.get(c, "") for c in edge_cols),
        ]
        writer.writerow([cell(c) for c in row])


class _LfWriter:
    """A CSV writer with ``\\n`` line ends that still quotes a cell holding ``\\r``
    (Python's writer quotes only the line terminator's characters, so a bare ``\\r``
    would break the row for every reader)."""

    def __init__(self, out: IO[str]) -> None:
        self._plain = csv.writer(out, lineterminator="\n")
        self._quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writerow(self, row: list[Any]) -> None:
        cr = any(isinstance(c, str) and "\r" in c for c in row)
        (self._quoted if cr else self._plain).writerow(row)


# -- VOSviewer -------------------------------------------------------------------------------

#: VOSviewer cluster numbers: one per helix sphere, so the map is coloured by sphere.
CLUSTERS = {s: n for n, s in enumerate(SPHERE_ORDER, start=1)}


def write_vosviewer(graph: nx.Graph, folder: Path, *, escape_formulas: bool = True) -> list[Path]:
    """``map.txt`` (id, label, description, cluster = helix sphere, link weights) and
    ``network.txt`` (id, id, strength), tab-separated, for VOSviewer's "Create map based on
    network data"; ids are 1, 2, … in node order. Labels and descriptions a spreadsheet
    would run as formulas get a leading ``'`` unless ``escape_formulas`` is False."""
    if graph.is_directed() or graph.is_multigraph():
        from triplehelix.errors import UsageError

        raise UsageError(
            "VOSviewer takes an undirected network",
            code="bad-view",
            hint="use --view coparticipation",
        )
    cell = _cells(escape_formulas)
    ids = {node: n for n, node in enumerate(graph, start=1)}
    strength = dict(graph.degree(weight="weight"))
    paths = [folder / "map.txt", folder / "network.txt"]
    with paths[0].open("w", encoding="utf-8", newline="") as fh:
        fh.write("id\tlabel\tdescription\tcluster\tweight<Links>\tweight<Total link strength>\n")
        for node, attrs in graph.nodes(data=True):
            label = cell(_tsv(attrs.get("short") or attrs.get("label") or node))
            description = cell(
                _tsv(
                    f"{attrs.get('label', '')} ({attrs.get('helix', '')}, "
                    f"{attrs.get('country', '')})"
                )
            )
            cluster = CLUSTERS.get(attrs.get("helix", ""), len(CLUSTERS))
            fh.write(
                f"{ids[node]}\t{label}\t{description}\t{cluster}\t"
                f"{graph.degree(node)}\t{strength[node]}\n"
            )
    with paths[1].open("w", encoding="utf-8", newline="") as fh:
        for u, v, attrs in graph.edges(data=True):
            fh.write(f"{ids[u]}\t{ids[v]}\t{attrs.get('weight', 1)}\n")
    return paths


def _tsv(value: Any) -> str:
    return " ".join(str(value).replace('"', "'").split())


# -- neo4j-admin import ----------------------------------------------------------------------

NEO4J_TYPES = {"int": "long", "float": "double", "str": "string"}


def write_neo4j(graph: nx.Graph, folder: Path, *, escape_formulas: bool = True) -> list[Path]:
    """``nodes.csv`` and ``relationships.csv`` with neo4j-admin import headers
    (``id:ID``, ``:LABEL``; ``:START_ID``, ``:END_ID``, ``:TYPE``, typed properties).

    Labels: the node kind (``Organisation``, ``Project``…) and, for organisations, the helix
    sphere (``Academia``). Types: ``PARTNERS_WITH`` (co-participation), ``TOOK_PART_IN``
    (bipartite) or the predicate's local name in capitals (full view: ``AGENT``,
    ``IS_PART_OF``). Text cells a spreadsheet would run as formulas get a leading ``'``
    unless ``escape_formulas`` is False (neo4j-admin then imports the ``'`` too)."""
    cell = _cells(escape_formulas)
    node_types = attribute_types(d for _, d in graph.nodes(data=True))
    edge_types = attribute_types(_edge_attrs(graph))
    paths = [folder / "nodes.csv", folder / "relationships.csv"]
    with paths[0].open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["id:ID", *(f"{k}:{NEO4J_TYPES[t]}" for k, t in node_types.items()), ":LABEL"]
        )
        for node, attrs in graph.nodes(data=True):
            row = [node, *(attrs.get(k, "") for k in node_types), _labels(attrs)]
            writer.writerow([cell(c) for c in row])
    with paths[1].open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            [
                ":START_ID",
                ":END_ID",
                ":TYPE",
                *(f"{k}:{NEO4J_TYPES[t]}" for k, t in edge_types.items()),
            ]
        )
        for u, v, _, attrs in _edges(graph):
            row = [u, v, _rel_type(graph, attrs), *(attrs.get(k, "") for k in edge_types)]
            writer.writerow([cell(c) for c in row])
    return paths


def _labels(attrs: dict[str, Any]) -> str:
    labels = [str(attrs.get("kind") or "node").capitalize()]
    if attrs.get("kind") == "organisation" and attrs.get("helix"):
        labels.append(str(attrs["helix"]).capitalize())
    return ";".join(labels)


def _rel_type(graph: nx.Graph, attrs: dict[str, Any]) -> str:
    if "predicate" in attrs:
        local = str(attrs["predicate"]).rsplit(":", 1)[-1]
        return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", local).replace("-", "_").upper()
    return "TOOK_PART_IN" if "roles" in attrs else "PARTNERS_WITH"
