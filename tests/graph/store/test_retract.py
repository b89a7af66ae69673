"""The rule of removal (``graph.store.retract``), the same cases on an embedded store and on
a real Oxigraph server (with the union in the default graph, and in a named union graph).

Each case writes a small dataset by hand: graphs ``a1`` and ``a2`` are part of document
``A``, ``b1`` of ``B``, and a staging graph holds a half-written upload. Every triple of a
named graph is also in the union, as every write path keeps it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from oxigraph_server import OxigraphServer
from triplehelix.graph.remote.client import Endpoints, SparqlClient
from triplehelix.graph.remote.graph import SparqlReader
from triplehelix.graph.store.local import KnowledgeGraph
from triplehelix.graph.store.retract import (
    STAGING,
    Target,
    drop_graphs,
    drop_source,
    retract_quads,
)
from triplehelix.ontology.namespace import GRAPH_META

T = "urn:th-retract:"
A, B = f"{T}doc-a", f"{T}doc-b"
A1, A2, B1 = f"{A}/row-1", f"{A}/row-2", f"{B}/row-1"
STAGE = f"{STAGING}upload-1"
CURATION, OTHER = f"{T}curation", f"{T}other"
PART_OF = "http://purl.org/dc/terms/isPartOf"
TITLE = "http://purl.org/dc/terms/title"
USED = "http://www.w3.org/ns/prov#used"
RUN = f"{T}run-1"
UNION = f"{T}union"


def fact(value: str) -> str:
    return f'<{T}s> <{T}p> "{value}"'


GRAPHS = {
    A1: [fact("shared"), fact("only a1"), fact("twice in a")],
    A2: [fact("twice in a")],
    B1: [fact("shared"), fact("only b1")],
    STAGE: [fact("only a1")],  # a half-written upload states nothing
    CURATION: [fact("decided"), fact("also said elsewhere")],
    OTHER: [fact("also said elsewhere")],
}
META = [
    f"<{A1}> <{PART_OF}> <{A}>",
    f"<{A2}> <{PART_OF}> <{A}>",
    f"<{B1}> <{PART_OF}> <{B}>",
    f'<{A}> <{TITLE}> "a"',
    f'<{B}> <{TITLE}> "b"',
    f"<{RUN}> <{USED}> <{A}>",
    f"<{RUN}> <{USED}> <{B}>",
]


@dataclass
class Server:
    """A real server as the rule sees a store: SELECT/ASK by ``SparqlReader``, Update by the
    client (what ``SparqlReader`` and the client do for every remote command)."""

    remote: SparqlReader

    def select(
        self, sparql: str, bindings: Mapping[str, str | int] | None = None
    ) -> list[dict[str, Any]]:
        return self.remote.select(sparql, bindings)

    def ask(self, sparql: str) -> bool:
        return self.remote.ask(sparql)

    def update(self, sparql: str) -> None:
        self.remote.client.update(sparql)


@dataclass
class Case:
    """A store under test and where its union is."""

    target: Target
    union: str | None

    def write(self) -> None:
        every = [*(t for ts in GRAPHS.values() for t in ts if ts is not GRAPHS[STAGE]), *META]
        body = " ".join(f"GRAPH <{g}> {{ {' . '.join(ts)} }}" for g, ts in GRAPHS.items())
        union = " . ".join(every)
        target = union if self.union is None else f"GRAPH <{self.union}> {{ {union} }}"
        self.target.update(
            f"INSERT DATA {{ {body} GRAPH <{GRAPH_META}> {{ {' . '.join(META)} }} {target} }}"
        )

    def in_union(self) -> set[str]:
        where = f"<{T}s> <{T}p> ?o"
        if self.union is not None:
            where = f"GRAPH <{self.union}> {{ {where} }}"
        return {str(r["o"]) for r in self.target.select(f"SELECT ?o WHERE {{ {where} }}")}

    def union_has(self, iri: str) -> bool:
        where = f"{{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }}"
        if self.union is not None:
            where = f"GRAPH <{self.union}> {{ {where} }}"
        return self.target.ask(f"ASK {{ {where} }}")

    def graph(self, name: str) -> set[str]:
        rows = self.target.select(f"SELECT ?o WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}")
        return {str(r["o"]) for r in rows}

    def meta_mentions(self, iri: str) -> bool:
        return self.target.ask(
            f"ASK {{ GRAPH <{GRAPH_META}> {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }} }}"
        )


@pytest.fixture(params=["local", "server", "server-union-graph"])
def case(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Case]:
    if request.param == "local":
        kg = KnowledgeGraph(tmp_path / "kg")
        made = Case(kg, None)
        made.write()
        yield made
        kg.close()
        return
    srv: OxigraphServer = request.getfixturevalue("oxigraph_module")  # emptied below
    # The union in a named graph (``--union-graph``) is the rule's parameter; the test
    # reads it by name (a client with ``union_graph`` would make it the default graph).
    union = UNION if request.param == "server-union-graph" else None
    client = SparqlClient(Endpoints.of(srv.url))
    client.update("DROP ALL")
    made = Case(Server(SparqlReader(client)), union)
    made.write()
    yield made


ALL = {"shared", "only a1", "twice in a", "only b1", "decided", "also said elsewhere"}


@pytest.mark.parametrize("batch", [1, 2_000])  # a graph per request, or one request
def test_dropping_a_source_keeps_what_another_source_states(case: Case, batch: int) -> None:
    assert case.in_union() == ALL
    assert drop_source(case.target, A, union=case.union, batch=batch) == [A1, A2]
    assert case.in_union() == ALL - {"only a1", "twice in a"}  # "shared": b1 says it too
    assert case.graph(A1) == case.graph(A2) == set()
    assert case.graph(B1) == {"shared", "only b1"}
    assert case.graph(STAGE) == {"only a1"}  # staging graphs are left as they are


def test_the_source_descriptions_leave_meta_and_the_union(case: Case) -> None:
    drop_source(case.target, A, union=case.union)
    for gone in (A, A1, A2):
        assert not case.meta_mentions(gone), gone
        assert not case.union_has(gone), gone
    assert case.meta_mentions(B)
    assert case.meta_mentions(B1)
    assert case.meta_mentions(RUN)
    assert case.union_has(B1)
    assert not case.target.ask(f'ASK {{ GRAPH <{GRAPH_META}> {{ ?d <{TITLE}> "a" }} }}')


def test_dropping_named_graphs_keeps_what_the_other_graphs_state(case: Case) -> None:
    drop_graphs(case.target, [A1], union=case.union)  # a2 still says "twice in a"
    assert case.in_union() == ALL - {"only a1"}
    assert not case.meta_mentions(A1)
    assert case.meta_mentions(A2)
    assert case.meta_mentions(A)  # the document stays
    drop_graphs(case.target, [A2, B1], union=case.union)
    assert case.in_union() == {"decided", "also said elsewhere"}


def test_retracting_quads_of_one_graph_follows_the_same_rule(case: Case) -> None:
    triples = [(f"<{T}s>", f"<{T}p>", f'"{v}"') for v in ("decided", "also said elsewhere")]
    case.target.update(retract_quads(CURATION, triples, union=case.union))
    assert case.graph(CURATION) == set()
    assert case.graph(OTHER) == {"also said elsewhere"}
    assert case.in_union() == ALL - {"decided"}
