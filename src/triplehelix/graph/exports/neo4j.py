"""neo4j-admin import files: ``nodes.csv`` and ``relationships.csv`` with typed headers."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import networkx as nx

from triplehelix.graph.exports.common import attribute_types, cells, edge_attrs, edges

__all__ = ["write_neo4j"]

NEO4J_TYPES = {"int": "long", "float": "double", "str": "string"}


def write_neo4j(graph: nx.Graph, folder: Path, *, escape_formulas: bool = True) -> list[Path]:
    """``nodes.csv`` and ``relationships.csv`` with neo4j-admin import headers
    (``id:ID``, ``:LABEL``; ``:START_ID``, ``:END_ID``, ``:TYPE``, typed properties).

    Labels: the node kind (``Organisation``, ``Project``…) and, for organisations, the helix
    sphere (``Academia``). Types: ``PARTNERS_WITH`` (co-participation), ``TOOK_PART_IN``
    (bipartite) or the predicate's local name in capitals (full view: ``AGENT``,
    ``IS_PART_OF``). Text cells a spreadsheet would run as formulas get a leading ``'``
    unless ``escape_formulas`` is False (neo4j-admin then imports the ``'`` too)."""
    cell = cells(escape_formulas)
    node_types = attribute_types(d for _, d in graph.nodes(data=True))
    edge_types = attribute_types(edge_attrs(graph))
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
        for u, v, _, attrs in edges(graph):
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
