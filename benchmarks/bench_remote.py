"""Upload throughput to a real Oxigraph server, against the embedded store in the same run.

    .venv/bin/python benchmarks/bench_remote.py [--orgs 2000] [--projects 1000]

On the same synthetic records as ``bench_load.py`` (seeded), validated once:

- ``embedded``: ``KnowledgeGraph.load`` into an on-disk store (build quads + one transaction);
- ``push``: ``push_store`` of the same graphs to ``oxigraph serve`` on 127.0.0.1 (small graphs
  packed into SPARQL Update requests, large ones by the Graph Store Protocol);
- ``push (Update only)``: the same without a Graph Store endpoint (INSERT DATA batches);
- ``pull``: the graphs read back with paged SELECTs into a fresh store.

Triples are the named graphs' triples (each is also written once more to the default graph,
on both sides). Ratios, not absolute times: the machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from bench_load import records


@contextlib.contextmanager
def oxigraph(folder: Path) -> Iterator[str]:
    from triplehelix.graph.serve import find_oxigraph, free_port

    port = free_port()
    cmd = [find_oxigraph(), "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait()


def virtuoso(kg: Any, tmp: Path) -> list[tuple[str, float, int]]:
    """Push and pull against a private Virtuoso (Debian's package; its default 10,000-row cap)."""
    sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
    from triplehelix.graph.remote import RemoteGraph
    from triplehelix.graph.remote_write import pull_graphs, push_store
    from triplehelix.graph.sparql_http import Endpoints, SparqlClient
    from triplehelix.graph.store import KnowledgeGraph
    from virtuoso_server import PASSWORD, USER, VirtuosoServer

    server = VirtuosoServer(tmp / "virtuoso")
    server.start()
    try:
        ends = Endpoints.of(f"{server.url}/sparql-auth", gsp=f"{server.url}/sparql-graph-crud-auth")
        client = SparqlClient(ends, USER, PASSWORD, union_graph="urn:triplehelix:union")
        t0 = time.perf_counter()
        report = push_store(kg, client, pack=0)  # Virtuoso's Update is slow: GSP only
        out = [("Virtuoso push (GSP, --pack 0)", time.perf_counter() - t0, report.triples)]
        t0 = time.perf_counter()
        with KnowledgeGraph(tmp / "pulled-virtuoso") as copy:
            n = sum(pull_graphs(RemoteGraph(client), copy).graphs.values())
        out.append(("Virtuoso pull", time.perf_counter() - t0, n))
        return out
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=2000)
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--virtuoso", action="store_true", help="Also a private Virtuoso.")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="th-bench-remote-"))
    try:
        run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # stores of several GB at M scale


def run(args: argparse.Namespace, tmp: Path) -> None:
    """Every path on the records of ``args``, in ``tmp``; prints the table."""
    import json

    import pyoxigraph as ox

    from triplehelix.data.loader import load_records
    from triplehelix.graph.remote import RemoteGraph
    from triplehelix.graph.remote_write import pull_graphs, push_store
    from triplehelix.graph.sparql_http import Endpoints, SparqlClient
    from triplehelix.graph.store import KnowledgeGraph

    sizes = (args.orgs, args.projects)
    data = tmp / "records.jsonl"
    data.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records(*sizes)),
        encoding="utf-8",
    )
    rs = load_records([data])  # validated once, outside every timer
    results: list[tuple[str, float, int]] = []

    t0 = time.perf_counter()
    kg = KnowledgeGraph(tmp / "embedded")
    kg.load(rs)
    embedded = time.perf_counter() - t0
    triples = sum(
        1
        for g in kg.graph_names()
        for _ in kg.store.quads_for_pattern(None, None, None, ox.NamedNode(g))
    )
    results.append(("embedded load", embedded, triples))
    graphs = len(kg.graph_names())

    with oxigraph(tmp / "server-a") as url:
        client = SparqlClient(Endpoints.of(url))
        t0 = time.perf_counter()
        report = push_store(kg, client)
        results.append(("push (packed Update + GSP)", time.perf_counter() - t0, report.triples))
        t0 = time.perf_counter()
        with KnowledgeGraph(tmp / "pulled") as copy:
            pulled = pull_graphs(RemoteGraph(client), copy)
        results.append(
            (
                "pull (GSP GET / SELECT groups)",
                time.perf_counter() - t0,
                sum(pulled.graphs.values()),
            )
        )
    with oxigraph(tmp / "server-b") as url:
        ends = Endpoints.of(url)
        client = SparqlClient(Endpoints(ends.query, ends.update, None))
        t0 = time.perf_counter()
        report = push_store(kg, client)
        results.append(("push (Update only)", time.perf_counter() - t0, report.triples))

    if args.virtuoso:
        results += virtuoso(kg, tmp)
    print(f"{len(rs)} records, {graphs} named graphs, {triples:,} triples (+ default-graph copies)")
    print("| path | seconds | triples/s | vs embedded |\n|---|---|---|---|")
    for name, seconds, n in results:
        print(f"| {name} | {seconds:.2f} | {n / seconds:,.0f} | {embedded / seconds:.2f}x |")


if __name__ == "__main__":
    main()
