"""Graph-level checks: SHACL on the RDF a record set becomes, reported at the records.

pydantic checks each record's syntax and the loader checks references; SHACL then checks
what only the graph shows (cardinalities across records, two coordinators, provenance).
Each SHACL result is located at the record that minted its focus node, so the user sees
``file:line`` as for every other problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from triplehelix.data.iris import BASE, Minter
from triplehelix.data.loader import Located, RecordSet
from triplehelix.data.models import record_key
from triplehelix.errors import Problem
from triplehelix.graph.store.local import KnowledgeGraph
from triplehelix.ontology import validate_shacl
from triplehelix.ontology.report import ShaclResult

__all__ = ["GraphCheck", "check_graph"]


@dataclass(frozen=True, slots=True)
class GraphCheck:
    """SHACL violations (the data is invalid) and warnings (quality gaps) as problems."""

    violations: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def check_graph(rs: RecordSet, *, base: str = BASE) -> GraphCheck:
    """Build the records into a scratch in-memory store and validate it with SHACL.

    >>> from triplehelix.data.loader import load_records, seed_path
    >>> check_graph(load_records([seed_path()])).violations
    []
    """
    kg = KnowledgeGraph()
    kg.load(rs, base=base)
    report = validate_shacl(kg.union_graph())
    minter = Minter(base)
    minter.mint_all(rs.records)
    where: dict[str, Located] = {}
    for rec, loc in zip(rs.records, rs.where, strict=True):
        where.setdefault(minter.by_key[record_key(rec)], loc)
    out = GraphCheck()
    for result in report.results:
        problem = _problem(result, where)
        (out.violations if result.severity == "violation" else out.warnings).append(problem)
    return out


def _problem(result: ShaclResult, where: dict[str, Located]) -> Problem:
    focus = result.focus_node
    loc = where.get(focus) or where.get(focus.split("#", 1)[0])
    found = result.value if result.value is not None else focus
    return Problem(
        loc.file if loc else focus,
        loc.line if loc else None,
        result.path,
        f"shacl-{result.severity}",
        result.message,
        found,
    )
