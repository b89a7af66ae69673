"""A small SPARQL 1.1 Protocol, Update and Graph Store Protocol client (on urllib).

What servers do in the wild decides the details (docs/remote.md, "Scaling out"):

- queries go as a form POST (``query=…``), never as a raw ``application/sparql-query``
  body, which makes Virtuoso hang; results are asked for explicitly as SPARQL JSON
  (``Accept`` and Virtuoso's ``format``/``returnFormat`` parameters);
- every request has a deadline for the whole of it (connecting, the whole answer, the
  retries: ``graph.http_guard``); connection errors and 5xx answers are retried with
  exponential backoff within it, 4xx answers never (the request itself is wrong);
- every answer is read up to a size cap (``max_response``; SPARQL JSON results, several
  times their size once parsed, up to a quarter of it), and SPARQL JSON results are checked
  for their shape before anyone reads them;
- a redirect is followed within the same scheme, host and port only;
- credentials are used for Basic and Digest challenges alike (Virtuoso is Digest only) and
  never appear in messages or logs;
- any 2xx is success (Virtuoso answers 200 where the spec says 201/204).
"""

from __future__ import annotations

import http.client
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from triplehelix.errors import QueryError, UsageError
from triplehelix.graph.remote.http_guard import (
    CrossOriginRedirectError,
    Deadline,
    DeadlineRequest,
    HttpError,
    ResponseTooLargeError,
    handlers,
    read_capped,
)
from triplehelix.graph.remote.sparql_json import bad_response, check_results

__all__ = ["Endpoints", "HttpError", "SparqlClient", "graph_by_variable"]

JSON_RESULTS = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
MAX_RESPONSE = 1 << 30
"""Default cap on one answer's bytes (1 GiB; SPARQL JSON results: a quarter of the cap)."""
MAX_RESPONSE_ENV = "TRIPLEHELIX_MAX_RESPONSE_MB"
TIMEOUT = 60.0
"""Default deadline of one request, retries included (seconds)."""


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Where a server answers queries, updates and Graph Store Protocol requests.

    >>> Endpoints.of("http://127.0.0.1:7878").gsp
    'http://127.0.0.1:7878/store'
    >>> Endpoints.of("http://h:8890/sparql").update
    'http://h:8890/sparql'
    """

    query: str
    update: str
    gsp: str | None

    @classmethod
    def of(cls, url: str, update: str | None = None, gsp: str | None = None) -> Endpoints:
        """Endpoints from a server URL: a bare ``http://host:port`` is Oxigraph's layout
        (``/query``, ``/update``, ``/store``); a URL with a path is the query endpoint,
        also used for updates, with GSP only where ``gsp`` names it.

        Raises:
            UsageError: the URL is not http(s).
        """
        parts = urllib.parse.urlsplit(url)
        if parts.username is not None or parts.password is not None:
            raise UsageError(  # the URL is not repeated: it holds a secret
                "the endpoint URL holds credentials, which would end up in shell history",
                code="credentials-in-url",
                hint="use --user and --password-env VAR (or the prompt) instead",
            )
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(
                f"{url!r}: not an http(s) endpoint URL",
                code="bad-endpoint",
                hint="e.g. --endpoint http://127.0.0.1:7878",
            )
        root = url.rstrip("/")
        if parts.path in ("", "/"):
            return cls(f"{root}/query", update or f"{root}/update", gsp or f"{root}/store")
        return cls(url, update or url, gsp)


@dataclass
class SparqlClient:
    """Requests to one server, with timeouts, retries and optional credentials.

    Args:
        endpoints: the server's endpoints.
        user, password: credentials (Basic or Digest, as the server asks).
        timeout: the deadline of one request in seconds: connecting, sending, the whole
            answer, and every retry with its backoff.
        retries: further attempts after a connection error or a 5xx answer (within the
            deadline).
        backoff: seconds before the first retry, doubled each time.
        max_response: the largest answer read, in bytes (SPARQL JSON results: a quarter).
        union_graph: where the union of the named graphs is kept instead of the server's
            default graph, and which queries name as their default graph
            (``default-graph-uri``). For servers whose default graph is something else
            already: Virtuoso's is a bag of all graphs, its own included.
    """

    endpoints: Endpoints
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = TIMEOUT
    retries: int = 3
    backoff: float = 0.5
    max_response: int = MAX_RESPONSE
    union_graph: str | None = None
    on_request: Callable[[str, str], None] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        auth: list[urllib.request.BaseHandler] = []
        if self.user is not None:
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in (self.endpoints.query, self.endpoints.update, self.endpoints.gsp):
                if url:
                    manager.add_password(None, url, self.user, self.password or "")
            auth += [_DigestAuth(manager), _BasicAuth(manager)]
        self._opener = urllib.request.build_opener(*auth, *handlers())

    # -- the SPARQL 1.1 Protocol --------------------------------------------------------------

    def query_json(
        self,
        sparql: str,
        *,
        ask: bool = False,
        need: Mapping[str, str] | None = None,
        rows: int = 0,
    ) -> dict[str, Any]:
        """SPARQL JSON results of a SELECT or ASK (form POST, JSON asked for explicitly),
        checked for their shape (see :func:`check_results`: ``ask``, ``need``, ``rows``).

        Raises:
            QueryError: the server refused the query (4xx).
            HttpError: the server is unreachable or failing (after the retries), or its
                answer is not SPARQL JSON results of the expected shape (``bad-response``).
        """
        form = self._form(sparql) | {"format": "json", "returnFormat": "json"}
        url = self.endpoints.query
        try:
            body = self.request(
                "POST", url, form=form, accept=JSON_RESULTS, limit=self.max_response // 4
            )
        except HttpError as exc:
            if 400 <= exc.status < 500 and exc.status not in (401, 403):
                raise QueryError(f"the server refused the query: {exc.message}") from exc
            raise
        try:
            data = json.loads(body)
        except (ValueError, RecursionError) as exc:
            raise bad_response(url, "SPARQL JSON results", "text that is not JSON") from exc
        return check_results(data, url, ask=ask, need=need, rows=rows)

    def query_triples(self, sparql: str) -> bytes:
        """N-Triples answer of a CONSTRUCT or DESCRIBE (form POST)."""
        return self.request("POST", self.endpoints.query, form=self._form(sparql), accept=N_TRIPLES)

    def _form(self, sparql: str) -> dict[str, str]:
        if self.union_graph is None:
            return {"query": sparql}
        # With a default-graph-uri, Virtuoso matches `GRAPH <iri> { ... }` against nothing
        # (while `GRAPH ?g` still sees every graph): name the graph through a variable.
        return {"query": graph_by_variable(sparql), "default-graph-uri": self.union_graph}

    def update(self, text: str) -> None:
        """Run SPARQL Update text (a direct ``application/sparql-update`` body)."""
        self.request(
            "POST", self.endpoints.update, body=text.encode(), content="application/sparql-update"
        )

    # -- the Graph Store HTTP Protocol --------------------------------------------------------

    def gsp(self, method: str, graph: str | None, data: bytes | None = None) -> bytes:
        """One GSP request on a named graph (or the default graph when ``graph`` is None).

        Raises:
            UsageError: the server has no GSP endpoint configured.
        """
        if self.endpoints.gsp is None:
            raise UsageError("no Graph Store endpoint", code="no-gsp")
        query = urllib.parse.urlencode({"graph": graph} if graph else {"default": ""})
        url = f"{self.endpoints.gsp}?{query}"
        content = N_TRIPLES if data is not None else None
        accept = N_TRIPLES if method == "GET" else None  # Virtuoso: 406 on a write with it
        return self.request(method, url, body=data, content=content, accept=accept)

    # -- transport ----------------------------------------------------------------------------

    def request(
        self,
        method: str,
        url: str,
        *,
        form: dict[str, str] | None = None,
        body: bytes | None = None,
        content: str | None = None,
        accept: str | None = None,
        limit: int | None = None,
    ) -> bytes:
        """Send one request, retrying connection errors and 5xx answers within the
        deadline (``timeout``); the body of a 2xx, at most ``limit`` bytes (default
        ``max_response``).

        Raises:
            HttpError: a 4xx answer (at once), the last failure after the retries, the
                deadline passed (``endpoint-timeout``), an answer over the cap
                (``response-too-large``) or a redirect off the server
                (``cross-origin-redirect``).
        """
        if form is not None:
            body = urllib.parse.urlencode(form).encode()
            content = "application/x-www-form-urlencoded"
        headers = {k: v for k, v in (("Content-Type", content), ("Accept", accept)) if v}
        cap = self.max_response if limit is None else limit
        delay = self.backoff
        with Deadline(self.timeout) as deadline:
            tries = max(self.retries, 0) + 1
            for attempt in range(tries):
                if self.on_request is not None:
                    self.on_request(method, url)
                req = DeadlineRequest(url, deadline, data=body, method=method, headers=headers)
                try:
                    return self._attempt(req, cap, deadline)
                except HttpError as failure:
                    if failure.status == 0 and deadline.expired:
                        raise self._late(method, url) from failure
                    if 0 < failure.status < 500 or attempt == tries - 1:
                        raise
                    if deadline.left() <= delay:  # no time for another try
                        raise
                time.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")  # pragma: no cover

    def _attempt(self, req: DeadlineRequest, cap: int, deadline: Deadline) -> bytes:
        """One try of a request: its body, or an HttpError (status 0: no whole answer)."""
        method, url = req.get_method(), req.full_url
        try:
            with self._opener.open(req, timeout=max(deadline.left(), 0.001)) as answer:
                data = read_capped(answer, cap)
        except urllib.error.HTTPError as exc:
            raise _http_failure(exc, method, url) from exc
        except ResponseTooLargeError as exc:
            raise self._too_large(method, url, cap, exc.size) from exc
        except CrossOriginRedirectError as exc:
            raise HttpError(
                f"{method} {_where(url)}: the server redirects (HTTP {exc.status}) to another "
                f"host, {_where(exc.target)}: not followed",
                exc.status,
                code="cross-origin-redirect",
                hint="give the URL the server redirects to as --endpoint, if you trust it",
            ) from exc
        except (TimeoutError, urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", exc)
            raise HttpError(
                f"{method} {_where(url)}: no answer ({reason})",
                0,
                hint="is the server running and reachable? re-run to finish: "
                "graphs already written are kept",
            ) from exc
        if deadline.expired:  # the timer cut the answer short: what came is not all of it
            raise HttpError(f"{method} {_where(url)}: answer cut at the deadline", 0)
        return data

    def _too_large(self, method: str, url: str, cap: int, size: int) -> HttpError:
        limit = f"the --max-response-mb cap of {_mib(self.max_response)} MiB"
        if cap < self.max_response:
            limit = f"{_mib(cap)} MiB, the cap on SPARQL JSON results (a quarter of {limit})"
        return HttpError(
            f"{method} {_where(url)}: the answer is larger than {limit}: at least {size:,} bytes",
            200,
            code="response-too-large",
            hint=f"raise the cap with --max-response-mb MB (or {MAX_RESPONSE_ENV}), if the "
            "answer is expected to be that large",
        )

    def _late(self, method: str, url: str) -> HttpError:
        return HttpError(
            f"{method} {_where(url)}: no whole answer within {self.timeout:g} s "
            f"(the deadline of one request: connecting, the whole answer and up to "
            f"{self.retries} retries)",
            0,
            code="endpoint-timeout",
            hint="give the server more time with --timeout SECONDS",
        )


class _ClosingAuth:
    """Closes the 401 answer an auth handler replaced by a retry (urllib leaves it open)."""

    def http_error_401(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
        try:
            result = super().http_error_401(req, fp, code, msg, headers)  # type: ignore[misc]
        except BaseException:
            fp.close()
            raise
        if result is not None:
            fp.close()
        return result


class _DigestAuth(_ClosingAuth, urllib.request.HTTPDigestAuthHandler):
    pass


class _BasicAuth(_ClosingAuth, urllib.request.HTTPBasicAuthHandler):
    pass


_GRAPH_IRI = re.compile(
    r"(?P<keep><[^<>\s]*>"  # IRIs, strings and comments are kept as they are
    r'|"""[\s\S]*?"""'
    r"|'''[\s\S]*?'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|#[^\n]*)"
    r"|\bGRAPH\s*<(?P<iri>[^<>\s]*)>\s*\{",
    re.IGNORECASE,
)


def graph_by_variable(sparql: str) -> str:
    """``GRAPH <iri> {`` rewritten as ``GRAPH ?_thgN { VALUES ?_thgN { <iri> }`` (same answers).

    >>> graph_by_variable('SELECT * { GRAPH <urn:g> { ?s ?p "GRAPH <urn:x> {" } }')
    'SELECT * { GRAPH ?_thg1 { VALUES ?_thg1 { <urn:g> } ?s ?p "GRAPH <urn:x> {" } }'
    """
    count = 0

    def swap(match: re.Match[str]) -> str:
        nonlocal count
        if match.group("keep") is not None:
            return match.group(0)
        count += 1
        return f"GRAPH ?_thg{count} {{ VALUES ?_thg{count} {{ <{match.group('iri')}> }}"

    return _GRAPH_IRI.sub(swap, sparql)


def _http_failure(exc: urllib.error.HTTPError, method: str, url: str) -> HttpError:
    try:
        detail = exc.read(500).decode("utf-8", "replace").strip().splitlines()
    finally:
        exc.close()
    text = f"{method} {_where(url)}: HTTP {exc.code}"
    if detail:
        text += f": {detail[0][:300]}"
    hint = None
    if exc.code in (401, 403):
        hint = "check --user and the variable named by --password-env"
    elif exc.code >= 500:
        hint = "the server failed; re-run to finish (graphs already written are kept)"
    return HttpError(text, exc.code, hint=hint)


def _mib(size: int) -> str:
    return f"{size / 2**20:g}"


def _where(url: str) -> str:
    """A URL without its query string (which may hold a graph IRI or a whole query)."""
    return url.split("?", 1)[0]
