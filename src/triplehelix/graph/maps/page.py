"""Partnership maps: one self-contained HTML file (vis-network inlined, no network requests).

Positions are computed in Python (``graph.layout``, seeded), so the page draws at once and
looks the same every time; physics is off by default above ``PHYSICS_LIMIT`` nodes and,
when on, stops after the initial stabilisation. The data reach the page as one JSON block
(``<``, ``>`` and ``&`` escaped, so no text can close the script element); the page's own
script (``map.js``) puts every text into the DOM as text (``textContent``), and vis-network
renders string tooltips with ``innerText``. Header texts are HTML-escaped here.
"""

from __future__ import annotations

import html
import json
import math
from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

import networkx as nx

from triplehelix.graph.maps.data import Details
from triplehelix.graph.maps.layout import geo_positions, positions

__all__ = ["PHYSICS_LIMIT", "SPHERE_COLOURS", "MapStyle", "render_map"]

SPHERE_COLOURS = {
    "academia": "#1f77b4",
    "industry": "#d62728",
    "government": "#2ca02c",
    "intermediary": "#9467bd",
    "funder": "#ff7f0e",
    "other": "#7f7f7f",
    "": "#bbbbbb",
}
PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b"]
PALETTE += ["#e377c2", "#bcbd22", "#393b79"]
KIND_SHAPES = {"organisation": "dot", "project": "square", "event": "diamond"}
PHYSICS_LIMIT = 200
UNNAMED = {"participation"}  # labelled by an identifier only: no label on the map
LABELS_ALWAYS = 40  # maps this small label every node; larger ones only the biggest
LABELLED = 30


@dataclass(frozen=True, slots=True)
class MapStyle:
    """How the map looks: colour and size schemes, layout, physics."""

    color: str = "helix"  # helix | country | community
    size: str = "degree"  # degree | funding | betweenness
    layout: str = "spring"  # spring | geo
    physics: bool | None = None  # None: on below PHYSICS_LIMIT nodes
    seed: int = 7
    filters: Mapping[str, str] = field(default_factory=dict)


def render_map(
    graph: nx.Graph,
    *,
    title: str,
    subtitle: str = "",
    details: Details | None = None,
    style: MapStyle | None = None,
    activities: Mapping[str, Mapping[str, Any]] | None = None,
) -> str:
    """The HTML page of a map of ``graph`` (nodes need ``label``, ``kind``, ``helix``).

    Args:
        graph: the view to draw (any NetworkX graph; multigraph edges are merged).
        title, subtitle: the page's heading and the line under it (filters, data source).
        details: tooltip and filter data (``mapdata.node_details``).
        style: colours, sizes, layout, physics.
        activities: ``start``/``end`` of activities that are not nodes of the map, so
            co-participation links (attribute ``projects``) get their active years.

    >>> g = nx.Graph(); g.add_node("a", label="<b>A&B</b>", kind="organisation", helix="academia")
    >>> page = render_map(g, title="t")
    >>> "<b>A&B</b>" in page, "http://" in page.split("<script")[0], "<script src" in page
    (False, False, False)
    """
    style = style or MapStyle()
    details = details or Details()
    if style.layout == "geo":
        pos = geo_positions(graph, {n: details.coords[n] for n in graph if n in details.coords})
    else:
        pos = positions(graph, style.seed)
    colours, legend_colours = _colours(graph, style)
    sizes = _sizes(graph, style, details)
    shown = _labelled(graph, sizes)
    nodes = [
        _node(n, a, pos[n], colours[n], sizes[n], n in shown, details)
        for n, a in graph.nodes(data=True)
    ]
    years = {**(activities or {}), **dict(graph.nodes(data=True))}
    index = {n: i for i, n in enumerate(graph)}  # edges name their ends by node position
    edges = [_edge(i, index, a, b, d, years) for i, (a, b, d) in enumerate(_edge_list(graph))]
    n_nodes, n_edges = graph.number_of_nodes(), len(edges)
    auto = n_nodes <= PHYSICS_LIMIT and style.layout != "geo"  # geo positions are the point
    physics = style.physics if style.physics is not None else auto
    data = {"nodes": nodes, "edges": edges, "physics": physics, "filters": dict(style.filters)}
    return _PAGE.format(
        title=html.escape(title),
        subtitle=html.escape(subtitle),
        counts=f"{n_nodes} nodes · {n_edges} links",
        n_nodes=n_nodes,
        n_edges=n_edges,
        legend=_legend(graph, style, legend_colours),
        js_vis=_asset("vis-network.min.js"),
        js_map=files("triplehelix.graph.maps").joinpath("map.js").read_text(encoding="utf-8"),
        data=_safe_json(data),
    )


def _asset(name: str) -> str:
    root = files("pyvis").joinpath("lib").joinpath("vis-9.1.2")
    return root.joinpath(name).read_text(encoding="utf-8")


def _safe_json(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _edge_list(graph: nx.Graph) -> list[tuple[Hashable, Hashable, dict[str, Any]]]:
    """One edge per node pair (a multigraph's parallel edges merged, predicates joined)."""
    if not graph.is_multigraph():
        return list(graph.edges(data=True))
    merged: dict[frozenset[Hashable], dict[str, Any]] = {}
    ends: dict[frozenset[Hashable], tuple[Hashable, Hashable]] = {}
    for a, b, d in graph.edges(data=True):
        key = frozenset((a, b))
        ends.setdefault(key, (a, b))
        entry = merged.setdefault(key, {"predicates": []})
        if d.get("predicate") and d["predicate"] not in entry["predicates"]:
            entry["predicates"].append(d["predicate"])
    return [(*ends[k], v) for k, v in merged.items()]


def _colours(graph: nx.Graph, style: MapStyle) -> tuple[dict[Hashable, str], dict[str, str]]:
    if style.color == "helix":
        col = {
            n: SPHERE_COLOURS.get(a.get("helix", ""), "#bbbbbb") for n, a in graph.nodes(data=True)
        }
        used = {a.get("helix", "") for _, a in graph.nodes(data=True)}
        return col, {s or "no sphere": SPHERE_COLOURS[s] for s in SPHERE_COLOURS if s in used}
    if style.color == "country":
        key = {n: a.get("country", "") or "unknown" for n, a in graph.nodes(data=True)}
    else:
        simple = nx.Graph(graph)
        comms = nx.community.louvain_communities(simple, weight="weight", seed=style.seed)
        comms = sorted(comms, key=lambda c: (-len(c), min(map(str, c))))
        key = {n: f"community {i + 1}" for i, c in enumerate(comms) for n in c}
    ranked = [k for k, _ in Counter(key.values()).most_common()]
    keep = [k for k in ranked if k != "unknown"][: len(PALETTE)]
    legend = {k: PALETTE[i] for i, k in enumerate(keep)}
    if len(legend) < len(ranked):
        legend["other" if style.color == "community" else "other / unknown"] = "#bbbbbb"
    return {n: legend.get(k, "#bbbbbb") for n, k in key.items()}, legend


def _sizes(graph: nx.Graph, style: MapStyle, details: Details) -> dict[Hashable, float]:
    if style.size == "funding":
        currency = _main_currency(details, graph)
        value = {n: float(details.amounts.get(n, {}).get(currency, 0)) for n in graph}
    elif style.size == "betweenness":
        simple = nx.Graph(graph)
        k = None if len(simple) <= 500 else 200
        value = nx.betweenness_centrality(simple, k=k, seed=style.seed)
    else:
        value = dict(graph.degree(weight="weight"))
    top = max(value.values(), default=0) or 1
    return {n: 8 + 28 * math.sqrt(max(value.get(n, 0), 0) / top) for n in graph}


def _main_currency(details: Details, graph: nx.Graph) -> str:
    counts = Counter(c for n in graph for c in details.amounts.get(n, {}))
    return counts.most_common(1)[0][0] if counts else ""


def _labelled(graph: nx.Graph, sizes: dict[Hashable, float]) -> set[Hashable]:
    if graph.number_of_nodes() <= LABELS_ALWAYS:
        return set(graph)
    return set(sorted(graph, key=lambda n: (-sizes[n], str(n)))[:LABELLED])


def short_label(attrs: Mapping[str, Any], limit: int = 32) -> str:
    """The acronym if there is one, else the label cut at a word (full text in the tooltip).

    >>> short_label({"label": "Tajik State University of Commerce", "short": "TSUC"})
    'TSUC'
    >>> short_label({"label": "Promoting Innovation Through University Research: A Joint"})
    'Promoting Innovation Through…'
    """
    if attrs.get("short"):
        return str(attrs["short"])
    label = str(attrs.get("label", ""))
    if len(label) <= limit:
        return label
    return label[:limit].rsplit(" ", 1)[0].rstrip(":,;–- ") + "…"


def _node(
    node: Hashable,
    a: Mapping[str, Any],
    xy: tuple[float, float],
    colour: str,
    size: float,
    labelled: bool,
    d: Details,
) -> dict[str, Any]:
    key = str(node)
    years = [a.get("start") or None, a.get("end") or a.get("start") or None]
    return {
        "id": key,
        "name": short_label(a),
        "label": short_label(a) if labelled and a.get("kind") not in UNNAMED else "",
        "title": _tooltip(key, a, d),
        "x": round(xy[0], 1),
        "y": round(xy[1], 1),
        "shape": KIND_SHAPES.get(str(a.get("kind", "")), "dot"),
        "color": colour,
        "size": round(size, 1),
        "kind": a.get("kind", ""),
        "spheres": str(a.get("spheres", "")).split(),
        "country": a.get("country", ""),
        "sectors": sorted(d.sectors.get(key, {})),
        "roles": sorted(d.roles.get(key, set())),
        "years": years,
    }


def _tooltip(node: str, a: Mapping[str, Any], d: Details) -> str:
    lines = [str(a.get("label", node))]
    other = [n for n in d.names.get(node, []) if not n.startswith(f"{a.get('label')} (")]
    if other:
        lines.append("also: " + "; ".join(sorted(other)))
    kind = " / ".join(sorted(d.types.get(node, []))) or str(a.get("kind", ""))
    lines.append(kind + (f" · {a['spheres']}" if a.get("spheres") else ""))
    if a.get("country"):
        lines.append(f"country: {a['country']}")
    if a.get("start"):
        end = a.get("end")
        lines.append(f"years: {a['start']}" + (f"–{end}" if end and end != a["start"] else ""))
    if d.sectors.get(node):
        lines.append("sectors: " + ", ".join(sorted(d.sectors[node].values())))
    acts = sorted(d.activities.get(node, []), key=lambda x: (x["years"], x["name"]))
    for act in acts[:8]:
        when = f", {act['years']}" if act["years"] else ""
        lines.append(f"• {act['name']} ({act['role']}{when})")
    if len(acts) > 8:
        lines.append(f"• … and {len(acts) - 8} more")
    lines.extend(f"funding: {f}" for f in sorted(d.funding.get(node, []))[:5])
    for src in sorted(d.sources.get(node, []), key=lambda s: s["record"])[:3]:
        where = ", ".join(x for x in (src["document"], src["locator"]) if x) or src["record"]
        lines.append(f"source: {where}" + (f" — “{src['text']}”" if src["text"] else ""))
    return "\n".join(lines)


def _edge(
    i: int,
    index: Mapping[Hashable, int],
    a: Hashable,
    b: Hashable,
    d: Mapping[str, Any],
    years: Mapping[Any, Any],
) -> dict[str, Any]:
    edge: dict[str, Any] = {"id": i, "f": index[a], "t": index[b]}
    weight = float(d.get("weight", 1))
    edge["width"] = round(1 + 1.5 * math.log2(weight), 2) if weight > 1 else 1
    spans = _spans(d, years)
    if spans:
        edge["spans"] = spans
    if d.get("roles"):
        edge["roles"] = str(d["roles"]).split(";")
    text = []  # roles and years are added to the tooltip in the page (smaller file)
    if d.get("weight"):
        text.append(f"shared activities: {d['weight']}")
    if d.get("predicates"):
        text.append(", ".join(d["predicates"]))
    if text:
        edge["title"] = "\n".join(text)
    return edge


def _spans(d: Mapping[str, Any], years: Mapping[Any, Any]) -> list[list[int]]:
    """Year ranges in which the link is active (empty: undated, always shown)."""
    if d.get("years"):
        start, _, end = str(d["years"]).partition("-")
        return [[int(start), int(end or start)]]
    spans = []
    for activity in str(d.get("projects", "")).split():
        attrs = years.get(activity) or {}
        if attrs.get("start"):
            spans.append([int(attrs["start"]), int(attrs.get("end") or attrs["start"])])
    return spans


def _legend(graph: nx.Graph, style: MapStyle, colours: dict[str, str]) -> str:
    keys = "".join(
        f'<span class="key"><i style="background:{c}"></i>{html.escape(k)}</span>'
        for k, c in colours.items()
    )
    kinds = {a.get("kind", "") for _, a in graph.nodes(data=True)}
    shapes = {"organisation": "● organisation", "project": "■ project", "event": "◆ event"}
    keys += "".join(f'<span class="key">{v}</span>' for k, v in shapes.items() if k in kinds)
    sizes = {"degree": "shared activities", "funding": "funding amount", "betweenness": "brokerage"}
    keys += f'<span class="key">size = {sizes.get(style.size, style.size)}</span>'
    return keys


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 0; color: #222; }}
header {{ padding: 8px 16px 6px; border-bottom: 1px solid #ddd; }}
h1 {{ font-size: 18px; margin: 0; }}
p.sub {{ margin: 2px 0 4px; color: #555; font-size: 13px; }}
.key {{ margin-right: 12px; font-size: 12px; white-space: nowrap; }}
.key i {{ display: inline-block; width: 10px; height: 10px; border-radius: 50%;
          margin-right: 4px; }}
#controls {{ font-size: 12px; margin-top: 4px; }}
#controls label, #found {{ margin-right: 10px; }}
#controls select, #controls input {{ font-size: 12px; }}
#counts {{ float: right; color: #555; font-size: 13px; }}
#map {{ width: 100%; height: calc(100vh - 118px); }}
#info {{ position: absolute; right: 10px; top: 128px; width: 340px; max-height: 70vh;
         overflow: auto; background: #fff; border: 1px solid #ccc; border-radius: 4px;
         padding: 8px; font-size: 12px; white-space: pre-line; display: none;
         box-shadow: 0 2px 6px rgba(0,0,0,.15); }}
div.vis-tooltip {{ position: absolute; visibility: hidden; padding: 6px; white-space: pre-line;
  font-size: 12px; max-width: 420px; background: #fffff4; border: 1px solid #999;
  border-radius: 3px; box-shadow: 2px 2px 6px rgba(0,0,0,.2); pointer-events: none;
  z-index: 5; }}
</style>
</head>
<body>
<header><span id="counts" data-nodes="{n_nodes}" data-edges="{n_edges}">{counts}</span>
<h1>{title}</h1><p class="sub">{subtitle}</p>
<div id="legend">{legend}</div>
<div id="controls">
<label>Search <input id="search" type="search" placeholder="name…" size="18"></label>
<span id="found"></span>
<label>Sphere <select id="f-sphere"><option value="">all</option></select></label>
<label>Sector <select id="f-sector"><option value="">all</option></select></label>
<label>Country <select id="f-country"><option value="">all</option></select></label>
<label>Role <select id="f-role"><option value="">all</option></select></label>
<label><input id="all-years" type="checkbox" checked> all years</label>
<label>Year <input id="year" type="range" disabled> <output id="year-out"></output></label>
</div></header>
<div id="map"></div>
<div id="info"></div>
<script type="application/json" id="map-data">{data}</script>
<script>{js_vis}</script>
<script>{js_map}</script>
</body>
</html>
"""
