"""Query results as Python values and in the standard result formats.

A ``Result`` is what a query answered: rows (SELECT), a boolean (ASK) or triples
(CONSTRUCT, DESCRIBE). The W3C formats are written by Oxigraph itself (SPARQL 1.1
Results JSON, CSV, TSV; Turtle, N-Triples, JSON-LD); the rest (``jsonl``, ``markdown``,
an aligned text table) are written here from the same terms. The two formats for people
(``table``, ``markdown``) show control characters as ``\\xNN`` escapes, so a label cannot
drive the terminal; the machine formats keep every value exact.

>>> r = Result.from_json(b'{"head":{"vars":["n"]},"results":{"bindings":'
...                      b'[{"n":{"type":"literal","value":"3",'
...                      b'"datatype":"http://www.w3.org/2001/XMLSchema#integer"}}]}}')
>>> r.columns, r.rows
(['n'], [(3,)])
>>> r.to_csv()
'n\\r\\n3\\r\\n'
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

from triplehelix.ontology.namespace import PREFIXES
from triplehelix.safe_text import visible

__all__ = ["RESULT_FORMATS", "Result", "compact"]

XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger")}
_INTEGERS |= {XSD + t for t in ("positiveInteger", "gYear")}
RESULT_FORMATS = {
    "select": ("table", "csv", "tsv", "json", "jsonl", "markdown"),
    "graph": ("ttl", "nt", "jsonld"),
}
"""Output formats by result kind (ASK answers also come as ``json``, ``csv``, ``tsv``)."""
_GRAPH_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}
Term = dict[str, str]


def compact(iri: str) -> str:
    """An IRI as a prefixed name when a project prefix covers it.

    >>> compact("https://w3id.org/triplehelix/ontology#Project")
    'th:Project'
    >>> compact("https://example.org/x")
    'https://example.org/x'
    """
    best = ""
    for prefix, ns in PREFIXES.items():
        local = iri[len(ns) :]
        if iri.startswith(ns) and len(ns) > len(best) and re.fullmatch(r"[\w./-]+", local):
            best, name = ns, f"{prefix}:{local}"
    return name if best else iri


def term_value(term: Term | None) -> Any:
    """A results-JSON term as a Python value: int, Decimal, float, bool or str.

    >>> term_value({"type": "literal", "value": "2.50",
    ...             "datatype": "http://www.w3.org/2001/XMLSchema#decimal"})
    Decimal('2.50')
    >>> term_value({"type": "bnode", "value": "b0"})
    '_:b0'
    """
    if term is None:
        return None
    value, kind = term["value"], term["type"]
    if kind == "bnode":
        return f"_:{value}"
    dtype = term.get("datatype", "")
    try:
        if dtype in _INTEGERS:
            return int(value)
        if dtype == XSD + "decimal":
            return Decimal(value)
        if dtype in (XSD + "double", XSD + "float"):
            return float(value)
    except (ValueError, InvalidOperation):
        return value
    if dtype == XSD + "boolean":
        return value in ("true", "1")
    return value


def _cell(term: Term | None) -> str:
    """A term as readable text (prefixed IRIs, language tags dropped)."""
    if term is None:
        return ""
    if term["type"] == "uri":
        return compact(term["value"])
    return str(term_value(term))


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


@dataclass(slots=True)
class Result:
    """A query's answer.

    Attributes:
        kind: ``select``, ``ask`` or ``graph`` (CONSTRUCT/DESCRIBE).
        columns: the projected variables (SELECT).
        terms: each row's bindings as SPARQL Results JSON terms (None if unbound).
        boolean: the answer of an ASK query.
        ntriples: the triples of a graph result, as N-Triples.
    """

    kind: str
    columns: list[str] = field(default_factory=list)
    terms: list[list[Term | None]] = field(default_factory=list)
    boolean: bool | None = None
    ntriples: bytes = b""
    _json: bytes = b""

    @classmethod
    def from_json(cls, data: bytes) -> Result:
        """A SELECT result from SPARQL 1.1 Results JSON."""
        doc = json.loads(data)
        columns = list(doc["head"].get("vars", []))
        rows = [[b.get(c) for c in columns] for b in doc["results"]["bindings"]]
        return cls("select", columns, rows, _json=data)

    @classmethod
    def from_boolean(cls, value: bool) -> Result:
        """An ASK result."""
        return cls("ask", boolean=value)

    @classmethod
    def from_ntriples(cls, data: bytes) -> Result:
        """A CONSTRUCT/DESCRIBE result."""
        return cls("graph", ntriples=data)

    @property
    def rows(self) -> list[tuple[Any, ...]]:
        """Each row as a tuple of Python values, in column order."""
        return [tuple(term_value(t) for t in row) for row in self.terms]

    def __len__(self) -> int:
        if self.kind == "graph":
            return self.ntriples.count(b"\n")
        return len(self.terms) if self.kind == "select" else 1

    def to_records(self) -> list[dict[str, Any]]:
        """Rows as dicts ``column → Python value`` (None when unbound)."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]

    def _solutions(self) -> ox.QuerySolutions | ox.QueryBoolean:
        fmt = ox.QueryResultsFormat.JSON
        if self.kind == "ask":
            data = json.dumps({"head": {}, "boolean": self.boolean}).encode()
            return ox.parse_query_results(data, format=fmt)
        return ox.parse_query_results(self._json, format=fmt)

    def _w3c(self, fmt: ox.QueryResultsFormat) -> str:
        if self.kind == "graph":
            raise ValueError("a graph result has no SPARQL results form; use to_rdf()")
        return (self._solutions().serialize(format=fmt) or b"").decode("utf-8")

    def to_json(self) -> str:
        """W3C SPARQL 1.1 Query Results JSON (SELECT and ASK)."""
        return self._w3c(ox.QueryResultsFormat.JSON)

    def to_csv(self) -> str:
        """W3C SPARQL 1.1 Query Results CSV (CRLF line ends, plain values)."""
        return self._w3c(ox.QueryResultsFormat.CSV)

    def to_tsv(self) -> str:
        """W3C SPARQL 1.1 Query Results TSV (terms in Turtle syntax)."""
        return self._w3c(ox.QueryResultsFormat.TSV)

    def to_jsonl(self) -> str:
        """One JSON object per row; decimals as JSON numbers, unbound as null."""
        return "".join(
            json.dumps({k: _json_value(v) for k, v in r.items()}, ensure_ascii=False) + "\n"
            for r in self.to_records()
        )

    def to_markdown(self) -> str:
        """A GitHub-flavoured Markdown table (``|`` escaped, newlines as spaces, other
        control characters as ``\\xNN``)."""

        def esc(text: str) -> str:
            text = text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
            return visible(text)

        lines = ["| " + " | ".join(esc(c) for c in self.columns) + " |"]
        lines.append("|" + "|".join("---" for _ in self.columns) + "|")
        lines.extend("| " + " | ".join(esc(_cell(t)) for t in row) + " |" for row in self.terms)
        return "\n".join(lines) + "\n"

    def to_table(self, width: int = 40) -> str:
        """An aligned text table; cells longer than ``width`` end in ``…``; newlines show
        as spaces, other control characters as ``\\xNN``."""
        cells = [[visible(_cell(t).replace("\n", " ")) for t in row] for row in self.terms]
        cells = [[c if len(c) <= width else c[: width - 1] + "…" for c in row] for row in cells]
        widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(self.columns)]
        head = "  ".join(c.ljust(w) for c, w in zip(self.columns, widths, strict=True))
        rule = "  ".join("─" * w for w in widths)
        body = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
        n = len(cells)
        foot = f"({n} row{'s' if n != 1 else ''})"
        return "\n".join(line.rstrip() for line in [head, rule, *body, foot]) + "\n"

    def to_rdf(self, fmt: str = "ttl") -> str:
        """A graph result as ``ttl``, ``nt`` or ``jsonld`` with the project prefixes."""
        if self.kind != "graph":
            raise ValueError("only CONSTRUCT and DESCRIBE results are graphs")
        triples = ox.parse(self.ntriples, format=ox.RdfFormat.N_TRIPLES)
        prefixes = PREFIXES if fmt != "nt" else None
        data = ox.serialize(triples, format=_GRAPH_FORMATS[fmt], prefixes=prefixes)
        return (data or b"").decode("utf-8")

    def render(self, fmt: str) -> str:
        """The result in a CLI format name (see ``RESULT_FORMATS``)."""
        if self.kind == "graph":
            return self.to_rdf(fmt)
        if self.kind == "ask" and fmt in ("table", "markdown", "jsonl"):
            return "true\n" if self.boolean else "false\n"
        writers = {
            "table": self.to_table,
            "csv": self.to_csv,
            "tsv": self.to_tsv,
            "json": self.to_json,
            "jsonl": self.to_jsonl,
            "markdown": self.to_markdown,
        }
        text: str = writers[fmt]()
        return text if text.endswith("\n") or not text else text + "\n"
