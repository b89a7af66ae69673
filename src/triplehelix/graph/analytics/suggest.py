"""Partner suggestions: organisations not yet partners, ranked by Adamic–Adar."""

from __future__ import annotations

import math
from typing import Any

import networkx as nx

from triplehelix.errors import UsageError
from triplehelix.graph.analytics.report import Report, Table, rounded

__all__ = ["adamic_adar", "find_organisation", "suggest"]


def find_organisation(graph: nx.Graph, name: str) -> Any:
    """The node named by IRI, IRI local name, acronym or label (case-insensitive).

    Raises:
        UsageError: no organisation, or several, go by that name.

    >>> g = nx.Graph()
    >>> g.add_node("https://x/org/ektu", label="EKTU University", short="EKTU")
    >>> find_organisation(g, "ektu")
    'https://x/org/ektu'
    """
    key = name.casefold()
    hits = {
        n
        for n, d in graph.nodes(data=True)
        if key
        in {
            str(n).casefold(),
            str(n).rstrip("/").rsplit("/", 1)[-1].casefold(),
            str(d.get("short", "")).casefold(),
            str(d.get("label", "")).casefold(),
        }
    }
    if len(hits) == 1:
        return hits.pop()
    if not hits:
        raise UsageError(
            f"no organisation {name!r} in the co-participation graph",
            code="unknown-organisation",
            hint="name it by IRI, acronym or label; it needs at least one partner",
        )
    raise UsageError(
        f"{name!r} names {len(hits)} organisations: " + ", ".join(sorted(map(str, hits))[:5]),
        code="ambiguous-organisation",
        hint="name it by its IRI",
    )


def adamic_adar(graph: nx.Graph, node: Any) -> dict[Any, tuple[float, list[Any]]]:
    """Adamic–Adar score of every non-partner two steps away, with the shared partners.

    score(u, v) = Σ 1 / ln(deg z) over partners z shared by u and v (Adamic & Adar 2003;
    Liben-Nowell & Kleinberg 2007): a shared partner with few partners says more.

    >>> g = nx.Graph([("a", "b"), ("b", "c")])
    >>> score, shared = adamic_adar(g, "a")["c"]
    >>> round(score, 4), shared
    (1.4427, ['b'])
    """
    partners = set(graph.adj[node])
    out: dict[Any, tuple[float, list[Any]]] = {}
    for z in partners:
        if graph.degree(z) < 2:  # shares no one with ``node``
            continue
        share = 1.0 / math.log(graph.degree(z))
        for v in graph.adj[z]:
            if v == node or v in partners:
                continue
            score, shared = out.get(v, (0.0, []))
            out[v] = (score + share, [*shared, z])
    return out


def suggest(graph: nx.Graph, org: str, *, top: int = 10) -> Report:
    """The ``top`` organisations ``org`` could partner with, and why (shared partners).

    >>> g = nx.Graph([("a", "b"), ("b", "c")])
    >>> suggest(g, "a").table("suggestions").rows[0][:3]
    [1, 'c', 1.4427]
    """
    node = find_organisation(graph, org)
    scores = adamic_adar(graph, node)

    def label(n: Any) -> str:
        return str(graph.nodes[n].get("label", n))

    ranked = sorted(scores, key=lambda v: (-scores[v][0], label(v)))[:top]
    rows = [
        [
            rank,
            label(v),
            rounded(scores[v][0]),
            graph.nodes[v].get("helix", ""),
            graph.nodes[v].get("country", ""),
            "; ".join(sorted(str(graph.nodes[z].get("short") or label(z)) for z in scores[v][1])),
            v,
        ]
        for rank, v in enumerate(ranked, start=1)
    ]
    return Report(
        [
            Table(
                "suggestions",
                f"Suggested partners for {label(node)} (Adamic–Adar)",
                ["rank", "organisation", "score", "sphere", "country", "shared_partners", "iri"],
                rows,
            )
        ],
        [] if rows else [f"{label(node)}: no organisation two steps away"],
    )
