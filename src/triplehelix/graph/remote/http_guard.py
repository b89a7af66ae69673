"""Guards on every HTTP request to a remote server: a deadline, a size cap, same-origin
redirects (stdlib only; used by ``graph.sparql_http.SparqlClient``).

- A :class:`Deadline` is the time one request may take as a whole: connecting, sending,
  every byte of the answer and every retry. ``urllib``'s own timeout holds per socket
  read, so a server sending a byte a second would never hit it; here a timer shuts the
  request's sockets down when the deadline passes, and the reader sees that it did.
- :func:`read_capped` reads an answer in chunks and stops past a byte cap (a server that
  streams forever, or announces a body larger than the cap, is refused).
- :class:`SameOriginRedirects` follows a redirect only to the same scheme, host and port,
  keeping the method and body for 307/308; anything else is refused, before any byte
  goes to the other host.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
import urllib.parse
import urllib.request
from functools import partial
from typing import Any

from triplehelix.errors import StoreError

__all__ = [
    "CrossOriginRedirectError",
    "Deadline",
    "DeadlineRequest",
    "HttpError",
    "ResponseTooLargeError",
    "SameOriginRedirects",
    "handlers",
    "origin",
    "read_capped",
]

CHUNK = 1 << 16
LONGEST = 1e9
"""The longest deadline in seconds (about 31 years): longer ones are taken as this."""


class HttpError(StoreError):
    """An HTTP answer outside 2xx (``status``) or no answer at all (``status`` 0)."""

    def __init__(
        self, message: str, status: int, *, hint: str | None = None, code: str = "endpoint-error"
    ) -> None:
        super().__init__(message, hint=hint, code=code)
        self.status = status


class ResponseTooLargeError(Exception):
    """An answer over the byte cap (``size`` read or announced so far)."""

    def __init__(self, size: int) -> None:
        super().__init__(f"{size} bytes")
        self.size = size


class CrossOriginRedirectError(Exception):
    """A redirect to another scheme, host or port (``source`` → ``target``)."""

    def __init__(self, source: str, target: str, status: int) -> None:
        super().__init__(f"{source} -> {target}")
        self.source, self.target, self.status = source, target, status


class Deadline:
    """The end of one request, retries included; shuts its sockets down when it passes.

    Use as a context manager (the timer stops on exit).

    >>> with Deadline(5.0) as d:
    ...     0 < d.left() <= 5.0
    True
    """

    def __init__(self, seconds: float) -> None:
        if not 0 <= seconds <= LONGEST:  # (NaN too) what timers and sockets accept
            seconds = 0.0 if seconds < 0 else LONGEST
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self._expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def left(self) -> float:
        """Seconds left (0 once passed)."""
        return max(0.0, self.end - time.monotonic())

    @property
    def expired(self) -> bool:
        """Whether the deadline has passed (the timer fired, or the clock says so)."""
        return self._expired or self.left() == 0.0

    def watch(self, sock: socket.socket) -> None:
        """Shut ``sock`` down when the deadline passes (at once if it has)."""
        with self._lock:
            if not self._expired:
                self._sockets.append(sock)
                return
        _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self._expired = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    """Stop a socket's blocked reads and writes (its owner still closes it)."""
    with contextlib.suppress(OSError):  # closed already, or never connected
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class DeadlineRequest(urllib.request.Request):
    """A request carrying the :class:`Deadline` its connections are bound by."""

    def __init__(self, url: str, deadline: Deadline, **kwargs: Any) -> None:
        super().__init__(url, **kwargs)
        self.deadline = deadline


class _Watched:
    """A connection whose connect is bounded by the deadline and whose socket it watches."""

    deadline: Deadline | None
    timeout: float | None
    sock: socket.socket | None

    def connect(self) -> None:
        if self.deadline is not None:
            if self.deadline.expired:
                raise TimeoutError("the deadline passed")
            self.timeout = self.deadline.left()
        super().connect()  # type: ignore[misc]
        if self.deadline is not None and self.sock is not None:
            self.deadline.watch(self.sock)


class _HTTPConnection(_Watched, http.client.HTTPConnection):
    def __init__(self, *args: Any, deadline: Deadline | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline = deadline


class _HTTPSConnection(_Watched, http.client.HTTPSConnection):
    def __init__(self, *args: Any, deadline: Deadline | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline = deadline


def _deadline_of(req: urllib.request.Request) -> Deadline | None:
    return getattr(req, "deadline", None)


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(partial(_HTTPConnection, deadline=_deadline_of(req)), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        conn = partial(_HTTPSConnection, deadline=_deadline_of(req))
        return self.do_open(conn, req, context=self._context)  # type: ignore[attr-defined]


def origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port of a URL (the port made explicit).

    >>> origin("http://Example.org/sparql") == origin("http://example.org:80/x")
    True
    """
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:  # not a port number: matches no origin
        port = -1
    return scheme, (parts.hostname or "").lower(), port


class SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects within one origin only; 307/308 keep the method and the body."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        if origin(newurl) != origin(req.full_url):
            fp.close()
            raise CrossOriginRedirectError(req.full_url, newurl, code)
        deadline = _deadline_of(req)
        if deadline is None:
            return super().redirect_request(req, fp, code, msg, headers, newurl)
        fp.close()  # urllib would read the redirect's whole body: a forever stream
        if code in (307, 308):  # same method, same body
            kept = {"data": req.data, "method": req.get_method()}
            return DeadlineRequest(newurl, deadline, headers=dict(req.header_items()), **kept)
        plain = super().redirect_request(req, fp, code, msg, headers, newurl)
        if plain is None:
            return None
        again = DeadlineRequest(plain.full_url, deadline, headers=dict(plain.header_items()))
        again.origin_req_host, again.unverifiable = plain.origin_req_host, True
        return again


def handlers() -> list[urllib.request.BaseHandler]:
    """The handlers that put the guards into an ``urllib`` opener."""
    return [_HTTPHandler(), _HTTPSHandler(), SameOriginRedirects()]


def read_capped(answer: Any, cap: int) -> bytes:
    """The body of ``answer`` (an ``http.client.HTTPResponse``), at most ``cap`` bytes.

    Raises:
        ResponseTooLargeError: the announced length or the bytes read exceed ``cap``.
    """
    length = answer.headers.get("Content-Length", "")
    if length.strip().isdigit() and int(length) > cap:
        raise ResponseTooLargeError(int(length))
    body = bytearray()
    read = getattr(answer, "read1", answer.read)
    while True:
        chunk = read(CHUNK)
        if not chunk:
            return bytes(body)
        body += chunk
        if len(body) > cap:
            raise ResponseTooLargeError(len(body))
