"""Running SPARQL for people and scripts: read-only checks, bound parameters, a deadline.

``run_query`` is the one entry point behind ``triplehelix query`` and the Python API:

- the text is checked before it runs, on its tokens (``sparql_tokens``), never on a regular
  expression over the text: an UPDATE is refused unless ``allow_update``, ``SERVICE``
  (federation over the network) and ``LOAD`` unless ``allow_service``, and a text nested
  deeper than ``MAX_DEPTH`` brackets or longer than ``MAX_TOKENS`` tokens (which would
  overflow Oxigraph's stack and kill the process) is refused;
- parameters are bound as a ``VALUES`` block placed at the top of the ``WHERE`` clause,
  whose terms are written by pyoxigraph (``str(NamedNode)``, ``str(Literal)``), so a value
  can never become query syntax;
- the query runs in a worker thread with a deep stack (pyoxigraph releases the GIL while it
  evaluates) and the caller stops waiting after ``timeout`` seconds with a ``query-timeout`` error;
- syntax errors name the line and column and show the offending line.

>>> from triplehelix.graph.store.local import KnowledgeGraph
>>> kg = KnowledgeGraph.seed()
>>> r = run_query(kg, "SELECT ?x WHERE { BIND(?_v AS ?x) }", {"v": "a } DROP ALL {"})
>>> r.to_records()
[{'x': 'a } DROP ALL {'}]
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import pyoxigraph as ox

from triplehelix.errors import QueryError, StoreError, UsageError
from triplehelix.graph.query.results import Result
from triplehelix.graph.query.tokens import TokenError, tokenize
from triplehelix.ontology.namespace import PREFIXES

if TYPE_CHECKING:
    from triplehelix.graph.store.protocol import Store

__all__ = [
    "DEFAULT_TIMEOUT",
    "MAX_DEPTH",
    "MAX_TOKENS",
    "QueryText",
    "bind",
    "check_text",
    "in_worker",
    "literal_param",
    "run_query",
    "scan",
]

DEFAULT_TIMEOUT = 60.0
"""Seconds a query may run before ``run_query`` gives up on it."""
T = TypeVar("T")

_ERROR_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_FORMS = ("select", "ask", "construct", "describe")
_UPDATES = ("insert", "delete", "load", "clear", "drop", "create", "add", "move", "copy", "with")
_OPEN, _CLOSE = "{([", "})]"

MAX_DEPTH = 200
"""Deepest nesting of ``{}``, ``()`` and ``[]`` a query may have (env
``TRIPLEHELIX_QUERY_MAX_DEPTH``): Oxigraph's parser recurses per level and a few thousand
levels overflow its stack, killing the process."""
MAX_TOKENS = 30_000
"""Most tokens a query may have (env ``TRIPLEHELIX_QUERY_MAX_TOKENS``): long flat chains
(``1+1+…``, a collection of many items, many BINDs) nest as deeply inside Oxigraph."""
QUERY_STACK = 256 * 2**20
"""Stack of the thread that evaluates a query (reserved, used only as deep as needed):
with it, the limits above are at least three times below where Oxigraph overflows."""
_STACK_LOCK = threading.Lock()


@dataclass(frozen=True, slots=True)
class QueryText:
    """What a scan of a query's tokens found.

    Attributes:
        form: the query form in lower case (``select``, ``ask``, ``construct``,
            ``describe``) or the first update keyword (``insert``, ``drop``…).
        update: whether the text is a SPARQL Update (has any update keyword).
        service: whether it uses ``SERVICE`` (as a keyword, not in a string, IRI, name or
            comment).
        load: whether it has a ``LOAD`` (an update that fetches a document by its IRI).
        depth: the deepest nesting of ``{}``, ``()`` and ``[]``.
        tokens: how many tokens it has.
    """

    form: str
    update: bool
    service: bool
    load: bool = field(default=False, compare=False, repr=False)
    depth: int = field(default=0, compare=False, repr=False)
    tokens: int = field(default=0, compare=False, repr=False)


def scan(text: str, source: str = "query") -> QueryText:
    """Classify a query by its tokens (``sparql_tokens``), without running it.

    A word that merely starts like ``SERVICE`` or an update keyword (``SERVICE_x``,
    ``LOAD1``) counts as one: such words are never valid SPARQL anyway.

    Raises:
        QueryError: the text is not made of SPARQL tokens (``query-syntax``).

    >>> scan('SELECT * WHERE { ?s ?p "DROP ALL" }  # SERVICE')
    QueryText(form='select', update=False, service=False)
    >>> scan("PREFIX add: <http://e/> DELETE WHERE { ?s add:p ?o }").update
    True
    >>> scan(r"SELECT * { BIND(id:a\\# AS ?x) SERVICE <http://e/> {} }").service
    True
    """
    form, update, service, load = "", False, False, False
    depth = deepest = count = 0
    try:
        for token in tokenize(text):
            count += 1
            if token.kind == "punct" and token.text in _OPEN:
                depth += 1
                deepest = max(deepest, depth)
            elif token.kind == "punct" and token.text in _CLOSE:
                depth -= 1
            elif token.kind == "word":
                word = token.text.lower()
                keyword = next((k for k in (*_FORMS, *_UPDATES) if word.startswith(k)), "")
                form = form or (keyword if keyword == word else "")
                update = update or keyword in _UPDATES
                load = load or word.startswith("load")
                service = service or word.startswith("service")
    except TokenError as exc:
        raise _token_error(exc, text, source) from exc
    return QueryText(form, update, service, load, deepest, count)


def _token_error(exc: TokenError, text: str, source: str) -> QueryError:
    """A ``query-syntax`` error at the place no SPARQL token starts, with a caret under it.

    >>> print(_token_error(TokenError(10, '"x'), 'ASK {\\n ?s "x', "q.rq").hint)
    line 2:  ?s "x
                ^
    """
    line = text.count("\n", 0, exc.offset) + 1
    start = text.rfind("\n", 0, exc.offset) + 1
    column = exc.offset - start + 1
    shown = text[start:].split("\n", 1)[0]
    prefix = f"line {line}: "
    return QueryError(
        f"{source}:{line}:{column}: SPARQL syntax error: {exc}",
        code="query-syntax",
        hint=f"{prefix}{shown}\n{' ' * (len(prefix) + column - 1)}^",
    )


def _limit(name: str, default: int) -> int:
    """A limit from the environment variable ``name``, else ``default``.

    Raises:
        UsageError: the variable is set to something other than a positive integer.
    """
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise UsageError(f"{name}={raw!r}: expected a positive integer", code="bad-limit")
    return int(raw)


def check_text(
    text: str, *, allow_update: bool = False, allow_service: bool = False, source: str = "query"
) -> QueryText:
    """Refuse what a read-only, offline query must not do, and what would crash Oxigraph.

    Raises:
        QueryError: text that is not SPARQL tokens (``query-syntax``), nested too deep
            (``query-too-deep``) or too long (``query-too-large``), an UPDATE
            (``update-refused``), ``SERVICE`` or ``LOAD`` (``service-refused``).

    >>> check_text("ASK {}").form
    'ask'
    """
    found = scan(text, source)
    _check_size(found, source)
    if found.update and not allow_update:
        raise QueryError(
            f"{source}: this is a SPARQL Update ({found.form.upper() or 'UPDATE'}); queries are "
            "read-only",
            code="update-refused",
            hint="pass --allow-update (with a writable --store) if you mean to change the data",
        )
    if (found.service or found.load) and not allow_service:
        what = "SERVICE (federation" if found.service else "LOAD (it fetches a document"
        raise QueryError(
            f"{source}: the query uses {what} over the network), which is refused",
            code="service-refused",
            hint="pass --allow-service if you mean to reach the network",
        )
    return found


def _check_size(found: QueryText, source: str) -> None:
    depth = _limit("TRIPLEHELIX_QUERY_MAX_DEPTH", MAX_DEPTH)
    if found.depth > depth:
        raise QueryError(
            f"{source}: the query nests {found.depth} levels of brackets; at most {depth} "
            "are allowed",
            code="query-too-deep",
            hint="flatten it, or raise the limit with TRIPLEHELIX_QUERY_MAX_DEPTH=N",
        )
    tokens = _limit("TRIPLEHELIX_QUERY_MAX_TOKENS", MAX_TOKENS)
    if found.tokens > tokens:
        raise QueryError(
            f"{source}: the query has {found.tokens} tokens; at most {tokens} are allowed",
            code="query-too-large",
            hint="split it (e.g. a smaller VALUES block per query), or raise the limit with "
            "TRIPLEHELIX_QUERY_MAX_TOKENS=N",
        )


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


def _evaluate(store: Store, text: str) -> Result:
    """The answer of any query form, through the ``Store`` protocol (local or remote)."""
    form = scan(text).form
    if form == "ask":
        return Result.from_boolean(store.ask(text))
    if form in ("construct", "describe"):
        return Result.from_ntriples(
            ox.serialize(store.construct(text), format=ox.RdfFormat.N_TRIPLES) or b""
        )
    return Result.from_json(store.solutions(text).to_json())


def run_text(
    store: Store, text: str, *, timeout: float = DEFAULT_TIMEOUT, source: str = "query"
) -> Result:
    """Evaluate a checked query in a worker thread and wait at most ``timeout`` seconds.

    Raises:
        QueryError: syntax (``query-syntax``), timeout (``query-timeout``) or failure.
    """
    try:
        return in_worker(lambda: _evaluate(store, text), timeout=timeout, source=source)
    except (QueryError, StoreError) as exc:  # a remote server failing keeps its code and exit
        cause = exc.__cause__
        if isinstance(cause, SyntaxError):  # the local store's parser: line and column
            raise syntax_error(cause, text, source) from cause
        if isinstance(exc, QueryError) and isinstance(cause, OSError | RuntimeError):
            raise _failed(cause, source) from cause
        raise
    except SyntaxError as exc:
        raise syntax_error(exc, text, source) from exc
    except Exception as exc:
        raise _failed(exc, source) from exc


def _failed(exc: BaseException, source: str) -> QueryError:
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return QueryError(f"{source}: the query failed: {first}", code="query-failed")


def in_worker(work: Callable[[], T], *, timeout: float | None, source: str = "query") -> T:
    """``work()`` in a thread with a deep stack (``QUERY_STACK``), waiting ``timeout`` s.

    pyoxigraph releases the GIL while it evaluates, so the caller can stop waiting; it
    cannot interrupt a query, so an abandoned one keeps its thread busy until it ends.
    The worker's exception is raised here with its frames' variables already cleared in
    the worker: pyoxigraph's results may only be dropped by the thread that made them.

    Raises:
        QueryError: ``query-timeout``; otherwise whatever ``work`` raised.
    """
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["result"] = work()
        except BaseException as exc:  # handed to the caller below
            _clear_frames(exc)
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="triplehelix-query", daemon=True)
    with _STACK_LOCK:
        previous = threading.stack_size(QUERY_STACK)
        try:
            worker.start()
        finally:
            threading.stack_size(previous)
    worker.join(timeout)
    if worker.is_alive():
        raise QueryError(
            f"{source}: the query did not finish within {timeout:g} s and was abandoned",
            code="query-timeout",
            hint="make it more selective (LIMIT, fewer OPTIONALs) or raise --timeout",
        )
    error = outcome.get("error")
    if error is not None:
        raise error
    result: T = outcome["result"]
    return result


def _clear_frames(exc: BaseException) -> None:
    """Drop the local variables of every frame the exception (and its causes) holds."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        traceback.clear_frames(current.__traceback__)
        current = current.__cause__ or current.__context__


def run_query(
    kg: Store,
    text_or_name: str,
    params: Mapping[str, str] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    allow_service: bool = False,
    source: str | None = None,
) -> Result:
    """Run a saved query (by name) or SPARQL text, read-only, with bound parameters.

    Args:
        kg: the store to query, local or remote (its default graph holds the union of
            all records).
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

    >>> from triplehelix.graph.store.local import KnowledgeGraph
    >>> kg = KnowledgeGraph.seed()
    >>> rows = run_query(kg, "org-portfolio", {"org": "ektu"}).to_records()
    >>> len(rows) > 0
    True
    """
    from triplehelix.graph.query.saved import saved_queries

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
    check_text(text, allow_service=allow_service, source=where)
    return run_text(kg, bind(text, terms), timeout=timeout, source=where)
