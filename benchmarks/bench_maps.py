"""Partnership maps: ours against plain pyvis defaults, on the same graphs, in the same run.

    .venv/bin/python benchmarks/bench_maps.py [--sizes 200 1000 5000] [--limit 45]

For each size, synthetic records (``synthetic.records``, seeded; 60 % organisations,
40 % projects) are loaded into a store and drawn as the bipartite view:

- ``triplehelix``: ``map_page`` (view + tooltip SPARQL + seeded layout + HTML), physics
  off above 200 nodes;
- ``pyvis``: ``Network(cdn_resources="in_line").from_nx(graph)`` then ``generate_html()``
  on the same NetworkX graph (its defaults: physics on, no positions).

Each build runs in its own child process (peak RSS is per path). Each page is then opened
in headless Debian Chromium with every non-file request aborted, and timed from navigation
start to the first frame drawn once the map is interactive (physics off: the first frame;
physics on: the first frame after ``stabilizationIterationsDone``), or the ``--limit``.
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
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import records

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Installed before any page script: hooks pyvis's global `network` and ours alike.
HOOK = """
window.__ready = null;
(function () { let _n; Object.defineProperty(window, 'network', { configurable: true,
  get() { return _n; },
  set(v) { _n = v; let iter = false;
    v.once('stabilizationIterationsDone', () => { iter = true; });
    v.on('afterDrawing', () => {
      const on = v.physics.physicsEnabled && v.physics.options.enabled;
      if (window.__ready === null && (!on || iter)) window.__ready = performance.now(); });
  } }); })();
"""


def build(which: str, data: Path, out: Path) -> dict[str, Any]:
    import warnings

    warnings.simplefilter("ignore")
    from triplehelix.data.loader import load_records
    from triplehelix.graph.maps.build import map_page
    from triplehelix.graph.store.local import KnowledgeGraph
    from triplehelix.graph.views.network import bipartite_graph

    kg = KnowledgeGraph()
    kg.load(load_records([data]))
    if which == "triplehelix":
        t0 = time.perf_counter()
        page = map_page(kg, "bipartite", "benchmark", max_nodes=10**6)
        seconds = time.perf_counter() - t0
        graph = None
    else:
        from pyvis.network import Network

        graph = bipartite_graph(kg)
        t0 = time.perf_counter()
        net = Network(cdn_resources="in_line")
        net.from_nx(graph)
        page = net.generate_html()
        seconds = time.perf_counter() - t0
    out.write_text(page, encoding="utf-8")
    g = graph if graph is not None else bipartite_graph(kg)
    return {
        "seconds": seconds,
        "bytes": out.stat().st_size,
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def time_in_browser(pages: list[Path], limit_s: float) -> list[float | None]:
    from playwright.sync_api import sync_playwright

    results: list[float | None] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        for path in pages:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.add_init_script(HOOK)
            page.route(
                "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
            )
            try:
                page.goto(path.as_uri(), wait_until="commit", timeout=limit_s * 1000)
                page.wait_for_function(
                    "window.__ready !== null", timeout=limit_s * 1000, polling=100
                )
                results.append(page.evaluate("window.__ready") / 1000)
            except Exception:  # the limit: report as "> limit"
                results.append(None)
            page.close()
        browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000, 5000])
    parser.add_argument("--limit", type=float, default=45.0, help="browser wait, seconds")
    parser.add_argument("--child", choices=["triplehelix", "pyvis"])
    parser.add_argument("--data", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(build(args.child, args.data, args.out)))
        return
    tmp = Path(tempfile.mkdtemp(prefix="th-bench-maps-"))
    rows = []
    for n in args.sizes:
        data = tmp / f"records-{n}.jsonl"
        recs = records(int(n * 0.6), int(n * 0.4), seed=n)
        data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs))
        for which in ("triplehelix", "pyvis"):
            out = tmp / f"{which}-{n}.html"
            proc = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    which,
                    "--data",
                    str(data),
                    "--out",
                    str(out),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            rows.append({"size": n, "which": which, "html": out, **json.loads(proc.stdout)})
    ready = time_in_browser([r["html"] for r in rows], args.limit)
    print(f"pages in {tmp}")
    print(
        "| target | nodes (links) | map | HTML | build (Python) | peak RSS | first interactive"
        " draw (Chromium) |"
    )
    print("|---|---|---|---|---|---|---|")
    for r, t in zip(rows, ready, strict=True):
        shown = f"{t:.2f} s" if t is not None else f"> {args.limit:.0f} s (not reached)"
        print(
            f"| {r['size']:,} | {r['nodes']:,} ({r['edges']:,}) | {r['which']} "
            f"| {r['bytes'] / 2**20:.2f} MB | {r['seconds']:.2f} s | {r['peak_rss_mb']:.0f} MB "
            f"| {shown} |"
        )


if __name__ == "__main__":
    main()
