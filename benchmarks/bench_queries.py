"""Saved queries: median time of each, triplehelix (Oxigraph) against rdflib in the same run.

    .venv/bin/python benchmarks/bench_queries.py [--scale 1] [--repeat 5] [--rdflib-limit 60]
    .venv/bin/python benchmarks/bench_queries.py --dataset /tmp/th-data/M-42 [--json out.json]

The data is the seeded generator of the query tests (``tests/query_world.py``: about
2,600 records × scale, with hub organisations), or with ``--dataset`` a folder made by
``generate.py`` (what ``run.py`` uses at S and M). There the parameters name the busiest
organisation (the worst case for the organisation queries) and the largest project.
Each engine runs in its own child process (peak RSS per engine); both get the same query
text with the parameters bound as ``VALUES``. rdflib answers over an ``rdflib.Dataset``
of our named graphs with the default graph as their union, built outside the timer. A query
rdflib has not answered after ``--rdflib-limit`` seconds is stopped and shown as ``>limit``.
Row counts are compared: a difference is printed as a mismatch.
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


def bound_queries(kg: Any, params: dict[str, dict[str, str]]) -> dict[str, str]:
    from triplehelix.graph.query.bind import bind
    from triplehelix.graph.query.saved import saved_queries

    return {
        name: bind(q.text, q.resolve(kg, dict(params.get(name, {}))))
        for name, q in saved_queries().items()
    }


def load(path: Path) -> Any:
    """A generated folder is bulk loaded (as ``triplehelix load`` does), a file in one go."""
    from triplehelix import KnowledgeGraph, load_records
    from triplehelix.graph.store import bulk

    kg = KnowledgeGraph()
    if path.is_dir():
        bulk.write(kg, bulk.prepare([path]))
    else:
        kg.load(load_records([path]))
    return kg


def dataset_params(data: Path) -> dict[str, dict[str, str]]:
    """Parameters for a ``generate.py`` folder, named by their English labels: its busiest
    organisation and university (the worst case for one-hop questions), and its largest
    project. ``partner-suggestions`` asks for an active organisation instead (the 99th
    percentile of participations): two project hops from a hub reach most of the graph."""
    import csv
    from collections import Counter

    orgs: Counter[str] = Counter()
    projects: Counter[str] = Counter()
    with (data / "participations.jsonl").open(encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            orgs[row["agent"]] += 1
            projects[row["activity"]] += 1
    with (data / "organisations.csv").open(encoding="utf-8", newline="") as f:
        rows = {r["id"]: r for r in csv.DictReader(f)}
    hub = next(o for o, _ in orgs.most_common() if rows[o]["name.en"])
    uni = next(o for o, _ in orgs.most_common() if "university" in rows[o]["types"].split("|"))
    with (data / "projects.jsonl").open(encoding="utf-8") as f:
        acronyms = {p["id"]: p["acronym"] for p in map(json.loads, f)}
    big = acronyms[projects.most_common(1)[0][0]]
    org = {"org": rows[hub]["name.en"]}
    ranked = [o for o, _ in orgs.most_common() if rows[o]["name.en"]]
    active = ranked[len(ranked) // 100]
    return {
        "org-portfolio": org,
        "partners-of": org,
        "partner-suggestions": {"org": rows[active]["name.en"]},
        "provenance-trail": {"node": rows[hub]["name.en"]},
        "industry-engagement": {"university": rows[uni]["name.en"]},
        "project-consortium": {"project": big},
    }


def run_ours(path: Path, params: dict[str, dict[str, str]], repeat: int) -> dict[str, Any]:
    from triplehelix.graph.query.run import run_text

    kg = load(path)
    out = {}
    for name, text in bound_queries(kg, params).items():
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            result = run_text(kg, text, timeout=600)
            times.append(time.perf_counter() - t0)
        out[name] = {"median": statistics.median(times), "rows": len(result)}
    return out


class LateError(Exception):
    pass


def _late(signum: int, frame: object) -> None:
    raise LateError


def run_rdflib(
    path: Path, params: dict[str, dict[str, str]], repeat: int, limit: int
) -> dict[str, Any]:
    from triplehelix.ontology.namespace import PREFIXES

    kg = load(path)
    texts = bound_queries(kg, params)
    ds = _rdflib_dataset(kg)  # outside the timer
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
            if times[-1] > limit / 4:
                break  # slow: one run is enough
        out[name] = {"median": statistics.median(times) if times else None, "rows": rows}
    return out


def _rdflib_dataset(kg: Any) -> Any:
    """Our named graphs in an ``rdflib.Dataset`` whose default graph is their union: one
    N-Quads parse (``KnowledgeGraph.to_rdflib`` parses graph by graph, slow with 100k)."""
    import io

    import pyoxigraph as ox
    import rdflib

    from triplehelix.ontology.namespace import PREFIXES

    named = (q for q in kg.store if not isinstance(q.graph_name, ox.DefaultGraph))
    buffer = io.BytesIO()
    ox.serialize(named, buffer, ox.RdfFormat.N_QUADS)
    ds = rdflib.Dataset(default_union=True)
    ds.parse(data=buffer.getvalue().decode("utf-8"), format="nquads")
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns, replace=True)
    return ds


def child(which: str, path: Path, repeat: int, limit: int) -> None:
    import warnings

    warnings.simplefilter("ignore")
    params = dataset_params(path) if path.is_dir() else PARAMS
    if which == "triplehelix":
        result = run_ours(path, params, repeat)
    else:
        result = run_rdflib(path, params, repeat, limit)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"queries": result, "peak_rss_mb": peak}))


def measure(data: Path, repeat: int, limit: int, timeout: float = 3600) -> dict[str, Any]:
    """Both engines on ``data`` (a file or a ``generate.py`` folder), each in a child."""
    results = {}
    for which in ("triplehelix", "rdflib"):
        cmd = [sys.executable, __file__, "--child", which, "--data", str(data)]
        cmd += ["--repeat", str(repeat), "--rdflib-limit", str(limit)]
        done = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=timeout)
        results[which] = json.loads(done.stdout)
    return {"limit_s": limit, "repeat": repeat, **results}


def table(result: dict[str, Any]) -> str:
    """The Markdown table of a ``measure`` result."""
    ours, base, limit = result["triplehelix"], result["rdflib"], result["limit_s"]
    lines = [
        "| saved query | rows | triplehelix ms | rdflib ms | rdflib / triplehelix |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, mine in ours["queries"].items():
        theirs = base["queries"][name]
        t_ms = mine["median"] * 1000
        if theirs["median"] is None:
            r_ms, ratio = f">{limit * 1000:,}", f">{limit / mine['median']:,.0f}×"
        else:
            r_ms = f"{theirs['median'] * 1000:,.1f}"
            ratio = f"{theirs['median'] / mine['median']:,.0f}×"
        rows = str(mine["rows"])
        if theirs["rows"] is not None and theirs["rows"] != mine["rows"]:
            rows += f" (rdflib: {theirs['rows']}, mismatch)"
        lines.append(f"| `{name}` | {rows} | {t_ms:,.1f} | {r_ms} | {ratio} |")
    lines.append(
        f"\npeak RSS: triplehelix {ours['peak_rss_mb']:,.0f} MB, "
        f"rdflib {base['peak_rss_mb']:,.0f} MB"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--dataset", type=Path, help="a generate.py folder instead")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rdflib-limit", type=int, default=60)
    parser.add_argument("--json", type=Path, help="also write the result as JSON here")
    parser.add_argument("--child", choices=["triplehelix", "rdflib"])
    parser.add_argument("--data", type=Path)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.data, args.repeat, args.rdflib_limit)
        return
    if args.dataset:
        data = args.dataset
        print(f"{data}, median of {args.repeat} runs (one when slow)")
    else:
        sys.path.insert(0, str(ROOT / "tests"))
        from query_world import medium_records

        records = medium_records(scale=args.scale)
        data = Path(tempfile.gettempdir()) / f"th-bench-queries-{args.scale}.jsonl"
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        data.write_text(text, "utf-8")
        print(f"{len(records):,} records (scale {args.scale}), median of {args.repeat} runs")
    result = measure(data, args.repeat, args.rdflib_limit)
    print(table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
