"""Partnership maps: the data a map shows, its layout, and one self-contained HTML page.

``build.map_page`` makes a page; ``data`` reads what tooltips and panels show, ``view``
selects the nodes, ``layout`` places them, ``page`` renders the HTML with ``map.js``.
This module holds only what the command line needs before drawing (no heavy imports).
"""

from __future__ import annotations

__all__ = ["MAX_NODES", "WHAT"]

MAX_NODES = 5000
"""Largest map drawn unless asked (``--max-nodes``)."""
WHAT = {
    "coparticipation": "who works with whom",
    "bipartite": "who took part in what",
    "full": "everything linked",
}
"""The views a map can draw, and what each shows."""
