"""Who ties with whom: sphere × sphere mixing, E–I index, assortativity."""

from __future__ import annotations

from collections import Counter
from typing import Any

import networkx as nx

from triplehelix.graph.analytics.report import Report, Table, rounded
from triplehelix.graph.views.network import SPHERE_ORDER

__all__ = ["assortativity", "ei_index", "mixing"]


def _group(graph: nx.Graph, node: Any, attribute: str) -> str:
    return str(graph.nodes[node].get(attribute) or "unknown")


def ei_index(graph: nx.Graph, attribute: str = "helix") -> dict[str, float]:
    """Krackhardt & Stern's E–I index, (E − I) / (E + I), overall (key ``""``) and per group.

    E counts ties between different groups, I ties within one; each tie counts once
    (for a group: the ties with at least one end in it). −1: every tie stays inside;
    +1: every tie crosses. Groups without ties are left out.

    >>> g = nx.Graph([("a", "b"), ("a", "c")])
    >>> nx.set_node_attributes(g, {"a": "academia", "b": "academia", "c": "industry"}, "helix")
    >>> ei_index(g)
    {'': 0.0, 'academia': 0.0, 'industry': 1.0}
    """
    external: Counter[str] = Counter()
    internal: Counter[str] = Counter()
    for a, b in graph.edges():
        ga, gb = _group(graph, a, attribute), _group(graph, b, attribute)
        if ga == gb:
            internal[""] += 1
            internal[ga] += 1
        else:
            external[""] += 1
            external[ga] += 1
            external[gb] += 1
    groups = sorted(set(external) | set(internal), key=lambda g: (g != "", _rank(g)))
    return {
        g: (external[g] - internal[g]) / (external[g] + internal[g])
        for g in groups
        if external[g] + internal[g]
    }


def assortativity(graph: nx.Graph, attribute: str = "helix") -> float:
    """Newman's assortativity coefficient r of a categorical node attribute (unweighted).

    r = (Σ e_ii − Σ a_i²) / (1 − Σ a_i²), e_ij the share of tie ends joining group i to
    group j. +1: ties only within groups; 0: as random; negative: ties prefer other groups.
    NaN when undefined (no ties, or one group only).

    >>> g = nx.Graph([("a", "b"), ("c", "d")])
    >>> nx.set_node_attributes(g, {"a": "x", "b": "x", "c": "y", "d": "y"}, "helix")
    >>> assortativity(g)
    1.0
    """
    ends: Counter[tuple[str, str]] = Counter()
    for a, b in graph.edges():
        ga, gb = _group(graph, a, attribute), _group(graph, b, attribute)
        ends[(ga, gb)] += 1
        ends[(gb, ga)] += 1
    total = sum(ends.values())
    if not total:
        return float("nan")
    share: Counter[str] = Counter()
    for (ga, _), n in ends.items():
        share[ga] += n
    diagonal = sum(n for (ga, gb), n in ends.items() if ga == gb) / total
    expected = sum((n / total) ** 2 for n in share.values())
    if expected >= 1.0:
        return float("nan")
    return (diagonal - expected) / (1.0 - expected)


def mixing(graph: nx.Graph) -> Report:
    """Sphere × sphere ties (and shared projects), E–I index by sphere, assortativity.

    >>> g = nx.Graph(); g.add_edge("a", "b", weight=1)
    >>> nx.set_node_attributes(g, {"a": "academia", "b": "industry"}, "helix")
    >>> nx.set_node_attributes(g, "KZ", "country")
    >>> mixing(g).table("matrix").rows
    [['academia', 0, 1], ['industry', 1, 0]]
    """
    ties: Counter[tuple[str, str]] = Counter()
    weight: Counter[tuple[str, str]] = Counter()
    for a, b, data in graph.edges(data=True):
        ga, gb = sorted((_group(graph, a, "helix"), _group(graph, b, "helix")), key=_rank)
        ties[(ga, gb)] += 1
        weight[(ga, gb)] += int(data.get("weight", 1))
    spheres = sorted({g for pair in ties for g in pair}, key=_rank)
    matrix = [
        [s, *(ties[tuple(sorted((s, t), key=_rank))] for t in spheres)]  # type: ignore[index]
        for s in spheres
    ]
    pairs = [[a, b, ties[(a, b)], weight[(a, b)]] for a, b in sorted(ties, key=_pair_rank)]
    ei = ei_index(graph)
    ei_rows = [["all" if g == "" else g, rounded(v)] for g, v in ei.items()]
    assort = [
        ["sphere", rounded(assortativity(graph, "helix"))],
        ["country", rounded(assortativity(graph, "country"))],
    ]
    return Report(
        [
            Table("matrix", "Ties between spheres", ["sphere", *spheres], matrix),
            Table(
                "pairs", "Sphere pairs", ["sphere_a", "sphere_b", "ties", "shared_projects"], pairs
            ),
            Table(
                "ei_index", "E–I index (−1 inward … +1 outward)", ["sphere", "ei_index"], ei_rows
            ),
            Table("assortativity", "Assortativity", ["attribute", "r"], assort),
        ]
    )


def _rank(group: str) -> tuple[int, str]:
    order = (*SPHERE_ORDER, "unknown")
    return (order.index(group) if group in order else len(order), group)


def _pair_rank(pair: tuple[str, str]) -> tuple[tuple[int, str], tuple[int, str]]:
    return (_rank(pair[0]), _rank(pair[1]))
