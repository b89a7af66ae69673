"""SHACL validation reports as plain, ordered Python values.

pySHACL returns its report as an RDF graph; :func:`read_report` turns it into a
:class:`ShaclReport` whose results are sorted, so the same data always gives the same report.
Paths and shapes are written as prefixed names (``th:agent``, ``^th:activity``,
``thsh:ParticipationShape-agent``) where ``PREFIXES`` has a namespace for them; focus nodes and
IRI values are full IRIs; literal values are in Turtle form (``"15000"^^xsd:integer``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal as TypingLiteral

from rdflib import RDF, SH, BNode, Graph, Literal, URIRef
from rdflib.namespace import NamespaceManager
from rdflib.term import Node

from triplehelix.ontology.namespace import PREFIXES

__all__ = ["Severity", "ShaclReport", "ShaclResult", "qname", "read_report"]

Severity = TypingLiteral["violation", "warning", "info"]

_SEVERITIES: dict[Node, Severity] = {
    SH.Violation: "violation",
    SH.Warning: "warning",
    SH.Info: "info",
}
_SEVERITY_ORDER: dict[Severity, int] = {"violation": 0, "warning": 1, "info": 2}
# A local name that is safe to write after a prefix in Turtle and SPARQL without escapes.
_LOCAL_NAME = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: len(item[1]), reverse=True)


@dataclass(frozen=True)
class ShaclResult:
    """One SHACL validation result.

    Attributes:
        severity: ``"violation"``, ``"warning"`` or ``"info"``.
        focus_node: The node that failed, as a full IRI (``_:id`` for a blank node).
        path: The property path, prefixed where possible (``"th:agent"``, ``"^th:activity"``),
            or ``None`` for a constraint on the node itself.
        value: The offending value, if the constraint names one.
        message: The shape's message in English.
        shape: The shape that produced the result, prefixed where possible.
    """

    severity: Severity
    focus_node: str
    path: str | None
    value: str | None
    message: str
    shape: str


@dataclass(frozen=True)
class ShaclReport:
    """The outcome of validating data against the triplehelix shapes.

    Attributes:
        conforms: ``True`` iff no result has severity ``"violation"`` (warnings are allowed).
        results: All results, ordered by severity, focus node, path, shape, value and message.
    """

    conforms: bool
    results: tuple[ShaclResult, ...]

    @property
    def violations(self) -> tuple[ShaclResult, ...]:
        """The results with severity ``"violation"``."""
        return tuple(r for r in self.results if r.severity == "violation")

    @property
    def warnings(self) -> tuple[ShaclResult, ...]:
        """The results with severity ``"warning"``."""
        return tuple(r for r in self.results if r.severity == "warning")


def qname(iri: str) -> str:
    """Write an IRI as a prefixed name if a namespace of ``PREFIXES`` covers it.

    Args:
        iri: A full IRI.

    Returns:
        ``prefix:local`` when the local part needs no escaping, else the IRI unchanged.

    >>> qname("https://w3id.org/triplehelix/ontology#agent")
    'th:agent'
    >>> qname("https://w3id.org/triplehelix/id/org/x")
    'https://w3id.org/triplehelix/id/org/x'
    """
    for prefix, namespace in _BY_LENGTH:
        if iri.startswith(namespace) and _LOCAL_NAME.match(iri[len(namespace) :]):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def read_report(results_graph: Graph) -> ShaclReport:
    """Turn a pySHACL results graph into a :class:`ShaclReport`.

    Args:
        results_graph: The second item returned by ``pyshacl.validate``.

    Returns:
        The report, with results in a deterministic order.
    """
    manager = NamespaceManager(Graph(bind_namespaces="none"), bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        manager.bind(prefix, namespace)
    # A set: one value can break two constraints of one shape (e.g. sh:datatype and
    # sh:minInclusive); such results are indistinguishable here and are reported once.
    results = sorted(
        {_read_result(results_graph, node, manager) for node in _result_nodes(results_graph)},
        key=lambda r: (
            _SEVERITY_ORDER[r.severity],
            r.focus_node,
            r.path or "",
            r.shape,
            r.value or "",
            r.message,
        ),
    )
    conforms = not any(r.severity == "violation" for r in results)
    return ShaclReport(conforms=conforms, results=tuple(results))


def _result_nodes(graph: Graph) -> Iterator[Node]:
    # Only top-level results: pySHACL also types the nested sh:detail results of sh:node
    # constraints as sh:ValidationResult, and the outer result already reports them.
    for report in graph.subjects(RDF.type, SH.ValidationReport, unique=True):
        yield from graph.objects(report, SH.result, unique=True)


def _read_result(graph: Graph, node: Node, manager: NamespaceManager) -> ShaclResult:
    severity_node = graph.value(node, SH.resultSeverity)
    severity: Severity = "violation"
    if severity_node is not None:
        severity = _SEVERITIES.get(severity_node, "violation")
    focus = graph.value(node, SH.focusNode)
    path = graph.value(node, SH.resultPath)
    value = graph.value(node, SH.value)
    shape = graph.value(node, SH.sourceShape)
    return ShaclResult(
        severity=severity,
        focus_node=_node_text(focus, manager) if focus is not None else "",
        path=_path_text(graph, path) if path is not None else None,
        value=_node_text(value, manager) if value is not None else None,
        message=_message(graph, node),
        shape=_shape_text(shape),
    )


def _message(graph: Graph, node: Node) -> str:
    messages = [m for m in graph.objects(node, SH.resultMessage) if isinstance(m, Literal)]
    english = sorted(str(m) for m in messages if m.language in (None, "en"))
    if english:
        return english[0]
    return sorted(str(m) for m in messages)[0] if messages else ""


def _node_text(term: Node, manager: NamespaceManager) -> str:
    if isinstance(term, Literal):
        return term.n3(manager)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _shape_text(shape: Node | None) -> str:
    if isinstance(shape, URIRef):
        return qname(str(shape))
    # Anonymous shapes have unstable labels; report them uniformly.
    return "[]"


def _path_text(graph: Graph, path: Node) -> str:
    if isinstance(path, URIRef):
        return qname(str(path))
    unary = (
        (SH.inversePath, "^{}"),
        (SH.zeroOrMorePath, "{}*"),
        (SH.oneOrMorePath, "{}+"),
        (SH.zeroOrOnePath, "{}?"),
    )
    for predicate, template in unary:
        inner = graph.value(path, predicate)
        if inner is not None:
            text = _path_text(graph, inner)
            simple = isinstance(inner, URIRef) or text.startswith("(")
            return template.format(text if simple else f"({text})")
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path_text(graph, p) for p in graph.items(alternatives)) + ")"
    if graph.value(path, RDF.first) is not None:
        return "/".join(_path_text(graph, p) for p in graph.items(path))
    return f"_:{path}"
