"""Start-up: how long a command takes before it does anything, against importing pyoxigraph.

    .venv/bin/python benchmarks/bench_startup.py [--reps 11] [--python OTHER/bin/python]

Every case is a fresh process, timed from spawn to exit (wall clock), runs interleaved so
that ratios come from measurements taken side by side; medians of ``--reps`` runs:

- ``python -c pass``: the interpreter alone (the floor);
- ``python -c "import pyoxigraph"``: the store engine alone (the baseline of the ratios);
- ``triplehelix --help``;
- ``triplehelix query 'SELECT (COUNT(*) AS ?n) …' --store SMALL``: a count on a small
  on-disk store (the seed world, ~2,000 quads) made once before the runs.

``--python`` times another installation (its ``triplehelix`` script beside it), e.g. a
virtual environment with an older version, for a before/after comparison.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
BASELINE = "import pyoxigraph"


def cases(python: Path, store: Path) -> dict[str, list[str]]:
    script = str(python.parent / "triplehelix")
    return {
        "python -c pass": [str(python), "-c", "pass"],
        "import pyoxigraph": [str(python), "-c", "import pyoxigraph"],
        "triplehelix --help": [script, "--help"],
        "triplehelix query COUNT --store SMALL": [script, "query", COUNT, "--store", str(store)],
    }


def make_store(python: Path, folder: Path) -> Path:
    """The seed world loaded into an on-disk store, with the installation being measured."""
    store = folder / "small"
    seed = subprocess.run(
        [str(python), "-c", "import triplehelix as th; print(th.seed_path())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    subprocess.run(
        [str(python.parent / "triplehelix"), "load", seed, "--store", str(store)],
        capture_output=True,
        check=True,
    )
    return store


def wall(argv: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t0


def measure(reps: int, python: Path | None = None) -> dict[str, Any]:
    """Median wall seconds of every case (one warm-up round first, not counted)."""
    python = python or Path(sys.executable)
    folder = Path(tempfile.mkdtemp(prefix="th-startup-"))
    try:
        argvs = cases(python, make_store(python, folder))
        for argv in argvs.values():
            wall(argv)
        runs: dict[str, list[float]] = {name: [] for name in argvs}
        for _ in range(reps):
            for name, argv in argvs.items():
                runs[name].append(wall(argv))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        name: {"median_s": statistics.median(times), "min_s": min(times), "runs": len(times)}
        for name, times in runs.items()
    }


def table(results: dict[str, Any]) -> str:
    base = results[BASELINE]["median_s"]
    lines = [
        f"| case | median s | min s | × `{BASELINE}` |",
        "|---|---:|---:|---:|",
    ]
    for name, r in results.items():
        lines.append(
            f"| `{name}` | {r['median_s']:.3f} | {r['min_s']:.3f} | {r['median_s'] / base:.1f}× |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--reps", type=int, default=11)
    parser.add_argument("--python", type=Path, default=None, help="interpreter to measure")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    results = measure(args.reps, args.python)
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
