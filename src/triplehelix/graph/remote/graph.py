"""Reading the triplehelix graph on a SPARQL 1.1 server: SELECT and ASK, checked and paged.

``SparqlReader`` is the read side of ``RemoteStore`` (``graph.store.remote``) and what
push and pull (``graph.remote.write``) use to see what the server holds. The server keeps
the layout of the embedded store: one named graph per source record plus ``meta``,
``ontology`` and ``vocab``, and the default graph holding the set union of them all
(``graph.remote.write`` writes it that way).

Large SELECTs are checked and, where needed, paged: the first request asks for
``page_size + 1`` rows; if more come back, the rows are counted (``COUNT(*)``, one row) and
the whole answer is asked for; if it is short of the count (a server cap on result rows,
like Virtuoso's ``ResultSetMaxRows``), the query is read again as ``ORDER BY`` every
projected variable with ``LIMIT``/``OFFSET`` pages, which cannot be cut as long as
``page_size`` is below the cap.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Self

import pyoxigraph as ox

from triplehelix.errors import QueryError, StoreError
from triplehelix.graph.rdf.values import Bindings, Row, Term, to_python, values_block
from triplehelix.graph.remote.client import Endpoints, SparqlClient
from triplehelix.graph.remote.sparql_json import bad_response
from triplehelix.graph.store.retract import STAGING
from triplehelix.ontology.namespace import PREFIXES

__all__ = [
    "COUNT",
    "PROLOGUE",
    "STAGING",
    "RemoteSolutions",
    "SparqlReader",
    "check_iri",
    "terms_of",
]

SYSTEM_GRAPHS = ("http://www.openlinksw.com/", "http://www.w3.org/ns/ldp#", "http://localhost:")
"""Virtuoso's own graphs: never listed as the project's."""
PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
_PROLOGUE_RE = re.compile(
    r"\A(?:\s+|#[^\n]*\n|PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s+<[^>]*>)*", re.IGNORECASE
)
_FORM_RE = re.compile(r"\A\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_STRINGS = re.compile(  # IRIs, strings and comments: where a keyword is not a keyword
    r"<[^<>\s]*>"
    r'|"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r"|#[^\n]*"
)
_MODIFIERS = re.compile(r"\b(LIMIT|OFFSET|ORDER\s+BY)\b", re.IGNORECASE)
_BAD_IRI = re.compile(r'[<>"{}|^`\\\s]')
Need = Mapping[str, str]
"""What variables every row must bind (``SparqlClient.query_json``)."""
COUNT: Need = {"n": "integer"}


class RemoteSolutions:
    """A SELECT answer of a server as typed terms (``graph.store.protocol.Solutions``)."""

    def __init__(self, names: list[str], rows: list[dict[str, Any]], where: str) -> None:
        self.variables = names
        self.json_rows = rows
        self.rows = [terms_of(r, names, where) for r in rows]  # bad terms are caught here

    def __iter__(self) -> Iterator[dict[str, Term | None]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def to_json(self) -> bytes:
        """The answer as SPARQL 1.1 Query Results JSON (as the server sent it, all pages)."""
        doc = {"head": {"vars": self.variables}, "results": {"bindings": self.json_rows}}
        return json.dumps(doc).encode("utf-8")


class SparqlReader:
    """Reads the triplehelix graph on a SPARQL 1.1 server: SELECTs checked and paged.

    Args:
        client: the HTTP client (endpoints, credentials, timeouts, retries).
        page_size: rows per page of a large SELECT.
        progress: called with the rows read so far after each page of a paged read.
        check_cap: before the first SELECT, ask the server for ``page_size + 1`` generated
            rows; a server that cuts that answer caps results below a page, and the page is
            shrunk to fit under its cap (one small request per ``SparqlReader``).

    >>> SparqlReader.connect("http://127.0.0.1:7878").client.endpoints.query
    'http://127.0.0.1:7878/query'
    """

    def __init__(
        self,
        client: SparqlClient,
        *,
        page_size: int = 5000,
        progress: Callable[[int], None] | None = None,
        check_cap: bool = True,
    ) -> None:
        if page_size < 1:
            raise ValueError("page_size must be positive")
        self.client, self.page_size, self.progress = client, page_size, progress
        self._cap_checked = not check_cap

    @classmethod
    def connect(cls, url: str, **options: Any) -> Self:
        """A reader on ``url`` (Oxigraph layout for a bare ``http://host:port``)."""
        page_size = options.pop("page_size", 5000)
        return cls(SparqlClient(Endpoints.of(url), **options), page_size=page_size)

    @property
    def location(self) -> str:
        """The query endpoint URL."""
        return self.client.endpoints.query

    # -- reading ------------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        bindings: Bindings | None = None,
        *,
        need: Need | None = None,
        rows: int = 0,
    ) -> RemoteSolutions | bool:
        """A SELECT's solutions (pyoxigraph terms) or an ASK's answer.

        ``need`` and ``rows`` say what the answer must hold (``SparqlClient.query_json``).

        Raises:
            QueryError: CONSTRUCT/DESCRIBE (not supported remotely) or a refused query.
            HttpError: the answer is not of the expected shape (``bad-response``).
        """
        values = _values_block(bindings)
        head, body = _split_prologue(sparql)
        form = _FORM_RE.match(body)
        kind = form.group(1).upper() if form else ""
        if kind == "ASK":
            answer = self.client.query_json(f"{PROLOGUE}{sparql}\n{values}", ask=True)
            return bool(answer["boolean"])
        if kind != "SELECT":
            raise QueryError(
                "only SELECT and ASK queries run on a remote store",
                code="remote-query-form",
                hint="write CONSTRUCT results as a SELECT of ?s ?p ?o",
            )
        names, got = self._paged(head, body, values, need, rows)
        return RemoteSolutions(names, got, self.location)

    def select(
        self,
        sparql: str,
        bindings: Bindings | None = None,
        *,
        need: Need | None = None,
        rows: int = 0,
    ) -> list[Row]:
        """SELECT rows as dicts of Python values (as ``LocalStore.select`` gives)."""
        result = self.query(sparql, bindings, need=need, rows=rows)
        if not isinstance(result, RemoteSolutions):
            raise QueryError("select() needs a SELECT query", code="not-select")
        names = result.variables
        try:
            return [{n: to_python(row[n]) for n in names} for row in result]
        except (ValueError, ArithmeticError) as exc:
            raise bad_response(self.location, "literals of their datatype", str(exc)) from exc

    def ask(self, sparql: str, bindings: Bindings | None = None) -> bool:
        """Answer of an ASK query."""
        return bool(self.query(sparql, bindings))

    def count_of(self, cls: str) -> int:
        """Number of distinct instances of a class (prefixed name or IRI)."""
        term = f"<{check_iri(cls)}>" if "://" in cls else cls
        text = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a {term} }}"
        return int(self.select(text, need=COUNT, rows=1)[0]["n"])

    def graph_sizes(self) -> dict[str, int]:
        """Triples in each named graph (half-written staging graphs left out).

        Read a page of graphs at a time in the order of their IRIs, each page starting after
        the last IRI of the one before: no ``OFFSET``, which Virtuoso refuses past its
        ``MaxSortedTopRows`` (10,000), so that a server of more graphs can be listed. More
        than one page is checked against the server's count of graphs.

        Raises:
            StoreError: the pages came back short of the count (``truncated-result``).
        """
        self._check_cap()
        sizes: dict[str, int] = {}
        after, pages = "", 0
        while True:
            _, rows = self._page(
                "",
                "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                f"FILTER(STR(?g) > {ox.Literal(after)}) }} GROUP BY ?g ORDER BY STR(?g) "
                f"LIMIT {self.page_size}",
                {"g": "uri", "n": "integer"},
            )
            sizes.update((r["g"]["value"], int(r["n"]["value"])) for r in rows)
            pages += 1
            if len(rows) < self.page_size:
                break
            after = max(r["g"]["value"] for r in rows)
            if self.progress is not None:
                self.progress(len(sizes))
        if pages > 1:
            counted = self._page(
                "", "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", COUNT, 1
            )
            total = int(counted[1][0]["n"]["value"])
            if total != len(sizes):
                raise StoreError(
                    f"{len(sizes)} of the server's {total} graphs came back",
                    code="truncated-result",
                    hint="the server orders IRIs unlike SPARQL's STR comparison; report it",
                )
        union = self.client.union_graph
        return {
            g: n
            for g, n in sizes.items()
            if not g.startswith((STAGING, *SYSTEM_GRAPHS)) and g != union
        }

    def same_graphs(self, graphs: list[tuple[str, list[bytes]]]) -> set[str]:
        """The names of ``graphs`` (N-Triples lines without blank nodes, each graph of the
        size it has on the server) whose every triple the server's graph holds: one query.

        Literals are matched by their text, language and datatype rather than as terms in
        ``VALUES`` (Virtuoso matches language-tagged literals there only one at a time); a
        server that rewrites a literal's text makes its graph look changed, so it is
        rewritten: never the other way round.
        """
        if not graphs:
            return set()
        rows = []
        for name, lines in graphs:
            for t in ox.parse(b"\n".join(lines), ox.RdfFormat.N_TRIPLES):
                o = t.object
                obj = (
                    f"{ox.Literal(o.value)} {ox.Literal(o.language or '')} <{o.datatype.value}>"
                    if isinstance(o, ox.Literal)
                    else f"{o} UNDEF UNDEF"
                )
                rows.append(f"(<{check_iri(name)}> {t.subject} {t.predicate} {obj})")
        text = (
            "SELECT ?g (COUNT(*) AS ?n) WHERE {\nVALUES (?g ?s ?p ?text ?lang ?type) {\n"
            + "\n".join(rows)
            + "\n}\nGRAPH ?g { ?s ?p ?o }\n"
            "FILTER(IF(BOUND(?lang), ISLITERAL(?o) && STR(?o) = ?text && LANG(?o) = ?lang "
            '&& (?lang != "" || DATATYPE(?o) = ?type), sameTerm(?o, ?text))) } GROUP BY ?g'
        )
        found = {r["g"]: int(r["n"]) for r in self.select(text, need={"g": "uri", **COUNT})}
        return {name for name, lines in graphs if found.get(name) == len(lines)}

    def graph_names(self) -> list[str]:
        """Every named graph holding triples, sorted (staging graphs left out)."""
        return sorted(self.graph_sizes())

    def __len__(self) -> int:
        """Quads in the named graphs and the default graph, as ``len(KnowledgeGraph)``."""
        if self.client.union_graph is not None:
            default = self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", need=COUNT, rows=1)
            return sum(self.graph_sizes().values()) + int(default[0]["n"])
        rows = self.select(
            "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION "
            "{ GRAPH ?g { ?s ?p ?o } FILTER(!STRSTARTS(STR(?g), STR(<" + STAGING + ">))) } }",
            need=COUNT,
            rows=1,
        )
        return int(rows[0]["n"])

    # -- paging -------------------------------------------------------------------------------

    def _paged(
        self, head: str, body: str, values: str, need: Need | None = None, least: int = 0
    ) -> tuple[list[str], list[Row]]:
        """Every row of a SELECT, read in ordered pages when it has more than one page.

        Solution modifiers are appended to the query itself when it has none of its own
        (servers plan that best); otherwise the query becomes a subquery.
        """
        self._check_cap()
        direct = _appendable(body)

        def text(modifiers: str, projection: str = "*") -> str:
            if direct:
                return f"{body}\n{modifiers}\n{values}"
            return f"SELECT {projection} WHERE {{ {body}\n{values}\n}} {modifiers}"

        names, rows = self._page(head, text(f"LIMIT {self.page_size + 1}"), need, least)
        names = _projection(body) or names  # `SELECT *` outside may reorder the columns
        if len(rows) <= self.page_size:
            return names, rows
        # More than a page: count the rows (one aggregate row, never capped), then try the
        # whole answer at once; only a short answer (a capping server) is read in pages.
        counted = f"SELECT (COUNT(*) AS ?rows) WHERE {{ {body}\n{values}\n}}"
        total = int(self._page(head, counted, {"rows": "integer"}, 1)[1][0]["rows"]["value"])
        _, rows = self._page(head, text(""), need)
        if len(rows) == total:
            if self.progress is not None:
                self.progress(total)
            return names, rows
        order = " ".join(f"?{n}" for n in names)
        rows = []
        while True:
            modifiers = f"ORDER BY {order} LIMIT {self.page_size} OFFSET {len(rows)}"
            _, got = self._page(head, text(modifiers, order), need)
            rows.extend(got)
            if self.progress is not None:
                self.progress(len(rows))
            if len(got) < self.page_size:
                return names, rows

    def _check_cap(self) -> None:
        """Shrink the page below the server's row cap if that is smaller (asked once)."""
        if self._cap_checked:
            return
        self._cap_checked = True
        want = self.page_size + 1
        digits = len(str(want - 1)) if want > 1 else 1  # 10 ** digits >= want
        rows = " ".join(f"VALUES ?_d{i} {{ 0 1 2 3 4 5 6 7 8 9 }}" for i in range(digits))
        _, got = self._page("", f"SELECT ?_d0 WHERE {{ {rows} }} LIMIT {want}")
        if 2 <= len(got) < want:  # (fewer than 2: a server that says nothing either way)
            self.page_size = len(got) - 1

    def _page(
        self, head: str, text: str, need: Need | None = None, least: int = 0
    ) -> tuple[list[str], list[dict[str, Any]]]:
        """One request's names and rows (checked by the client: ``need``, ``least`` rows)."""
        data = self.client.query_json(PROLOGUE + head + text, need=need, rows=least)
        names = list(data.get("head", {}).get("vars", []))
        rows = data["results"]["bindings"]
        for row in rows:  # Virtuoso's legacy spelling of a typed literal
            for term in row.values():
                if term.get("type") == "typed-literal":
                    term["type"] = "literal"
        return names, rows


def check_iri(iri: str) -> str:
    """``iri`` if it can go between ``<…>`` in SPARQL, else a QueryError.

    >>> check_iri("https://example.org/g1")
    'https://example.org/g1'
    """
    if not iri or ":" not in iri or _BAD_IRI.search(iri):
        raise QueryError(f"not an IRI: {iri!r}", code="bad-iri", hint="give a full IRI")
    return iri


def _values_block(bindings: Bindings | None) -> str:
    return values_block(bindings) if bindings else ""


def _appendable(body: str) -> bool:
    """Whether LIMIT/ORDER BY can simply follow the query (it has no modifiers of its own
    and does not end in a VALUES block).

    >>> _appendable("SELECT ?s WHERE { ?s ?p ?o } GROUP BY ?s")
    True
    >>> _appendable("SELECT ?s WHERE { ?s ?p ?o } LIMIT 5")
    False
    >>> _appendable('SELECT ?s WHERE { ?s <http://x#limit> "LIMIT 5" }  # LIMIT')
    True
    """
    code = _STRINGS.sub('""', body)
    if _MODIFIERS.search(code):
        return False
    return not re.search(r"\}\s*VALUES\b[^{}]*\{[^{}]*\}\s*$", code, re.IGNORECASE)


def _projection(body: str) -> list[str]:
    """The variables a SELECT projects, in order (empty for ``SELECT *``).

    >>> _projection("SELECT DISTINCT ?a (COUNT(DISTINCT ?s) AS ?n) ?b WHERE { ?s ?p ?a }")
    ['a', 'n', 'b']
    """
    clause = re.match(r"\s*SELECT\s+(.*?)(?:\bWHERE\b|\{)", body, re.IGNORECASE | re.DOTALL)
    if clause is None:
        return []
    names, depth, after_as = [], 0, False
    for token in re.findall(r"\(|\)|[?$][A-Za-z0-9_]+|\bAS\b|[^\s()]+", clause.group(1), re.I):
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        elif token[0] in "?$" and (depth == 0 or after_as):
            names.append(token[1:])
        after_as = token.upper() == "AS"
    return names


def _split_prologue(text: str) -> tuple[str, str]:
    """(PREFIX/BASE declarations, the rest) of a query."""
    match = _PROLOGUE_RE.match(text)
    end = match.end() if match else 0
    return text[:end], text[end:]


def terms_of(row: Mapping[str, Any], names: list[str], url: str) -> dict[str, Term | None]:
    """A SPARQL JSON row as pyoxigraph terms.

    Raises:
        HttpError: a term is not valid (an IRI that is none, a bad language tag).
    """
    try:
        return {n: _term(row.get(n)) for n in names}
    except ValueError as exc:
        raise bad_response(url, "valid RDF terms", str(exc)) from exc


def _term(value: Mapping[str, str] | None) -> Term | None:
    """A SPARQL JSON term as a pyoxigraph term (``typed-literal`` is Virtuoso's spelling)."""
    if value is None:
        return None
    kind, text = value.get("type"), value.get("value", "")
    if kind == "uri":
        return ox.NamedNode(text)
    if kind == "bnode":
        return ox.BlankNode(re.sub(r"[^A-Za-z0-9_]", "_", text) or None)
    if "xml:lang" in value:
        return ox.Literal(text, language=value["xml:lang"])
    datatype = value.get("datatype")
    return ox.Literal(text, datatype=ox.NamedNode(datatype)) if datatype else ox.Literal(text)
