"""Load benchmark: triplehelix's streaming bulk load against the plain-library baseline.

    make bench                                   # S and M, 3 interleaved repetitions
    .venv/bin/python benchmarks/run.py --scales S,M,L --reps 3 --json out.json

For each scale (data from ``generate.py``, seed 42) and each repetition, every case runs
in a fresh child process (peak RSS per case), cases interleaved so that ratios come from
measurements taken side by side:

- ``rdflib``: what a user would write — pydantic models (``load_records``) → rdflib
  ``Graph.add`` per triple (the core facts: types, labels, country, participations
  with role and amount) → saved as N-Triples;
- ``ours-memory``: ``triplehelix load`` into an in-memory store (validation, IRIs,
  provenance graphs, default-graph union);
- ``ours-disk``: the same into an on-disk store (what ``triplehelix load --store`` does).

Timed region: from the input files to a queryable (or saved) store, imports excluded.
Prints medians and writes them as JSON. ``× time`` is baseline seconds / case seconds
on the same files: our store holds ~6.5× more quads (contribution and amount nodes, a
named graph per row with its provenance, the default-graph union), so quads/s and time
ratios are both shown.

Then, at ``--query-scales``: four typical questions against the baseline graph
(``queries.py``) and every saved query against rdflib on the same graph
(``bench_queries.py``), with the co-participation NetworkX view.

Last, start-up (``bench_startup.py``): ``triplehelix --help`` and a query on a small
on-disk store against ``import pyoxigraph``, fresh processes, ``--startup-reps`` runs.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CASES = ("rdflib", "ours-memory", "ours-disk")


def case_ours(data: Path, store: Path | None) -> dict[str, Any]:
    from triplehelix.graph.store import bulk
    from triplehelix.graph.store.local import KnowledgeGraph

    t0 = time.perf_counter()
    plan = bulk.prepare([data])
    kg = KnowledgeGraph(store)
    report = bulk.write(kg, plan)  # returns with the store queryable (on disk: flushed)
    seconds = time.perf_counter() - t0
    kg.close()  # freeing an in-memory store takes ~1.5 s at M: not part of loading
    return {"seconds": seconds, "quads": report.added, "records": report.records}


def case_rdflib(data: Path, out: Path) -> dict[str, Any]:
    from triplehelix.data.loader import load_records

    t0 = time.perf_counter()
    rs = load_records([data])
    graph = baseline_graph(rs)
    graph.serialize(destination=str(out), format="nt", encoding="utf-8")
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "quads": len(graph), "records": len(rs)}


def baseline_graph(rs: Any) -> Any:
    """The graph a user would build with rdflib from the validated records."""
    import rdflib
    from rdflib.namespace import RDF, SDO, SKOS, XSD

    from triplehelix.graph.rdf.terms import org_class

    th = rdflib.Namespace("https://w3id.org/triplehelix/ontology#")
    base = "https://example.org/"
    g = rdflib.Graph()
    add = g.add
    for n, rec in enumerate(rs.records):
        kind = str(getattr(rec, "kind", ""))
        s = rdflib.URIRef(f"{base}{kind}/{rec.id if rec.id else n}")
        if kind == "participation":
            add((s, RDF.type, th.Participation))
            add((s, th.agent, rdflib.URIRef(f"{base}organisation/{rec.agent}")))
            add((s, th.activity, rdflib.URIRef(f"{base}project/{rec.activity}")))
            add((s, th.role, rdflib.Literal(rec.role)))
            for c in rec.contributions:
                if c.amount is not None:
                    value = rdflib.Literal(str(c.amount.value), datatype=XSD.decimal)
                    add((s, SDO.amount, value))
            continue
        add((s, RDF.type, th[kind.capitalize()]))
        for lang, text in getattr(rec, "name", {}).items():
            add((s, SKOS.prefLabel, rdflib.Literal(text, lang=lang)))
        for t in getattr(rec, "types", []):
            add((s, RDF.type, rdflib.URIRef(org_class(t))))
        if getattr(rec, "country", None):
            add((s, th.country, rdflib.Literal(rec.country)))
        if getattr(rec, "programme", None):
            add((s, th.underProgramme, rdflib.URIRef(f"{base}programme/{rec.programme}")))
        if getattr(rec, "start", None):
            add((s, SDO.startDate, rdflib.Literal(rec.start)))
    return g


def child(case: str, data: Path, work: Path) -> None:
    import warnings

    warnings.simplefilter("ignore")
    if case == "rdflib":
        result = case_rdflib(data, work / "baseline.nt")
    else:
        result = case_ours(data, work / "store" if case == "ours-disk" else None)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def run_case(case: str, data: Path, timeout: float) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="th-bench-"))
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--child", case, "--data", str(data), "--work", str(work)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if out.returncode != 0:
            return {"error": out.stderr.strip().splitlines()[-1:] or ["failed"]}
        return dict(json.loads(out.stdout.strip().splitlines()[-1]))
    except subprocess.TimeoutExpired:
        return {"error": f"timeout > {timeout:.0f} s"}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def median_of(runs: list[dict[str, Any]]) -> dict[str, Any]:
    if not runs or any("error" in r for r in runs):
        return {"error": next((r["error"] for r in runs if "error" in r), "no runs")}
    out = {k: statistics.median(r[k] for r in runs) for k in ("seconds", "peak_rss_mb")}
    out["quads"], out["records"], out["runs"] = runs[0]["quads"], runs[0]["records"], len(runs)
    out["quads_per_s"] = out["quads"] / out["seconds"]
    out["records_per_s"] = out["records"] / out["seconds"]
    out["all_seconds"] = [round(r["seconds"], 3) for r in runs]
    return out


def table(results: dict[str, dict[str, dict[str, Any]]]) -> str:
    head = (
        "| scale | case | median s | quads | quads/s | records/s | peak RSS MB "
        "| × time vs rdflib | × quads/s |"
    )
    lines = [head, "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for scale, cases in results.items():
        base = cases.get("rdflib", {})
        for case, r in cases.items():
            if "error" in r:
                lines.append(f"| {scale} | {case} | {r['error']} | | | | | | |")
                continue
            speed = rate = "–"
            if "seconds" in base:
                speed = f"{base['seconds'] / r['seconds']:.1f}×"
                rate = f"{r['quads_per_s'] / base['quads_per_s']:.1f}×"
            lines.append(
                f"| {scale} | {case} | {r['seconds']:.2f} | {r['quads']:,} | "
                f"{r['quads_per_s']:,.0f} | {r['records_per_s']:,.0f} | "
                f"{r['peak_rss_mb']:,.0f} | {speed} | {rate} |"
            )
    return "\n".join(lines)


def run_queries(data: Path, rounds: int, timeout: float) -> dict[str, Any]:
    """``queries.py`` in a fresh process (both engines loaded in it)."""
    print(f"queries on {data} …", file=sys.stderr)
    try:
        out = subprocess.run(
            [
                sys.executable,
                str(HERE / "queries.py"),
                "--data",
                str(data),
                "--rounds",
                str(rounds),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timeout > {timeout:.0f} s"}
    if out.returncode != 0:
        return {"error": (out.stderr.strip().splitlines() or ["failed"])[-1]}
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def run_saved(data: Path, reps: int, limit: int, timeout: float) -> dict[str, Any]:
    """``bench_queries.py`` on the same folder: every saved query, ours against rdflib."""
    from bench_queries import measure

    print(f"saved queries on {data} …", file=sys.stderr)
    try:
        return measure(data, reps, limit, timeout)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        return {"error": str(exc).splitlines()[0]}


def run_startup(reps: int) -> dict[str, Any]:
    """``bench_startup.py``: start-up of the CLI against ``import pyoxigraph``."""
    from bench_startup import measure
    from bench_startup import table as startup_table

    print("start-up …", file=sys.stderr)
    try:
        startup = measure(reps)
    except subprocess.CalledProcessError as exc:
        return {"error": str(exc).splitlines()[0]}
    print(f"\nstart-up (medians of {reps} fresh processes):\n")
    print(startup_table(startup))
    return startup


def query_table(results: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| scale | query | rdflib s (runs) | ours s (runs) | ours q/s | × rdflib | same answer |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for scale, r in results.items():
        if "error" in r:
            lines.append(f"| {scale} | {r['error']} | | | | | |")
            continue
        for name, q in r["queries"].items():
            b, o = q["rdflib"], q["ours"]
            lines.append(
                f"| {scale} | {name} | {b['median_s']:.3f} ({b['warm_runs']}) | "
                f"{o['median_s']:.3f} ({o['warm_runs']}) | {1 / o['median_s']:.1f} | "
                f"{q['speedup']:.1f}× | {'yes' if q['same_answer'] else 'NO'}: {o['answer']} |"
            )
        nx_ = r["networkx"]
        lines.append(
            f"| {scale} | co-participation NetworkX view ({nx_['nodes']:,} nodes, "
            f"{nx_['edges']:,} edges) | | {nx_['seconds']:.2f} | | | |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scales", default="S,M", help="comma-separated: S, M, L")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--json", type=Path, default=Path("bench-results.json"))
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "th-data")
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--query-scales", default="S,M", help="scales to run queries.py at")
    parser.add_argument(
        "--rdflib-limit", type=int, default=60, help="seconds before a saved query on rdflib stops"
    )
    parser.add_argument(
        "--startup-reps", type=int, default=11, help="runs of each start-up case (0: skip)"
    )
    parser.add_argument("--child", choices=CASES)
    parser.add_argument("--data", type=Path)
    parser.add_argument("--work", type=Path)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.data, args.work)
        return
    sys.path.insert(0, str(HERE))
    from generate import write

    cases = [c for c in args.cases.split(",") if c]
    results: dict[str, dict[str, dict[str, Any]]] = {}
    for scale in args.scales.split(","):
        data = args.data_dir / f"{scale}-42"
        if not (data / "participations.jsonl").exists():
            print(f"generating {scale} in {data} …", file=sys.stderr)
            write(data, scale)
        runs: dict[str, list[dict[str, Any]]] = {c: [] for c in cases}
        for rep in range(args.reps):
            for case in cases:
                r = run_case(case, data, args.timeout)
                print(f"{scale} rep {rep + 1} {case}: {r}", file=sys.stderr)
                runs[case].append(r)
        results[scale] = {c: median_of(rs) for c, rs in runs.items()}
    print(table(results))
    query_results, saved_results = {}, {}
    for scale in [s for s in args.query_scales.split(",") if s]:
        data = args.data_dir / f"{scale}-42"
        if data.exists():
            query_results[scale] = run_queries(data, args.reps, args.timeout)
            saved_results[scale] = run_saved(data, args.reps, args.rdflib_limit, 4 * args.timeout)
    if query_results:
        print()
        print(query_table(query_results))
    from bench_queries import table as saved_table

    for scale, saved in saved_results.items():
        print(f"\nsaved queries at {scale} (busiest organisation, largest project):\n")
        print(saved.get("error") or saved_table(saved))
    startup = run_startup(args.startup_reps) if args.startup_reps > 0 else {}
    meta = {"python": platform.python_version(), "machine": platform.machine(), "reps": args.reps}
    doc = {
        "meta": meta,
        "load": results,
        "queries": query_results,
        "saved": saved_results,
        "startup": startup,
    }
    args.json.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"\nwrote {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
