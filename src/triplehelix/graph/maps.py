"""Partnership maps: one self-contained HTML file (vis-network inlined, no network requests).

Positions are computed in Python (seeded spring layout) and physics is off, so the page
is drawn at once and looks the same every time (perf-notes: physics never settles at a
few thousand nodes). Every label reaches the page through JSON with ``<``, ``>`` and
``&`` escaped, and vis-network renders tooltips as text, never as HTML.
"""

from __future__ import annotations

import html
import json
from importlib.resources import files
from typing import Any

import networkx as nx

__all__ = ["SPHERE_COLOURS", "render_map"]

SPHERE_COLOURS = {
    "academia": "#1f77b4",
    "industry": "#d62728",
    "government": "#2ca02c",
    "intermediary": "#9467bd",
    "funder": "#ff7f0e",
    "other": "#7f7f7f",
    "": "#bbbbbb",
}
KIND_SHAPES = {"organisation": "dot", "project": "square", "event": "diamond"}


def _vis_asset(name: str) -> str:
    root = files("pyvis").joinpath("lib").joinpath("vis-9.1.2")
    return root.joinpath(name).read_text(encoding="utf-8")


def _safe_json(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _layout(graph: nx.Graph) -> dict[Any, tuple[float, float]]:
    if graph.number_of_nodes() == 0:
        return {}
    n = graph.number_of_nodes()
    pos = nx.spring_layout(graph, seed=7, weight="weight", k=2.0 / n**0.5, iterations=100)
    scale = 300 + 60 * n**0.5
    return {n: (float(x) * scale, float(y) * scale) for n, (x, y) in pos.items()}


def _short_label(attrs: dict[str, Any], limit: int = 32) -> str:
    """The acronym if there is one, else the label cut at a word (full text in the tooltip).

    >>> _short_label({"label": "Tajik State University of Commerce", "short": "TSUC"})
    'TSUC'
    >>> _short_label({"label": "Promoting Innovation Through University Research: A Joint"})
    'Promoting Innovation Through…'
    """
    if attrs.get("short"):
        return str(attrs["short"])
    label = str(attrs.get("label", ""))
    if len(label) <= limit:
        return label
    return label[:limit].rsplit(" ", 1)[0].rstrip(":,;–- ") + "…"


def _tooltip(attrs: dict[str, Any]) -> str:
    lines = [str(attrs.get("label", ""))]
    kind = attrs.get("kind", "")
    if kind:
        lines.append(f"{kind}" + (f" · {attrs['spheres']}" if attrs.get("spheres") else ""))
    if attrs.get("country"):
        lines.append(f"country: {attrs['country']}")
    if attrs.get("start"):
        end = attrs.get("end")
        lines.append(
            f"years: {attrs['start']}" + (f"–{end}" if end and end != attrs["start"] else "")
        )
    return "\n".join(lines)


def render_map(graph: nx.Graph, *, title: str, subtitle: str = "") -> str:
    """The HTML page of a map of ``graph`` (nodes need ``label``, ``kind``, ``helix``).

    >>> g = nx.Graph(); g.add_node("a", label="<b>A&B</b>", kind="organisation", helix="academia")
    >>> page = render_map(g, title="t")
    >>> "<b>A&B</b>" in page, "http://" in page.split("<script>")[0]
    (False, False)
    """
    pos = _layout(graph)
    degree = dict(graph.degree(weight="weight"))
    nodes = []
    for node, attrs in graph.nodes(data=True):
        x, y = pos[node]
        nodes.append(
            {
                "id": node,
                "label": _short_label(attrs),
                "title": _tooltip(attrs),
                "x": x,
                "y": y,
                "shape": KIND_SHAPES.get(attrs.get("kind", ""), "dot"),
                "color": SPHERE_COLOURS.get(attrs.get("helix", ""), SPHERE_COLOURS[""]),
                "size": 10 + 4 * min(degree.get(node, 0), 10),
            }
        )
    edges = []
    for a, b, attrs in graph.edges(data=True):
        edge: dict[str, Any] = {"from": a, "to": b, "width": 1 + float(attrs.get("weight", 1))}
        if attrs.get("roles"):
            edge["title"] = str(attrs["roles"]).replace(";", ", ")
        edges.append(edge)
    spheres = sorted({a.get("helix", "") for _, a in graph.nodes(data=True)} - {""})
    legend = "".join(
        f'<span class="key"><i style="background:{SPHERE_COLOURS[s]}"></i>{html.escape(s)}</span>'
        for s in spheres
        if s in SPHERE_COLOURS
    )
    legend += (
        '<span class="key">● organisation</span><span class="key">■ project</span>'
        '<span class="key">◆ event</span>'
    )
    return _PAGE.format(
        title=html.escape(title),
        subtitle=html.escape(subtitle),
        counts=f"{graph.number_of_nodes()} nodes · {graph.number_of_edges()} links",
        legend=legend,
        css=_vis_asset("vis-network.css"),
        js=_vis_asset("vis-network.min.js"),
        nodes=_safe_json(nodes),
        edges=_safe_json(edges),
    )


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{css}</style>
<style>
body {{ font-family: system-ui, sans-serif; margin: 0; color: #222; }}
header {{ padding: 10px 16px; border-bottom: 1px solid #ddd; }}
h1 {{ font-size: 18px; margin: 0; }}
p.sub {{ margin: 2px 0 6px; color: #555; font-size: 13px; }}
.key {{ margin-right: 14px; font-size: 13px; }}
.key i {{ display: inline-block; width: 11px; height: 11px; border-radius: 50%;
          margin-right: 5px; }}
#map {{ width: 100%; height: calc(100vh - 90px); }}
#counts {{ float: right; color: #555; font-size: 13px; }}
</style>
</head>
<body>
<header><span id="counts">{counts}</span><h1>{title}</h1><p class="sub">{subtitle}</p>
<div id="legend">{legend}</div></header>
<div id="map"></div>
<script>{js}</script>
<script>
const nodes = new vis.DataSet({nodes});
const edges = new vis.DataSet({edges});
const network = new vis.Network(document.getElementById("map"), {{nodes, edges}}, {{
  physics: false,
  interaction: {{ hover: true, tooltipDelay: 120 }},
  nodes: {{ font: {{ size: 14 }}, borderWidth: 1 }},
  edges: {{ color: {{ color: "#999", highlight: "#333" }}, smooth: false }},
}});
</script>
</body>
</html>
"""
