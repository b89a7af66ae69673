"""Hostile requests to ``triplehelix serve`` (issue 12, items 1–4): SERVICE hidden from a
keyword scanner, nesting that killed Oxigraph, a dead backend, a query that needs more
memory than the backend's cap, a store being loaded, malformed requests and clients that
leave early. ``serve`` runs as a real process on
loopback; the clients are raw sockets and urllib."""

from __future__ import annotations

import os
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from hostile.test_queries import DEEP, Listener, bypasses
from triplehelix import KnowledgeGraph, StoreError, load_records, seed_path
from triplehelix.graph.store.backend import default_backend_mb, free_port
from triplehelix.graph.store.serve import Endpoint

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self"), reason="reads /proc")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile-serve") / "kg"
    with KnowledgeGraph(path) as kg:
        kg.load(load_records([seed_path()]))
    return path


@dataclass
class Served:
    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"

    def backend(self) -> int:
        """The pid of the Oxigraph process serve started."""
        # Every thread's children: a restarted backend is the child of a handler thread.
        pids = []
        for task in Path(f"/proc/{self.proc.pid}/task").iterdir():
            try:
                pids.extend(int(p) for p in (task / "children").read_text().split())
            except FileNotFoundError:  # a handler thread that has just ended
                continue
        assert len(pids) == 1
        return pids[0]

    def stderr(self) -> str:
        return self.log.read_text()


def start_serve(
    store: Path, log: Path, env: dict[str, str] | None = None, args: tuple[str, ...] = ()
) -> Served:
    port = free_port()
    argv = ["serve", "--store", str(store), "--port", str(port), "--timeout", "20", *args]
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "triplehelix", *argv],
            stderr=out,
            env={**os.environ, **(env or {})},
        )
    deadline = time.monotonic() + 60
    while "SPARQL endpoint" not in log.read_text():
        assert proc.poll() is None, log.read_text()
        assert time.monotonic() < deadline, "serve did not start"
        time.sleep(0.05)
    return Served(proc, port, log)


def stop_serve(served: Served) -> None:
    if served.proc.poll() is None:
        served.proc.terminate()
        try:
            served.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            served.proc.kill()
            served.proc.wait()


@pytest.fixture
def served(store: Path, tmp_path: Path) -> Iterator[Served]:
    running = start_serve(store, tmp_path / "serve.log")
    yield running
    stop_serve(running)
    assert "Traceback" not in running.stderr()


def ask(url: str, query: str, accept: str = "application/sparql-results+json") -> tuple[int, str]:
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(url, data=body, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


UNIVERSITY = "ASK { ?o a th:University }"


def test_service_bypass_gets_403_and_no_request_leaves(served: Served) -> None:
    ears = Listener()
    try:
        for text in bypasses(ears.port)[:2]:
            status, body = ask(served.url, text)
            assert status == 403, body
            assert body == "SERVICE and LOAD (the network) are refused by this endpoint\n"
        assert ears.connections == 0
    finally:
        ears.close()
    assert ask(served.url, UNIVERSITY) == (200, '{"head":{},"boolean":true}')


@pytest.mark.parametrize("shape", sorted(DEEP))
def test_deep_nesting_gets_400_and_the_backend_lives(served: Served, shape: str) -> None:
    backend = served.backend()
    status, body = ask(served.url, DEEP[shape])
    assert status == 400
    assert body.startswith("query: the query nests ")
    assert served.backend() == backend  # the same Oxigraph, alive
    assert ask(served.url, UNIVERSITY)[0] == 200


def test_a_killed_backend_is_started_again(served: Served) -> None:
    backend = served.backend()
    os.kill(backend, 9)
    assert ask(served.url, UNIVERSITY) == (200, '{"head":{},"boolean":true}')
    assert served.backend() != backend
    assert "the oxigraph server exited (-9); starting it again" in served.stderr()


def test_a_backend_that_crashes_on_a_query_is_not_502_for_ever(store: Path, tmp_path: Path) -> None:
    """With the limits lifted, a query deep enough kills Oxigraph even on its deep stack:
    that request gets 502, the next one an answer."""
    lifted = {"TRIPLEHELIX_QUERY_MAX_DEPTH": "10000000", "TRIPLEHELIX_QUERY_MAX_TOKENS": "10000000"}
    running = start_serve(store, tmp_path / "serve.log", lifted)
    try:
        levels = 400_000
        status, body = ask(running.url, "SELECT * WHERE " + "{" * levels + "}" * levels)
        assert status == 502, body
        assert ask(running.url, UNIVERSITY) == (200, '{"head":{},"boolean":true}')
    finally:
        stop_serve(running)
    assert "Traceback" not in running.stderr()


# -- the backend's memory cap (--backend-max-mb) ----------------------------------------------

# 4 × 1019² rows to sort: Oxigraph grows to 1.3 GB of RSS in 2 s, then sorts for minutes.
SORTED_PRODUCT = (
    "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . VALUES ?x { 1 2 3 4 } } ORDER BY ?c ?f LIMIT 1"
)


def limits(pid: int, name: str) -> list[str]:
    """The soft and hard limit ``name`` of process ``pid`` (``/proc/PID/limits``)."""
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith(name + "  "):
            return line[len(name) :].split()[:2]
    raise AssertionError(name)


def peak_rss(pid: int, stop: threading.Event, peak: list[int]) -> None:
    """Keep the largest VmHWM (peak RSS, kB) of ``pid`` in ``peak[0]`` until it exits."""
    while not stop.is_set():
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except (FileNotFoundError, ProcessLookupError):
            return
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peak[0] = max(peak[0], int(line.split()[1]))
        time.sleep(0.01)


def test_a_query_over_the_memory_cap_gets_503_and_the_next_an_answer(
    store: Path, tmp_path: Path
) -> None:
    """Without the cap the backend reaches 1.3 GB and the client waits for a 504."""
    cap = 512
    running = start_serve(store, tmp_path / "serve.log", args=("--backend-max-mb", str(cap)))
    try:
        backend = running.backend()
        # At rest the listener's stack (256 MiB, RUST_MIN_STACK) is allowed on top.
        assert limits(backend, "Max data size")[0] == str((cap + 256) * 2**20)
        stop, peak = threading.Event(), [0]
        watcher = threading.Thread(target=peak_rss, args=(backend, stop, peak))
        watcher.start()
        started = time.monotonic()
        status, body = ask(running.url, SORTED_PRODUCT)
        elapsed = time.monotonic() - started
        stop.set()
        watcher.join()
        assert status == 503, body
        assert body == (
            f"the query needed more memory than --backend-max-mb allows ({cap} MiB); narrow it "
            "(a LIMIT, fewer rows to sort or group) or raise --backend-max-mb\n"
        )
        assert elapsed < 15
        assert 0 < peak[0] < (cap + 32) * 1024, peak  # kB; + the binary's pages (18 MiB)
        assert ask(running.url, UNIVERSITY) == (200, '{"head":{},"boolean":true}')
        assert running.backend() != backend
    finally:
        stop_serve(running)
    log = running.stderr()
    assert "the oxigraph server exited (-6), out of memory; starting it again" in log
    assert "Traceback" not in log


def test_the_backend_runs_under_the_default_cap(served: Served) -> None:
    backend = served.backend()
    assert limits(backend, "Max data size")[0] == str((default_backend_mb() + 256) * 2**20)
    assert limits(backend, "Max core file size") == ["0", "0"]


def test_a_burst_of_small_queries_fits_under_a_small_cap(store: Path, tmp_path: Path) -> None:
    """Each query leaves an Oxigraph thread (its timeout's) with a 256 MiB stack for
    --timeout seconds: 20 queries reserve 5 GiB, which the cap allows on top."""
    cap = 512
    running = start_serve(store, tmp_path / "serve.log", args=("--backend-max-mb", str(cap)))
    try:
        for _ in range(20):
            assert ask(running.url, UNIVERSITY) == (200, '{"head":{},"boolean":true}')
        status = Path(f"/proc/{running.backend()}/status").read_text()
        data = next(int(line.split()[1]) for line in status.splitlines() if "VmData" in line)
        assert data > 4 * cap * 1024  # kB: the stacks are reserved, and allowed
    finally:
        stop_serve(running)
    assert "exited" not in running.stderr()


def test_a_cap_under_512_mib_is_refused(store: Path) -> None:
    argv = ["serve", "--store", str(store), "--port", "0", "--backend-max-mb", "500"]
    run = subprocess.run(
        [sys.executable, "-m", "triplehelix", *argv], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 2, run.stderr
    assert "Oxigraph needs at least 512 MiB" in run.stderr
    assert "[bad-option]" in run.stderr


# -- the store lock: serve and load exclude each other ---------------------------------------


def test_serve_refuses_a_store_that_is_being_written(store: Path, tmp_path: Path) -> None:
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, triplehelix as th; kg = th.KnowledgeGraph(sys.argv[1]); "
            "print('open', flush=True); sys.stdin.read()",
            str(store),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline() == b"open\n"  # a writer holds the store
        port = str(free_port())
        run = subprocess.run(
            [sys.executable, "-m", "triplehelix", "serve", "--store", str(store), "--port", port],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 5, run.stderr
        assert run.stderr.startswith(f"Error: {store}: a load (or another writer) is writing")
        assert "[store-busy]" in run.stderr
        assert "Hint: wait for it to finish" in run.stderr
    finally:
        writer.communicate(timeout=60)


def test_load_refuses_a_store_that_is_being_served(served: Served, store: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "triplehelix", "load", str(seed_path()), "--store", str(store)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 5, run.stderr
    assert "[store-unavailable]" in run.stderr
    with pytest.raises(StoreError):  # in this process too: the lock is per open file
        KnowledgeGraph(store)


def test_the_endpoint_releases_its_lock_when_stopped(store: Path) -> None:
    with Endpoint(store, port=0), pytest.raises(StoreError):
        KnowledgeGraph(store)
    KnowledgeGraph(store).close()


# -- malformed requests and clients that leave ------------------------------------------------


def raw(port: int, request: bytes) -> bytes:
    """Send bytes, read until the server closes the connection (or 30 s)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(request)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_a_content_length_that_is_no_number_gets_400(served: Served) -> None:
    started = time.monotonic()
    answer = raw(
        served.port,
        b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: abc\r\n\r\nASK {}",
    )
    assert answer.startswith(b"HTTP/1.0 400 "), answer
    assert b"Content-Length must be a number of bytes" in answer
    assert time.monotonic() - started < 10  # closed at once: no thread left waiting
    assert ask(served.url, UNIVERSITY)[0] == 200
    assert "Traceback" not in served.stderr()
    assert "ValueError" not in served.stderr()


def test_a_huge_content_length_gets_413_without_reading(served: Served) -> None:
    answer = raw(
        served.port,
        b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 99999999999\r\n\r\nASK {}",
    )
    assert answer.startswith(b"HTTP/1.0 413 "), answer


def test_clients_that_leave_early_are_dropped_quietly(served: Served) -> None:
    big = urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"}).encode()
    request = (
        b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Accept: text/csv\r\nContent-Length: %d\r\n\r\n%s" % (len(big), big)
    )
    for _ in range(5):
        conn = socket.create_connection(("127.0.0.1", served.port), timeout=30)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.sendall(request)
        conn.close()  # a reset, before the answer
    half = socket.create_connection(("127.0.0.1", served.port), timeout=30)
    half.sendall(request[:40])
    half.close()  # leaves in the middle of its headers
    deadline = time.monotonic() + 30  # every handler has answered (into a closed socket)
    while served.stderr().count('"POST /query') < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # and had the time to log a traceback, if it were to
    assert ask(served.url, UNIVERSITY)[0] == 200
    log = served.stderr()
    assert "Traceback" not in log
    assert "BrokenPipeError" not in log
    assert "ConnectionResetError" not in log
