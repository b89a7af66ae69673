"""A read-only SPARQL 1.1 Protocol endpoint over an on-disk store.

The SPARQL work is done by the Oxigraph server (the ``oxigraph`` PyPI package, the same
Oxigraph version as pyoxigraph, so it reads the same store): ``serve-read-only`` on a
private loopback port. In front of it a small gateway, bound to 127.0.0.1 by default,
adds what a researcher's endpoint needs and Oxigraph does not do:

- the project prefixes are predeclared, as in ``triplehelix query``;
- updates (``/update``, writes to ``/store``, Update text sent to ``/query``) → 403;
- ``SERVICE`` (federation: the server would fetch other URLs) → 403;
- a timeout per query → 504 (Oxigraph's own timeout stops the evaluation);
- a cap on the size of an answer (``max_bytes``) → 507 with a hint to add ``LIMIT``.

Oxigraph serves its query page (YASGUI, bundled, no network) at ``/``; GET and POST
(form and direct body) and content negotiation are Oxigraph's, per the Protocol.
"""

from __future__ import annotations

import contextlib
import http.client
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from triplehelix.errors import StoreError, UsageError
from triplehelix.graph.query import scan
from triplehelix.ontology.namespace import PREFIXES

__all__ = ["DEFAULT_MAX_BYTES", "Endpoint", "find_oxigraph", "free_port"]

DEFAULT_MAX_BYTES = 50 * 2**20
"""Largest answer the endpoint sends (50 MiB); larger ones get 507."""
CANCELLED = b"The SPARQL operation has been cancelled"
# One line, so Oxigraph's error positions keep the line numbers of the user's text.
PROLOGUE = "".join(f"PREFIX {p}: <{ns}> " for p, ns in PREFIXES.items())
FORWARDED = ("accept",)  # not Accept-Encoding: the cap and the checks read plain bytes


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


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now.

    >>> 0 < free_port() < 65536
    True
    """
    with socket.socket() as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


class Endpoint:
    """The Oxigraph backend and the gateway in front of it.

    Args:
        store: an on-disk triplehelix store (``triplehelix load … --store DIR``).
        host, port: where the gateway listens (port 0: any free port).
        timeout: seconds a query may run.
        max_bytes: the largest answer sent.

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
    ) -> None:
        if not (store / "CURRENT").exists():
            raise StoreError(
                f"{store}: no triplehelix store here",
                code="no-store",
                hint="create one with: triplehelix load DATA --store DIR",
            )
        self.store, self.timeout, self.max_bytes = store, timeout, max_bytes
        self.backend_port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
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
        """Start Oxigraph and wait until it answers.

        Raises:
            StoreError: the server did not come up (its log is in the message).
        """
        self.process = subprocess.Popen(
            [
                find_oxigraph(),
                "serve-read-only",
                "--location",
                str(self.store),
                "--bind",
                f"127.0.0.1:{self.backend_port}",
                "--timeout-s",
                str(max(1, round(self.timeout))),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = (self.process.stderr.read() if self.process.stderr else b"").decode()
                raise StoreError(f"the oxigraph server stopped: {log.strip()[:500]}")
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", self.backend_port), timeout=1).close()
                return
            time.sleep(0.05)
        self.stop()
        raise StoreError("the oxigraph server did not start within 30 s")

    def serve_forever(self) -> None:
        """Answer requests until ``stop()`` (from another thread) or Ctrl-C."""
        self.server.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        """Stop the gateway and the Oxigraph process; waits for it to exit."""
        self.server.shutdown()
        self.server.server_close()
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None and self.process.stderr:
            self.process.stderr.close()

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
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", errors="replace")
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
        found = scan(texts[0])
        if found.update:
            self._refuse(403, "this endpoint is read-only: SPARQL Update is refused")
            return
        if found.service:
            self._refuse(403, "SERVICE (federated query) is refused by this endpoint")
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
        conn = http.client.HTTPConnection("127.0.0.1", ep.backend_port, timeout=ep.timeout + 2)
        started = time.monotonic()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read(ep.max_bytes + 1)
        except TimeoutError:
            self._refuse(504, f"the query did not finish within {ep.timeout:g} s")
            return
        except OSError as exc:
            self._refuse(502, f"the SPARQL server is unavailable: {exc}")
            return
        finally:
            conn.close()
        elapsed = time.monotonic() - started
        if data.rstrip().endswith(CANCELLED) and elapsed >= ep.timeout - 0.5:
            self._refuse(504, f"the query did not finish within {ep.timeout:g} s")
        elif len(data) > ep.max_bytes:
            self._refuse(507, f"the answer is larger than {ep.max_bytes} bytes; add a LIMIT")
        else:
            if response.status == 400 and path == "/query":
                data = _user_position(data)
            self._send(response.status, response.getheader("Content-Type"), data)

    def _refuse(self, status: int, message: str) -> None:
        self._send(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))

    def _send(self, status: int, content_type: str | None, data: bytes) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
