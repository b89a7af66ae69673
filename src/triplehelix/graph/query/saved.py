"""Saved queries: ``graph/query/queries/*.rq`` files with a header naming their parameters.

A saved query starts with comment lines::

    # name: partners-of
    # description: Organisations that share a project with an organisation.
    # param: org (iri th:Organization, required): the organisation

A parameter ``org`` is the variable ``?_org`` in the query. Types: ``iri`` (optionally
with the class its value must have), ``integer``, ``string`` and ``country`` (ISO
3166 alpha-2 or alpha-3, or the EU country IRI). An ``iri`` value may be an IRI, a
prefixed name (``th:…``, ``id:…``) or an id or label that matches exactly one node:
the last segment of its IRI, a label, an acronym or an identifier (any case), or else
a part of one label. Optional
parameters left out stay unbound; the queries test them with ``!BOUND(?_x) || …``.

>>> q = saved_queries()["partners-of"]
>>> [p.name for p in q.params]
['org']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

import pyoxigraph as ox

from triplehelix.errors import UsageError
from triplehelix.graph.query.bind import bind
from triplehelix.ontology.namespace import EU_COUNTRY, PREFIXES

if TYPE_CHECKING:
    from triplehelix.graph.store.protocol import SolutionRow, Store

__all__ = ["Param", "SavedQuery", "saved_queries"]

_PARAM = re.compile(
    r"#\s*param:\s*(?P<name>[A-Za-z]\w*)\s*\((?P<type>iri|integer|string|country)"
    r"(?:\s+(?P<cls>[\w.-]+:[\w.-]+))?,\s*(?P<need>required|optional)\):\s*(?P<doc>.+)"
)
_XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")

LOOKUP = """
SELECT ?s (SAMPLE(?l) AS ?label) WHERE {
  ?s a ?_cls .
  OPTIONAL { ?s skos:prefLabel|skos:altLabel|dcterms:identifier|dcterms:title ?name }
  FILTER(LCASE(STR(?name)) = LCASE(?_value)
         || (ISIRI(?s) && LCASE(REPLACE(STR(?s), "^.*[/#]", "")) = LCASE(?_value)))
  OPTIONAL { ?s skos:prefLabel|dcterms:title ?l FILTER(LANG(?l) IN ("en", "")) }
} GROUP BY ?s ORDER BY ?s LIMIT 20
"""
LOOKUP_PART = """
SELECT ?s (SAMPLE(?l) AS ?label) WHERE {
  ?s a ?_cls ; skos:prefLabel|skos:altLabel|dcterms:title ?name .
  FILTER(CONTAINS(LCASE(STR(?name)), LCASE(?_value)))
  OPTIONAL { ?s skos:prefLabel|dcterms:title ?l FILTER(LANG(?l) IN ("en", "")) }
} GROUP BY ?s ORDER BY ?s LIMIT 20
"""


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter of a saved query."""

    name: str
    type: str
    cls: str | None
    required: bool
    doc: str

    def describe(self) -> str:
        """``org (iri th:Organization, required): …`` as in the header.

        >>> Param("org", "iri", None, True, "who").describe()
        'org (iri, required): who'
        """
        kind = f"{self.type} {self.cls}" if self.cls else self.type
        return f"{self.name} ({kind}, {'required' if self.required else 'optional'}): {self.doc}"


@dataclass(frozen=True, slots=True)
class SavedQuery:
    """A saved query: its name, description, parameters and SPARQL text."""

    name: str
    description: str
    params: tuple[Param, ...]
    text: str

    @classmethod
    def parse(cls, name: str, text: str) -> SavedQuery:
        """Read the header of a ``.rq`` file.

        Raises:
            ValueError: the header lacks a description or has a malformed ``# param:`` line.
        """
        description = ""
        params = []
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            if line.startswith("# description:"):
                description = line.split(":", 1)[1].strip()
            elif line.startswith("# param:"):
                match = _PARAM.fullmatch(line.strip())
                if match is None:
                    raise ValueError(f"{name}.rq: malformed parameter line: {line}")
                params.append(
                    Param(
                        match["name"],
                        match["type"],
                        match["cls"],
                        match["need"] == "required",
                        match["doc"].strip(),
                    )
                )
        if not description:
            raise ValueError(f"{name}.rq: no '# description:' line")
        return cls(name, description, tuple(params), text)

    def resolve(self, kg: Store, values: dict[str, str]) -> dict[str, ox.NamedNode | ox.Literal]:
        """Check and resolve parameter values to RDF terms.

        Raises:
            UsageError: an unknown or missing parameter, or a value that does not resolve.
        """
        known = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise UsageError(
                f"{self.name}: no parameter {', '.join(unknown)}",
                code="unknown-param",
                hint=f"its parameters: {', '.join(known) or 'none'}",
            )
        missing = [p.name for p in self.params if p.required and p.name not in values]
        if missing:
            raise UsageError(
                f"{self.name}: missing required parameter {', '.join(missing)}",
                code="missing-param",
                hint="; ".join(known[m].describe() for m in missing),
            )
        return {n: _resolve(kg, self.name, known[n], v) for n, v in values.items()}


@cache
def saved_queries() -> dict[str, SavedQuery]:
    """Every saved query shipped with triplehelix, by name."""
    folder = resources.files("triplehelix.graph.query") / "queries"
    found = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            name = entry.name.removesuffix(".rq")
            found[name] = SavedQuery.parse(name, entry.read_text(encoding="utf-8"))
    return found


def _bad(query: str, param: Param, value: str, why: str, hint: str) -> UsageError:
    return UsageError(f"{query}: {param.name}={value!r}: {why}", code="bad-param", hint=hint)


def _resolve(kg: Store, query: str, param: Param, value: str) -> ox.NamedNode | ox.Literal:
    if param.type == "integer":
        if not re.fullmatch(r"-?\d{1,18}", value.strip()):
            raise _bad(query, param, value, "expected an integer", param.describe())
        return ox.Literal(value.strip(), datatype=_XSD_INTEGER)
    if param.type == "string":
        return ox.Literal(value)
    if param.type == "country":
        return _country(query, param, value)
    return _node(kg, query, param, value)


def _country(query: str, param: Param, value: str) -> ox.NamedNode:
    from triplehelix.data.types import alpha3

    code = value.strip().upper().rsplit("/", 1)[-1].removeprefix("COUNTRY:")
    try:
        code3 = alpha3(code) if len(code) == 2 else code
    except KeyError:
        code3 = ""
    if not re.fullmatch(r"[A-Z]{3}", code3):
        raise _bad(query, param, value, "not a country", "give an ISO code such as KZ or KAZ")
    return ox.NamedNode(f"{EU_COUNTRY}{code3}")


def _iri(text: str) -> ox.NamedNode | None:
    """The IRI an IRI or a prefixed name stands for, else None."""
    if re.fullmatch(r"https?://\S+", text):
        try:
            return ox.NamedNode(text)
        except ValueError:
            return None
    prefix, colon, local = text.partition(":")
    if colon and prefix in PREFIXES and re.fullmatch(r"[\w.\-/]+", local):
        return ox.NamedNode(PREFIXES[prefix] + local)
    return None


def _node(kg: Store, query: str, param: Param, value: str) -> ox.NamedNode:

    iri = _iri(value.strip())
    if iri is not None:
        return iri
    cls = _iri(param.cls) if param.cls else None
    terms: dict[str, ox.NamedNode | ox.Literal] = {"value": ox.Literal(value.strip())}
    if cls is not None:
        terms["cls"] = cls
    found: list[SolutionRow] = []
    for lookup in (LOOKUP, LOOKUP_PART):  # exact first, then part of a label
        found = list(kg.solutions(bind(lookup, terms)))
        if found:
            break
    kind = f"a {param.cls}" if param.cls else "a node"
    if not found:
        raise _bad(
            query,
            param,
            value,
            f"no {kind} has this id or label",
            "give an IRI, a prefixed name (id:org/…), an acronym, a label or an id",
        )
    if len(found) > 1:
        names = "; ".join(
            f"{_text(row['s'])} ({_text(row['label']) if row['label'] else '-'})" for row in found
        )
        raise UsageError(
            f"{query}: {param.name}={value!r} matches {len(found)} nodes: {names}",
            code="ambiguous-param",
            hint="give one of the IRIs instead",
        )
    node = found[0]["s"]
    assert isinstance(node, ox.NamedNode)
    return node


def _text(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
    return "" if term is None else term.value
