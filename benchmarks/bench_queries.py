"""Saved queries: median time of each, triplehelix (Oxigraph) against rdflib in the same run.

    .venv/bin/python benchmarks/bench_queries.py [--scale 1] [--repeat 5] [--rdflib-limit 60]

The data is the seeded generator of the query tests (``tests/query_world.py``: about
2,600 records × scale, with hub organisations). Each engine runs in its own child process
(peak RSS per engine); both get the same query text with the parameters bound as
``VALUES``. rdflib answers over an ``rdflib.Dataset`` with the default graph as the union
of the named graphs, built outside the timer. A query rdflib has not answered after
``--rdflib-limit`` seconds is stopped and shown as ``>limit``. Row counts are compared: a
difference is printed as a mismatch.
"""

from __future__ import annotations

import argparse
import json
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PARAMS = {
    "org-portfolio": {"org": "Organisation 3"},
    "partners-of": {"org": "Organisation 1"},
    "project-consortium": {"project": "Project 5"},
    "industry-engagement": {"university": "Organisation 0"},
    "partner-suggestions": {"org": "Organisation 2"},
    "provenance-trail": {"node": "Organisation 4"},
}


def bound_queries(kg: Any) -> dict[str, str]:
    from triplehelix.graph.query import bind
    from triplehelix.graph.saved import saved_queries

    return {
        name: bind(q.text, q.resolve(kg, dict(PARAMS.get(name, {}))))
        for name, q in saved_queries().items()
    }


def load(path: Path) -> Any:
    from triplehelix import KnowledgeGraph, load_records

    kg = KnowledgeGraph()
    kg.load(load_records([path]))
    return kg


def run_ours(path: Path, repeat: int) -> dict[str, Any]:
    from triplehelix.graph.query import run_text

    kg = load(path)
    out = {}
    for name, text in bound_queries(kg).items():
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            result = run_text(kg.store, text, timeout=600)
            times.append(time.perf_counter() - t0)
        out[name] = {"median": statistics.median(times), "rows": len(result)}
    return out


class LateError(Exception):
    pass


def _late(signum: int, frame: object) -> None:
    raise LateError


def run_rdflib(path: Path, repeat: int, limit: int) -> dict[str, Any]:
    from triplehelix.ontology.namespace import PREFIXES

    kg = load(path)
    texts = bound_queries(kg)
    ds = kg.to_rdflib()  # outside the timer
    del kg
    signal.signal(signal.SIGALRM, _late)
    out: dict[str, Any] = {}
    for name, text in texts.items():
        times: list[float] = []
        rows = None
        for _ in range(repeat):
            signal.alarm(limit)
            t0 = time.perf_counter()
            try:
                rows = len(list(ds.query(text, initNs=PREFIXES)))
            except LateError:
                times = []
                break
            finally:
                signal.alarm(0)
            times.append(time.perf_counter() - t0)
        out[name] = {"median": statistics.median(times) if times else None, "rows": rows}
    return out


def child(which: str, path: Path, repeat: int, limit: int) -> None:
    import warnings

    warnings.simplefilter("ignore")
    result = run_ours(path, repeat) if which == "triplehelix" else run_rdflib(path, repeat, limit)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"queries": result, "peak_rss_mb": peak}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rdflib-limit", type=int, default=60)
    parser.add_argument("--child", choices=["triplehelix", "rdflib"])
    parser.add_argument("--data", type=Path)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.data, args.repeat, args.rdflib_limit)
        return
    sys.path.insert(0, str(ROOT / "tests"))
    from query_world import medium_records

    records = medium_records(scale=args.scale)
    data = Path(tempfile.gettempdir()) / f"th-bench-queries-{args.scale}.jsonl"
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    results = {}
    for which in ("triplehelix", "rdflib"):
        cmd = [sys.executable, __file__, "--child", which, "--data", str(data)]
        cmd += ["--repeat", str(args.repeat), "--rdflib-limit", str(args.rdflib_limit)]
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
        results[which] = json.loads(done.stdout)
    ours, base = results["triplehelix"], results["rdflib"]
    print(f"{len(records):,} records (scale {args.scale}), median of {args.repeat} runs")
    print("| saved query | rows | triplehelix ms | rdflib ms | rdflib / triplehelix |")
    print("|---|---:|---:|---:|---:|")
    for name, mine in ours["queries"].items():
        theirs = base["queries"][name]
        t_ms = mine["median"] * 1000
        if theirs["median"] is None:
            r_ms, ratio = f">{args.rdflib_limit * 1000:,}", "—"
        else:
            r_ms = f"{theirs['median'] * 1000:,.1f}"
            ratio = f"{theirs['median'] / mine['median']:,.0f}×"
        rows = str(mine["rows"])
        if theirs["rows"] is not None and theirs["rows"] != mine["rows"]:
            rows += f" (rdflib: {theirs['rows']}, mismatch)"
        print(f"| `{name}` | {rows} | {t_ms:,.1f} | {r_ms} | {ratio} |")
    print(
        f"peak RSS: triplehelix {ours['peak_rss_mb']:,.0f} MB, rdflib {base['peak_rss_mb']:,.0f} MB"
    )


if __name__ == "__main__":
    main()
