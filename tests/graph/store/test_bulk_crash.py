"""Crash safety and locking of the bulk load, with real processes killed mid-load."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pyoxigraph as ox
import pytest

from triplehelix.errors import StoreError
from triplehelix.graph.store import bulk
from triplehelix.graph.store.local import KnowledgeGraph

TH = "https://w3id.org/triplehelix/ontology#"
PARTS = "https://w3id.org/triplehelix/source/file-data.participations-jsonl"
N_ORGS, N_PROJECTS = 20, 10  # every org in every project: 200 participations

CHILD = textwrap.dedent(
    """
    import os, signal, sys, time
    from triplehelix.graph.store import bulk
    from triplehelix.graph.store.local import KnowledgeGraph

    data, store, kill_at, pause = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    plan = bulk.prepare([data], chunk=20)
    kg = KnowledgeGraph(store)
    ticks = 0

    def tick(n):
        global ticks
        ticks += 1
        print(f"chunk {ticks}", flush=True)
        if ticks == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(pause)

    bulk.write(kg, plan, chunk=20, progress=tick)
    kg.close()
    print("done", flush=True)
    """
)


def write_data(folder: Path) -> Path:
    folder.mkdir()
    orgs = "".join(f"o{i},Org number {i},company,DE\n" for i in range(N_ORGS))
    (folder / "organisations.csv").write_text("id,name.en,types,country\n" + orgs)
    (folder / "participations.jsonl").write_text(
        "".join(
            json.dumps({"agent": f"o{i}", "activity": f"p{j}", "role": "partner"}) + "\n"
            for j in range(N_PROJECTS)
            for i in range(N_ORGS)
        )
    )
    (folder / "projects.jsonl").write_text(
        "".join(
            json.dumps({"kind": "project", "id": f"p{j}", "name": {"en": f"Project {j}"}}) + "\n"
            for j in range(N_PROJECTS)
        )
    )
    return folder


def child(data: Path, store: Path, kill_at: int, pause: float = 0.0) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(data), str(store), str(kill_at), str(pause)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )


def participations(store: ox.Store) -> int:
    pattern = store.quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ox.NamedNode(f"{TH}Participation"), ox.DefaultGraph(),
    )  # fmt: skip
    return sum(1 for _ in pattern)


def test_a_load_killed_midway_is_rolled_back_on_the_next_write(tmp_path: Path) -> None:
    data, store = write_data(tmp_path / "data"), tmp_path / "kg"
    # chunk 1 = the organisations; chunks 2… = participations (20 rows each): die in them.
    proc = child(data, store, kill_at=5)
    proc.communicate(timeout=120)
    assert proc.returncode == -9
    raw = ox.Store.read_only(str(store))
    partial = participations(raw)
    del raw
    assert 0 < partial < N_ORGS * N_PROJECTS  # the kill really left a partial source
    with pytest.raises(StoreError) as caught:
        KnowledgeGraph(store, read_only=True)
    assert caught.value.code == "store-busy"
    kg = KnowledgeGraph(store)  # a writable open rolls the partial source back
    assert kg.recovered == [PARTS]
    assert participations(kg.store) == 0
    assert not any(g.startswith(PARTS) for g in kg.graph_names())
    assert kg.ask(f"ASK {{ ?o a <{TH}Company> }}")  # the finished source stays
    named = {str(q.triple) for q in kg.store if not isinstance(q.graph_name, ox.DefaultGraph)}
    default = {
        str(q.triple) for q in kg.store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    }
    assert default == named
    report = bulk.write(kg, bulk.prepare([data]))
    assert report.skipped == 1  # the organisations, unchanged
    assert participations(kg.store) == N_ORGS * N_PROJECTS
    kg.close()


def test_a_store_being_loaded_is_locked_and_ends_all_or_nothing(tmp_path: Path) -> None:
    data, store = write_data(tmp_path / "data"), tmp_path / "kg"
    proc = child(data, store, kill_at=0, pause=0.3)
    assert proc.stdout is not None
    assert proc.stdout.readline().startswith("chunk 1")  # the load is under way
    try:
        with pytest.raises(StoreError) as caught:
            KnowledgeGraph(store)
        assert caught.value.code == "store-unavailable"
        cli = subprocess.run(
            [sys.executable, "-m", "triplehelix", "load", str(data), "--store", str(store)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert cli.returncode == 5
        assert "[store-unavailable]" in cli.stderr
        assert "Traceback" not in cli.stderr
    finally:
        proc.kill()
        proc.communicate(timeout=60)
    kg = KnowledgeGraph(store)
    assert participations(kg.store) in (0, N_ORGS * N_PROJECTS)
    kg.close()
