"""Records → store throughput, against the plain-library baseline in the same run.

    .venv/bin/python benchmarks/bench_load.py [--orgs 2000] [--projects 1000]

Measures, on the same synthetic records (seeded), in separate child processes so that
peak memory is per path:

- ``triplehelix``: validate (pydantic) → mint IRIs → N-Quads text → one Oxigraph load;
- ``rdflib``: the same quads parsed into an ``rdflib.Dataset`` (what a user would write
  with the plain library), as the baseline.

Prints quads per second, peak RSS and the ratio. Ratios, not absolute times: the
machines are shared and noisy. The scale benchmark (CORDIS-sized data) is its own issue.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def records(n_orgs: int, n_projects: int, seed: int = 42) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    types = ["university", "company", "research-organisation", "government-body"]
    countries = ["KZ", "TJ", "UZ", "KG", "DE", "FR", "PL"]
    out: list[dict[str, Any]] = []
    for i in range(n_orgs):
        out.append(
            {
                "kind": "organisation",
                "id": f"o{i}",
                "types": [rng.choice(types)],
                "name": {"en": f"Organisation {i}", "ru": f"Организация {i}"},
                "country": rng.choice(countries),
            }
        )
    for j in range(n_projects):
        start = rng.randint(2014, 2024)
        out.append(
            {
                "kind": "project",
                "id": f"p{j}",
                "name": {"en": f"Project {j}"},
                "start": str(start),
                "end": str(start + rng.randint(0, 4)),
            }
        )
        members = {min(int(rng.paretovariate(1.2)) - 1, n_orgs - 1) for _ in range(2)}
        members |= {rng.randrange(n_orgs) for _ in range(rng.randint(1, 8))}
        for k, org in enumerate(sorted(members)):
            out.append(
                {
                    "kind": "participation",
                    "agent": f"o{org}",
                    "activity": f"p{j}",
                    "role": "coordinator" if k == 0 else "partner",
                }
            )
    return out


def run_ours(path: Path) -> dict[str, Any]:
    from triplehelix.data.loader import load_records
    from triplehelix.graph.store import KnowledgeGraph

    t0 = time.perf_counter()
    rs = load_records([path])
    kg = KnowledgeGraph()
    report = kg.load(rs)
    return {"seconds": time.perf_counter() - t0, "quads": report.added}


def run_rdflib(path: Path) -> dict[str, Any]:
    import rdflib

    from triplehelix.data.loader import load_records
    from triplehelix.graph.rdf import build_nquads

    text = build_nquads(load_records([path])).nquads  # same quads, built outside the timer
    t0 = time.perf_counter()
    ds = rdflib.Dataset()
    ds.parse(data=text, format="nquads")
    return {"seconds": time.perf_counter() - t0, "quads": len(text.splitlines())}


def child(which: str, path: Path) -> None:
    import warnings

    warnings.simplefilter("ignore")
    result = run_ours(path) if which == "triplehelix" else run_rdflib(path)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=2000)
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--child", choices=["triplehelix", "rdflib"])
    parser.add_argument("--data", type=Path)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.data)
        return
    data = Path(tempfile.gettempdir()) / f"th-bench-{args.orgs}-{args.projects}.jsonl"
    data.write_text(
        "".join(
            json.dumps(r, ensure_ascii=False) + "\n" for r in records(args.orgs, args.projects)
        ),
        encoding="utf-8",
    )
    results = {}
    for which in ("triplehelix", "rdflib"):
        out = subprocess.run(
            [sys.executable, __file__, "--child", which, "--data", str(data)],
            capture_output=True,
            text=True,
            check=True,
        )
        results[which] = json.loads(out.stdout)
    ours, base = results["triplehelix"], results["rdflib"]
    print(f"records file: {data} ({data.stat().st_size / 2**20:.1f} MiB)")
    for name, r in results.items():
        rate = r["quads"] / r["seconds"]
        print(
            f"{name:12s} {r['quads']:>9,} quads  {r['seconds']:7.2f} s  {rate:>10,.0f} quads/s"
            f"  peak RSS {r['peak_rss_mb']:,.0f} MB"
        )
    print(
        "triplehelix (validate + build + load) vs rdflib parse of the same quads: "
        f"{base['seconds'] / ours['seconds']:.1f}x faster"
    )


if __name__ == "__main__":
    main()
