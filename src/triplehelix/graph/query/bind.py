"""Binding parameters: values become SPARQL terms written by pyoxigraph, never query text.

A parameter ``name`` binds the variable ``?_name`` through a ``VALUES`` block placed at the
top of the ``WHERE`` clause (found on the query's tokens).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Mapping

import pyoxigraph as ox

from triplehelix.errors import UsageError
from triplehelix.graph.query.tokens import TokenError, tokenize
from triplehelix.ontology.namespace import PREFIXES

__all__ = ["bind", "literal_param"]


def literal_param(value: str) -> ox.NamedNode | ox.Literal:
    """The term of an untyped parameter value: an IRI, a prefixed name, an integer or text.

    >>> literal_param("th:Project").value
    'https://w3id.org/triplehelix/ontology#Project'
    >>> str(literal_param("42"))
    '"42"^^<http://www.w3.org/2001/XMLSchema#integer>'
    >>> str(literal_param('a" } DROP ALL'))
    '"a\\\\" } DROP ALL"'
    """
    if re.fullmatch(r"https?://\S+", value):
        try:
            return ox.NamedNode(value)
        except ValueError:
            return ox.Literal(value)
    prefix, colon, local = value.partition(":")
    if colon and prefix in PREFIXES and re.fullmatch(r"[\w.\-/]*", local):
        return ox.NamedNode(PREFIXES[prefix] + local)
    if re.fullmatch(r"-?\d{1,18}", value):
        return ox.Literal(value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    return ox.Literal(value)


def bind(text: str, terms: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """The query with ``VALUES (?_name …) {(term …)}`` at the top of its ``WHERE`` clause.

    Parameter ``name`` binds the variable ``?_name``. The block goes on the same line, so
    line numbers in error messages stay those of the original text.

    Raises:
        UsageError: there is no ``WHERE {`` to bind into.

    >>> bind("SELECT ?x WHERE { ?x ?p ?_o }", {"o": ox.Literal("} DROP")})
    'SELECT ?x WHERE { VALUES (?_o) { ("} DROP") } ?x ?p ?_o }'
    """
    if not terms:
        return text
    for name in terms:
        if not re.fullmatch(r"[A-Za-z][\w]*", name):
            raise UsageError(
                f"parameter name {name!r} is not a SPARQL variable name",
                code="bad-param",
                hint="use letters, digits and _ (the query variable is ?_NAME)",
            )
    cut = _where_body(text)
    if cut is None:
        raise UsageError(
            "parameters need a query with a WHERE { … } clause", code="bad-param", hint=None
        )
    names = " ".join(f"?_{n}" for n in terms)
    values = " ".join(str(t) for t in terms.values())
    return f"{text[:cut]} VALUES ({names}) {{ ({values}) }}{text[cut:]}"


def _where_body(text: str) -> int | None:
    """Where the first ``WHERE {`` group starts its body (after the brace), if any."""
    previous = None
    with contextlib.suppress(TokenError):
        for token in tokenize(text):
            if token.text == "{" and previous is not None and previous.text.upper() == "WHERE":
                return token.offset + 1
            previous = token
    return None
