"""Incremental loads: each input file is a source that can be added, replaced, unloaded.

Expected IRIs and facts are written by hand from the small inputs below; the invariant
"default graph = set union of the named graphs" is checked by recomputing the union.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from triplehelix.data.loader import load_records
from triplehelix.errors import StoreError
from triplehelix.graph.store import bulk
from triplehelix.graph.store.local import KnowledgeGraph
from triplehelix.graph.store.retract import drop_source, mark, retract_graphs

ID = "https://w3id.org/triplehelix/id/"
TH = "https://w3id.org/triplehelix/ontology#"
ALPHA = f"{ID}org/alpha-university-de"
BETA = f"{ID}org/beta-gmbh-de"
GAMMA = f"{ID}org/gamma-ltd-kz"


def write_world(folder: Path, *, roles: tuple[str, ...] = ("coordinator", "partner")) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "organisations.csv").write_text(
        "id,name.en,types,country\n"
        "a,Alpha University,university,DE\n"
        "b,Beta GmbH,company,DE\n"
        "g,Gamma Ltd,company|research-organisation,KZ\n",
        encoding="utf-8",
    )
    projects = [
        {"id": "p1", "acronym": "ONE", "name": {"en": "Project one"}, "start": "2020"},
        {"id": "p2", "acronym": "TWO", "name": {"en": "Project two"}, "start": "2021"},
    ]
    (folder / "projects.jsonl").write_text(
        "".join(json.dumps({"kind": "project", **p}) + "\n" for p in projects), encoding="utf-8"
    )
    rows = [("a", "p1", roles[0]), ("b", "p1", roles[1]), ("g", "p2", "coordinator")]
    (folder / "participations.jsonl").write_text(
        "".join(
            json.dumps({"agent": a, "activity": p, "role": r}, ensure_ascii=False) + "\n"
            for a, p, r in rows
        ),
        encoding="utf-8",
    )
    return folder


def bulk_load(kg: KnowledgeGraph, *paths: Path) -> bulk.BulkReport:
    return bulk.write(kg, bulk.prepare(paths, chunk=2), chunk=2)


def quads(kg: KnowledgeGraph, graph: str | None = None) -> set[str]:
    g = ox.NamedNode(graph) if graph else None
    return {str(q) for q in kg.store.quads_for_pattern(None, None, None, g)}


def assert_default_is_union(kg: KnowledgeGraph) -> None:
    """The default graph holds exactly the triples some named graph states (the load
    marker, only ever in ``meta`` while a source is being written, aside)."""
    named, default = set(), set()
    for q in kg.store:
        if isinstance(q.graph_name, ox.DefaultGraph):
            default.add(str(q.triple))
        elif q.predicate.value != f"{TH}loadInProgress":
            named.add(str(q.triple))
    assert default == named


def participation_nodes(kg: KnowledgeGraph) -> set[str]:
    rows = kg.select(f"SELECT ?p WHERE {{ ?p a <{TH}Participation> }}")
    return {r["p"] for r in rows}


def test_bulk_gives_the_same_quads_as_the_transactional_load(tmp_path: Path) -> None:
    data = write_world(tmp_path / "data")
    one, two = KnowledgeGraph(), KnowledgeGraph()
    one.load(load_records([data]))
    bulk_load(two, data)
    strip = "<http://www.w3.org/ns/prov#startedAtTime>"
    assert {q for q in quads(one) if strip not in q} == {q for q in quads(two) if strip not in q}
    assert_default_is_union(two)
    assert len(participation_nodes(two)) == 3


def test_loading_again_is_idempotent_and_skips_unchanged_files(tmp_path: Path) -> None:
    data = write_world(tmp_path / "data")
    kg = KnowledgeGraph(tmp_path / "kg")
    first = bulk_load(kg, data)
    before = quads(kg)
    second = bulk_load(kg, data)
    assert (first.skipped, second.skipped, second.replaced) == (0, 3, 0)
    assert quads(kg) == before
    kg.close()


def test_a_new_source_touches_only_its_own_graphs(tmp_path: Path) -> None:
    data = write_world(tmp_path / "data")
    kg = KnowledgeGraph()
    bulk_load(kg, data)
    doc = "https://w3id.org/triplehelix/source/file-data.participations-jsonl"
    old = {g: quads(kg, g) for g in kg.graph_names() if g.startswith(doc)}
    assert len(old) == 3  # one graph per row
    (data / "more.jsonl").write_text(
        json.dumps({"kind": "participation", "agent": "g", "activity": "p1", "role": "partner"})
        + "\n",
        encoding="utf-8",
    )
    report = bulk_load(kg, data)
    assert (report.skipped, report.replaced) == (3, 0)
    assert {g: quads(kg, g) for g in old} == old
    new = [g for g in kg.graph_names() if "file-data.more-jsonl" in g]
    assert new == ["https://w3id.org/triplehelix/source/file-data.more-jsonl/line-1"]
    assert len(participation_nodes(kg)) == 4
    assert_default_is_union(kg)


def test_a_changed_source_replaces_its_facts(tmp_path: Path) -> None:
    data = write_world(tmp_path / "data")
    kg = KnowledgeGraph()
    bulk_load(kg, data)
    write_world(data, roles=("coordinator", "industry-partner"))  # Beta's role changes
    report = bulk_load(kg, data)
    assert (report.skipped, report.replaced) == (2, 1)
    roles = kg.select(f"SELECT ?role WHERE {{ ?p <{TH}agent> <{BETA}> ; <{TH}role> ?role }}")
    assert [r["role"] for r in roles] == [
        "https://w3id.org/triplehelix/vocab/role/industry-partner"
    ]
    assert len(participation_nodes(kg)) == 3
    assert_default_is_union(kg)


def test_unload_keeps_what_another_source_still_states(tmp_path: Path) -> None:
    data = write_world(tmp_path / "data")
    extra = tmp_path / "extra.nt"
    shared = f"<{ALPHA}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{TH}University> .\n"
    extra.write_text(shared, encoding="utf-8")
    kg = KnowledgeGraph(tmp_path / "kg")
    bulk_load(kg, data, extra)
    removed = kg.unload("organisations.csv")
    assert removed > 0
    assert_default_is_union(kg)
    assert kg.ask(f"ASK {{ <{ALPHA}> a <{TH}University> }}")  # the .nt file still says it
    assert not kg.ask(f"ASK {{ <{ALPHA}> a <{TH}Organization> }}")
    assert not kg.ask(f"ASK {{ <{GAMMA}> ?p ?o }}")
    assert len(participation_nodes(kg)) == 3  # other sources untouched
    assert not any("file-organisations-csv" in g for g in kg.graph_names())
    with pytest.raises(StoreError) as caught:
        kg.unload("organisations.csv")
    assert caught.value.code == "no-source"
    kg.unload(str(extra))
    assert not kg.ask(f"ASK {{ <{ALPHA}> ?p ?o }}")
    assert_default_is_union(kg)
    kg.close()


def test_a_big_source_is_unloaded_in_batches_with_the_same_result(tmp_path: Path) -> None:
    data = write_world(tmp_path / "data")
    extra = tmp_path / "extra.nt"
    extra.write_text(
        f"<{BETA}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{TH}Company> .\n",
        encoding="utf-8",
    )
    whole, batched = KnowledgeGraph(), KnowledgeGraph()
    for kg in (whole, batched):
        bulk_load(kg, data, extra)
    doc = "https://w3id.org/triplehelix/source/file-data.organisations-csv"
    before = len(whole)
    assert len(drop_source(whole, doc)) == 3
    removed = before - len(whole)
    before = len(batched)
    assert len(drop_source(batched, doc, batch=1)) == 3  # three graphs, one at a time
    assert before - len(batched) == removed
    assert quads(batched) == quads(whole)
    assert batched.ask(f"ASK {{ <{BETA}> a <{TH}Company> }}")
    assert not batched.ask(f"ASK {{ <{BETA}> a <{TH}Organization> }}")
    assert bulk.interrupted(batched.store) == []
    assert_default_is_union(batched)


def test_an_interrupted_batched_unload_is_finished_by_recover(tmp_path: Path) -> None:
    data = write_world(tmp_path / "data")
    kg = KnowledgeGraph()
    bulk_load(kg, data)
    doc = "https://w3id.org/triplehelix/source/file-data.participations-jsonl"
    graphs = [g for g in kg.graph_names() if g.startswith(doc)]
    mark(kg, doc, loading=True)  # a batched drop_source starts …
    kg.update(retract_graphs(graphs[:1], within=doc))  # … and the process dies here
    assert bulk.recover(kg) == [doc]
    assert participation_nodes(kg) == set()
    assert not any(g.startswith(doc) for g in kg.graph_names())
    assert bulk.interrupted(kg.store) == []
    assert_default_is_union(kg)
