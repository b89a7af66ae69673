"""Graph formats: the NetworkX views written for the tools people open them in.

One module per format; this registry is the one list of them (the CLI's ``--format``
choices come from it). A writer module is imported when its format is used, so listing the
formats costs nothing.

Every writer streams (one node or edge at a time) and is safe for what it writes to: the
XML writers replace what XML 1.0 cannot hold, the spreadsheet-bound ones neutralise
formulas (``escape_formulas``).

>>> sorted(GRAPH_FORMATS)
['csv', 'gexf', 'graphml', 'json', 'neo4j-csv', 'vosviewer']
>>> GRAPH_FORMATS["graphml"].stream_writer().__name__
'write_graphml'
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["GRAPH_FORMATS", "GraphFormat"]


@dataclass(frozen=True, slots=True)
class GraphFormat:
    """A graph format and where its writers are.

    Attributes:
        name: the ``--format`` name.
        module: the module (in this package) holding the writers.
        stream: the function writing to a text stream (stdout or one file), if any.
        folder: the function writing several files into a folder, if any.
        spreadsheet: its text cells are opened by spreadsheets (formulas neutralised).
    """

    name: str
    module: str
    stream: str | None
    folder: str | None = None
    spreadsheet: bool = False

    def _load(self, function: str | None) -> Callable[..., Any] | None:
        if function is None:
            return None
        module = importlib.import_module(f"{__name__}.{self.module}")
        writer: Callable[..., Any] = getattr(module, function)
        return writer

    def stream_writer(self) -> Callable[..., Any] | None:
        """``writer(graph, out[, escape_formulas=…])``, or None for a folder-only format."""
        return self._load(self.stream)

    def folder_writer(self) -> Callable[..., Any] | None:
        """``writer(graph, folder, escape_formulas=…) -> [paths]``, or None."""
        return self._load(self.folder)


GRAPH_FORMATS: dict[str, GraphFormat] = {
    f.name: f
    for f in (
        GraphFormat("graphml", "graphml", "write_graphml"),
        GraphFormat("gexf", "gexf", "write_gexf"),
        GraphFormat("json", "node_link", "write_node_link"),
        GraphFormat("csv", "tables", "write_csv_single", "write_csv", spreadsheet=True),
        GraphFormat("vosviewer", "vosviewer", None, "write_vosviewer", spreadsheet=True),
        GraphFormat("neo4j-csv", "neo4j", None, "write_neo4j", spreadsheet=True),
    )
}
"""Every graph format by its ``--format`` name."""
