"""Issue 12, items 5-7: remote servers that misbehave, through the CLI.

Every server here is a real HTTP server on 127.0.0.1 started by the test (a thread per
connection) and scripted to misbehave: it streams forever, sends a byte every few seconds,
never answers, answers valid JSON of the wrong shape, or redirects to another host. Each
command must end before a generous deadline with exit 5 and one ``Error: … [code]`` line,
never a traceback, a MemoryError or a hang.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cli_helpers import FIXTURES, run_main
from triplehelix.graph.store.backend import free_port
from triplehelix.graph.store.local import KnowledgeGraph

pytestmark = pytest.mark.usefixtures("no_user_config")

JSON = "application/sparql-results+json"
NO_ROWS = {"head": {"vars": ["_d0"]}, "results": {"bindings": []}}
SLACK = 10.0  # seconds past a deadline for a loaded machine (start-up included); before: hangs
DATA = str(FIXTURES / "valid")  # file documents: load --endpoint also asks what vanished


@dataclass
class Asked:
    """One request a hostile server received."""

    method: str
    path: str
    body: bytes

    @property
    def query(self) -> str:
        """The SPARQL query of a form POST (empty otherwise)."""
        form = urllib.parse.parse_qs(self.body.decode("utf-8", "replace"))
        return form.get("query", [""])[0]


Behaviour = Callable[[Asked, socket.socket, threading.Event], None]


@dataclass
class Hostile:
    """A real HTTP server on 127.0.0.1 whose answers ``behave`` writes as raw bytes."""

    behave: Behaviour
    host: str = "127.0.0.1"
    asked: list[Asked] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> Hostile:
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                asked = _read_request(self.request)
                if asked is None:
                    return
                outer.asked.append(asked)
                with contextlib.suppress(OSError):  # the client gave up, as it should
                    outer.behave(asked, self.request, outer.stop)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server((self.host, 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def close(self) -> None:
        self.stop.set()
        self._server.shutdown()
        self._server.server_close()


def _read_request(sock: socket.socket) -> Asked | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {k.strip().lower(): v.strip() for k, v in (h.split(":", 1) for h in lines[1:])}
    while len(body) < int(headers.get("content-length", 0)):
        body += sock.recv(65536)
    return Asked(method, path, body)


def answer(status: str, body: bytes, kind: str = JSON, extra: str = "") -> bytes:
    """A whole HTTP/1.1 answer."""
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n"
        f"Connection: close\r\n{extra}\r\n"
    ).encode() + body


@pytest.fixture
def hostile() -> Iterator[Callable[[Behaviour], Hostile]]:
    """Starts hostile servers; all are stopped after the test."""
    started: list[Hostile] = []

    def start(behave: Behaviour, host: str = "127.0.0.1") -> Hostile:
        server = Hostile(behave, host).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


@pytest.fixture
def store(tmp_path: Path) -> str:
    """An (empty) on-disk store to push."""
    KnowledgeGraph(tmp_path / "kg").close()
    return str(tmp_path / "kg")


@dataclass
class Ran:
    code: int
    out: str
    err: str
    seconds: float


def in_subprocess(*args: str, deadline: float) -> Ran:
    """The CLI in its own process, killed (and the test failed) after ``deadline`` s."""
    start = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "triplehelix", *args],
            capture_output=True,
            text=True,
            timeout=deadline,
            env=os.environ.copy(),
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"triplehelix {' '.join(args)}: still running after {deadline} s")
    return Ran(done.returncode, done.stdout, done.stderr, time.monotonic() - start)


def in_process(capsys: pytest.CaptureFixture[str], *args: str, deadline: float = 60) -> Ran:
    """The CLI in this process, in a thread that must end within ``deadline`` s."""
    codes: list[int] = []
    start = time.monotonic()
    worker = threading.Thread(target=lambda: codes.append(run_main(list(args))), daemon=True)
    worker.start()
    worker.join(deadline)
    if worker.is_alive():
        pytest.fail(f"triplehelix {' '.join(args)}: still running after {deadline} s")
    out, err = capsys.readouterr()
    return Ran(codes[0], out, err, time.monotonic() - start)


def refused(ran: Ran, code: str, status: int = 5) -> str:
    """The one ``Error:`` line of a run that failed as expected."""
    errors = [line for line in ran.err.splitlines() if line.startswith("Error:")]
    assert (ran.code, len(errors)) == (status, 1), ran.err
    assert errors[0].endswith(f"[{code}]"), ran.err
    assert "Traceback" not in ran.err
    assert "MemoryError" not in ran.err
    return errors[0]


def commands(url: str, store: str, tmp_path: Path) -> dict[str, list[str]]:
    """Every command that reads SPARQL JSON results from a server."""
    return {
        "pull --list": ["pull", "--list", "--endpoint", url],
        "pull --store": ["pull", "--store", str(tmp_path / "copy"), "--endpoint", url],
        "push": ["push", "--store", store, "--endpoint", url],
        "load --endpoint": ["load", DATA, "--endpoint", url],
        "query --endpoint": ["query", "SELECT * WHERE { ?s ?p ?o }", "--endpoint", url],
    }


COMMANDS = ["pull --list", "pull --store", "push", "load --endpoint", "query --endpoint"]


# -- 5. answers without end ----------------------------------------------------------------


def stream_forever(asked: Asked, sock: socket.socket, stop: threading.Event) -> None:
    """200, no length, then JSON whitespace forever (throttled to ~6 MB/s: a bug here must
    not eat the machine's memory while the test waits for it)."""
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: " + JSON.encode() + b"\r\n\r\n")
    while not stop.is_set():
        sock.sendall(b" " * 65536)
        time.sleep(0.01)


@pytest.mark.parametrize("command", ["pull --list", "push", "load --endpoint", "query --endpoint"])
def test_an_answer_that_never_ends_stops_at_the_cap(
    hostile: Callable[[Behaviour], Hostile], store: str, tmp_path: Path, command: str
) -> None:
    server = hostile(stream_forever)
    args = commands(server.url, store, tmp_path)[command]
    ran = in_subprocess(*args, "--max-response-mb", "1", deadline=60)
    error = refused(ran, "response-too-large")
    assert f"{server.url}/query" in error
    assert "--max-response-mb cap of 1 MiB" in error
    assert "--max-response-mb" in ran.err  # how to lift it


def test_the_cap_comes_from_the_environment_too(
    hostile: Callable[[Behaviour], Hostile], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = hostile(stream_forever)
    monkeypatch.setenv("TRIPLEHELIX_MAX_RESPONSE_MB", "2")
    ran = in_subprocess("pull", "--list", "--endpoint", server.url, deadline=60)
    assert "--max-response-mb cap of 2 MiB" in refused(ran, "response-too-large")


def test_an_announced_body_over_the_cap_is_refused_before_reading(
    hostile: Callable[[Behaviour], Hostile], capsys: pytest.CaptureFixture[str]
) -> None:
    def huge(asked: Asked, sock: socket.socket, stop: threading.Event) -> None:
        sock.sendall(
            f"HTTP/1.1 200 OK\r\nContent-Type: {JSON}\r\nContent-Length: {2**40}\r\n\r\n{{".encode()
        )
        stop.wait(60)

    server = hostile(huge)
    ran = in_process(capsys, "pull", "--list", "--endpoint", server.url, deadline=30)
    error = refused(ran, "response-too-large")
    assert f"at least {2**40:,} bytes" in error
    assert ran.seconds < 10


def test_a_graph_that_never_ends_stops_at_the_cap(
    hostile: Callable[[Behaviour], Hostile], tmp_path: Path
) -> None:
    """pull of a graph over a page goes by GSP GET: that answer is capped too."""

    def graph_forever(asked: Asked, sock: socket.socket, stop: threading.Event) -> None:
        if asked.method == "GET":
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/n-triples\r\n\r\n")
            while not stop.is_set():
                sock.sendall(b"<urn:s> <urn:p> <urn:o> .\n" * 2048)
                time.sleep(0.01)
        elif "GROUP BY ?g" in asked.query:
            sizes = {"g": {"type": "uri", "value": "urn:g"}, "n": {"type": "literal", "value": "9"}}
            sock.sendall(answer("200 OK", json.dumps({"results": {"bindings": [sizes]}}).encode()))
        else:
            sock.sendall(answer("200 OK", json.dumps(NO_ROWS).encode()))

    server = hostile(graph_forever)
    args = ["pull", "--store", str(tmp_path / "c"), "--endpoint", server.url, "--page-size", "2"]
    ran = in_subprocess(*args, "--max-response-mb", "1", deadline=60)
    assert f"{server.url}/store" in refused(ran, "response-too-large")


# -- 6. deadlines --------------------------------------------------------------------------


def trickle(every: float, headers_too: bool) -> Behaviour:
    """A valid answer sent one byte every ``every`` seconds (after prompt headers, unless
    ``headers_too``)."""
    whole = answer("200 OK", json.dumps(NO_ROWS).encode())
    at = 0 if headers_too else whole.index(b"\r\n\r\n") + 4

    def behave(asked: Asked, sock: socket.socket, stop: threading.Event) -> None:
        sock.sendall(whole[:at])
        for i in range(at, len(whole)):
            if stop.wait(every):
                return
            sock.sendall(whole[i : i + 1])

    return behave


def test_a_byte_every_two_seconds_cannot_outlast_the_timeout(
    hostile: Callable[[Behaviour], Hostile],
) -> None:
    server = hostile(trickle(2.0, headers_too=False))
    ran = in_subprocess("pull", "--list", "--endpoint", server.url, "--timeout", "5", deadline=60)
    error = refused(ran, "endpoint-timeout")
    assert "within 5 s" in error
    assert ran.seconds < 5 + SLACK, f"took {ran.seconds:.1f} s"


def test_headers_sent_a_byte_a_second_cannot_outlast_the_timeout(
    hostile: Callable[[Behaviour], Hostile], store: str
) -> None:
    server = hostile(trickle(1.0, headers_too=True))
    ran = in_subprocess("push", "--store", store, "--endpoint", server.url, "--timeout", "3",
                        deadline=60)  # fmt: skip
    refused(ran, "endpoint-timeout")
    assert ran.seconds < 3 + SLACK, f"took {ran.seconds:.1f} s"


def never_answer(asked: Asked, sock: socket.socket, stop: threading.Event) -> None:
    stop.wait(120)


def test_retries_of_a_silent_server_stay_within_the_timeout(
    hostile: Callable[[Behaviour], Hostile],
) -> None:
    """Before, each retry had the whole timeout again: 4 × 3 s + backoff = 15.5 s here."""
    server = hostile(never_answer)
    args = ["load", DATA, "--endpoint", server.url, "--timeout", "3", "--retries", "3"]
    ran = in_subprocess(*args, deadline=60)
    error = refused(ran, "endpoint-timeout")
    assert "within 3 s" in error
    assert ran.seconds < 3 + 8, f"took {ran.seconds:.1f} s"  # before: 4 × 3 s + 3.5 s
    assert len(server.asked) == 1  # the deadline was spent: no retry started after it


def test_a_refused_connection_is_still_retried_within_the_timeout() -> None:
    from triplehelix.graph.remote.client import Endpoints, HttpError, SparqlClient

    tries: list[str] = []
    client = SparqlClient(
        Endpoints.of(f"http://127.0.0.1:{free_port()}"),
        timeout=30,
        retries=2,
        backoff=0.01,
        on_request=lambda m, u: tries.append(u),
    )
    with pytest.raises(HttpError, match="no answer") as failed:
        client.query_json("ASK {}")
    assert (failed.value.code, len(tries)) == ("endpoint-error", 3)


# -- 7. valid JSON of the wrong shape ------------------------------------------------------

SHAPES = {
    "a list": b"[]",
    "a number": b"7",
    "head a number": b'{"head": 1}',
    "bindings a string": b'{"results": {"bindings": "x"}}',
    "a row that is a number": b'{"results": {"bindings": [7]}}',
    "a term without a value": b'{"results": {"bindings": [{"s": {"type": "uri"}}]}}',
    "nesting 100,000 deep": b"[" * 100_000 + b"]" * 100_000,
}


def always(body: bytes) -> Behaviour:
    def behave(asked: Asked, sock: socket.socket, stop: threading.Event) -> None:
        sock.sendall(answer("200 OK", body))

    return behave


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("command", COMMANDS)
def test_json_of_the_wrong_shape_is_a_clear_error(
    hostile: Callable[[Behaviour], Hostile],
    capsys: pytest.CaptureFixture[str],
    store: str,
    tmp_path: Path,
    command: str,
    shape: str,
) -> None:
    server = hostile(always(SHAPES[shape]))
    args = commands(server.url, store, tmp_path)[command]
    error = refused(in_process(capsys, *args, "--retries", "0"), "bad-response")
    assert f"{server.url}/query: expected" in error


def scripted(sizes: list[object], rest: bytes, graph: bytes = b"") -> Behaviour:
    """The row-cap check answered well, the graph listing with ``sizes`` rows, every
    other query with ``rest``, GSP GET with ``graph`` and every write with 204."""

    def behave(asked: Asked, sock: socket.socket, stop: threading.Event) -> None:
        if asked.method == "GET":
            sock.sendall(answer("200 OK", graph, "application/n-triples"))
        elif asked.path.startswith("/update") or asked.method == "PUT" or not asked.query:
            sock.sendall(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
        elif "VALUES ?_d0" in asked.query:
            sock.sendall(answer("200 OK", json.dumps(NO_ROWS).encode()))
        elif "GROUP BY ?g ORDER BY STR(?g)" in asked.query:
            body = {"head": {"vars": ["g", "n"]}, "results": {"bindings": sizes}}
            sock.sendall(answer("200 OK", json.dumps(body).encode()))
        else:
            sock.sendall(answer("200 OK", rest))

    return behave


def uri(value: str) -> dict[str, str]:
    return {"type": "uri", "value": value}


def number(value: str) -> dict[str, str]:
    return {"type": "literal", "value": value}


def rows(*bindings: dict[str, object]) -> bytes:
    return json.dumps({"results": {"bindings": list(bindings)}}).encode()


LATER = {  # a well-formed first answer, then the wrong one where a command needs more
    "a graph count that is no number": (
        ["pull", "--list"],
        scripted([{"g": uri("urn:g"), "n": number("many")}], b""),
        "?n: an integer",
    ),
    "a graph name that is a literal": (
        ["pull", "--list"],
        scripted([{"g": number("urn:g"), "n": number("1")}], b""),
        "?g: a uri",
    ),
    "a triple whose graph is missing": (
        ["pull", "--store", "{tmp}/c"],
        scripted(
            [{"g": uri("urn:g"), "n": number("1")}],
            rows({"s": uri("urn:s"), "p": uri("urn:p"), "o": number("x")}),
        ),
        "?g: a uri, found nothing",
    ),
    "a triple of a graph not asked for": (
        ["pull", "--store", "{tmp}/c"],
        scripted(
            [{"g": uri("urn:g"), "n": number("1")}],
            rows({"g": uri("urn:other"), "s": uri("urn:s"), "p": uri("urn:p"), "o": uri("u:o")}),
        ),
        "found <urn:other>",
    ),
    "an IRI that is none": (
        ["pull", "--store", "{tmp}/c"],
        scripted(
            [{"g": uri("urn:g"), "n": number("1")}],
            rows({"g": uri("urn:g"), "s": uri("not an iri"), "p": uri("urn:p"), "o": uri("u:o")}),
        ),
        "expected valid RDF terms",
    ),
    "a graph that is not N-Triples": (
        ["pull", "--store", "{tmp}/c", "--page-size", "2"],
        scripted([{"g": uri("urn:g"), "n": number("9")}], b"", b"<urn:s> this is not it"),
        "/store: expected N-Triples",
    ),
    "what vanished, without the graph": (
        ["load", DATA],
        scripted([], rows({"x": uri("urn:x")})),
        "?g: a term, found nothing",
    ),
    "an ASK answer without a boolean": (
        ["query", "ASK { ?s ?p ?o }"],
        scripted([], b'{"head": {}}'),
        "an ASK answer",
    ),
    "an IRI that is none, to a query": (
        ["query", "SELECT ?s WHERE { ?s ?p ?o }"],
        scripted([], rows({"s": uri("not an iri")})),
        "expected valid RDF terms",
    ),
}


@pytest.mark.parametrize("case", list(LATER))
def test_a_later_answer_of_the_wrong_shape_is_a_clear_error(
    hostile: Callable[[Behaviour], Hostile],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    case: str,
) -> None:
    args, behave, expected = LATER[case]
    server = hostile(behave)
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    ran = in_process(capsys, *args, "--endpoint", server.url, "--retries", "0")
    error = refused(ran, "bad-response")
    assert server.url in error
    assert expected in error


# -- 7. redirects --------------------------------------------------------------------------


def redirect_to(location: str, status: str = "302 Found") -> Behaviour:
    def behave(asked: Asked, sock: socket.socket, stop: threading.Event) -> None:
        sock.sendall(answer(status, b"", "text/plain", f"Location: {location}\r\n"))

    return behave


@pytest.mark.parametrize("elsewhere", ["other port", "other host name", "link-local"])
@pytest.mark.parametrize("status", ["302 Found", "307 Temporary Redirect"])
def test_a_redirect_to_another_host_is_not_followed(
    hostile: Callable[..., Hostile],
    capsys: pytest.CaptureFixture[str],
    elsewhere: str,
    status: str,
) -> None:
    target = hostile(always(json.dumps(NO_ROWS).encode()))
    location = {
        "other port": f"http://127.0.0.1:{target.port}/query",
        "other host name": f"http://localhost:{target.port}/query",
        "link-local": "http://169.254.169.254/latest/meta-data/",
    }[elsewhere]
    server = hostile(redirect_to(location, status))
    ran = in_process(capsys, "pull", "--list", "--endpoint", server.url, "--timeout", "5")
    error = refused(ran, "cross-origin-redirect")
    assert f"{server.url}/query" in error
    assert location in error
    assert target.asked == []
    assert len(server.asked) == 1  # and no retry


def test_a_redirect_within_the_server_is_followed_with_the_query(
    hostile: Callable[[Behaviour], Hostile], capsys: pytest.CaptureFixture[str]
) -> None:
    listing = {"g": uri("urn:g"), "n": number("3")}
    good = scripted([listing], b"")

    def moved(asked: Asked, sock: socket.socket, stop: threading.Event) -> None:
        if asked.path.startswith("/query"):
            redirect_to("/sparql", "307 Temporary Redirect")(asked, sock, stop)
        else:
            good(asked, sock, stop)

    server = hostile(moved)
    ran = in_process(capsys, "pull", "--list", "--endpoint", server.url)
    assert ran.code == 0, ran.err
    assert ran.out == "3\turn:g\n"
    followed = [a for a in server.asked if a.path == "/sparql"]
    assert followed
    assert all(a.method == "POST" and a.query for a in followed)
