"""Running SPARQL for people and scripts: read-only checks, bound parameters, a deadline.

``run_query`` is the one entry point behind ``triplehelix query`` and the Python API:

- the text is checked before it runs (``query.check``: updates, ``SERVICE`` and ``LOAD``
  refused unless allowed; nesting and size capped);
- parameters are bound as a ``VALUES`` block (``query.bind``) whose terms are written by
  pyoxigraph, so a value can never become query syntax;
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

import re
import threading
import traceback
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import pyoxigraph as ox

from triplehelix.errors import QueryError, StoreError, UsageError
from triplehelix.graph.query.bind import bind, literal_param
from triplehelix.graph.query.check import check_text, scan, syntax_error
from triplehelix.graph.query.results import Result
from triplehelix.graph.query.saved import saved_queries

if TYPE_CHECKING:
    from triplehelix.graph.store.protocol import Store

__all__ = ["DEFAULT_TIMEOUT", "QUERY_STACK", "in_worker", "run_query", "run_text"]

DEFAULT_TIMEOUT = 60.0
"""Seconds a query may run before ``run_query`` gives up on it."""
T = TypeVar("T")

QUERY_STACK = 256 * 2**20
"""Stack of the thread that evaluates a query (reserved, used only as deep as needed):
with it, the limits above are at least three times below where Oxigraph overflows."""
_STACK_LOCK = threading.Lock()


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
