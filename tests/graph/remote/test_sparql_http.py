"""The HTTP client's behaviour on failing servers: a scripted server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from triplehelix.errors import QueryError, UsageError
from triplehelix.graph.remote.client import Endpoints, HttpError, SparqlClient
from triplehelix.graph.store.backend import free_port
from triplehelix.graph.store.remote import RemoteStore

OK = json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": []}}).encode()


class Script:
    """Statuses to answer in turn (the last one repeats) and what was asked."""

    def __init__(self) -> None:
        self.statuses: list[int] = [200]
        self.seen: list[tuple[str, dict[str, str], dict[str, list[str]]]] = []


@pytest.fixture
def scripted() -> Iterator[tuple[str, Script]]:
    script = Script()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            form = urllib.parse.parse_qs(body)
            script.seen.append((self.path, dict(self.headers), form))
            status = script.statuses.pop(0) if len(script.statuses) > 1 else script.statuses[0]
            data = OK if status == 200 else b"broken"
            self.send_response(status)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", script
    server.shutdown()
    server.server_close()


def test_5xx_is_retried_with_backoff(scripted: tuple[str, Script]) -> None:
    url, script = scripted
    script.statuses = [503, 502, 200]
    client = SparqlClient(Endpoints.of(url), retries=3, backoff=0.01)
    assert client.query_json("SELECT ?n WHERE {}")["results"]["bindings"] == []
    assert len(script.seen) == 3


def test_4xx_is_never_retried(scripted: tuple[str, Script]) -> None:
    url, script = scripted
    script.statuses = [400]
    client = SparqlClient(Endpoints.of(url), retries=3, backoff=0.01)
    with pytest.raises(QueryError, match="HTTP 400"):
        client.query_json("SELECT nonsense")
    assert len(script.seen) == 1


def test_5xx_gives_up_after_the_retries(scripted: tuple[str, Script]) -> None:
    url, script = scripted
    script.statuses = [500]
    client = SparqlClient(Endpoints.of(url), retries=2, backoff=0.01)
    with pytest.raises(HttpError) as failed:
        client.query_json("SELECT ?n WHERE {}")
    assert failed.value.status == 500
    assert len(script.seen) == 3


def test_no_server_is_retried_then_reported() -> None:
    tries: list[str] = []
    port = free_port()
    client = SparqlClient(
        Endpoints.of(f"http://127.0.0.1:{port}"),
        retries=2,
        backoff=0.01,
        on_request=lambda m, u: tries.append(u),
    )
    with pytest.raises(HttpError, match="no answer") as failed:
        client.query_json("ASK {}")
    assert failed.value.status == 0
    assert len(tries) == 3


def test_queries_are_form_posts_asking_for_json_with_the_prefixes(
    scripted: tuple[str, Script],
) -> None:
    url, script = scripted
    RemoteStore.connect(url).select("SELECT ?n WHERE { ?n a th:Organization }")
    path, headers, form = script.seen[0]
    assert path == "/query"
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"  # never a raw body
    assert headers["Accept"] == "application/sparql-results+json"
    assert form["format"] == ["json"]
    assert form["returnFormat"] == ["json"]
    assert "PREFIX th: <https://w3id.org/triplehelix/ontology#>" in form["query"][0]


def test_credentials_in_the_url_are_refused_without_repeating_them() -> None:
    with pytest.raises(UsageError) as refused:
        Endpoints.of("http://me:hunter2@127.0.0.1:7878")
    assert refused.value.code == "credentials-in-url"
    assert "hunter2" not in refused.value.message + (refused.value.hint or "")


def test_endpoint_urls() -> None:
    with pytest.raises(UsageError, match="not an http"):
        Endpoints.of("ftp://example.org/sparql")
    virtuoso = Endpoints.of("http://127.0.0.1:8890/sparql", gsp="http://127.0.0.1:8890/crud")
    assert virtuoso == Endpoints(
        "http://127.0.0.1:8890/sparql", "http://127.0.0.1:8890/sparql", "http://127.0.0.1:8890/crud"
    )


@pytest.fixture
def digest_server() -> Iterator[tuple[str, list[int]]]:
    """Answers only requests carrying a valid Digest response for user ``me`` (as Virtuoso's
    ``/sparql-auth`` does); records each status it sent."""
    import hashlib
    import re

    def md5(text: str) -> str:
        return hashlib.md5(text.encode()).hexdigest()

    statuses: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            fields = dict(re.findall(r'(\w+)="?([^",]+)"?', self.headers.get("Authorization", "")))
            ha1 = md5(f"me:SPARQL:{SECRET}")
            ha2 = md5(f"POST:{fields.get('uri', '')}")
            parts = [fields.get(k, "") for k in ("nonce", "nc", "cnonce", "qop")]
            ok = fields.get("response") == md5(":".join([ha1, *parts, ha2]))
            status = 200 if ok and fields.get("username") == "me" else 401
            statuses.append(status)
            self.send_response(status)
            if status == 401:
                self.send_header(
                    "WWW-Authenticate", 'Digest realm="SPARQL", nonce="n0nce", qop="auth"'
                )
            body = OK if status == 200 else b""
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sparql-auth", statuses
    server.shutdown()
    server.server_close()


SECRET = "digest-s3cret"


def test_digest_auth_is_answered(digest_server: tuple[str, list[int]]) -> None:
    url, statuses = digest_server
    client = SparqlClient(Endpoints.of(url), user="me", password=SECRET, retries=0)
    assert client.query_json("SELECT ?n WHERE {}")["results"]["bindings"] == []
    assert statuses == [401, 200]  # challenged, then answered with the Digest response


def test_a_wrong_password_is_a_store_error_without_the_password(
    digest_server: tuple[str, list[int]],
) -> None:
    url, _ = digest_server
    client = SparqlClient(Endpoints.of(url), user="me", password="wrong-pw", retries=0)
    with pytest.raises(HttpError) as refused:
        client.query_json("SELECT ?n WHERE {}")
    assert refused.value.status == 401
    assert "wrong-pw" not in refused.value.message + (refused.value.hint or "")
