"""JSON-LD export with the triplehelix ``@context``, written graph by graph.

The context (``ontology/context.jsonld``, shipped with the package and published with the
ontology) declares the project's prefixes, so the output reads ``th:agent`` and
``id:org/ektu-kz`` instead of full IRIs, and any JSON-LD processor expands it back to the
same quads. It is embedded in each export, so the file works offline. Each named graph
(a source record: provenance) is one ``{"@id": graph, "@graph": [...]}`` object; graphs
are written one at a time, so memory holds one graph, never the whole export.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import cache
from importlib.resources import files
from typing import IO, Any

import pyoxigraph as ox

from triplehelix.ontology.namespace import RDF_TYPE

__all__ = ["context", "write_jsonld"]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@cache
def context() -> dict[str, str]:
    """The bundled ``@context``: prefix → namespace.

    >>> context()["th"]
    'https://w3id.org/triplehelix/ontology#'
    """
    text = files("triplehelix.ontology").joinpath("context.jsonld").read_text(encoding="utf-8")
    value: dict[str, str] = json.loads(text)["@context"]
    return value


@cache
def _by_length() -> list[tuple[str, str]]:
    return sorted(((ns, p) for p, ns in context().items()), key=lambda x: -len(x[0]))


def compact(iri: str) -> str:
    """A prefixed form of an IRI where the context has its namespace.

    >>> compact("https://w3id.org/triplehelix/id/org/ektu-kz"), compact("urn:x")
    ('id:org/ektu-kz', 'urn:x')
    """
    for ns, prefix in _by_length():
        if iri.startswith(ns) and not iri[len(ns) :].startswith("//"):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def _term(term: Any) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return compact(term.value)


def _value(term: Any) -> dict[str, str]:
    if isinstance(term, ox.Literal):
        out = {"@value": term.value}
        if term.language:
            out["@language"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["@type"] = compact(term.datatype.value)
        return out
    return {"@id": _term(term)}


def _node_objects(quads: Iterable[ox.Quad]) -> list[dict[str, Any]]:
    nodes: dict[str, dict[str, Any]] = {}
    for q in quads:
        node = nodes.setdefault(_term(q.subject), {"@id": _term(q.subject)})
        if q.predicate.value == RDF_TYPE and not isinstance(q.object, ox.Literal):
            node.setdefault("@type", []).append(_term(q.object))
        else:
            node.setdefault(compact(q.predicate.value), []).append(_value(q.object))
    return [nodes[k] for k in sorted(nodes)]


def write_jsonld(
    quads_of: Callable[[str], Iterable[ox.Quad]], graphs: Iterable[str], out: IO[bytes]
) -> None:
    """Write named ``graphs`` (their quads given by ``quads_of``) as one JSON-LD document.

    >>> import io
    >>> s = ox.Store()
    >>> g = ox.NamedNode("https://w3id.org/triplehelix/source/doc/p1")
    >>> s.add(ox.Quad(ox.NamedNode("https://w3id.org/triplehelix/id/org/a"),
    ...               ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
    ...               ox.Literal("A", language="en"), g))
    >>> def quads_of(name):
    ...     return s.quads_for_pattern(None, None, None, ox.NamedNode(name))
    >>> buffer = io.BytesIO(); write_jsonld(quads_of, [g.value], buffer)
    >>> doc = json.loads(buffer.getvalue())
    >>> doc["@graph"][0]["@graph"][0]["skos:prefLabel"]
    [{'@value': 'A', '@language': 'en'}]
    >>> len(list(ox.parse(buffer.getvalue(), ox.RdfFormat.JSON_LD)))
    1
    """
    out.write(b'{"@context": ')
    out.write(json.dumps(context(), ensure_ascii=False).encode("utf-8"))
    out.write(b',\n"@graph": [')
    for n, graph in enumerate(graphs):
        obj = {"@id": compact(graph), "@graph": _node_objects(quads_of(graph))}
        out.write(b",\n" if n else b"\n")
        out.write(json.dumps(obj, ensure_ascii=False).encode("utf-8"))
    out.write(b"\n]}\n")
