"""What is in a store: counts by class, helix sphere and country; graphs; size."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from triplehelix.data.types import alpha2
from triplehelix.graph.store.local import LocalStore
from triplehelix.ontology.namespace import GRAPH_META, GRAPH_ONTOLOGY, GRAPH_VOCAB

if TYPE_CHECKING:
    from triplehelix.graph.store.protocol import Store

__all__ = ["Stats", "collect_stats"]

BY_CLASS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?s a ?class . FILTER(STRSTARTS(STR(?class), STR(th:)))
} GROUP BY ?class ORDER BY DESC(?n) ?class
"""
BY_SPHERE = """
SELECT ?sphere (COUNT(DISTINCT ?o) AS ?n) WHERE {
  ?o a th:Organization ; a/rdfs:subClassOf*/th:helixSphere ?s .
  BIND(STRAFTER(STR(?s), "/helix/") AS ?sphere)
} GROUP BY ?sphere ORDER BY DESC(?n) ?sphere
"""
BY_COUNTRY = """
SELECT ?country (COUNT(DISTINCT ?o) AS ?n) WHERE {
  ?o a th:Organization ; th:country ?c .
  BIND(STRAFTER(STR(?c), "/country/") AS ?country)
} GROUP BY ?country ORDER BY DESC(?n) ?country
"""
# Two sources may give one organisation two countries (or spheres): it is counted under
# each, so the rows add up to more than the organisations; these say by how much.
ORGS = "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a th:Organization }"
MULTI_COUNTRY = """
SELECT (COUNT(?o) AS ?n) WHERE {
  { SELECT ?o WHERE { ?o a th:Organization ; th:country ?c } GROUP BY ?o
    HAVING (COUNT(DISTINCT ?c) > 1) }
}
"""
MULTI_SPHERE = """
SELECT (COUNT(?o) AS ?n) WHERE {
  { SELECT ?o WHERE { ?o a th:Organization ; a/rdfs:subClassOf*/th:helixSphere ?s } GROUP BY ?o
    HAVING (COUNT(DISTINCT ?s) > 1) }
}
"""


@dataclass(frozen=True, slots=True)
class Stats:
    """Counts describing a store. Country keys are ISO 3166-1 alpha-2.

    ``by_country`` and ``by_sphere`` count distinct organisations per row; one that
    sources give two countries (spheres) is counted under each: ``organisations`` is the
    distinct total, ``multi_country`` (``multi_sphere``) how many are under more than one.
    """

    quads: int
    by_class: dict[str, int] = field(default_factory=dict)
    by_sphere: dict[str, int] = field(default_factory=dict)
    by_country: dict[str, int] = field(default_factory=dict)
    graphs: dict[str, int] = field(default_factory=dict)
    store_bytes: int | None = None
    location: str = "memory"
    organisations: int = 0
    multi_country: int = 0
    multi_sphere: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {
            "location": self.location,
            "quads": self.quads,
            "store_bytes": self.store_bytes,
            "graphs": self.graphs,
            "by_class": self.by_class,
            "by_sphere": self.by_sphere,
            "by_country": self.by_country,
            "organisations": self.organisations,
            "multi_country": self.multi_country,
            "multi_sphere": self.multi_sphere,
        }


def collect_stats(kg: Store) -> Stats:
    """Count a store's contents.

    >>> from triplehelix.graph.store.local import KnowledgeGraph
    >>> s = collect_stats(KnowledgeGraph.seed())
    >>> s.by_class["Organization"] >= 5 and s.graphs["source records"] >= 1
    True
    """
    by_class = {r["class"].rsplit("#", 1)[-1]: int(r["n"]) for r in kg.select(BY_CLASS)}
    by_sphere = {r["sphere"]: int(r["n"]) for r in kg.select(BY_SPHERE)}
    by_country = {alpha2(r["country"]) or r["country"]: int(r["n"]) for r in kg.select(BY_COUNTRY)}
    infrastructure = {
        str(GRAPH_META): "meta",
        str(GRAPH_ONTOLOGY): "ontology",
        str(GRAPH_VOCAB): "vocabulary",
    }
    graphs: dict[str, int] = {"source records": 0, "meta": 0, "ontology": 0, "vocabulary": 0}
    for name in kg.graph_names():
        key = infrastructure.get(name, "source records")
        graphs[key] += 1
    path = kg.path if isinstance(kg, LocalStore) else None
    size = _folder_size(path) if path is not None else None
    return Stats(
        len(kg),
        by_class,
        by_sphere,
        by_country,
        graphs,
        size,
        kg.location,
        _count(kg, ORGS),
        _count(kg, MULTI_COUNTRY),
        _count(kg, MULTI_SPHERE),
    )


def _count(kg: Store, sparql: str) -> int:
    rows = kg.select(sparql)
    return int(rows[0]["n"] or 0) if rows else 0


def _folder_size(path: Path) -> int:
    """Bytes of the files in a store folder. RocksDB compacts in the background, so a
    file listed a moment ago may be gone when it is measured: it counts as zero."""
    total = 0
    for p in path.rglob("*"):
        try:
            if p.is_file():
                total += p.stat().st_size
        except FileNotFoundError:
            continue
    return total
