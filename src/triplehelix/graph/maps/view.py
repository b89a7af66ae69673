"""Which graph a map draws: a NetworkX view narrowed by focus, sector, country and years.

The views come from ``graph.network`` (``coparticipation``, ``bipartite``, ``full``) or
from a user's SPARQL SELECT (``?source ?target [?weight ?label]``). Sector and country
select organisations; other nodes (projects, events, …) stay when they are linked to a
kept organisation. ``focus``/``depth`` then keep the ego network of one node.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import networkx as nx

from triplehelix.errors import QueryError, UsageError
from triplehelix.graph.maps import WHAT
from triplehelix.graph.maps.data import Details
from triplehelix.graph.query.check import check_text, scan
from triplehelix.graph.query.run import DEFAULT_TIMEOUT, in_worker
from triplehelix.graph.rdf.values import to_python
from triplehelix.graph.views.network import (
    Filters,
    NodeTable,
    bipartite_graph,
    coparticipation_graph,
    full_graph,
    node_table,
)

if TYPE_CHECKING:
    from triplehelix.graph.store.protocol import Store

__all__ = ["Selection", "query_graph", "select_view"]

VIEWS = tuple(WHAT)


@dataclass(frozen=True, slots=True)
class Selection:
    """What to keep: all optional."""

    focus: str | None = None
    depth: int = 1
    sector: str | None = None
    country: str | None = None
    year_from: int | None = None
    year_to: int | None = None

    def describe(self) -> str:
        """The filters in words, for the map's subtitle.

        >>> Selection(sector="food-industry", year_from=2020, year_to=2025).describe()
        'sector food-industry · 2020–2025'
        >>> Selection().describe()
        ''
        """
        parts = []
        if self.focus:
            parts.append(f"around {self.focus} (depth {self.depth})")
        if self.sector:
            parts.append(f"sector {self.sector}")
        if self.country:
            parts.append(f"country {self.country}")
        if self.year_from is not None or self.year_to is not None:
            a = "" if self.year_from is None else str(self.year_from)
            b = "" if self.year_to is None else str(self.year_to)
            parts.append(f"{a}–{b}")
        return " · ".join(parts)


def select_view(
    kg: Store,
    view: str,
    sel: Selection,
    details: Details,
    nodes: NodeTable | None = None,
) -> nx.Graph:
    """The view ``view`` of ``kg`` narrowed by ``sel``.

    Raises:
        UsageError: unknown view, or a focus that names no node or several.

    >>> from triplehelix.graph.store.local import KnowledgeGraph
    >>> from triplehelix.graph.maps.data import Details
    >>> g = select_view(KnowledgeGraph.seed(), "bipartite", Selection(country="TJ"), Details())
    >>> {a["country"] for _, a in g.nodes(data=True) if a["kind"] == "organisation"}
    {'TJ'}
    """
    filters = Filters(year_from=sel.year_from, year_to=sel.year_to)
    if view == "coparticipation":
        graph: nx.Graph = coparticipation_graph(kg, filters, nodes)
    elif view == "bipartite":
        graph = bipartite_graph(kg, filters, nodes)
    elif view == "full":
        graph = _years_kept(full_graph(kg, nodes), filters)
    else:
        raise UsageError(f"unknown view {view!r}", code="bad-view", hint=f"one of {VIEWS}")
    if sel.sector or sel.country:
        graph = _by_org(graph, sel, details)
    if sel.focus:
        node = resolve_node(graph, sel.focus)
        graph = nx.ego_graph(graph.to_undirected(as_view=True), node, radius=sel.depth).copy()
    return graph


def _years_kept(graph: nx.MultiDiGraph, filters: Filters) -> nx.MultiDiGraph:
    if filters.year_from is None and filters.year_to is None:
        return graph
    drop = [
        n
        for n, a in graph.nodes(data=True)
        if a.get("start") != "" and not filters.keeps_years(a["start"], a.get("end") or None)
    ]
    graph.remove_nodes_from(drop)
    return graph


def _by_org(graph: nx.Graph, sel: Selection, details: Details) -> nx.Graph:
    def org_ok(node: str, attrs: dict[str, Any]) -> bool:
        if sel.country and attrs.get("country") != sel.country.upper():
            return False
        return not (sel.sector and sel.sector not in details.sectors.get(node, {}))

    orgs = {n for n, a in graph.nodes(data=True) if a.get("kind") == "organisation"}
    kept = {n for n in orgs if org_ok(n, graph.nodes[n])}
    undirected = graph.to_undirected(as_view=True)
    for n in graph:
        if n in orgs:
            continue
        own = details.sectors.get(n, {})
        if sel.sector and own and sel.sector not in own:
            continue
        if any(m in kept for m in undirected[n]):
            kept.add(n)
    return graph.subgraph(kept).copy()


def resolve_node(graph: nx.Graph, name: str) -> Any:
    """The node named ``name``: its IRI, IRI end, acronym or label (case-insensitive).

    Raises:
        UsageError: no node or several nodes have that name.

    >>> g = nx.Graph(); g.add_node("http://x/org/a1", label="Alpha Uni", short="AU")
    >>> resolve_node(g, "au"), resolve_node(g, "alpha")
    ('http://x/org/a1', 'http://x/org/a1')
    """
    want = name.strip().lower()
    tests: tuple[Callable[[Any, dict[str, Any]], bool], ...] = (
        lambda n, a: str(n).lower() == want or str(n).rsplit("/", 1)[-1].lower() == want,
        lambda n, a: str(a.get("short", "")).lower() == want,
        lambda n, a: str(a.get("label", "")).lower() == want,
        lambda n, a: want in str(a.get("label", "")).lower(),
    )
    for test in tests:
        hits = sorted(n for n, a in graph.nodes(data=True) if test(n, a))
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            some = ", ".join(str(graph.nodes[h].get("label", h)) for h in hits[:5])
            raise UsageError(
                f"--focus {name!r} names {len(hits)} nodes: {some}",
                code="ambiguous-focus",
                hint="give the acronym, the full name or the IRI",
            )
    raise UsageError(
        f"--focus {name!r}: no such node in this view",
        code="unknown-focus",
        hint="give an acronym, a name or an IRI of a node that the view (and filters) keep",
    )


def query_graph(kg: Store, sparql: str, where: str, nodes: NodeTable | None = None) -> nx.Graph:
    """A graph from a SELECT returning ``?source ?target`` and optionally ``?weight ?label``.

    Node attributes come from ``node_table`` when the IRIs are known nodes.

    Raises:
        QueryError: not a SELECT, or the variables are missing.

    >>> from triplehelix.graph.store.local import KnowledgeGraph
    >>> q = "SELECT ?source ?target WHERE { ?p th:agent ?source ; th:activity ?target }"
    >>> g = query_graph(KnowledgeGraph.seed(), q, "edges.rq")
    >>> g.number_of_edges() > 5 and all("label" in a for _, a in g.nodes(data=True))
    True
    """
    try:
        check_text(sparql, source=where)
    except QueryError as exc:
        if exc.code != "service-refused":
            raise
        raise QueryError(
            f"{where}: SERVICE (a query sent over the network) is not allowed in a map query",
            code="service-refused",
            hint="query the local store only; load remote data first with triplehelix load",
        ) from exc
    names, rows = in_worker(lambda: _rows(kg, sparql), timeout=DEFAULT_TIMEOUT, source=where)
    if not {"source", "target"} <= names:
        raise QueryError(
            f"{where}: the query must be a SELECT returning ?source and ?target",
            code="bad-map-query",
            hint="e.g. SELECT ?source ?target ?weight WHERE { … }",
        )
    table = nodes if nodes is not None else node_table(kg)
    graph = nx.Graph()
    for row in rows:
        a, b = row["source"], row["target"]
        if a is None or b is None:
            continue
        for n in (a, b):
            if n not in graph:
                graph.add_node(n, **_attrs(str(n), table))
        attrs: dict[str, Any] = {}
        if row.get("weight") is not None:
            attrs["weight"] = float(row["weight"])
        if row.get("label") is not None:
            attrs["roles"] = str(row["label"])
        graph.add_edge(a, b, **attrs)
    return graph


def _rows(kg: Store, sparql: str) -> tuple[set[str], list[dict[str, Any]]]:
    """The variables of a query's answer and, for a map query, its rows as Python values."""
    if scan(sparql).form != "select":
        return set(), []
    result = kg.solutions(sparql)
    names = set(result.variables)
    if not {"source", "target"} <= names:
        return names, []
    return names, [{n: to_python(sol[n]) for n in names} for sol in result]


def _attrs(node: str, table: dict[str, dict[str, Any]]) -> dict[str, Any]:
    if node in table:
        return dict(table[node])
    empty = {"label": node, "short": "", "kind": "", "helix": "", "spheres": "", "country": ""}
    return {**empty, "start": "", "end": ""}
