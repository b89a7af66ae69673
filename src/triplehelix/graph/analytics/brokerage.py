"""Brokers between the helices: Gould–Fernandez roles and Burt's constraint.

Gould & Fernandez (1989, Sociological Methodology 19: 89–126): b brokers an open 2-path
a → b → c (a ≠ c, no tie a → c). With groups g (here the primary helix sphere):

- coordinator:     g(a) = g(b) = g(c)
- consultant:      g(a) = g(c) ≠ g(b)   (itinerant broker)
- gatekeeper:      g(a) ≠ g(b) = g(c)   (controls what enters b's group)
- representative:  g(a) = g(b) ≠ g(c)   (speaks for b's group outside)
- liaison:         g(a), g(b), g(c) all different

Co-participation is undirected; every tie runs both ways (the convention of UCINET and
statnet for symmetric data), so an open pair {a, c} around b counts as the two 2-paths
a → b → c and c → b → a: two coordinator, consultant or liaison counts, or one gatekeeper
and one representative count.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import networkx as nx

from triplehelix.graph.analytics.report import Report, Table, rounded
from triplehelix.graph.views.network import SPHERE_ORDER

__all__ = ["ROLES", "broker_roles", "brokerage", "constraint"]

ROLES = ("coordinator", "gatekeeper", "representative", "consultant", "liaison")


def _role(ga: str, gb: str, gc: str) -> str:
    if ga == gb == gc:
        return "coordinator"
    if ga == gc:
        return "consultant"
    if gb == gc:
        return "gatekeeper"
    if ga == gb:
        return "representative"
    return "liaison"


def broker_roles(graph: nx.Graph, group: dict[Any, str]) -> dict[Any, Counter[str]]:
    """Gould–Fernandez role counts of every node (directed or undirected graph).

    Counts by group sizes around each broker, then takes away the closed 2-paths (found
    through common neighbours), so hubs cost their triangles, not their squared degree.

    >>> g = nx.DiGraph([("a", "b"), ("b", "c")])
    >>> broker_roles(g, {"a": "x", "b": "y", "c": "x"})["b"]
    Counter({'consultant': 1})
    """
    # plain sets: ``&`` on two sets walks the smaller one, so a hub's long neighbour list
    # is never walked once per neighbour
    succ = {n: set(graph.adj[n]) - {n} for n in graph}
    pred = {n: set(graph.pred[n]) - {n} for n in graph} if graph.is_directed() else succ
    roles: dict[Any, Counter[str]] = {}
    for b in graph:
        gb = group.get(b, "")
        ins = Counter(group.get(a, "") for a in pred[b])
        outs = Counter(group.get(c, "") for c in succ[b])
        pairs: Counter[tuple[str, str]] = Counter()
        for ga, na in ins.items():
            for gc, nc in outs.items():
                pairs[(ga, gc)] += na * nc
        out_set = succ[b]
        for a in pred[b]:
            ga = group.get(a, "")
            if a in out_set:  # a → b → a is no 2-path
                pairs[(ga, ga)] -= 1
            for c in out_set & succ[a]:
                if c != a:  # closed: a → c exists
                    pairs[(ga, group.get(c, ""))] -= 1
        counts: Counter[str] = Counter()
        for (ga, gc), n in pairs.items():
            if n:
                counts[_role(ga, gb, gc)] += n
        roles[b] = counts
    return roles


def constraint(graph: nx.Graph, weight: str = "weight") -> dict[Any, float]:
    """Burt's constraint c_i = Σ_j (p_ij + Σ_q p_iq p_qj)², j, q neighbours of i.

    p_ij = w_ij / Σ_k w_ik (undirected). Low constraint: contacts that do not know each
    other (structural holes); high (up to ~1): a closed or one-partner network. Same
    values as ``networkx.constraint``, computed through common neighbours only. NaN for
    isolated nodes.

    >>> round(constraint(nx.star_graph(3))[0], 4)
    0.3333
    """
    strength = dict(graph.degree(weight=weight))
    nbrs = {n: set(graph.adj[n]) - {n} for n in graph}
    out: dict[Any, float] = {}
    for i in graph:
        if strength[i] == 0:
            out[i] = float("nan")
            continue
        p_i = {j: graph.adj[i][j].get(weight, 1) / strength[i] for j in nbrs[i]}
        indirect: defaultdict[Any, float] = defaultdict(float)
        for q, p_iq in p_i.items():
            if strength[q] == 0:
                continue
            adj_q = graph.adj[q]
            for j in nbrs[i] & nbrs[q]:
                indirect[j] += p_iq * adj_q[j].get(weight, 1) / strength[q]
        out[i] = sum((p + indirect[j]) ** 2 for j, p in p_i.items())
    return out


def brokerage(graph: nx.Graph, *, top: int = 20) -> Report:
    """Broker roles by helix sphere, the top brokers, and their constraint.

    >>> g = nx.path_graph(["a", "b", "c"])
    >>> nx.set_node_attributes(g, {"a": "academia", "b": "intermediary", "c": "industry"},
    ...                        "helix")
    >>> brokerage(g).table("by_sphere").rows
    [['intermediary', 1, 0, 0, 0, 0, 2, 2]]
    """
    group = {n: d.get("helix") or "unknown" for n, d in graph.nodes(data=True)}
    roles = broker_roles(graph, group)
    burt = constraint(graph)
    by_sphere: dict[str, Counter[str]] = defaultdict(Counter)
    brokers: Counter[str] = Counter()
    for node, counts in roles.items():
        by_sphere[group[node]].update(counts)
        if counts:
            brokers[group[node]] += 1
    order = sorted(by_sphere, key=lambda s: SPHERE_ORDER.index(s) if s in SPHERE_ORDER else 99)
    sphere_rows = [
        [s, brokers[s], *(by_sphere[s][r] for r in ROLES), sum(by_sphere[s].values())]
        for s in order
        if by_sphere[s]
    ]
    ranked = sorted(
        (n for n in graph if roles[n]),
        key=lambda n: (-sum(roles[n].values()), str(graph.nodes[n].get("label", n))),
    )
    node_rows = [
        [
            graph.nodes[n].get("label", n),
            group[n],
            *(roles[n][r] for r in ROLES),
            sum(roles[n].values()),
            rounded(burt[n]),
            n,
        ]
        for n in ranked[:top]
    ]
    return Report(
        [
            Table(
                "by_sphere",
                "Broker roles by helix sphere of the broker",
                ["sphere", "brokers", *ROLES, "total"],
                sphere_rows,
            ),
            Table(
                "brokers",
                "Top brokers (open 2-paths; constraint: Burt 1992)",
                ["organisation", "sphere", *ROLES, "total", "constraint", "iri"],
                node_rows,
            ),
        ],
        ["undirected ties count both ways: an open pair {a, c} around b is two 2-paths"],
    )
