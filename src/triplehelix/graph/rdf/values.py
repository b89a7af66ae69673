"""RDF terms as Python values, and Python values bound into SPARQL: shared by every store
backend."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

__all__ = ["Bindings", "Row", "Term", "to_python", "values_block"]

Row = dict[str, Any]
"""A SELECT row of Python values: str (IRIs and strings), int, Decimal, bool; None if unbound."""
Bindings = Mapping[str, str | int]
"""Values bound to variables (``VALUES`` after the query): IRIs (``http…``), strings, ints."""
Term = ox.NamedNode | ox.BlankNode | ox.Literal


def values_block(bindings: Bindings) -> str:
    """A ``VALUES`` row binding variables to terms; strings are escaped literals, never syntax.

    >>> values_block({"org": "https://w3id.org/triplehelix/id/org/a", "n": 2, "t": 'x" }'})
    'VALUES (?org ?n ?t) { (<https://w3id.org/triplehelix/id/org/a> 2 "x\\\\" }") }'
    """
    names = " ".join(f"?{k}" for k in bindings)
    terms = " ".join(_sparql_term(v) for v in bindings.values())
    return f"VALUES ({names}) {{ ({terms}) }}"


def _sparql_term(value: str | int) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if value.startswith(("http://", "https://")) and not any(c in value for c in '<>"{}|^`\\ \n'):
        return f"<{value}>"
    return str(ox.Literal(value))


def to_python(term: Term | None) -> Any:
    """A term as a plain Python value (IRIs and strings as str; None stays None).

    >>> to_python(ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
    3
    """
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dtype = term.datatype.value
        if dtype.endswith(("#integer", "#int", "#long")):
            return int(term.value)
        if dtype.endswith("#decimal"):
            return Decimal(term.value)
        if dtype.endswith("#boolean"):
            return term.value in ("true", "1")
        return term.value
    return term.value
