"""SHACL on the graph that records make, reported at the records."""

from __future__ import annotations

from pathlib import Path

from triplehelix.data.loader import load_records, seed_path
from triplehelix.graph.views.checks import check_graph


def test_seed_world_conforms_with_its_three_known_gaps() -> None:
    check = check_graph(load_records([seed_path()]))
    assert check.violations == []
    gaps = {(Path(p.file).name, p.field) for p in check.warnings}
    # Known from the article: it names no funder for EKTU's Erasmus+ grant, no seat for the
    # World Bank, and nobody who carried out the food-industry needs analysis.
    assert gaps == {
        ("60-grants.yaml", "schema:funder"),
        ("10-organisations.yaml", "th:country"),
        ("30-projects.yaml", "^th:activity"),
    }


def test_a_violation_points_at_the_record_that_made_it(tmp_path: Path) -> None:
    path = tmp_path / "world.yaml"
    path.write_text(
        "organisations:\n"
        "  - {id: a, name: A, types: [university], country: KZ}\n"
        "projects:\n"
        "  - {id: p, name: P}\n"
        "participations:\n"
        "  - {agent: a, activity: p, role: coordinator}\n"
        "  - id: b-coord\n"
        "    agent: https://w3id.org/triplehelix/id/org/elsewhere\n"
        "    activity: p\n"
        "    role: coordinator\n"
    )
    check = check_graph(load_records([path]))
    # the external agent is not a th:Agent in this graph: a violation on the participation
    located = {(p.line, p.field, p.code) for p in check.violations}
    assert (7, "th:agent", "shacl-violation") in located
    # two coordinators of one project: a warning on the project
    assert (4, "^th:activity", "shacl-warning") in {
        (p.line, p.field, p.code) for p in check.warnings
    }
