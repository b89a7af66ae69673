"""The Oxigraph server behind ``serve``: finding it, its port, its memory cap, its log, and
the store lock it reads under.

``Cap`` keeps Oxigraph's ``RLIMIT_DATA`` at ``backend_mb`` plus the stacks of the threads it
runs; ``Log`` reads its stderr as it comes; ``lock_store`` takes the shared lock a reader
holds on the store's ``LOCK`` file (the one a writer takes exclusively).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import resource
import shutil
import socket
import struct
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from triplehelix.errors import StoreError, UsageError
from triplehelix.graph.query.run import QUERY_STACK

__all__ = [
    "MIN_BACKEND_MB",
    "OUT_OF_MEMORY",
    "Cap",
    "Log",
    "default_backend_mb",
    "find_oxigraph",
    "free_port",
    "lock_store",
]

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


class Log:
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


class Cap:
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
