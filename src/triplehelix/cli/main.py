"""The ``triplehelix`` command: one click group, one error boundary.

Data goes to stdout, messages to stderr. Every deliberate error ends as one
``Error: … [code]`` line and the exit status of its class (``errors.ExitStatus``);
``--traceback`` shows the Python traceback as well.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from triplehelix._version import __version__
from triplehelix.cli.output import err, print_problems, print_table, write_json
from triplehelix.errors import ExitStatus, InvalidDataError, TriplehelixError, UsageError

__all__ = ["cli", "main"]

EXAMPLES = {
    "validate": "triplehelix validate data/            # every problem with file:line\n"
    "  cat orgs.jsonl | triplehelix validate -",
    "load": "triplehelix load data/ --store kg     # validate, then add to ./kg\n"
    "  triplehelix load extra.ttl --store kg",
    "export": "triplehelix export --format trig -o world.trig\n"
    "  triplehelix export --store kg --format nq | gzip > kg.nq.gz",
    "stats": "triplehelix stats                     # the bundled seed world\n"
    "  triplehelix stats --store kg --format json",
    "map": "triplehelix map -o partners.html\n  triplehelix map --view bipartite -o - > map.html",
    "demo": "triplehelix demo --out out",
}


def _help(name: str, text: str) -> str:
    examples = EXAMPLES[name].replace("\n", "\n\n\b\n")
    return f"{text}\n\n\b\nExamples:\n  {examples}"


store_option = click.option(
    "--store",
    "store",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="On-disk store folder. Without it, read commands use the bundled seed world.",
)
stdin_format_option = click.option(
    "--stdin-format",
    type=click.Choice(["yaml", "json", "jsonl", "csv"]),
    default=None,
    help="Format of standard input ('-') when it cannot be guessed.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", "-V", prog_name="triplehelix")
@click.option("--traceback", is_flag=True, help="Show the Python traceback of an error.")
def cli(traceback: bool) -> None:
    """triplehelix: a knowledge graph of university–industry–government partnerships.

    Records (YAML, JSON, JSON Lines, CSV) are validated and become an RDF graph with
    provenance, queried with SPARQL and drawn as partnership maps.

    \b
    Exit status: 0 ok, 1 internal error, 2 usage, 3 invalid data, 4 unreadable input,
    5 store error, 6 query error.
    """


def _open(store: Path | None, *, read_only: bool = True) -> Any:
    from triplehelix.graph.store import KnowledgeGraph

    if store is None:
        return KnowledgeGraph.seed()
    return KnowledgeGraph(store, read_only=read_only)


@cli.command(
    help=_help(
        "validate",
        "Check records: every problem with file, line, field, "
        "expected and found. Exit status 3 if any is invalid.",
    )
)
@click.argument("data", nargs=-1, required=True)
@click.option(
    "--shacl/--no-shacl",
    default=True,
    show_default=True,
    help="Also check the resulting graph against the SHACL shapes.",
)
@stdin_format_option
def validate(data: Sequence[str], shacl: bool, stdin_format: str | None) -> None:
    from triplehelix.data.loader import load_records

    rs = load_records(data, stdin_format=stdin_format)
    if shacl:
        from triplehelix.graph.checks import check_graph

        check = check_graph(rs)
        if check.warnings:
            print_problems(check.warnings, title=f"{len(check.warnings)} warning(s):")
        if check.violations:
            raise InvalidDataError(
                check.violations,
                hint="the records are well-formed, but "
                "the graph they make breaks the shapes listed",
            )
    counts = ", ".join(f"{n} {k}" for k, n in rs.counts().items())
    extra = f" and {len(rs.rdf_files)} RDF file(s)" if rs.rdf_files else ""
    err.print(f"valid: {len(rs)} records ({counts}){extra}", markup=False)


@cli.command(
    help=_help(
        "load",
        "Validate records (and RDF files) and add them to an on-disk "
        "store in one transaction. Loading the same data again "
        "changes nothing; invalid data writes nothing.",
    )
)
@click.argument("data", nargs=-1, required=True)
@click.option(
    "--store",
    "store",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Store folder (created if missing).",
)
@click.option("--shacl", is_flag=True, help="Refuse data that breaks the SHACL shapes.")
@stdin_format_option
def load(data: Sequence[str], store: Path, shacl: bool, stdin_format: str | None) -> None:
    from triplehelix.data.loader import load_records
    from triplehelix.graph.store import KnowledgeGraph

    rs = load_records(data, stdin_format=stdin_format)
    if shacl:
        from triplehelix.graph.checks import check_graph

        check = check_graph(rs)
        if check.violations:
            raise InvalidDataError(check.violations)
    with KnowledgeGraph(store) as kg:
        report = kg.load(rs)
    err.print(
        f"loaded {report.records} records and {report.rdf_files} RDF file(s) into {store}: "
        f"{report.added} new quads, {report.quads_after} in all",
        markup=False,
    )


@cli.command(
    help=_help(
        "export",
        "Write the store as RDF. nq, trig and jsonld keep the "
        "named graphs (provenance); ttl, nt and rdfxml merge them.",
    )
)
@store_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["ttl", "nt", "nq", "trig", "jsonld", "rdfxml"]),
    default="trig",
    show_default=True,
)
@click.option(
    "-o", "--output", default="-", show_default=True, help="File to write, or - for stdout."
)
@click.option("--with-ontology", is_flag=True, help="Include the ontology and vocabulary graphs.")
def export(store: Path | None, fmt: str, output: str, with_ontology: bool) -> None:
    kg = _open(store)
    if output == "-":
        kg.dump(fmt, sys.stdout.buffer, with_ontology=with_ontology)
        sys.stdout.buffer.flush()
        return
    target = Path(output)
    _check_output(target)
    with target.open("wb") as fh:
        kg.dump(fmt, fh, with_ontology=with_ontology)
    err.print(f"wrote {target}", markup=False)


def _check_output(target: Path) -> None:
    if target.is_dir():
        raise UsageError(
            f"{target}: is a folder", code="bad-output", hint="name a file, or - for stdout"
        )
    if not target.parent.exists():
        raise UsageError(
            f"{target.parent}: no such folder",
            code="bad-output",
            hint="create the folder first; triplehelix writes only the file you name",
        )


@cli.command(
    help=_help("stats", "Counts by class, helix sphere and country; named graphs; store size.")
)
@store_option
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def stats(store: Path | None, fmt: str) -> None:
    from triplehelix.graph.stats import collect_stats

    s = collect_stats(_open(store))
    if fmt == "json":
        write_json(s.as_dict())
        return
    where = s.location if store is not None else "the bundled seed world (in memory)"
    size = f", {s.store_bytes / 2**20:.1f} MiB on disk" if s.store_bytes is not None else ""
    print_table(f"{where}: {s.quads} quads{size}", ["graphs", "count"], s.graphs.items())
    print_table("instances by class", ["class", "count"], s.by_class.items())
    print_table("organisations by helix sphere", ["sphere", "count"], s.by_sphere.items())
    print_table("organisations by country", ["country", "count"], s.by_country.items())


@cli.command("map", help=_help("map", "Draw a partnership map as one self-contained HTML file."))
@store_option
@click.option(
    "--view",
    type=click.Choice(["coparticipation", "bipartite"]),
    default="bipartite",
    show_default=True,
    help="Organisations only, or organisations and activities.",
)
@click.option("-o", "--output", required=True, help="HTML file to write, or - for stdout.")
def map_(store: Path | None, view: str, output: str) -> None:
    page = _map_page(_open(store), view, "the bundled seed world" if store is None else str(store))
    if output == "-":
        sys.stdout.write(page)
        return
    target = Path(output)
    _check_output(target)
    target.write_text(page, encoding="utf-8")
    err.print(f"wrote {target}", markup=False)


def _map_page(kg: Any, view: str, source: str) -> str:
    from triplehelix.graph.maps import render_map
    from triplehelix.graph.network import bipartite_graph, coparticipation_graph

    graph = coparticipation_graph(kg) if view == "coparticipation" else bipartite_graph(kg)
    what = "who works with whom" if view == "coparticipation" else "who took part in what"
    return render_map(graph, title=f"Partnership map: {what}", subtitle=f"data: {source}")


DEMO_QUERY = """
SELECT ?activity ?organisation ?role WHERE {
  ?p a th:Participation ; th:agent ?a ; th:activity ?x ; th:role ?r .
  ?a skos:prefLabel ?name . FILTER(LANG(?name) = "en")
  OPTIONAL { ?a skos:altLabel ?acronym FILTER(LANG(?acronym) = "") }
  BIND(COALESCE(?acronym, ?name) AS ?organisation)
  ?x skos:prefLabel ?activity . FILTER(LANG(?activity) = "en")
  ?r skos:prefLabel ?role . FILTER(LANG(?role) = "en")
} ORDER BY ?activity ?organisation ?role
"""


@cli.command(
    help=_help(
        "demo",
        "Load the bundled seed world into a store, print a summary "
        "and a sample query, and write a partnership map.",
    )
)
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Folder for the store and the map.",
)
def demo(out: Path) -> None:
    from triplehelix.data.loader import load_records, seed_path
    from triplehelix.graph.stats import collect_stats
    from triplehelix.graph.store import KnowledgeGraph

    out.mkdir(parents=True, exist_ok=True)
    rs = load_records([seed_path()])
    with KnowledgeGraph(out / "store") as kg:
        report = kg.load(rs)
        err.print(
            f"seed world: {report.records} records → {out / 'store'} "
            f"({report.added} new quads, {report.quads_after} in all)",
            markup=False,
        )
        s = collect_stats(kg)
        print_table("organisations by helix sphere", ["sphere", "count"], s.by_sphere.items())
        print_table("instances by class", ["class", "count"], s.by_class.items())
        rows = kg.select(DEMO_QUERY)
        print_table(
            "who took part in what (SPARQL)",
            ["activity", "organisation", "role"],
            ([r["activity"], r["organisation"], r["role"]] for r in rows),
        )
        target = out / "partnership-map.html"
        target.write_text(_map_page(kg, "bipartite", "the bundled seed world"), encoding="utf-8")
    err.print(f"map: {target}  (open it in a browser; it needs no network)", markup=False)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point with the error boundary."""
    args = list(sys.argv[1:] if argv is None else argv)
    show_traceback = "--traceback" in args
    try:
        cli.main(args=args, prog_name="triplehelix", standalone_mode=False)
    except click.exceptions.Abort:
        err.print("Aborted.")
        sys.exit(ExitStatus.ERROR)
    except click.ClickException as exc:
        exc.show()
        sys.exit(ExitStatus.USAGE)
    except TriplehelixError as exc:
        if show_traceback:
            traceback.print_exc()
        if isinstance(exc, InvalidDataError):
            print_problems(exc.problems)
        err.print(f"Error: {exc.message} [{exc.code}]", markup=False)
        if exc.hint:
            err.print(f"Hint: {exc.hint}", markup=False)
        sys.exit(exc.exit_status)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(ExitStatus.OK)
    except Exception as exc:  # the boundary: anything else is our bug
        if show_traceback:
            traceback.print_exc()
        err.print(f"Error: internal error: {type(exc).__name__}: {exc} [internal]", markup=False)
        err.print("Hint: run again with --traceback and report it", markup=False)
        sys.exit(ExitStatus.ERROR)
