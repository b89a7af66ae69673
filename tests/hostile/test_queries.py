"""Hostile queries (issue 12, items 1, 2 and 14): SERVICE hidden from a keyword scanner,
LOAD under --allow-update, nesting that overflows Oxigraph's stack, the stray
"unsendable" line. Every listener is a real socket on 127.0.0.1 that the test starts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyparsing import ParseResults
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from cli_helpers import run_main
from triplehelix import KnowledgeGraph, QueryError
from triplehelix.graph.query import check as query
from triplehelix.graph.query.check import check_text, scan
from triplehelix.graph.query.saved import saved_queries

ID = "PREFIX id: <https://w3id.org/triplehelix/id/> "


class Listener:
    """A TCP listener on loopback that counts connections and closes each at once."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.socket.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def wait_for(self, count: int, deadline: float = 10.0) -> bool:
        """Whether ``count`` connections have been seen, waiting up to ``deadline`` s."""
        end = time.monotonic() + deadline
        while self.connections < count and time.monotonic() < end:
            time.sleep(0.01)
        return self.connections >= count

    def close(self) -> None:
        self.socket.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    ears = Listener()
    yield ears
    ears.close()


def bypasses(port: int) -> list[str]:
    """The issue's probes: a PN_LOCAL escape that a regex took for a comment or a quote."""
    service = f"SERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }}"
    return [
        f"{ID}SELECT * WHERE {{ BIND(id:a\\# AS ?x) {service} }}",
        f"{ID}SELECT * WHERE {{ BIND(id:a\\' AS ?x) {service} }} # '",
        f"SELECT * WHERE {{ BIND(<http://e/#> AS ?x) {service} }}",
        f"{ID}SELECT * WHERE {{ BIND(id:a%23 AS ?x) {service} }}",
        f"{ID}SELECT * WHERE {{ BIND(id:a\\. AS ?x) # \r{service} }}",
        f"SELECT * WHERE {{ BIND(1 AS ?x) sErViCe <http://127.0.0.1:{port}/x> {{}} }}",
        f"SELECT * WHERE {{ BIND(1 AS ?x)SERVICE<http://127.0.0.1:{port}/x>{{}} }}",
        f"SELECT * WHERE {{ BIND('''a''' AS ?x) {service} }}",
        f'SELECT * WHERE {{ BIND("a\\"#" AS ?x) {service} }}',
    ]


def test_oxigraph_itself_calls_out_for_every_probe(listener: Listener) -> None:
    """The probes are real: run unchecked, Oxigraph connects for each one (so the next
    tests, where nothing connects, show the refusal and not a broken probe)."""
    for text in bypasses(listener.port):
        before = listener.connections
        with pytest.raises((OSError, RuntimeError)):
            list(ox.Store().query(text))  # type: ignore[arg-type]
        assert listener.wait_for(before + 1), text
        assert scan(text).service, text


@pytest.mark.parametrize("index", range(9))
def test_service_bypass_is_refused_by_query(
    listener: Listener, index: int, capsys: pytest.CaptureFixture[str]
) -> None:
    text = bypasses(listener.port)[index]
    assert run_main(["query", text]) == 6
    err = capsys.readouterr().err
    assert "[service-refused]" in err
    assert listener.connections == 0


@pytest.mark.parametrize("index", [0, 1])
def test_service_bypass_is_refused_by_map_query(
    listener: Listener, index: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rq = tmp_path / "edges.rq"
    rq.write_text(bypasses(listener.port)[index].replace("SELECT *", "SELECT ?source ?target"))
    assert run_main(["map", "--query", str(rq), "-o", str(tmp_path / "m.html")]) == 6
    assert "[service-refused]" in capsys.readouterr().err
    assert listener.connections == 0
    assert not (tmp_path / "m.html").exists()


def test_load_under_allow_update_needs_allow_service(
    listener: Listener, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "kg"
    KnowledgeGraph(store).close()
    load = f"LOAD <http://127.0.0.1:{listener.port}/data.ttl>"
    assert run_main(["query", "--store", str(store), "--allow-update", load]) == 6
    assert "[service-refused]" in capsys.readouterr().err
    assert listener.connections == 0
    allowed = ["query", "--store", str(store), "--allow-update", "--allow-service", load]
    assert run_main(allowed) == 6  # the listener hangs up: the LOAD fails
    assert listener.wait_for(1)  # with the flag, LOAD does reach the network


# -- nesting that would overflow Oxigraph's stack --------------------------------------------


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in a child process: a crash there (SIGSEGV) must not take pytest with it."""
    return subprocess.run(
        [sys.executable, "-m", "triplehelix", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


DEEP = {
    "braces": "SELECT * WHERE " + "{" * 2500 + "}" * 2500,
    "parens": "SELECT * WHERE { BIND(" + "(" * 5000 + "1" + ")" * 5000 + " AS ?x) }",
}


@pytest.mark.parametrize("shape", sorted(DEEP))
def test_deep_nesting_is_refused_not_a_crash(shape: str, tmp_path: Path) -> None:
    rq = tmp_path / "deep.rq"
    rq.write_text(DEEP[shape])
    for args in (["query", "-f", str(rq)], ["map", "--query", str(rq), "-o", "-"]):
        run = cli(*args)
        assert run.returncode == 6, run.stderr[-500:]
        assert run.stderr.startswith(f"Error: {rq}: the query nests"), run.stderr
        assert "[query-too-deep]" in run.stderr
        assert "Traceback" not in run.stderr


def test_the_depth_limit_is_exact_and_can_be_lifted() -> None:
    limit = query.MAX_DEPTH
    at_limit = "SELECT * WHERE " + "{" * limit + "}" * limit
    assert check_text(at_limit).depth == limit
    over = "SELECT * WHERE " + "{" * (limit + 1) + "}" * (limit + 1)
    with pytest.raises(QueryError) as caught:
        check_text(over)
    assert caught.value.code == "query-too-deep"
    assert caught.value.exit_status == 6
    run = cli("query", over, env={"TRIPLEHELIX_QUERY_MAX_DEPTH": "300"})
    assert run.returncode == 0, run.stderr


def test_a_long_flat_chain_is_refused_not_a_crash() -> None:
    """40,000 items in one collection overflow even a deep stack: too many tokens."""
    text = "SELECT * WHERE { ?s ?p (" + " 1" * 40_000 + ") }"
    proc = subprocess.run(
        [sys.executable, "-m", "triplehelix", "query", "-"],
        input=text,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 6, proc.stderr[-500:]
    assert "[query-too-large]" in proc.stderr


def test_a_flat_chain_under_the_limit_runs_in_the_deep_worker_stack() -> None:
    """4,000 BINDs crash Oxigraph on an 8 MiB stack; the worker's stack holds them."""
    text = "SELECT * WHERE { " + " ".join(f"BIND({i} AS ?v{i})" for i in range(4000)) + " }"
    run = cli("query", text, "--format", "jsonl")
    assert run.returncode == 0, run.stderr[-500:]
    assert '"v3999": 3999' in run.stdout


def test_text_that_is_no_sparql_tokens_is_a_located_syntax_error() -> None:
    with pytest.raises(QueryError) as caught:
        check_text('SELECT * WHERE {\n  ?s ?p "open\n}', source="q.rq")
    assert caught.value.code == "query-syntax"
    assert caught.value.message.startswith("q.rq:2:9: SPARQL syntax error")
    assert caught.value.hint == 'line 2:   ?s ?p "open\n' + " " * 16 + "^"


# -- the stray "PyQuerySolutions is unsendable" line ----------------------------------------


def test_a_failed_service_call_prints_only_the_error(listener: Listener) -> None:
    text = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/x> {{ ?s ?p ?o }} }}"
    run = cli("query", "--allow-service", text)
    assert run.returncode == 6
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("Error: query: the query failed: ")
    assert lines[0].endswith("[query-failed]")
    assert listener.wait_for(1)


# -- the tokenizer against a real SPARQL parser (rdflib) -------------------------------------


def _names(tree: object) -> Iterator[str]:
    if isinstance(tree, CompValue):
        yield tree.name
        for value in tree.values():
            yield from _names(value)
    elif isinstance(tree, (list, tuple, ParseResults)):
        for value in tree:
            yield from _names(value)


def rdflib_service(text: str) -> bool | None:
    """Whether rdflib's parser finds a SERVICE pattern; None when it cannot parse."""
    try:
        tree = parseQuery(text)
    except Exception:
        return None
    return "ServiceGraphPattern" in set(_names(tree))


def corpus() -> list[str]:
    texts = [q.text for q in saved_queries().values()]
    texts += [ID + "SELECT * WHERE { ?s ?p ?o . ?o ?q 'SERVICE' }"]
    return texts


@pytest.mark.parametrize("text", corpus())
def test_saved_queries_agree_with_rdflib(text: str) -> None:
    prologue = "PREFIX th: <https://w3id.org/triplehelix/ontology#> "
    expected = rdflib_service(prologue + text)
    assert scan(text).service is bool(expected)


TERMS = [
    r"e:a\#",
    r"e:a\'",
    r"e:a\.b",
    r"e:%41b",
    "e:a.b",
    "e:SERVICE",
    "SERVICE:x",
    "load:x",
    '"a#b"',
    r"'it\'s'",
    '"""two\n# SERVICE <http://e/> {}"""',
    "'''x'' SERVICE'''",
    "<http://e/a#SERVICE>",
    "?service",
    "_:service",
    '"x"@en-SERVICE',
    "1.5e3",
    "1.",
    '"1"^^e:t',
]
PATTERNS = [
    "?s ?p {t} .",
    "BIND({t} AS ?v)",
    "FILTER(?o != {t})",
    "SERVICE <http://127.0.0.1:9/> {{ ?s ?p {t} }}",
    "SERVICE SILENT e:x {{ }}",
    "# SERVICE <http://e/> {{ }} {t}\n",
    "#'\n?s ?p {t} .",
    'OPTIONAL {{ ?s e:p {t} }} # "',
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(PATTERNS), st.sampled_from(TERMS), st.sampled_from([" ", "\n"])),
        min_size=1,
        max_size=6,
    )
)
def test_the_tokenizer_finds_service_exactly_where_rdflib_does(
    parts: list[tuple[str, str, str]],
) -> None:
    prologue = "PREFIX e: <http://e/> PREFIX SERVICE: <http://s/> PREFIX load: <http://l/>\n"
    body = "".join(pattern.format(t=term) + space for pattern, term, space in parts)
    text = f"{prologue}SELECT * WHERE {{ {body} }}"
    expected = rdflib_service(text)
    if expected is None:
        return  # not SPARQL for rdflib: nothing to compare
    assert scan(text).service is expected, text
