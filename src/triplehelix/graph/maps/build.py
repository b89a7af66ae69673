"""A partnership map, built: the view (or a query's graph), its details, the page.

``map_page`` is what ``triplehelix map`` and ``demo`` call, and the Python API for maps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from triplehelix.errors import UsageError
from triplehelix.graph.maps import MAX_NODES, WHAT
from triplehelix.graph.maps.data import node_details
from triplehelix.graph.maps.page import MapStyle, render_map
from triplehelix.graph.maps.view import Selection, query_graph, select_view
from triplehelix.graph.views.network import node_table

__all__ = ["map_page"]


def map_page(
    kg: Any,
    view: str,
    source: str,
    *,
    sel: Selection | None = None,
    style: MapStyle | None = None,
    max_nodes: int = MAX_NODES,
    query: tuple[str, str] | None = None,
    notes: list[str] | None = None,
) -> str:
    """The map page of ``view`` (or of a SPARQL ``query``: text, file name) of ``kg``.

    ``notes`` (if given) receives remarks for the user, e.g. that the map is empty.

    Raises:
        UsageError: the map would have more than ``max_nodes`` nodes.

    >>> from triplehelix.graph.store.local import KnowledgeGraph
    >>> page = map_page(KnowledgeGraph.seed(), "coparticipation", "the seed world")
    >>> page.startswith("<!DOCTYPE html>"), "data: the seed world" in page
    (True, True)
    """
    sel = sel or Selection()
    table = node_table(kg)
    details = node_details(kg, {k: v["label"] for k, v in table.items()})
    if query is not None:
        graph = query_graph(kg, query[0], query[1], table)
        what = f"from {Path(query[1]).name}"
    else:
        graph = select_view(kg, view, sel, details, table)
        what = WHAT[view]
    n = graph.number_of_nodes()
    if n > max_nodes:
        raise UsageError(
            f"the map would have {n:,} nodes, more than --max-nodes {max_nodes:,}",
            code="map-too-large",
            hint="narrow it with --focus NAME --depth 1, --sector, --country or --from/--to; "
            "or raise --max-nodes",
        )
    filters = sel.describe()
    if n == 0 and notes is not None:
        notes.append(
            "the map is empty: no organisation matches "
            + (filters or "the view")
            + " (try fewer filters or another --view)"
        )
    subtitle = f"data: {source}" + (f" · filters: {filters}" if filters else "")
    if style is not None and style.layout == "geo":
        placed = sum(1 for node in graph if node in details.coords)
        subtitle += f" · {placed} of {n} placed by coordinates, the others listed on the right"
    return render_map(
        graph,
        title=f"Partnership map: {what}",
        subtitle=subtitle,
        details=details,
        style=style,
        activities=table,
    )
