"""The HTTP gateway of ``serve``: the checks a researcher's endpoint needs in front of
Oxigraph (see ``serve``), one handler thread per connection.

The handler reaches the endpoint it serves through ``Upstream``: its limits, its Oxigraph
process and what to do when that process dies.
"""

from __future__ import annotations

import contextlib
import http.client
import re
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler
from typing import Protocol

from triplehelix.errors import QueryError, StoreError
from triplehelix.graph.query.check import check_text
from triplehelix.graph.store.backend import Cap, Log
from triplehelix.ontology.namespace import PREFIXES

__all__ = ["CANCELLED", "IDLE", "MAX_REQUEST", "PROLOGUE", "Gateway", "Upstream", "handler"]

MAX_REQUEST = 4 * 2**20
"""Largest request body read (4 MiB; a query is capped at ``MAX_TOKENS`` tokens anyway)."""
IDLE = 30.0
"""Seconds a connection may stay silent before the gateway drops it."""
CANCELLED = b"The SPARQL operation has been cancelled"
# One line, so Oxigraph's error positions keep the line numbers of the user's text.
PROLOGUE = "".join(f"PREFIX {p}: <{ns}> " for p, ns in PREFIXES.items())
FORWARDED = ("accept",)  # not Accept-Encoding: the cap and the checks read plain bytes


class Upstream(Protocol):
    """What the gateway needs of the endpoint it serves (``serve.Endpoint``)."""

    timeout: float
    max_bytes: int
    backend_port: int
    cap: Cap
    log: Log | None
    failure: StoreError | None
    process: subprocess.Popen[bytes] | None
    slots: threading.BoundedSemaphore

    def revive(self) -> bool:
        """Start Oxigraph again if it has exited; whether it had."""

    def out_of_memory(self, log: Log | None, since: int = 0) -> bool:
        """Whether Oxigraph wrote that it had no memory."""

    def memory_message(self, died: bool) -> str:
        """The answer to a query Oxigraph had no memory for."""


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


def handler(endpoint: Upstream) -> type[BaseHTTPRequestHandler]:
    class Bound(Gateway):
        ep = endpoint

    return Bound


class Gateway(BaseHTTPRequestHandler):
    ep: Upstream
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
                    process.wait(timeout=5)  # a reset socket may come before the exit
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
