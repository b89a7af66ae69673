"""``triplehelix query`` as users meet it: sources, formats, exit statuses, messages."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import Cli
from triplehelix import KnowledgeGraph, load_records, saved_queries, seed_path
from triplehelix.ontology.namespace import PREFIXES

UNIS = "SELECT ?label WHERE { ?o a th:University ; skos:prefLabel ?label FILTER(LANG(?label) = 'en') } ORDER BY ?label"
UNI_LABELS = [
    "D. Serikbayev East Kazakhstan Technical University",
    "Tajik State University of Commerce",
]


def test_adhoc_file_and_stdin_give_the_same_answer(
    run_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, by_arg, _ = run_cli("query", UNIS, "--format", "csv")
    assert code == 0
    assert list(csv.reader(io.StringIO(by_arg, newline=""))) == [["label"]] + [
        [x] for x in UNI_LABELS
    ]
    question = tmp_path / "question.rq"
    question.write_text(UNIS, encoding="utf-8")
    assert run_cli("query", "-f", str(question), "--format", "csv") == (0, by_arg, "")
    monkeypatch.setattr("sys.stdin", io.StringIO(UNIS))
    assert run_cli("query", "-", "--format", "csv") == (0, by_arg, "")


def test_default_format_in_a_pipe_is_csv(run_cli: Cli) -> None:
    code, out, _ = run_cli("query", UNIS)
    assert code == 0
    assert out.splitlines()[0] == "label"


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "jsonl", "markdown"])
def test_every_select_format(run_cli: Cli, fmt: str) -> None:
    code, out, _ = run_cli("query", UNIS, "--format", fmt)
    assert code == 0
    if fmt == "json":
        bindings = json.loads(out)["results"]["bindings"]
        assert [b["label"]["value"] for b in bindings] == UNI_LABELS
    elif fmt == "jsonl":
        assert [json.loads(line)["label"] for line in out.splitlines()] == UNI_LABELS
    elif fmt == "tsv":
        assert out.splitlines()[1:] == [f'"{x}"@en' for x in UNI_LABELS]
    elif fmt == "markdown":
        assert out.splitlines()[2:] == [f"| {x} |" for x in UNI_LABELS]
    elif fmt == "table":
        assert "(2 rows)" in out
    else:
        assert out.splitlines()[1:] == UNI_LABELS


def test_construct_formats_and_select_mismatch(run_cli: Cli) -> None:
    text = "CONSTRUCT { ?o a th:University } WHERE { ?o a th:University }"
    code, out, _ = run_cli("query", text)
    assert code == 0
    assert out.count(" a th:University") == 2
    code, out, _ = run_cli("query", text, "--format", "nt")
    assert len(out.splitlines()) == 2
    code, _, err = run_cli("query", text, "--format", "csv")
    assert code == 2
    assert "[bad-format]" in err
    code, _, err = run_cli("query", UNIS, "--format", "ttl")
    assert code == 2


def test_ask_sets_the_exit_status(run_cli: Cli) -> None:
    assert run_cli("query", "ASK { ?o a th:University }") == (0, "true\n", "")
    # the article names no company
    assert run_cli("query", "ASK { ?o a th:Company }") == (1, "false\n", "")
    code, out, _ = run_cli("query", "ASK { ?o a th:University }", "--format", "json")
    assert code == 0
    assert json.loads(out) == {"head": {}, "boolean": True}


def test_saved_query_with_a_parameter_as_csv(run_cli: Cli) -> None:
    code, out, _ = run_cli(
        "query", "--saved", "partners-of", "--param", "org=ektu", "--format", "csv"
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    # By hand from the seed participations: EKTU shares the conference with the Ministry
    # (organiser) and GIZ (sponsor), and the tandem project with TSUC; one activity each.
    assert {r["partnerLabel"]: r["shared"] for r in rows} == {
        "Ministry of Education and Science of the Republic of Tajikistan": "1",
        "Deutsche Gesellschaft für Internationale Zusammenarbeit": "1",
        "Tajik State University of Commerce": "1",
    }


def test_list_and_prefixes(run_cli: Cli) -> None:
    code, out, _ = run_cli("query", "--list")
    assert code == 0
    for name, q in saved_queries().items():
        assert f"{name}\n    {q.description}\n" in out
        for p in q.params:
            assert f"--param {p.describe()}" in out
    code, out, _ = run_cli("query", "--list", "--format", "json")
    listed = json.loads(out)
    assert [q["name"] for q in listed] == sorted(saved_queries())
    assert len(listed) >= 10
    code, out, _ = run_cli("query", "--prefixes")
    assert out.splitlines() == [f"PREFIX {p}: <{ns}>" for p, ns in PREFIXES.items()]


@pytest.mark.parametrize(
    ("args", "status", "code"),
    [
        ([], 2, "bad-query-source"),
        (["ASK {}", "--saved", "partners-of"], 2, "bad-query-source"),
        (["--saved", "nope"], 2, "unknown-query"),
        (["--saved", "partners-of"], 2, "missing-param"),
        (["--saved", "partners-of", "--param", "org"], 2, "bad-param"),
        (["--saved", "partners-of", "--param", "org=university"], 2, "ambiguous-param"),
        (["-f", "no-such-file.rq"], 4, "input"),
        (["DROP ALL"], 6, "update-refused"),
        (["SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"], 6, "service-refused"),
        (["SELECT ?x WHERE {\n  ?x a ?t .\n  FILTR(?x)\n}"], 6, "query-syntax"),
        (
            ["INSERT DATA { <http://e/a> <http://e/b> 1 }", "--allow-update"],
            2,
            "update-needs-store",
        ),
    ],
)
def test_errors(run_cli: Cli, args: list[str], status: int, code: str) -> None:
    got, out, err = run_cli("query", *args)
    assert (got, out) == (status, "")
    assert err.splitlines()[0].startswith("Error: ")
    assert err.splitlines()[0].endswith(f"[{code}]")
    assert "Traceback" not in err


def test_syntax_error_shows_line_column_and_the_line(run_cli: Cli) -> None:
    _, _, err = run_cli("query", "SELECT ?x WHERE {\n  ?x a ?t .\n  FILTR(?x)\n}")
    lines = err.splitlines()
    assert lines[0].startswith("Error: query:3:")
    assert lines[1] == "Hint: line 3:   FILTR(?x)"
    assert lines[2].strip() == "^"


def test_updates_only_with_allow_update_on_a_store(run_cli: Cli, tmp_path: Path) -> None:
    store = tmp_path / "kg"
    with KnowledgeGraph(store) as kg:
        kg.load(load_records([seed_path()]))
        before = len(kg)
    insert = "INSERT DATA { <http://e/a> <http://e/b> 'c' }"
    code, _, err = run_cli("query", insert, "--store", str(store))
    assert code == 6
    assert "[update-refused]" in err
    code, _, err = run_cli("query", insert, "--store", str(store), "--allow-update")
    assert code == 0
    assert f"{before} → {before + 1} quads" in err
    assert run_cli("query", "ASK { <http://e/a> <http://e/b> 'c' }", "--store", str(store))[0] == 0
    federated = "INSERT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    code, _, err = run_cli("query", federated, "--store", str(store), "--allow-update")
    assert code == 6
    assert "[service-refused]" in err


def test_timeout_stops_the_process_with_status_6() -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z . ?d ?s ?w }"
    done = subprocess.run(
        [sys.executable, "-m", "triplehelix", "query", slow, "--timeout", "0.5"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 6
    assert "[query-timeout]" in done.stderr
    assert "within 0.5 s" in done.stderr
    assert done.stdout == ""
