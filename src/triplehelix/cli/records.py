"""Commands that read records: validate, load."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from triplehelix.cli.common import (
    help_text,
    stdin_format_option,
)
from triplehelix.cli.output import err, print_problems
from triplehelix.errors import InvalidDataError

__all__ = ["load", "validate"]


@click.command(
    help=help_text(
        "Check records: every problem with file, line, field, "
        "expected and found. Exit status 3 if any is invalid.",
        "triplehelix validate data/            # every problem with file:line",
        "cat orgs.jsonl | triplehelix validate -",
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


@click.command(
    help=help_text(
        "Validate records (and RDF files) and add them to an on-disk "
        "store in one transaction. Loading the same data again "
        "changes nothing; invalid data writes nothing.",
        "triplehelix load data/ --store kg     # validate, then add to ./kg",
        "triplehelix load extra.ttl --store kg",
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
