"""Running SPARQL for people and scripts: read-only checks, bound parameters, a deadline.

``run_query`` is the one entry point behind ``triplehelix query`` and the Python API:

- the text is checked before it runs: an UPDATE is refused unless ``allow_update``, a
  ``SERVICE`` clause (federation over the network) unless ``allow_service``;
- parameters are bound as a ``VALUES`` block placed at the top of the ``WHERE`` clause,
  whose terms are written by pyoxigraph (``str(NamedNode)``, ``str(Literal)``), so a value
  can never become query syntax;
- the query runs in a worker thread (pyoxigraph releases the GIL while it evaluates) and
  the caller stops waiting after ``timeout`` seconds with a ``query-timeout`` error;
- syntax errors name the line and column and show the offending line.

>>> from triplehelix.graph.store import KnowledgeGraph
>>> kg = KnowledgeGraph.seed()
>>> r = run_query(kg, "SELECT ?x WHERE { BIND(?_v AS ?x) }", {"v": "a } DROP ALL {"})
>>> r.to_records()
[{'x': 'a } DROP ALL {'}]
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from triplehelix.errors import QueryError, StoreError, UsageError
from triplehelix.graph.results import Result
from triplehelix.ontology.namespace import PREFIXES

if TYPE_CHECKING:
    from triplehelix.graph.store import KnowledgeGraph

__all__ = [
    "DEFAULT_TIMEOUT",
    "QueryText",
    "bind",
    "check_text",
    "literal_param",
    "run_query",
    "scan",
]

DEFAULT_TIMEOUT = 60.0
"""Seconds a query may run before ``run_query`` gives up on it."""

# Comments, strings and IRIs, which may contain any word without it being syntax.
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\s]*>'
    r"|#[^\n]*",
)
_KEYWORD = r"(?<![\w:?$-])({})(?![\w:-])"
_FORMS = re.compile(
    _KEYWORD.format(
        "SELECT|ASK|CONSTRUCT|DESCRIBE|INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH"
    ),
    re.IGNORECASE,
)
_SERVICE = re.compile(_KEYWORD.format("SERVICE"), re.IGNORECASE)
_WHERE = re.compile(_KEYWORD.format("WHERE") + r"\s*\{", re.IGNORECASE)
_ERROR_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class QueryText:
    """What a scan of a query's text found.

    Attributes:
        form: the query form in lower case (``select``, ``ask``, ``construct``,
            ``describe``) or the first update keyword (``insert``, ``drop``…).
        update: whether the text is a SPARQL Update.
        service: whether it uses ``SERVICE`` outside strings, IRIs and comments.
    """

    form: str
    update: bool
    service: bool


def _blank(text: str) -> str:
    """The text with comments, strings and IRIs blanked out, same length and lines."""
    return _OPAQUE.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


def scan(text: str) -> QueryText:
    """Classify a query by its form, without running it.

    >>> scan('SELECT * WHERE { ?s ?p "DROP ALL" }  # SERVICE')
    QueryText(form='select', update=False, service=False)
    >>> scan("PREFIX add: <http://e/> DELETE WHERE { ?s add:p ?o }").update
    True
    """
    bare = _blank(text)
    first = _FORMS.search(bare)
    form = first.group(1).lower() if first else ""
    update = form not in ("select", "ask", "construct", "describe", "")
    return QueryText(form, update, _SERVICE.search(bare) is not None)


def check_text(text: str, *, allow_update: bool = False, allow_service: bool = False) -> QueryText:
    """Refuse what a read-only, offline query must not do.

    Raises:
        QueryError: an UPDATE (``update-refused``) or ``SERVICE`` (``service-refused``).

    >>> check_text("ASK {}").form
    'ask'
    """
    found = scan(text)
    if found.update and not allow_update:
        raise QueryError(
            f"this is a SPARQL Update ({found.form.upper()}); queries are read-only",
            code="update-refused",
            hint="pass --allow-update (with a writable --store) if you mean to change the data",
        )
    if found.service and not allow_service:
        raise QueryError(
            "the query uses SERVICE (federation over the network), which is refused",
            code="service-refused",
            hint="pass --allow-service if you mean to query a remote endpoint",
        )
    return found


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
    where = _WHERE.search(_blank(text))
    if where is None:
        raise UsageError(
            "parameters need a query with a WHERE { … } clause", code="bad-param", hint=None
        )
    names = " ".join(f"?_{n}" for n in terms)
    values = " ".join(str(t) for t in terms.values())
    cut = where.end()
    return f"{text[:cut]} VALUES ({names}) {{ ({values}) }}{text[cut:]}"


def syntax_error(exc: SyntaxError, text: str, source: str) -> QueryError:
    """A ``query-syntax`` error naming the line and column, with the offending line.

    Oxigraph's column is the one after the character where parsing stopped; the caret goes
    under that character.

    >>> e = syntax_error(SyntaxError("error at 2:3: expected x"), "ASK\\n{ ?s", "q.rq")
    >>> e.message
    'q.rq:2:3: SPARQL syntax error: expected x'
    >>> print(e.hint)
    line 2: { ?s
             ^
    """
    raw = str(exc.msg if exc.msg else exc)
    match = _ERROR_AT.match(raw)
    if match is None:
        return QueryError(f"{source}: SPARQL syntax error: {raw}", code="query-syntax")
    line, column = int(match.group(1)), int(match.group(2))
    detail = match.group(3).split(", [")[0].split("\n")[0]
    if len(detail) > 160:
        detail = detail[:157] + "…"
    lines = text.splitlines() or [""]
    shown = lines[min(line, len(lines)) - 1]
    prefix = f"line {line}: "
    hint = f"{prefix}{shown}\n{' ' * (len(prefix) + max(column - 2, 0))}^"
    return QueryError(
        f"{source}:{line}:{column}: SPARQL syntax error: {detail}", code="query-syntax", hint=hint
    )


def _evaluate(store: ox.Store, text: str) -> Result:
    result = store.query(text, prefixes=PREFIXES)
    if isinstance(result, ox.QuerySolutions):
        return Result.from_json(result.serialize(format=ox.QueryResultsFormat.JSON) or b"")
    if isinstance(result, ox.QueryBoolean):
        return Result.from_boolean(bool(result))
    data = ox.serialize(result, format=ox.RdfFormat.N_TRIPLES) or b""
    return Result.from_ntriples(data)


def run_text(
    store: ox.Store, text: str, *, timeout: float = DEFAULT_TIMEOUT, source: str = "query"
) -> Result:
    """Evaluate a checked query in a worker thread and wait at most ``timeout`` seconds.

    Raises:
        QueryError: syntax (``query-syntax``), timeout (``query-timeout``) or failure.
    """
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["result"] = _evaluate(store, text)
        except BaseException as exc:  # handed to the caller below
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="triplehelix-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise QueryError(
            f"{source}: the query did not finish within {timeout:g} s and was abandoned",
            code="query-timeout",
            hint="make it more selective (LIMIT, fewer OPTIONALs) or raise --timeout",
        )
    error = outcome.get("error")
    if isinstance(error, SyntaxError):
        raise syntax_error(error, text, source) from error
    if isinstance(error, StoreError):  # a remote server failing: its own code and exit
        raise error
    if error is not None:
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise QueryError(f"{source}: the query failed: {first}", code="query-failed") from error
    result: Result = outcome["result"]
    return result


def run_query(
    kg: KnowledgeGraph,
    text_or_name: str,
    params: Mapping[str, str] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    allow_service: bool = False,
    source: str | None = None,
) -> Result:
    """Run a saved query (by name) or SPARQL text, read-only, with bound parameters.

    Args:
        kg: the graph to query (its default graph holds the union of all records).
        text_or_name: a saved query's name (``triplehelix query --list``) or SPARQL text.
        params: ``name → value``. For a saved query, values are resolved as its header
            says (IRI, prefixed name, id or label; integer; country code). For SPARQL
            text, a value is an IRI or prefixed name, an integer, or else a string; it
            binds the variable ``?_name``.
        timeout: seconds to wait for the answer. pyoxigraph cannot interrupt a query, so
            an abandoned one keeps its worker thread busy until it ends; the CLI exits.
        allow_service: let ``SERVICE`` reach the network.
        source: how error messages name the query (a file name, ``<stdin>``).

    Raises:
        QueryError: refused, malformed, failed or timed-out queries.
        UsageError: unknown saved query, missing or unresolvable parameters.

    >>> from triplehelix.graph.store import KnowledgeGraph
    >>> kg = KnowledgeGraph.seed()
    >>> rows = run_query(kg, "org-portfolio", {"org": "ektu"}).to_records()
    >>> len(rows) > 0
    True
    """
    from triplehelix.graph.saved import saved_queries

    params = dict(params or {})
    saved = saved_queries().get(text_or_name)
    if saved is not None:
        terms = saved.resolve(kg, params)
        text, where = saved.text, source or saved.name
    elif re.fullmatch(r"[a-z][a-z0-9-]*", text_or_name.strip()):
        raise UsageError(
            f"no saved query named {text_or_name!r}",
            code="unknown-query",
            hint="list them with: triplehelix query --list",
        )
    else:
        terms = {k: literal_param(v) for k, v in params.items()}
        text, where = text_or_name, source or "query"
    check_text(text, allow_service=allow_service)
    return run_text(kg.store, bind(text, terms), timeout=timeout, source=where)
