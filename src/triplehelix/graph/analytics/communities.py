"""Communities of partners: Louvain (seeded) with modularity and each community's sphere mix."""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx

from triplehelix.graph.analytics.report import Report, Table, rounded
from triplehelix.graph.views.network import SPHERE_ORDER

__all__ = ["communities"]


def communities(
    graph: nx.Graph, *, seed: int = 42, resolution: float = 1.0, top_members: int = 3
) -> Report:
    """Louvain communities of the weighted co-participation graph (Blondel et al. 2008).

    Communities are numbered by size (largest first). Each row gives the size, the mix of
    helix spheres (``academia 3; industry 1``) and the members with the most shared
    projects. Modularity (Newman 2006) is in ``summary``; isolated organisations form
    communities of their own.

    >>> g = nx.Graph([("a", "b"), ("c", "d")])
    >>> communities(g).table("summary").rows
    [[2, 0.5, 42, 1.0]]
    """
    if graph.number_of_nodes() == 0:
        parts: list[set[Any]] = []
    else:
        parts = nx.community.louvain_communities(
            graph, weight="weight", resolution=resolution, seed=seed
        )
    strength = dict(graph.degree(weight="weight"))
    parts.sort(key=lambda c: (-len(c), min(_label(graph, n) for n in c)))
    rows = []
    for number, members in enumerate(parts, start=1):
        mix = Counter(graph.nodes[n].get("helix") or "unknown" for n in members)
        order = [s for s in (*SPHERE_ORDER, "unknown") if mix[s]]
        leaders = sorted(members, key=lambda n: (-strength[n], _label(graph, n)))[:top_members]
        rows.append(
            [
                number,
                len(members),
                "; ".join(f"{s} {mix[s]}" for s in order),
                "; ".join(_label(graph, n) for n in leaders),
            ]
        )
    modularity = (
        nx.community.modularity(graph, parts, weight="weight", resolution=resolution)
        if graph.number_of_edges()
        else float("nan")
    )
    return Report(
        [
            Table(
                "summary",
                "Louvain communities",
                ["communities", "modularity", "seed", "resolution"],
                [[len(parts), rounded(modularity), seed, resolution]],
            ),
            Table(
                "communities",
                "Communities and their sphere mix",
                ["community", "size", "spheres", "top_members"],
                rows,
            ),
        ]
    )


def _label(graph: nx.Graph, node: Any) -> str:
    return str(graph.nodes[node].get("short") or graph.nodes[node].get("label") or node)
