"""CSV: a folder of ``nodes.csv`` and ``edges.csv``, or one CSV on standard output.

Text cells a spreadsheet would run as formulas get a leading ``'`` unless
``escape_formulas`` is False (``safe_text.spreadsheet_cell``)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO, Any

import networkx as nx

from triplehelix.graph.exports.common import cells, columns, edge_attrs, edges

__all__ = ["write_csv", "write_csv_single"]


def write_csv(graph: nx.Graph, folder: Path, *, escape_formulas: bool = True) -> list[Path]:
    """``nodes.csv`` (``id`` + node attributes) and ``edges.csv`` (``source``, ``target``,
    ``key`` for multigraphs, edge attributes) in ``folder``; returns the two paths.

    Text cells a spreadsheet would run as formulas get a leading ``'`` unless
    ``escape_formulas`` is False."""
    cell = cells(escape_formulas)
    node_cols = columns(d for _, d in graph.nodes(data=True))
    edge_cols = columns(edge_attrs(graph))
    nodes_csv, edges_csv = folder / "nodes.csv", folder / "edges.csv"
    with nodes_csv.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", *node_cols])
        for node, attrs in graph.nodes(data=True):
            writer.writerow([cell(node), *(cell(attrs.get(c, "")) for c in node_cols)])
    keyed = graph.is_multigraph()
    with edges_csv.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["source", "target", *(["key"] if keyed else []), *edge_cols])
        for u, v, k, attrs in edges(graph):
            row = [u, v, *([k] if keyed else []), *(attrs.get(c, "") for c in edge_cols)]
            writer.writerow([cell(c) for c in row])
    return [nodes_csv, edges_csv]


def write_csv_single(graph: nx.Graph, out: IO[str], *, escape_formulas: bool = True) -> None:
    """Nodes and edges in one CSV (for stdout): ``element`` is ``node`` or ``edge``; node rows
    fill ``id`` and node columns, edge rows ``source``, ``target`` and edge columns.

    >>> import io
    >>> buf = io.StringIO(); write_csv_single(nx.Graph([("a", "b")]), buf)
    >>> buf.getvalue().splitlines()
    ['element,id,source,target', 'node,a,,', 'node,b,,', 'edge,,a,b']
    """
    cell = cells(escape_formulas)
    node_cols = columns(d for _, d in graph.nodes(data=True))
    edge_cols = [c for c in columns(edge_attrs(graph)) if c not in node_cols]
    keyed = graph.is_multigraph()
    head = ["element", "id", "source", "target", *(["key"] if keyed else [])]
    writer = _LfWriter(out)
    writer.writerow([*head, *node_cols, *edge_cols])
    blank = [""] * len(edge_cols)
    for node, attrs in graph.nodes(data=True):
        extra = [""] if keyed else []
        row = ["node", node, "", "", *extra, *(attrs.get(c, "") for c in node_cols), *blank]
        writer.writerow([cell(c) for c in row])
    for u, v, k, attrs in edges(graph):
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
