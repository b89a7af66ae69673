"""A read-only SPARQL 1.1 Protocol endpoint over an on-disk store.

The SPARQL work is done by the Oxigraph server (the ``oxigraph`` PyPI package, the same
Oxigraph version as pyoxigraph, so it reads the same store): ``serve-read-only`` on a
private loopback port. In front of it a small gateway, bound to 127.0.0.1 by default,
adds what a researcher's endpoint needs and Oxigraph does not do:

- the project prefixes are predeclared, as in ``triplehelix query``;
- updates (``/update``, writes to ``/store``, Update text sent to ``/query``) → 403;
- ``SERVICE`` (federation: the server would fetch other URLs) → 403;
- a timeout per query → 504 (Oxigraph's own timeout stops the evaluation);
- a cap on the size of an answer (``max_bytes``) → 507 with a hint to add ``LIMIT``;
- the checks of ``triplehelix query`` on the query's tokens: nesting deeper than
  ``MAX_DEPTH`` or more than ``MAX_TOKENS`` tokens → 400 before Oxigraph sees it (its
  parser would overflow its stack), and Oxigraph's threads get a deep stack too;
- a malformed request (``Content-Length: abc``, a body over ``MAX_REQUEST``) → 400/413,
  a client that leaves early is dropped quietly, an idle one after ``IDLE`` seconds;
- a memory cap on Oxigraph (``backend_mb``, ``RLIMIT_DATA``): a query that needs more
  makes it abort → 503 with a hint, and it is started again;
- if Oxigraph dies, the next request starts it again (the one it died on gets 502).

The store is locked as ``triplehelix load`` locks it: ``serve`` holds a shared lock on the
store's ``LOCK`` file (the one every writable open takes exclusively), so it refuses to
start while a load writes (exit 5), and a load refuses to start while it serves. Oxigraph's
read-only mode must never see a writer: its behaviour is undefined then.

Oxigraph's own port is on loopback and not announced, but any local user can reach it
there, without these guards (docs/security.md).

Oxigraph serves its query page (YASGUI, bundled, no network) at ``/``; GET and POST
(form and direct body) and content negotiation are Oxigraph's, per the Protocol.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import http.client
import os
import re
import resource
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from triplehelix.errors import QueryError, StoreError, UsageError
from triplehelix.graph.query.check import check_text
from triplehelix.graph.query.run import QUERY_STACK
from triplehelix.ontology.namespace import PREFIXES

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MIN_BACKEND_MB",
    "Endpoint",
    "default_backend_mb",
    "find_oxigraph",
    "free_port",
    "lock_store",
]

DEFAULT_MAX_BYTES = 50 * 2**20
"""Largest answer the endpoint sends (50 MiB); larger ones get 507."""
MAX_QUERIES = 4
"""Queries forwarded to Oxigraph at once; others wait (up to the timeout), then get 503.
With ``max_bytes``, this bounds the gateway's memory (answers are read whole before
they are sent, to answer 507 instead of a cut-off body)."""
MAX_REQUEST = 4 * 2**20
"""Largest request body read (4 MiB; a query is capped at ``MAX_TOKENS`` tokens anyway)."""
IDLE = 30.0
"""Seconds a connection may stay silent before the gateway drops it."""
CANCELLED = b"The SPARQL operation has been cancelled"
# One line, so Oxigraph's error positions keep the line numbers of the user's text.
PROLOGUE = "".join(f"PREFIX {p}: <{ns}> " for p, ns in PREFIXES.items())
FORWARDED = ("accept",)  # not Accept-Encoding: the cap and the checks read plain bytes
MIN_BACKEND_MB = 512
"""Smallest memory cap of Oxigraph but 0 (none), in MiB (at rest it holds about 55 MiB)."""
BASE_STACKS, MARGIN = 1, 2.0
"""``RUST_MIN_STACK`` gives every thread Oxigraph starts a ``QUERY_STACK`` stack, and
``RLIMIT_DATA`` counts these reservations although they are barely touched; the cap allows
them on top of ``backend_mb``: the listener's, 1 per open connection, 1 per query for
``--timeout-s`` seconds (the thread that cancels it), each counted ``MARGIN`` seconds longer
than it lives. glibc keeps the stack of the last thread that ended for the next one: it is
not counted, so at rest (no request open) the heap has 256 MiB less room."""
OUT_OF_MEMORY = (
    b"memory allocation of",  # Rust's allocation failure, then abort
    b"bad_alloc",  # RocksDB (C++)
    b"thread spawn error",  # no room for a connection thread's stack
    b"Resource temporarily unavailable (os error 11)",  # nor for a query's timer thread
)
"""What Oxigraph writes on stderr when the cap refuses it memory."""


def find_oxigraph() -> str:
    """The ``oxigraph`` server binary: next to this Python, else on PATH.

    Raises:
        UsageError: it is not installed.
    """
    here = Path(sys.executable).parent / "oxigraph"
    found = str(here) if here.exists() else shutil.which("oxigraph")
    if found is None:
        raise UsageError(
            "the oxigraph server is not installed",
            code="no-oxigraph",
            hint="pip install oxigraph==0.5.13 (the pyoxigraph version)",
        )
    return found


def default_backend_mb() -> int:
    """The default memory cap of Oxigraph, in MiB: half the memory of the machine (or of its
    cgroup, if that is less), at least 1024 and at most 16384.

    >>> 1024 <= default_backend_mb() <= 16384
    True
    """
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return 4096
    with contextlib.suppress(OSError, ValueError):
        total = min(total, int(Path("/sys/fs/cgroup/memory.max").read_text()))  # "max": none
    return min(max(total // 2**21, 1024), 16384)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now.

    >>> 0 < free_port() < 65536
    True
    """
    with socket.socket() as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def lock_store(store: Path) -> int:
    """A shared lock on the store's ``LOCK`` file, held until the descriptor is closed.

    Every writable open of a store (``triplehelix load``, ``unload``, ``import``,
    ``query --allow-update``) makes RocksDB take an exclusive ``fcntl`` lock on that file;
    a shared lock excludes exactly those, and lets other readers be. It is an open file
    description lock (Linux), so it also holds against a writer in this very process.

    Raises:
        StoreError: a writer holds the store (``store-busy``) or it cannot be locked.
    """
    try:
        fd = os.open(store / "LOCK", os.O_RDONLY)
    except OSError as exc:
        raise StoreError(
            f"{store}: cannot open the store's LOCK file: {exc.strerror}",
            code="store-unavailable",
            hint="is this a triplehelix store, readable by you?",
        ) from exc
    command = getattr(fcntl, "F_OFD_SETLK", fcntl.F_SETLK)
    try:
        fcntl.fcntl(fd, command, struct.pack("hhqqi4x", fcntl.F_RDLCK, os.SEEK_SET, 0, 0, 0))
    except OSError as exc:
        os.close(fd)
        if exc.errno in (errno.EAGAIN, errno.EACCES):
            raise StoreError(
                f"{store}: a load (or another writer) is writing the store",
                code="store-busy",
                hint="wait for it to finish, then start serve again; Oxigraph must not "
                "read a store while it is written",
            ) from exc
        raise StoreError(f"{store}: cannot lock the store: {exc.strerror}") from exc
    return fd


class _Log:
    """A process's stderr, read by a thread as it comes (a full pipe would block the
    process); the last 64 KiB are kept, ``size`` counts every byte."""

    KEEP = 64 * 1024

    def __init__(self, pipe: int) -> None:
        self.text, self.size = b"", 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._drain, args=(pipe,), daemon=True)
        self._thread.start()

    def _drain(self, pipe: int) -> None:
        while chunk := os.read(pipe, 65536):
            with self._lock:
                self.text, self.size = (self.text + chunk)[-self.KEEP :], self.size + len(chunk)

    def since(self, size: int) -> bytes:
        """What was written after ``size`` bytes (as much of it as is kept)."""
        with self._lock:
            return self.text[len(self.text) - min(self.size - size, len(self.text)) :]

    def wait(self) -> None:
        """Until the process's end of the pipe is closed (it has exited), or 2 s."""
        self._thread.join(timeout=2)


class _Cap:
    """Oxigraph's memory cap: ``RLIMIT_DATA`` = ``mb`` MiB + the stacks of the threads it
    has or is about to start, kept up to date as requests come and go (and every second).

    Only the soft limit moves (a hard one could not be raised again). ``prlimit`` on the
    started process, not ``preexec_fn``: Oxigraph is started again from a handler thread,
    and a fork with threads running is unsafe (CPython's own warning). Popen returns once
    Oxigraph is exec'd, so it runs uncapped for the milliseconds before the first call,
    while it opens the store.
    """

    def __init__(self, mb: int, timeout: int) -> None:
        self.mb, self.timeout = mb, timeout
        self.pid: int | None = None
        self.open = 0  # connections to Oxigraph
        self.ends: list[float] = []  # when threads that are no longer counted as open end
        self.limit = 0
        self.error: OSError | None = None
        self._lock = threading.Lock()

    def started(self, pid: int) -> None:
        """A new Oxigraph process: no core dumps (an abort at the cap would write one as
        large), and the cap.

        Raises:
            StoreError: the cap cannot be set (``backend-failed``).
        """
        with self._lock:
            self.pid, self.ends, self.limit, self.error = pid, [], 0, None
            with contextlib.suppress(OSError, AttributeError):  # gone; not allowed; not Linux
                resource.prlimit(pid, resource.RLIMIT_CORE, (0, 0))
            self._apply()
            if self.error is not None:
                raise StoreError(
                    f"cannot cap the oxigraph server's memory: {self.error.strerror}",
                    code="backend-failed",
                    hint="start serve with --backend-max-mb 0 (no cap)",
                )

    @contextlib.contextmanager
    def request(self) -> Iterator[None]:
        """Room for the threads of one request to Oxigraph: its connection, its timer."""
        with self._lock:
            self.open += 1
            self.ends.append(time.monotonic() + self.timeout + MARGIN)
            self._apply()
        try:
            yield
        finally:
            with self._lock:
                self.open -= 1
                self.ends.append(time.monotonic() + MARGIN)
                self._apply()

    def tick(self) -> None:
        """Take back the room of threads that have ended."""
        with self._lock:
            self._apply()

    def _apply(self) -> None:
        if not self.mb or self.pid is None or not hasattr(resource, "prlimit"):
            return
        now = time.monotonic()
        self.ends = [end for end in self.ends if end > now]
        stacks = BASE_STACKS + self.open + len(self.ends)
        limit = self.mb * 2**20 + stacks * QUERY_STACK
        if limit == self.limit:
            return
        try:
            _, hard = resource.prlimit(self.pid, resource.RLIMIT_DATA)
            soft = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
            resource.prlimit(self.pid, resource.RLIMIT_DATA, (soft, hard))
            self.limit = limit
        except ProcessLookupError:
            pass  # it has exited: the next request starts it again
        except OSError as exc:  # not allowed (a sandbox): reported when Oxigraph starts
            self.error = exc


class Endpoint:
    """The Oxigraph backend and the gateway in front of it.

    Args:
        store: an on-disk triplehelix store (``triplehelix load … --store DIR``).
        host, port: where the gateway listens (port 0: any free port).
        timeout: seconds a query may run.
        max_bytes: the largest answer sent.
        backend_mb: what Oxigraph may allocate, in MiB (``RLIMIT_DATA``: its heap, with its
            threads' stacks allowed on top, see ``_Cap``), 0 for no cap, None for
            ``default_backend_mb()``. Linux only (elsewhere there is no cap).

    Raises:
        UsageError: ``backend_mb`` under ``MIN_BACKEND_MB`` (``bad-option``) or the port
            cannot be listened on.

    Use as a context manager, or ``start()`` then ``serve_forever()`` and ``stop()``.
    """

    def __init__(
        self,
        store: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 7878,
        timeout: float = 60.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        backend_mb: int | None = None,
    ) -> None:
        backend_mb = default_backend_mb() if backend_mb is None else backend_mb
        if 0 < backend_mb < MIN_BACKEND_MB or backend_mb < 0:
            raise UsageError(
                f"--backend-max-mb {backend_mb}: Oxigraph needs at least {MIN_BACKEND_MB} MiB",
                code="bad-option",
                hint=f"give {MIN_BACKEND_MB} or more, or 0 for no cap",
            )
        if not (store / "CURRENT").exists():
            raise StoreError(
                f"{store}: no triplehelix store here",
                code="no-store",
                hint="create one with: triplehelix load DATA --store DIR",
            )
        self.store, self.timeout, self.max_bytes = store, timeout, max_bytes
        self.backend_mb = backend_mb
        self.cap = _Cap(backend_mb, max(1, round(timeout)))
        self.backend_port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log: _Log | None = None
        self.failure: StoreError | None = None
        self._lock: int | None = None
        self._revive_lock = threading.Lock()
        self._stopped = threading.Event()
        self.slots = threading.BoundedSemaphore(MAX_QUERIES)
        try:
            self.server = ThreadingHTTPServer((host, port), _handler(self))
        except OSError as exc:
            raise UsageError(
                f"cannot listen on {host}:{port}: {exc.strerror}",
                code="port-unavailable",
                hint="choose another --port",
            ) from exc
        self.server.daemon_threads = True
        self.host, self.port = host, int(self.server.server_address[1])

    @property
    def url(self) -> str:
        """The SPARQL query endpoint."""
        return f"http://{self.host}:{self.port}/query"

    def start(self) -> None:
        """Lock the store as a reader, check no load is under way, start Oxigraph.

        Raises:
            StoreError: a load is writing the store (``store-busy``), or the server did
                not come up (its log is in the message).
        """
        from triplehelix.graph.store.local import KnowledgeGraph

        self._lock = lock_store(self.store)
        try:
            KnowledgeGraph(self.store, read_only=True).close()  # store-busy mid bulk load
            self._spawn()
        except BaseException:
            self._unlock()
            raise
        threading.Thread(target=self._tick, daemon=True).start()

    def _tick(self) -> None:
        while not self._stopped.wait(1.0):
            self.cap.tick()

    def _spawn(self) -> None:
        """Start Oxigraph, cap its memory and wait until it answers."""
        if self.process is not None and self.process.stderr:
            if self.log is not None:
                self.log.wait()
            self.process.stderr.close()
        env = {**os.environ, "RUST_MIN_STACK": str(QUERY_STACK)}  # its query threads' stack
        self.process = subprocess.Popen(
            [
                find_oxigraph(),
                "serve-read-only",
                "--location",
                str(self.store),
                "--bind",
                f"127.0.0.1:{self.backend_port}",
                "--timeout-s",
                str(self.cap.timeout),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
        )
        assert self.process.stderr is not None
        self.log = _Log(self.process.stderr.fileno())
        try:
            self.cap.started(self.process.pid)
        except StoreError:
            self._terminate()
            raise
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.wait()
                log = self.log.text.decode(errors="replace").strip()
                raise StoreError(f"the oxigraph server stopped: {log[-500:]}")
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", self.backend_port), timeout=1).close()
                return
            time.sleep(0.05)
        self._terminate()
        raise StoreError("the oxigraph server did not start within 30 s")

    def out_of_memory(self, log: _Log | None, since: int = 0) -> bool:
        """Whether Oxigraph wrote, after ``since`` bytes of ``log``, that it had no memory."""
        text = log.since(since) if log is not None else b""
        return any(sign in text for sign in OUT_OF_MEMORY)

    def memory_message(self, died: bool) -> str:
        """The answer to a query Oxigraph had no memory for: it died on it, or could not
        start a thread for it (other queries hold the memory)."""
        cap = f"--backend-max-mb ({self.backend_mb} MiB)" if self.backend_mb else "memory"
        if not died:
            return f"the SPARQL server has no memory left under its {cap}; try again later"
        if not self.backend_mb:
            return "the SPARQL server ran out of memory on this query; narrow it (add a LIMIT)"
        return (
            f"the query needed more memory than --backend-max-mb allows ({self.backend_mb} "
            "MiB); narrow it (a LIMIT, fewer rows to sort or group) or raise --backend-max-mb"
        )

    def revive(self) -> bool:
        """Start Oxigraph again if it has exited; whether it had.

        If it cannot be started, the endpoint stops: ``serve_forever`` returns and
        ``failure`` holds the reason.
        """
        with self._revive_lock:
            if self.process is None or self.process.poll() is None or self.failure:
                return False
            code = self.process.returncode
            if self.log is not None:
                self.log.wait()
            why = ", out of memory" if self.out_of_memory(self.log) else ""
            sys.stderr.write(f"the oxigraph server exited ({code}){why}; starting it again\n")
            try:
                self._spawn()
            except StoreError as exc:
                self.failure = StoreError(
                    f"the oxigraph server exited ({code}) and did not start again: {exc.message}",
                    code="backend-failed",
                    hint="check the store and the oxigraph binary, then start serve again",
                )
                threading.Thread(target=self.server.shutdown, daemon=True).start()
            return True

    def serve_forever(self) -> None:
        """Answer requests until ``stop()`` (from another thread) or Ctrl-C.

        Raises:
            StoreError: Oxigraph died and could not be started again (``backend-failed``).
        """
        self.server.serve_forever(poll_interval=0.2)
        if self.failure is not None:
            raise self.failure

    def stop(self) -> None:
        """Stop the gateway and the Oxigraph process; waits for it to exit."""
        self._stopped.set()
        self.server.shutdown()
        self.server.server_close()
        self._terminate()
        if self.log is not None:
            self.log.wait()
        if self.process is not None and self.process.stderr:
            self.process.stderr.close()
        self._unlock()

    def _terminate(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _unlock(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # closing the description releases its lock
            self._lock = None

    def __enter__(self) -> Endpoint:
        self.start()
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _user_position(message: bytes) -> bytes:
    """Oxigraph's ``error at 1:C`` counted from the user's text, not the prologue.

    >>> _user_position(f"error at 1:{len(PROLOGUE) + 5}: expected x".encode())
    b'error at 1:5: expected x'
    """
    match = re.match(rb"error at 1:(\d+)", message)
    if match is None:
        return message
    column = max(int(match.group(1)) - len(PROLOGUE.encode()), 1)
    return b"error at 1:%d" % column + message[match.end() :]


def _handler(endpoint: Endpoint) -> type[BaseHTTPRequestHandler]:
    class Gateway(_Gateway):
        ep = endpoint

    return Gateway


class _Gateway(BaseHTTPRequestHandler):
    ep: Endpoint
    server_version = "triplehelix-sparql"
    timeout = IDLE  # a silent client does not hold its thread for ever

    def handle(self) -> None:
        """Serve the connection; a client that leaves early is dropped quietly."""
        try:
            super().handle()
        except (ConnectionError, TimeoutError):
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        sys.stderr.write(f"{self.address_string()} {format % args}\n")

    def do_GET(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        if path == "/query":
            self._query(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
        elif path == "/update":
            self._refuse(403, "this endpoint is read-only")
        else:
            self._forward("GET", self.path, None, {})

    def do_POST(self) -> None:
        split = urllib.parse.urlsplit(self.path)
        if split.path != "/query":
            self._refuse(403, "this endpoint is read-only")
            return
        raw = (self.headers.get("Content-Length") or "0").strip()
        if not raw.isdigit():
            self.close_connection = True  # the body's end is unknown: do not read on
            self._refuse(400, "Content-Length must be a number of bytes")
            return
        if int(raw) > MAX_REQUEST:
            self.close_connection = True
            self._refuse(413, f"the request body is larger than {MAX_REQUEST} bytes")
            return
        body = self.rfile.read(int(raw)).decode("utf-8", errors="replace")
        params = urllib.parse.parse_qsl(split.query)
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind == "application/x-www-form-urlencoded":
            params += urllib.parse.parse_qsl(body)
        elif kind == "application/sparql-query":
            params.append(("query", body))
        elif kind == "application/sparql-update":
            self._refuse(403, "this endpoint is read-only")
            return
        else:
            self._refuse(415, "send a query as a form field or as application/sparql-query")
            return
        self._query(params)

    def do_PUT(self) -> None:
        self._refuse(403, "this endpoint is read-only")

    do_DELETE = do_PATCH = do_PUT  # noqa: N815

    def _query(self, params: list[tuple[str, str]]) -> None:
        texts = [v for k, v in params if k == "query"]
        if [k for k, _ in params if k == "update"]:
            self._refuse(403, "this endpoint is read-only")
            return
        if len(texts) != 1:
            self._refuse(400, "give exactly one query parameter")
            return
        try:
            check_text(texts[0])
        except QueryError as exc:
            self._refuse(*_refusal(exc))
            return
        rest = [(k, v) for k, v in params if k != "query"]
        body = urllib.parse.urlencode([("query", PROLOGUE + texts[0]), *rest])
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        self._forward("POST", "/query", body.encode("utf-8"), headers)

    def _forward(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> None:
        ep = self.ep
        for name in FORWARDED:
            if self.headers.get(name):
                headers[name] = self.headers[name]
        if not ep.slots.acquire(timeout=ep.timeout):
            self._refuse(503, "the endpoint is busy with other queries; try again")
            return
        try:
            fetched = self._fetch(method, path, body, headers)
        finally:
            ep.slots.release()
        if fetched is None:
            return
        response, data, elapsed = fetched
        if data.rstrip().endswith(CANCELLED) and elapsed >= ep.timeout - 0.5:
            self._refuse(504, f"the query did not finish within {ep.timeout:g} s")
        elif len(data) > ep.max_bytes:
            self._refuse(507, f"the answer is larger than {ep.max_bytes} bytes; add a LIMIT")
        else:
            if response.status == 400 and path == "/query":
                data = _user_position(data)
            self._send(response.status, response.getheader("Content-Type"), data)

    def _fetch(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[http.client.HTTPResponse, bytes, float] | None:
        """Oxigraph's answer (at most ``max_bytes`` + 1 bytes of it), or None once refused.

        If Oxigraph failed for want of memory (it aborted, or could not start a thread),
        503; if it died otherwise, 502; either way the next request finds it running.
        """
        ep = self.ep
        ep.revive()  # it may have died since the last request
        process, log = ep.process, ep.log
        mark = log.size if log is not None else 0
        conn = http.client.HTTPConnection("127.0.0.1", ep.backend_port, timeout=ep.timeout + 2)
        started = time.monotonic()
        try:
            with ep.cap.request(), contextlib.closing(conn):
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read(ep.max_bytes + 1)
        except TimeoutError:
            self._refuse(504, f"the query did not finish within {ep.timeout:g} s")
            return None
        except (OSError, http.client.HTTPException) as exc:  # IncompleteRead: died mid-answer
            with contextlib.suppress(subprocess.TimeoutExpired):
                if process is not None:
                    process.wait(timeout=1)  # a reset socket may come before the exit
            ep.revive()
            died = process is not None and process.poll() is not None
            if ep.out_of_memory(log, mark):
                self._refuse(503, ep.memory_message(died))
            elif died and ep.failure is None:
                self._refuse(502, "the SPARQL server stopped while answering; it was restarted")
            else:
                self._refuse(502, f"the SPARQL server is unavailable: {exc!r}")
            return None
        if response.status == 500 and (ep.out_of_memory(log, mark) or b"os error 11" in data):
            self._refuse(503, ep.memory_message(died=False))  # no room for a thread's stack
            return None
        return response, data, time.monotonic() - started

    def _refuse(self, status: int, message: str) -> None:
        self._send(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))

    def _send(self, status: int, content_type: str | None, data: bytes) -> None:
        try:
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
        except ConnectionError:  # the client left: nobody to tell
            self.close_connection = True


def _refusal(exc: QueryError) -> tuple[int, str]:
    """The HTTP status and message of a query the checks refused."""
    if exc.code == "update-refused":
        return 403, "this endpoint is read-only: SPARQL Update is refused"
    if exc.code == "service-refused":
        return 403, "SERVICE and LOAD (the network) are refused by this endpoint"
    return 400, exc.message + (f"\n{exc.hint}" if exc.hint else "")
