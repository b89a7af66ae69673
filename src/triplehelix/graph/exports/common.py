"""What every graph-format writer shares: attribute types, edges, XML-safe and
spreadsheet-safe values.

Attributes keep the views' names in every format (``label``, ``short``, ``kind``,
``helix``, ``spheres``, ``country``, ``start``, ``end``, ``bipartite`` on nodes; ``weight``,
``projects``, ``helix_pair``, ``roles``, ``years``, ``n_sources``, ``predicate`` on edges).
An attribute whose known values are all integers is typed as an integer; an unknown value
(the views' ``""``) is then left out in GraphML and GEXF, and empty in CSV.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import networkx as nx

from triplehelix.safe_text import spreadsheet_cell, xml_text

__all__ = [
    "attribute_types",
    "cells",
    "columns",
    "edge_attrs",
    "edges",
    "xml_attr",
    "xml_text_node",
]


def attribute_types(items: Iterable[dict[str, Any]]) -> dict[str, str]:
    """``int``, ``float`` or ``str`` for each attribute, from its known (non-"") values.

    >>> attribute_types([{"a": 1, "b": ""}, {"a": "", "b": "x"}, {"c": 0.5}])
    {'a': 'int', 'b': 'str', 'c': 'float'}
    """
    seen: dict[str, set[str]] = {}
    for attrs in items:
        for key, value in attrs.items():
            kinds = seen.setdefault(key, set())
            if value != "":
                kinds.add(_kind(value))
    out = {}
    for key, kinds in seen.items():
        if kinds and kinds <= {"int"}:
            out[key] = "int"
        elif kinds and kinds <= {"int", "float"}:
            out[key] = "float"
        else:
            out[key] = "str"
    return out


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "str"
    if isinstance(value, int):
        return "int"
    return "float" if isinstance(value, float) else "str"


def edges(graph: nx.Graph) -> Iterator[tuple[Any, Any, Any, dict[str, Any]]]:
    """(source, target, key or None, attributes) of every edge."""
    if graph.is_multigraph():
        for u, v, k, d in graph.edges(keys=True, data=True):
            yield u, v, k, d
    else:
        for u, v, d in graph.edges(data=True):
            yield u, v, None, d


def edge_attrs(graph: nx.Graph) -> Iterator[dict[str, Any]]:
    """The attributes of every edge."""
    return (d for _, _, _, d in edges(graph))


def xml_text_node(value: Any) -> str:
    """Element text that is well-formed XML whatever the value holds (``\\r`` kept)."""
    return escape(xml_text(str(value)), {"\r": "&#13;"})


def xml_attr(value: Any) -> str:
    """A quoted attribute value that is well-formed XML whatever the value holds."""
    return quoteattr(xml_text(str(value)))


def _same(value: Any) -> Any:
    return value


def cells(escape_formulas: bool) -> Callable[[Any], Any]:
    """The function every spreadsheet-bound cell goes through."""
    return spreadsheet_cell if escape_formulas else _same


def columns(items: Iterable[dict[str, Any]]) -> list[str]:
    """The attribute names of some nodes or edges, in first-seen order."""
    return list(attribute_types(items))
