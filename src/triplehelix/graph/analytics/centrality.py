"""Who is central: degree, weighted degree, betweenness, eigenvector, PageRank."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import networkx as nx

from triplehelix.errors import UsageError
from triplehelix.graph.analytics.report import Report, Table, rounded

__all__ = [
    "BETWEENNESS_MIN_SAMPLE",
    "BETWEENNESS_WORK",
    "MEASURES",
    "betweenness_sample",
    "centrality",
]

#: Betweenness costs one graph traversal (all m edges) per source node. It is exact while
#: n × m ≤ ``BETWEENNESS_WORK``; above, it is estimated from k = WORK / m source nodes (at
#: least ``BETWEENNESS_MIN_SAMPLE``) drawn with a fixed seed (Brandes & Pich 2007), which
#: bounds the time to ~10–15 s here whatever the size (benchmarks/bench_analytics.py).
BETWEENNESS_WORK = 3_000_000
BETWEENNESS_MIN_SAMPLE = 20

MEASURES = ("degree", "weighted-degree", "betweenness", "eigenvector", "pagerank")


def centrality(
    graph: nx.Graph,
    measure: str = "weighted-degree",
    *,
    top: int = 20,
    of_sphere: str | None = None,
    seed: int = 42,
) -> Report:
    """The ``top`` organisations by ``measure`` on the co-participation graph.

    - ``degree``: number of distinct partners.
    - ``weighted-degree``: shared projects summed over partners (edge ``weight``).
    - ``betweenness``: share of shortest paths (in hops) between other pairs that pass
      through the organisation, normalised to 0–1; sampled when nodes × edges exceeds
      ``BETWEENNESS_WORK``.
    - ``eigenvector``: weighted eigenvector centrality (ties to central partners count more).
    - ``pagerank``: weighted PageRank, damping 0.85.

    Ties in value are ordered by label. ``of_sphere`` lists only organisations of that
    primary sphere (the measure is still computed on the whole graph).

    >>> g = nx.path_graph(["a", "b", "c"])
    >>> centrality(g, "degree", top=1).table("centrality").rows[0][:2]
    [1, 'b']
    """
    if measure not in MEASURES:
        raise UsageError(
            f"no centrality measure {measure!r}",
            code="unknown-measure",
            hint="measures: " + ", ".join(MEASURES),
        )
    notes: list[str] = []
    values = _compute(graph, measure, seed, notes) if len(graph) else {}
    nodes = [n for n in values if of_sphere is None or graph.nodes[n].get("helix") == of_sphere]
    nodes.sort(key=lambda n: (-values[n], _label(graph, n), n))
    rows = [
        [
            rank,
            _label(graph, n),
            graph.nodes[n].get("short", ""),
            graph.nodes[n].get("helix", ""),
            graph.nodes[n].get("country", ""),
            rounded(float(values[n]))
            if measure not in ("degree", "weighted-degree")
            else values[n],
            n,
        ]
        for rank, n in enumerate(nodes[:top], start=1)
    ]
    columns = ["rank", "organisation", "acronym", "sphere", "country", measure, "iri"]
    return Report([Table("centrality", f"Top organisations by {measure}", columns, rows)], notes)


def _compute(graph: nx.Graph, measure: str, seed: int, notes: list[str]) -> dict[Any, float]:
    functions: dict[str, Callable[[], dict[Any, float]]] = {
        "degree": lambda: dict(graph.degree()),
        "weighted-degree": lambda: dict(graph.degree(weight="weight")),
        "betweenness": lambda: _betweenness(graph, seed, notes),
        "eigenvector": lambda: _eigenvector(graph),
        "pagerank": lambda: dict(nx.pagerank(graph, weight="weight")),
    }
    return functions[measure]()


def betweenness_sample(n: int, m: int) -> int | None:
    """Source nodes to sample for betweenness on n nodes and m edges (None: exact).

    >>> betweenness_sample(100, 300), betweenness_sample(20_000, 650_000)
    (None, 20)
    """
    if n * m <= BETWEENNESS_WORK:
        return None
    return min(n, max(BETWEENNESS_MIN_SAMPLE, BETWEENNESS_WORK // max(m, 1)))


def _betweenness(graph: nx.Graph, seed: int, notes: list[str]) -> dict[Any, float]:
    n, m = graph.number_of_nodes(), graph.number_of_edges()
    k = betweenness_sample(n, m)
    if k is None:
        return dict(nx.betweenness_centrality(graph, normalized=True))
    notes.append(
        f"betweenness estimated from {k} sampled source nodes (seed {seed}): "
        f"exact betweenness on {n} nodes and {m} edges costs more than the "
        f"{BETWEENNESS_WORK:,} node-edge visits allowed"
    )
    return dict(nx.betweenness_centrality(graph, k=k, normalized=True, seed=seed))


def _eigenvector(graph: nx.Graph) -> dict[Any, float]:
    """The leading eigenvector of the weighted adjacency matrix, unit length, ≥ 0.

    NetworkX refuses disconnected graphs; here organisations outside the dominant
    component score 0, as the definition gives.
    """
    import numpy as np

    nodes = list(graph)
    if graph.number_of_edges() == 0:
        return dict.fromkeys(nodes, 0.0)
    matrix = nx.to_scipy_sparse_array(graph, nodelist=nodes, weight="weight", dtype=float)
    if len(nodes) <= 500:
        _, vectors = np.linalg.eigh(matrix.toarray())
        vector = vectors[:, -1]
    else:
        from scipy.sparse.linalg import eigsh  # type: ignore[import-untyped]

        _, vectors = eigsh(matrix, k=1, which="LA")
        vector = vectors[:, 0]
    vector = np.abs(vector) / np.linalg.norm(vector)
    return {n: float(v) for n, v in zip(nodes, vector, strict=True)}


def _label(graph: nx.Graph, node: Any) -> str:
    return str(graph.nodes[node].get("label", node))
