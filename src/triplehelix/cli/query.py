"""The ``query`` command: ad-hoc and saved SPARQL, answered in standard result formats."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from triplehelix.cli.common import help_text
from triplehelix.cli.stores import locate, open_remote, store_options
from triplehelix.errors import InputError, QueryError, UsageError
from triplehelix.graph.query.check import check_text, scan, syntax_error
from triplehelix.graph.query.results import RESULT_FORMATS, Result
from triplehelix.graph.query.run import in_worker, run_query
from triplehelix.graph.query.saved import saved_queries
from triplehelix.graph.store.open import open_store
from triplehelix.ontology.namespace import PREFIXES

__all__ = ["query"]

FORMATS = ["table", "csv", "tsv", "json", "jsonl", "markdown", "ttl", "nt", "jsonld"]


def _params(pairs: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        name, eq, value = pair.partition("=")
        if not eq or not name.strip():
            raise UsageError(
                f"--param {pair!r}: expected NAME=VALUE",
                code="bad-param",
                hint="for example --param org=ektu",
            )
        params[name.strip()] = value
    return params


def _read(text: str | None, file: Path | None) -> tuple[str, str]:
    """The query text and how messages name it."""
    if file is not None:
        try:
            return file.read_text(encoding="utf-8"), str(file)
        except FileNotFoundError as exc:
            raise InputError(f"{file}: no such file", hint="check the path") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{file}: cannot read it as UTF-8 text: {exc}") from exc
    if text == "-":
        return sys.stdin.read(), "<stdin>"
    assert text is not None
    return text, "query"


def _list(fmt: str | None) -> None:
    queries = saved_queries().values()
    if fmt == "json":
        doc = [
            {
                "name": q.name,
                "description": q.description,
                "params": [
                    {"name": p.name, "type": p.type, "class": p.cls, "required": p.required}
                    | {"description": p.doc}
                    for p in q.params
                ],
            }
            for q in queries
        ]
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
        return
    for q in queries:
        sys.stdout.write(f"{q.name}\n    {q.description}\n")
        for p in q.params:
            sys.stdout.write(f"    --param {p.describe()}\n")


def _update(store: str | None, text: str, source: str, allow_service: bool) -> None:
    check_text(text, allow_update=True, allow_service=allow_service, source=source)

    if store is None:
        raise UsageError(
            "--allow-update needs --store: the bundled seed world is not saved",
            code="update-needs-store",
            hint="triplehelix query --store DIR --allow-update '...'",
        )
    kg = open_store(store, writable=True)
    before = len(kg)
    try:  # in a worker: its deep stack holds what the checks let through
        in_worker(lambda: kg.update(text), timeout=None, source=source)
    except SyntaxError as exc:
        raise syntax_error(exc, text, source) from exc
    except (OSError, RuntimeError, ValueError) as exc:
        raise QueryError(f"{source}: the update failed: {exc}", code="query-failed") from exc
    after = len(kg)
    kg.close()
    click.echo(f"update done: {before} → {after} quads", err=True)


@click.command(
    help=help_text(
        "Ask the graph in SPARQL: ad-hoc text, a file, standard input or a saved query. "
        "The ontology's prefixes are predeclared (--prefixes lists them). Queries are "
        "read-only; parameters (--param NAME=VALUE) bind the variable ?_NAME and are never "
        "pasted into the text. Formats: table (default on a terminal; csv in a pipe), csv, "
        "tsv, json (W3C SPARQL 1.1 results), jsonl, markdown; ttl, nt, jsonld for CONSTRUCT "
        "and DESCRIBE. ASK prints true or false and exits 0 or 1.",
        "triplehelix query 'SELECT ?o WHERE { ?o a th:University }'",
        "triplehelix query -f question.rq --format json",
        "echo 'ASK { ?o a th:Company }' | triplehelix query -",
        "triplehelix query --list",
        "triplehelix query --saved partners-of --param org=ektu --format csv",
        "triplehelix query --saved funding-summary --param programme=peca --format json",
        "triplehelix query --saved partners-of --param org=ektu --store http://127.0.0.1:7878",
    )
)
@click.argument("text", required=False)
@click.option("-f", "--file", "file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--saved", "saved", metavar="NAME", help="Run a saved query (see --list).")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE", help="Bind ?_NAME.")
@click.option("--list", "list_", is_flag=True, help="List the saved queries and parameters.")
@click.option("--prefixes", "prefixes", is_flag=True, help="Print the predeclared prefixes.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.01),
    default=None,
    help="Seconds to wait for the answer [60]; remotely, per request (default: the "
    "config file's timeout, else 60).",
)
@click.option("--allow-update", is_flag=True, help="Run SPARQL Update on a writable --store.")
@click.option("--allow-service", is_flag=True, help="Allow SERVICE (queries other endpoints).")
@store_options(timeout=False)
def query(
    text: str | None,
    file: Path | None,
    saved: str | None,
    params: tuple[str, ...],
    list_: bool,
    prefixes: bool,
    fmt: str | None,
    timeout: float | None,
    allow_update: bool,
    allow_service: bool,
    store: str | None,
    **remote: Any,
) -> None:
    chosen = [n for n, v in (("TEXT", text), ("-f", file), ("--saved", saved)) if v is not None]
    if list_ or prefixes:
        if list_:
            _list(fmt)
        else:
            sys.stdout.writelines(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
        return
    if len(chosen) != 1:
        raise UsageError(
            "give exactly one query: TEXT, - (standard input), -f FILE or --saved NAME",
            code="bad-query-source",
            hint="triplehelix query --list shows the saved queries",
        )

    if saved is not None:
        if saved not in saved_queries():
            raise UsageError(
                f"no saved query named {saved!r}",
                code="unknown-query",
                hint="list them with: triplehelix query --list",
            )
        body, source = saved, saved
    else:
        body, source = _read(text, file)
    location, given = locate(store, {**remote, "timeout": timeout})
    if allow_update and scan(body, source).update:
        if given is not None:
            raise UsageError("--allow-update works on a local --store only", code="bad-update")
        _update(location, body, source, allow_service)
        return
    if given is None:
        kg, wait = open_store(location), timeout
    else:
        server = open_remote(given)
        kg, wait = server, server.client.timeout
    result = run_query(
        kg, body, _params(params), timeout=wait or 60.0, allow_service=allow_service, source=source
    )
    _write(result, fmt)


def _write(result: object, fmt: str | None) -> None:
    assert isinstance(result, Result)
    if fmt is None:
        fmt = "ttl" if result.kind == "graph" else "table" if sys.stdout.isatty() else "csv"
    graph_fmt = fmt in RESULT_FORMATS["graph"]
    if graph_fmt != (result.kind == "graph"):
        kinds = RESULT_FORMATS["graph" if result.kind == "graph" else "select"]
        raise UsageError(
            f"--format {fmt} does not fit a {result.kind.upper()} result",
            code="bad-format",
            hint=f"use one of: {', '.join(kinds)}",
        )
    sys.stdout.write(result.render(fmt))
    sys.stdout.flush()
    if result.kind == "ask" and not result.boolean:
        sys.exit(1)
