"""Answers from a SPARQL server checked for their shape before anyone reads them.

A server that answers valid JSON of the wrong shape (``[]``, ``{"head": 1}``, bindings
that are not a list, a count that is not a number, a row without the variable asked for)
or N-Triples that do not parse gets one clear error naming its URL and what was expected
(``bad-response``, exit 5), never an ``AttributeError`` deep in a caller.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from triplehelix.graph.remote.http_guard import HttpError

__all__ = ["KINDS", "bad_response", "check_results", "ntriples"]

TERM_TYPES = frozenset({"uri", "literal", "typed-literal", "bnode"})
KINDS = {  # what a result variable ``need``s to be bound to
    "term": TERM_TYPES,
    "node": frozenset({"uri", "bnode"}),
    "uri": frozenset({"uri"}),
    "integer": frozenset({"literal", "typed-literal"}),
}
_INTEGER = re.compile(r"[+-]?[0-9]+")


def check_results(
    data: Any,
    url: str,
    *,
    ask: bool = False,
    need: Mapping[str, str] | None = None,
    rows: int = 0,
) -> dict[str, Any]:
    """``data`` if it has the shape of SPARQL JSON results, else an HttpError
    (``bad-response``) naming ``url`` and what was expected.

    Args:
        data: the parsed JSON answer.
        url: where it came from.
        ask: an ASK answer (``boolean``) is expected, not ``results``.
        need: variables every row must bind, with what: ``term``, ``node`` (IRI or blank
            node), ``uri`` or ``integer`` (a literal of integer digits).
        rows: the fewest rows expected (1 for an aggregate without GROUP BY).

    >>> check_results({"head": {}, "boolean": True}, "http://h/q", ask=True)["boolean"]
    True
    >>> try:
    ...     check_results({"head": 1}, "http://h/q")
    ... except HttpError as exc:
    ...     print(exc.code, exc.message)
    bad-response http://h/q: expected "head": {"vars": [names]}, found "head": a number
    """
    if not isinstance(data, dict):
        raise bad_response(url, "SPARQL JSON results (an object)", _kind(data))
    head = data.get("head", {})
    names = head.get("vars", []) if isinstance(head, dict) else None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise bad_response(url, '"head": {"vars": [names]}', f'"head": {_kind(head)}')
    if ask:
        if not isinstance(data.get("boolean"), bool):
            raise bad_response(url, 'an ASK answer, "boolean": true or false', "none")
        return data
    results = data.get("results")
    bindings = results.get("bindings") if isinstance(results, dict) else None
    if not isinstance(bindings, list):
        found = f'"results": {_kind(results)}' if isinstance(results, dict) else _kind(results)
        raise bad_response(url, '"results": {"bindings": [rows]}', found)
    for number, row in enumerate(bindings, 1):
        _check_row(row, number, url, need or {})
    if len(bindings) < rows:
        raise bad_response(url, f"at least {rows} row(s)", f"{len(bindings)}")
    return data


def _check_row(row: Any, number: int, url: str, need: Mapping[str, str]) -> None:
    if not isinstance(row, dict):
        raise bad_response(url, f"row {number} as an object", _kind(row))
    for name, term in row.items():
        if not (
            isinstance(term, dict)
            and term.get("type") in TERM_TYPES
            and isinstance(term.get("value"), str)
            and all(isinstance(term.get(k, ""), str) for k in ("xml:lang", "datatype"))
        ):
            raise bad_response(url, f"row {number}, ?{name}: an RDF term", _kind(term))
    for name, kind in need.items():
        term = row.get(name)
        if term is None or term["type"] not in KINDS[kind]:
            found = "nothing" if term is None else f"a {term['type']}"
            raise bad_response(url, f"row {number}, ?{name}: a {kind}", found)
        if kind == "integer" and not _INTEGER.fullmatch(term["value"]):
            raise bad_response(url, f"row {number}, ?{name}: an integer", repr(term["value"][:40]))


def bad_response(url: str, expected: str, found: str) -> HttpError:
    """The error for an answer of the wrong shape."""
    return HttpError(
        f"{_where(url)}: expected {expected}, found {found}",
        200,
        code="bad-response",
        hint="is this a SPARQL 1.1 endpoint? (Oxigraph: http://host:port)",
    )


def _kind(value: Any) -> str:
    """A short description of a JSON value for messages."""
    if isinstance(value, dict):
        return "an object with " + (", ".join(f'"{k}"' for k in list(value)[:4]) or "no keys")
    names = {list: "a list", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def ntriples(data: bytes, url: str) -> list[ox.Triple]:
    """The triples of an N-Triples answer from ``url``.

    Raises:
        HttpError: the answer is not N-Triples (``bad-response``).
    """
    try:
        return [q.triple for q in ox.parse(data, ox.RdfFormat.N_TRIPLES)]
    except (SyntaxError, ValueError) as exc:
        raise bad_response(url, "N-Triples", f"a syntax error ({exc})") from exc


def _where(url: str) -> str:
    """A URL without its query string (which may hold a graph IRI or a whole query)."""
    return url.split("?", 1)[0]
