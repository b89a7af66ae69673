"""The read-only endpoint, started for real on a free loopback port, with real HTTP clients."""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore

from triplehelix import KnowledgeGraph, StoreError, load_records, seed_path
from triplehelix.graph.store.serve import Endpoint

UNIS = "SELECT ?o WHERE { ?o a th:University } ORDER BY ?o"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("served") / "kg"
    with KnowledgeGraph(path) as kg:
        kg.load(load_records([seed_path()]))
    return path


@pytest.fixture(scope="module")
def endpoint(store: Path) -> Iterator[Endpoint]:
    with Endpoint(store, port=0, timeout=2) as ep:
        yield ep
    assert ep.process is not None
    assert ep.process.poll() is not None  # Oxigraph has exited


@pytest.fixture(scope="module")
def universities(store: Path) -> list[str]:
    kg = KnowledgeGraph(store, read_only=True)
    return [r["o"] for r in kg.select(UNIS)]


def fetch(
    url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, str, str]:
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode()


def test_rdflib_sparqlstore_reads_the_endpoint(endpoint: Endpoint, universities: list[str]) -> None:
    assert endpoint.host == "127.0.0.1"
    client = SPARQLStore(query_endpoint=endpoint.url, returnFormat="json")
    rows = client.query(UNIS, initNs={}, initBindings={}, queryGraph="__UNION__")
    assert [str(r[0]) for r in rows] == universities
    assert len(universities) == 2


def test_get_post_form_and_direct_body_with_content_negotiation(
    endpoint: Endpoint, universities: list[str]
) -> None:
    q = urllib.parse.quote(UNIS)
    status, kind, body = fetch(f"{endpoint.url}?query={q}", headers={"Accept": "text/csv"})
    assert (status, kind) == (200, "text/csv; charset=utf-8")
    assert [r[0] for r in csv.reader(io.StringIO(body, newline=""))] == ["o", *universities]
    form = urllib.parse.urlencode({"query": UNIS}).encode()
    json_type = "application/sparql-results+json"
    status, kind, body = fetch(
        endpoint.url,
        data=form,
        headers={"Accept": json_type, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert (status, kind) == (200, json_type)
    assert [b["o"]["value"] for b in json.loads(body)["results"]["bindings"]] == universities
    status, kind, body = fetch(
        endpoint.url,
        data=UNIS.encode(),
        headers={
            "Accept": "application/sparql-results+xml",
            "Content-Type": "application/sparql-query",
        },
    )
    assert (status, kind) == (200, "application/sparql-results+xml")
    parsed = rdflib.query.Result.parse(io.StringIO(body), format="xml")
    assert [str(r[0]) for r in parsed] == universities
    status, kind, body = fetch(
        f"{endpoint.url}?query={urllib.parse.quote(UNIS)}",
        headers={"Accept": "text/tab-separated-values"},
    )
    assert body.splitlines()[1:] == [f"<{u}>" for u in universities]


def test_construct_as_turtle_and_ntriples(endpoint: Endpoint, universities: list[str]) -> None:
    q = urllib.parse.quote("CONSTRUCT { ?o a th:University } WHERE { ?o a th:University }")
    for accept, fmt in (("text/turtle", "turtle"), ("application/n-triples", "nt")):
        status, kind, body = fetch(f"{endpoint.url}?query={q}", headers={"Accept": accept})
        assert status == 200
        assert kind.startswith(accept)
        graph = rdflib.Graph().parse(data=body, format=fmt)
        assert sorted(str(s) for s in graph.subjects()) == sorted(universities)


@pytest.mark.parametrize(
    ("path", "data", "content_type"),
    [
        ("/update", b"update=DROP+ALL", "application/x-www-form-urlencoded"),
        ("/update", b"DROP ALL", "application/sparql-update"),
        ("/query", b"DROP ALL", "application/sparql-update"),
        ("/query", b"query=DROP+ALL", "application/x-www-form-urlencoded"),
        ("/query", b"INSERT DATA { <http://e/a> <http://e/b> 1 }", "application/sparql-query"),
        ("/store?default", b"<http://e/a> <http://e/b> <http://e/c> .", "text/turtle"),
    ],
)
def test_updates_are_refused_with_403(
    endpoint: Endpoint, path: str, data: bytes, content_type: str
) -> None:
    base = endpoint.url.removesuffix("/query")
    status, _, body = fetch(base + path, data=data, headers={"Content-Type": content_type})
    assert status == 403
    assert "read-only" in body
    status, _, body = fetch(f"{endpoint.url}?query=ASK%7B%3Chttp://e/a%3E%20?p%20?o%7D")
    assert "false" in body


def test_service_is_refused(endpoint: Endpoint) -> None:
    q = urllib.parse.quote("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    status, _, body = fetch(f"{endpoint.url}?query={q}")
    assert status == 403
    assert "SERVICE" in body


def test_timeout_gives_504(endpoint: Endpoint) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z }"  # ~10¹⁰ rows
    status, _, body = fetch(f"{endpoint.url}?query={urllib.parse.quote(slow)}")
    assert status == 504
    assert "2 s" in body


def test_answers_over_the_cap_give_507(endpoint: Endpoint) -> None:
    everything = urllib.parse.quote("SELECT * WHERE { ?s ?p ?o }")
    endpoint.max_bytes = 5000
    try:
        status, _, body = fetch(f"{endpoint.url}?query={everything}")
        small = fetch(f"{endpoint.url}?query={urllib.parse.quote(UNIS)}")
    finally:
        endpoint.max_bytes = 50 * 2**20
    assert status == 507
    assert "LIMIT" in body
    assert small[0] == 200


def test_syntax_errors_point_into_the_users_text(endpoint: Endpoint) -> None:
    status, _, body = fetch(
        f"{endpoint.url}?query={urllib.parse.quote('SELECT ?x WHERE { ?x ?y }')}"
    )
    assert status == 400
    assert body.startswith("error at 1:26:")


def test_query_page(endpoint: Endpoint) -> None:
    status, kind, body = fetch(endpoint.url.removesuffix("query"))
    assert status == 200
    assert kind.startswith("text/html")
    assert "yasgui" in body.lower()


def test_no_store_no_endpoint(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        Endpoint(tmp_path / "nothing", port=0)
