"""Node positions for partnership maps, computed in Python and seeded (same data, same map).

- Small components (≤ ``SPRING_LIMIT`` nodes): NetworkX's Fruchterman–Reingold
  (``spring_layout``), which reads best.
- Larger components: pivot MDS (classical scaling of breadth-first distances to a few
  pivot nodes, numpy only), linear in nodes and edges; ``spring_layout`` is quadratic and
  takes over a minute at 5,000 nodes (engines notes §3).
- Components are packed left to right, in rows, largest first.
- ``geo_positions``: longitude/latitude projected to the plane (equirectangular); nodes
  without coordinates go to a column on the right.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Mapping
from typing import Any

import networkx as nx
import numpy as np

__all__ = ["SPRING_LIMIT", "geo_positions", "positions"]

SPRING_LIMIT = 300
PIVOTS = 40
ASIDE_ROWS = 10  # nodes without coordinates: columns of this many
SPREAD = 16.0  # pixels between nodes that pivot MDS puts on one spot
Pos = dict[Hashable, tuple[float, float]]


def positions(graph: nx.Graph, seed: int = 7) -> Pos:
    """Seeded positions of every node, in vis-network pixels.

    >>> p = positions(nx.path_graph(4))
    >>> sorted(p) == [0, 1, 2, 3] and p == positions(nx.path_graph(4))
    True
    """
    simple = nx.Graph(graph)  # multigraph and direction do not matter for placement
    comps = sorted(nx.connected_components(simple), key=lambda c: (-len(c), min(map(str, c))))
    out: Pos = {}
    x0, y0, row_height = 0.0, 0.0, 0.0
    row_width = 0.0
    width_limit = 0.0
    for comp in comps:
        sub = simple.subgraph(comp).copy()  # a plain graph: breadth-first search is faster
        local = _component(sub, seed)
        xs = [p[0] for p in local.values()]
        ys = [p[1] for p in local.values()]
        left, top = min(xs), min(ys)
        w, h = max(xs) - left, max(ys) - top
        if not width_limit:
            width_limit = max(w, 600.0)
        if row_width and row_width + w > width_limit:
            x0, y0, row_width, row_height = 0.0, y0 + row_height + 80, 0.0, 0.0
        for node, (x, y) in local.items():
            out[node] = (x0 + x - left, y0 + y - top)
        x0 += w + 80
        row_width += w + 80
        row_height = max(row_height, h)
    return out


def _component(sub: nx.Graph, seed: int) -> Pos:
    n = sub.number_of_nodes()
    if n == 1:
        return {next(iter(sub)): (0.0, 0.0)}
    scale = 90.0 * math.sqrt(n)
    if n <= SPRING_LIMIT:
        pos = nx.spring_layout(sub, seed=seed, k=1.6 / math.sqrt(n), iterations=120)
        return {v: (float(x) * scale, float(y) * scale) for v, (x, y) in pos.items()}
    return _pivot_mds(sub, seed, scale)


def _pivot_mds(sub: nx.Graph, seed: int, scale: float) -> Pos:
    """Pivot MDS (Brandes & Pich 2006) with seeded jitter so equal distances do not stack."""
    nodes = sorted(sub, key=str)
    index = {v: i for i, v in enumerate(nodes)}
    rng = np.random.default_rng(seed)
    k = min(PIVOTS, len(nodes))
    # Max-min pivots: each new pivot is the node farthest from those already chosen.
    dist = np.zeros((len(nodes), k))
    nearest = np.full(len(nodes), np.inf)
    pivot = nodes[0]
    for j in range(k):
        for v, d in nx.single_source_shortest_path_length(sub, pivot).items():
            dist[index[v], j] = d
        nearest = np.minimum(nearest, dist[:, j])
        pivot = nodes[int(np.argmax(nearest))]
    sq = dist**2
    centred = sq - sq.mean(axis=0) - sq.mean(axis=1, keepdims=True) + sq.mean()
    # The top two eigenvectors of the small k×k matrix CᵀC give the projection of C.
    _, vectors = np.linalg.eigh(centred.T @ centred)
    xy = centred @ vectors[:, -2:][:, ::-1]
    xy *= scale / (np.abs(xy).max() or 1.0)
    xy += rng.normal(scale=0.004 * scale, size=xy.shape)
    _spread(xy, dist)
    return {v: (float(xy[i, 0]), float(xy[i, 1])) for v, i in index.items()}


def _spread(xy: np.ndarray[Any, Any], dist: np.ndarray[Any, Any]) -> None:
    """Nodes at the same distances from every pivot (e.g. leaves of one hub) would stack:
    lay each such group out on a sunflower disc around its place."""
    groups: dict[bytes, list[int]] = defaultdict(list)
    for i in range(len(dist)):
        groups[dist[i].tobytes()].append(i)
    golden = math.pi * (3 - math.sqrt(5))
    for members in groups.values():
        for j, i in enumerate(members[1:] if len(members) > 1 else [], start=1):
            r = SPREAD * math.sqrt(j)
            xy[i, 0] += r * math.cos(j * golden)
            xy[i, 1] += r * math.sin(j * golden)


def geo_positions(graph: nx.Graph, coords: Mapping[Hashable, tuple[float, float]]) -> Pos:
    """Longitude/latitude to pixels; nodes without coordinates in a column on the right.

    Args:
        graph: the map's graph.
        coords: ``{node: (latitude, longitude)}`` for the nodes that have coordinates.

    >>> p = geo_positions(nx.path_graph(3), {0: (0.0, 0.0), 1: (10.0, 20.0)})
    >>> p[1][0] > p[0][0], p[1][1] < p[0][1], p[2][0] > p[1][0]
    (True, True, True)
    """
    placed: Pos = {}
    k = 40.0  # pixels per degree
    for node in graph:
        if node in coords:
            lat, lon = coords[node]
            placed[node] = (lon * k * math.cos(math.radians(45)), -lat * k)
    right = max((x for x, _ in placed.values()), default=0.0) + 300
    top = min((y for _, y in placed.values()), default=0.0)
    aside = sorted((v for v in graph if v not in placed), key=lambda v: str(_label(graph, v)))
    for i, node in enumerate(aside):
        placed[node] = (right + 260 * (i // ASIDE_ROWS), top + 90 * (i % ASIDE_ROWS))
    return placed


def _label(graph: nx.Graph, node: Hashable) -> Any:
    return graph.nodes[node].get("label", node)
