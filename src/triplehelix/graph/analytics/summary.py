"""Size and shape of the partnership views: nodes, ties, density, components, spheres."""

from __future__ import annotations

from collections import Counter

import networkx as nx

from triplehelix.graph.analytics.report import Report, Table, rounded
from triplehelix.graph.views.network import SPHERE_ORDER

__all__ = ["summary"]


def summary(coparticipation: nx.Graph, bipartite: nx.Graph) -> Report:
    """Nodes, edges, density and components of both views, and organisations per sphere.

    Density is edges / possible edges: n(n−1)/2 for co-participation, organisations ×
    activities for the bipartite view.

    >>> g = nx.Graph([("a", "b")])
    >>> nx.set_node_attributes(g, "academia", "helix")
    >>> summary(g, nx.Graph()).table("views").rows[0]
    ['coparticipation', 2, 1, 1.0, 1, 2]
    """
    orgs = [n for n, d in bipartite.nodes(data=True) if d.get("bipartite") == 0]
    activities = bipartite.number_of_nodes() - len(orgs)
    views = [
        _view_row("coparticipation", coparticipation, nx.density(coparticipation)),
        _view_row(
            "bipartite",
            bipartite,
            bipartite.number_of_edges() / (len(orgs) * activities) if orgs and activities else 0.0,
        ),
    ]
    in_view = Counter(bipartite.nodes[n].get("helix") or "unknown" for n in orgs)
    partnered = Counter(
        d.get("helix") or "unknown"
        for n, d in coparticipation.nodes(data=True)
        if coparticipation.degree(n) > 0
    )
    order = [s for s in (*SPHERE_ORDER, "unknown") if in_view[s] or partnered[s]]
    spheres = [[s, in_view[s], partnered[s]] for s in order]
    return Report(
        [
            Table(
                "views",
                "Views",
                ["view", "nodes", "edges", "density", "components", "largest_component"],
                views,
            ),
            Table(
                "spheres",
                "Organisations per helix sphere",
                ["sphere", "organisations", "with_partners"],
                spheres,
            ),
        ]
    )


def _view_row(name: str, graph: nx.Graph, density: float) -> list[object]:
    components = [len(c) for c in nx.connected_components(graph)] if len(graph) else []
    return [
        name,
        graph.number_of_nodes(),
        graph.number_of_edges(),
        rounded(density),
        len(components),
        max(components, default=0),
    ]
