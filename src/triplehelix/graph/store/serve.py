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
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path

from triplehelix.errors import StoreError, UsageError
from triplehelix.graph.query.run import QUERY_STACK
from triplehelix.graph.store.backend import (
    MIN_BACKEND_MB,
    OUT_OF_MEMORY,
    Cap,
    Log,
    default_backend_mb,
    find_oxigraph,
    free_port,
    lock_store,
)
from triplehelix.graph.store.gateway import handler

__all__ = ["DEFAULT_MAX_BYTES", "MAX_QUERIES", "Endpoint"]

DEFAULT_MAX_BYTES = 50 * 2**20
"""Largest answer the endpoint sends (50 MiB); larger ones get 507."""
MAX_QUERIES = 4
"""Queries forwarded to Oxigraph at once; others wait (up to the timeout), then get 503.
With ``max_bytes``, this bounds the gateway's memory (answers are read whole before
they are sent, to answer 507 instead of a cut-off body)."""


class Endpoint:
    """The Oxigraph backend and the gateway in front of it.

    Args:
        store: an on-disk triplehelix store (``triplehelix load … --store DIR``).
        host, port: where the gateway listens (port 0: any free port).
        timeout: seconds a query may run.
        max_bytes: the largest answer sent.
        backend_mb: what Oxigraph may allocate, in MiB (``RLIMIT_DATA``: its heap, with its
            threads' stacks allowed on top, see ``Cap``), 0 for no cap, None for
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
        self.cap = Cap(backend_mb, max(1, round(timeout)))
        self.backend_port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log: Log | None = None
        self.failure: StoreError | None = None
        self._lock: int | None = None
        self._revive_lock = threading.Lock()
        self._stopped = threading.Event()
        self.slots = threading.BoundedSemaphore(MAX_QUERIES)
        try:
            self.server = ThreadingHTTPServer((host, port), handler(self))
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
        self.log = Log(self.process.stderr.fileno())
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

    def out_of_memory(self, log: Log | None, since: int = 0) -> bool:
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
