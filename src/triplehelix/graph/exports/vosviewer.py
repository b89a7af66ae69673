"""VOSviewer map and network files (tab-separated), for "Create map based on network data"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx

from triplehelix.errors import UsageError
from triplehelix.graph.exports.common import cells
from triplehelix.graph.views.network import SPHERE_ORDER

__all__ = ["CLUSTERS", "write_vosviewer"]

#: VOSviewer cluster numbers: one per helix sphere, so the map is coloured by sphere.
CLUSTERS = {s: n for n, s in enumerate(SPHERE_ORDER, start=1)}


def write_vosviewer(graph: nx.Graph, folder: Path, *, escape_formulas: bool = True) -> list[Path]:
    """``map.txt`` (id, label, description, cluster = helix sphere, link weights) and
    ``network.txt`` (id, id, strength), tab-separated, for VOSviewer's "Create map based on
    network data"; ids are 1, 2, … in node order. Labels and descriptions a spreadsheet
    would run as formulas get a leading ``'`` unless ``escape_formulas`` is False."""
    if graph.is_directed() or graph.is_multigraph():
        raise UsageError(
            "VOSviewer takes an undirected network",
            code="bad-view",
            hint="use --view coparticipation",
        )
    cell = cells(escape_formulas)
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
