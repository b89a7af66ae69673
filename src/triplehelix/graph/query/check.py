"""Checking SPARQL before it runs: what it is, and what a read-only, offline query refuses.

The decision is made on the query's tokens (``tokens``: the SPARQL 1.1 grammar's
terminals), never on a regular expression over the text: an UPDATE is refused unless
allowed, ``SERVICE`` (federation over the network) and ``LOAD`` unless allowed, and a
text nested deeper than ``MAX_DEPTH`` brackets or longer than ``MAX_TOKENS`` tokens
(which would overflow Oxigraph's stack and kill the process) is refused. Syntax errors
name the line and column and show the offending line.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from triplehelix.errors import QueryError, UsageError
from triplehelix.graph.query.tokens import TokenError, tokenize

__all__ = ["MAX_DEPTH", "MAX_TOKENS", "QueryText", "check_text", "scan", "syntax_error"]

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
