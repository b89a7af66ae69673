"""Upload throughput to real SPARQL servers, against the embedded store in the same run.

    .venv/bin/python benchmarks/bench_remote.py [--scale S|M] [--virtuoso] [--no-oxigraph]

On the CORDIS-like files of ``generate.py`` (seed 42; S or M scale), validated once
(``bulk.prepare``, outside every timer):

- ``embedded``: ``bulk.write`` into an on-disk store, what ``triplehelix load --store`` does;
- ``push``: ``push_store`` of that store's named graphs to ``oxigraph serve`` on 127.0.0.1
  (small graphs packed into SPARQL Update requests, large ones by the Graph Store Protocol);
- ``push (Update only)``: the same without a Graph Store endpoint (INSERT DATA batches);
- ``pull``: the graphs read back into a fresh store;
- with ``--virtuoso``: push (GSP, ``--pack 0``) and pull against a private Virtuoso.

Triples are the named graphs' triples (each is also written once more to the default graph,
or the union graph, on every side). Push copies whatever named graphs the store holds, so the
figures do not depend on how many graphs a source makes. Ratios, not absolute times: the
machines are shared and noisy.
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

import generate


@contextlib.contextmanager
def oxigraph(folder: Path) -> Iterator[str]:
    from triplehelix.graph.store.backend import find_oxigraph, free_port

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
    from triplehelix.graph.remote.client import Endpoints, SparqlClient
    from triplehelix.graph.remote.pull import pull_graphs
    from triplehelix.graph.remote.write import push_store
    from triplehelix.graph.store.local import KnowledgeGraph
    from triplehelix.graph.store.remote import RemoteStore
    from virtuoso_server import PASSWORD, USER, VirtuosoServer

    server = VirtuosoServer(tmp / "virtuoso")
    server.start()
    try:
        ends = Endpoints.of(f"{server.url}/sparql-auth", gsp=f"{server.url}/sparql-graph-crud-auth")
        client = SparqlClient(ends, USER, PASSWORD, union_graph="urn:triplehelix:union")
        t0 = time.perf_counter()
        report = push_store(kg, client, pack=0)  # Virtuoso's Update is slow: GSP only
        out = [("Virtuoso push (GSP, --pack 0)", time.perf_counter() - t0, report.triples)]
        print(f"  {out[-1]}", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        try:
            with KnowledgeGraph(tmp / "pulled-virtuoso") as copy:
                n = sum(pull_graphs(RemoteStore(client), copy).graphs.values())
            out.append(("Virtuoso pull", time.perf_counter() - t0, n))
        except Exception as exc:
            print(f"Virtuoso pull failed: {exc}", file=sys.stderr)
        return out
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(generate.SCALES), default="S")
    parser.add_argument("--virtuoso", action="store_true", help="Also a private Virtuoso.")
    parser.add_argument("--no-oxigraph", action="store_true", help="Skip the Oxigraph server.")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="th-bench-remote-"))
    try:
        run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)  # stores of several GB at M scale


def run(args: argparse.Namespace, tmp: Path) -> None:
    """Every path on the files of ``args.scale``, in ``tmp``; prints the table."""
    import pyoxigraph as ox

    from triplehelix.graph.remote.client import Endpoints, SparqlClient
    from triplehelix.graph.remote.pull import pull_graphs
    from triplehelix.graph.remote.write import push_store
    from triplehelix.graph.store import bulk
    from triplehelix.graph.store.local import KnowledgeGraph
    from triplehelix.graph.store.remote import RemoteStore

    counts = generate.write(tmp / "data", args.scale)
    plan = bulk.prepare(sorted((tmp / "data").iterdir()))  # validated once, outside the timers
    results: list[tuple[str, float, int]] = []

    t0 = time.perf_counter()
    kg = KnowledgeGraph(tmp / "embedded")
    bulk.write(kg, plan)
    embedded = time.perf_counter() - t0
    triples = sum(
        1
        for g in kg.graph_names()
        for _ in kg.store.quads_for_pattern(None, None, None, ox.NamedNode(g))
    )
    results.append(("embedded load (bulk, on disk)", embedded, triples))
    graphs = len(kg.graph_names())
    print(f"  {results[-1]}", file=sys.stderr, flush=True)

    if not args.no_oxigraph:
        with oxigraph(tmp / "server-a") as url:
            client = SparqlClient(Endpoints.of(url))
            t0 = time.perf_counter()
            report = push_store(kg, client)
            results.append(("push (packed Update + GSP)", time.perf_counter() - t0, report.triples))
            t0 = time.perf_counter()
            with KnowledgeGraph(tmp / "pulled") as copy:
                pulled = pull_graphs(RemoteStore(client), copy)
            seconds = time.perf_counter() - t0
            results.append(("pull (GSP GET / SELECT groups)", seconds, sum(pulled.graphs.values())))
        with oxigraph(tmp / "server-b") as url:
            ends = Endpoints.of(url)
            client = SparqlClient(Endpoints(ends.query, ends.update, None))
            t0 = time.perf_counter()
            report = push_store(kg, client)
            results.append(("push (Update only)", time.perf_counter() - t0, report.triples))

    if args.virtuoso:
        results += virtuoso(kg, tmp)
    records = sum(counts.values())
    print(f"{args.scale}: {records:,} records, {graphs:,} named graphs, {triples:,} triples")
    print("| path | seconds | triples/s | vs embedded |\n|---|---|---|---|")
    for name, seconds, n in results:
        print(f"| {name} | {seconds:.2f} | {n / seconds:,.0f} | {embedded / seconds:.2f}x |")


if __name__ == "__main__":
    main()
