"""CORDIS import throughput and peak memory, against the plain csv module in the same run.

    .venv/bin/python benchmarks/bench_import.py [--copies 20]

Builds a participation table of ``copies`` × the 5,744-row H2020 sample (every copy with
its own project and organisation numbers), then measures in separate child processes, so
that peak memory is per path:

- ``csv``: ``csv.DictReader`` over the table, every row kept (the baseline);
- ``import``: ``import_cordis`` (rows → validated records, quality report);
- ``import+store``: the same, then ``KnowledgeGraph().load`` into an in-memory store;
- ``stream``: ``stream_cordis`` in sets of 20,000 rows, each set dropped once made;
- ``stream+disk``: the same sets, each loaded into an on-disk store as it comes.

Prints rows per second, peak RSS and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SAMPLE = Path(__file__).parent.parent / "tests" / "fixtures" / "cordis" / "h2020.csv"


def make_table(copies: int, target: Path) -> int:
    header, *rows = SAMPLE.read_text(encoding="utf-8").splitlines()
    n = 0
    with target.open("w", encoding="utf-8") as f:
        f.write(header + "\n")
        for c in range(copies):
            for row in rows:
                cells = row.split(",")
                cells[0] = str(int(cells[0]) + c * 1_000_000)  # rcn
                cells[2] = f"{(int(cells[2]) + c * 7919) % 10**9:09d}"  # pic
                f.write(",".join(cells) + "\n")
                n += 1
    return n


def child(path: str, table: str) -> None:
    start = time.perf_counter()
    if path == "csv":
        import csv

        with open(table, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        n = len(rows)
    elif path.startswith("stream"):
        from triplehelix.data.importers.cordis import stream_cordis
        from triplehelix.data.importers.report import QualityReport
        from triplehelix.graph.store.local import KnowledgeGraph

        report = QualityReport("cordis")
        with tempfile.TemporaryDirectory() as tmp:
            kg = KnowledgeGraph(Path(tmp) / "kg") if path == "stream+disk" else None
            for rs in stream_cordis([Path(table)], report, chunk_rows=20_000):
                if kg is not None:
                    kg.load(rs)
            if kg is not None:
                kg.close()
        n = sum(report.rows.values())
    else:
        from triplehelix.data.importers.cordis import import_cordis

        rs, report = import_cordis([Path(table)])
        n = sum(report.rows.values())
        if path == "import+store":
            from triplehelix.graph.store.local import KnowledgeGraph

            KnowledgeGraph().load(rs)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"path": path, "rows": n, "seconds": seconds, "peak_mb": peak}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        table = Path(tmp) / "participations.csv"
        n = make_table(args.copies, table)
        print(f"{n} participation rows ({args.copies} copies of the H2020 sample)")
        results = []
        for path in ("csv", "import", "import+store", "stream", "stream+disk"):
            out = subprocess.run(
                [sys.executable, __file__, "--child", path, str(table)],
                check=True,
                capture_output=True,
                text=True,
            )
            results.append(json.loads(out.stdout))
    base = results[0]
    print(f"{'path':<14}{'rows/s':>12}{'peak MB':>10}{'× csv time':>12}")
    for r in results:
        rate = r["rows"] / r["seconds"]
        print(
            f"{r['path']:<14}{rate:>12,.0f}{r['peak_mb']:>10.0f}"
            f"{r['seconds'] / base['seconds']:>12.1f}"
        )


if __name__ == "__main__":
    main()
