"""Every ``triplehelix analyze`` analysis on M-scale data: time and peak memory.

    .venv/bin/python benchmarks/bench_analytics.py [--orgs 20000] [--projects 10000] [--cli]

Generates the seeded records of ``synthetic.records`` (M: 20k organisations, 10k
projects, ~100k participations) into a JSON Lines file in a temporary folder, loads them
into an in-memory store, then times each analysis as the CLI runs it (views built from the
store with its filters, then the measure). Betweenness is sampled above
``BETWEENNESS_WORK`` node × edge visits (the output says so). With ``--cli``, it loads an
on-disk store instead and runs every ``triplehelix analyze`` command on it as a user would,
printing wall time and the command's peak RSS. With ``--parallel``, it
also times betweenness with the nx-parallel backend, if installed, and prints the ratio.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import records


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(name: str, work: Callable[[], Any], rows: list[tuple[str, float, float]]) -> Any:
    t0 = time.perf_counter()
    result = work()
    rows.append((name, time.perf_counter() - t0, peak_mb()))
    print(f"{name:<34} {rows[-1][1]:8.2f} s  peak RSS {rows[-1][2]:7.0f} MB", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orgs", type=int, default=20000)
    parser.add_argument("--projects", type=int, default=10000)
    parser.add_argument("--parallel", action="store_true", help="also try nx-parallel")
    parser.add_argument(
        "--cli",
        action="store_true",
        help="load an on-disk store and time each `triplehelix analyze` command end to end",
    )
    args = parser.parse_args()
    if args.cli:
        cli(args.orgs, args.projects)
        return

    from triplehelix.data.loader import load_records
    from triplehelix.graph import analytics as an
    from triplehelix.graph.analytics.centrality import betweenness_sample
    from triplehelix.graph.store.local import KnowledgeGraph
    from triplehelix.graph.views.network import (
        Filters,
        bipartite_graph,
        coparticipation_graph,
        kept_participations,
        node_table,
    )

    rows: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "records.jsonl"
        n_part = write_records(path, args.orgs, args.projects)
        print(f"{args.orgs} organisations, {args.projects} projects, {n_part} participations")
        kg = KnowledgeGraph()
        timed("load (validate + store)", lambda: kg.load(load_records([path])), rows)

    co = timed("coparticipation view", lambda: coparticipation_graph(kg), rows)
    bi = timed("bipartite view", lambda: bipartite_graph(kg), rows)
    print(f"  co-participation: {co.number_of_nodes()} nodes, {co.number_of_edges()} edges")
    timed("analyze summary", lambda: an.summary(co, bi), rows)
    for measure in an.MEASURES:
        report = timed(
            f"analyze centrality {measure}", lambda m=measure: an.centrality(co, m), rows
        )
        for note in report.notes:
            print(f"  note: {note}")
    timed("analyze communities (Louvain)", lambda: an.communities(co), rows)
    timed("analyze brokerage (+ constraint)", lambda: an.brokerage(co), rows)
    timed("analyze mixing", lambda: an.mixing(co), rows)

    def synergy() -> Any:
        nodes = node_table(kg)
        projects: dict[str, tuple[list[str], Any]] = {}
        for row in kept_participations(kg, Filters(), nodes, coparticipation=True):
            spheres, _ = projects.setdefault(row["activity"], ([], nodes[row["activity"]]["start"]))
            spheres.append(nodes[row["agent"]]["helix"])
        return an.synergy(projects, by_year=True)

    timed("analyze synergy --by year", synergy, rows)
    hub = max(co.degree, key=lambda item: item[1])[0]
    timed("analyze suggest (busiest org)", lambda: an.suggest(co, hub), rows)
    if args.parallel:
        parallel(co, betweenness_sample(co.number_of_nodes(), co.number_of_edges()))


def write_records(path: Path, n_orgs: int, n_projects: int) -> int:
    data = records(n_orgs, n_projects)
    with path.open("w", encoding="utf-8") as fh:
        for rec in data:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return sum(1 for r in data if r["kind"] == "participation")


def cli(n_orgs: int, n_projects: int) -> None:
    """Each analyze command as a user runs it on an on-disk store: wall time, child peak RSS."""
    import os
    import subprocess

    exe = str(Path(sys.executable).parent / "triplehelix")
    with tempfile.TemporaryDirectory() as tmp:
        path, store = Path(tmp) / "records.jsonl", Path(tmp) / "kg"
        n_part = write_records(path, n_orgs, n_projects)
        print(f"{n_orgs} organisations, {n_projects} projects, {n_part} participations")
        hub = "o0"  # the generator's busiest organisation (Pareto-drawn members)
        commands = [
            ["load", str(path), "--store", str(store)],
            *(
                ["analyze", *sub, "--store", str(store), "--format", "json"]
                for sub in (
                    ["summary"],
                    ["centrality", "--measure", "weighted-degree"],
                    ["centrality", "--measure", "betweenness"],
                    ["centrality", "--measure", "eigenvector"],
                    ["centrality", "--measure", "pagerank"],
                    ["communities"],
                    ["brokerage"],
                    ["mixing"],
                    ["synergy", "--by", "year"],
                    ["suggest", "--org", f"Organisation {hub[1:]}"],
                )
            ),
        ]
        for command in commands:
            t0 = time.perf_counter()
            child = subprocess.Popen(
                [exe, *command], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
            _, status, usage = os.wait4(child.pid, 0)
            seconds = time.perf_counter() - t0
            stderr = child.stderr.read().decode() if child.stderr else ""
            child.returncode = os.waitstatus_to_exitcode(status)
            hidden = {"--store", str(store), "--format", "json", str(path)}
            name = " ".join(c for c in command if c not in hidden)
            print(
                f"triplehelix {name:<42} {seconds:8.2f} s  peak RSS "
                f"{usage.ru_maxrss / 1024:7.0f} MB  exit {child.returncode}"
                + (f"  ({stderr.strip().splitlines()[-1]})" if stderr.strip() else ""),
                flush=True,
            )


def parallel(graph: Any, k: int | None) -> None:
    import networkx as nx

    try:
        import nx_parallel  # noqa: F401
    except ImportError:
        print("nx-parallel is not installed: no ratio measured")
        return
    k = k or graph.number_of_nodes()
    t0 = time.perf_counter()
    nx.betweenness_centrality(graph, k=k, seed=42)
    plain = time.perf_counter() - t0
    t0 = time.perf_counter()
    nx.betweenness_centrality(graph, k=k, seed=42, backend="parallel")
    par = time.perf_counter() - t0
    print(
        f"betweenness k={k}: networkx {plain:.2f} s, nx-parallel {par:.2f} s, "
        f"ratio {plain / par:.2f}x"
    )


if __name__ == "__main__":
    main()
