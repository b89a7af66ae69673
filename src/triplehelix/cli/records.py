"""Commands that read records: validate, load, and unload (the reverse of a load)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from triplehelix.cli.common import (
    help_text,
    stdin_format_option,
)
from triplehelix.cli.output import err, print_problems
from triplehelix.cli.stores import locate, open_from, open_remote, say_push, store_options
from triplehelix.data.loader import load_records
from triplehelix.errors import InvalidDataError, StoreError, UsageError
from triplehelix.graph.store import bulk
from triplehelix.graph.store.conflicts import summary
from triplehelix.graph.store.local import LocalStore
from triplehelix.graph.store.open import is_url
from triplehelix.graph.views.checks import check_graph

if TYPE_CHECKING:
    from triplehelix.graph.store.conflicts import Conflict

__all__ = ["load", "progress_bar", "unload", "validate"]


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
    rs = load_records(data, stdin_format=stdin_format)
    if shacl:
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
        "Validate records (and RDF files) and add them to an on-disk store. "
        "Big JSON Lines/CSV files stream in chunks into Oxigraph's bulk loader; each "
        "input file is a source, named by its path including the folder given "
        "(load a/ names a/organisations.csv): loading it again unchanged is skipped, a "
        "changed one replaces its old facts, an interrupted one is rolled back on the "
        "next write. Values other sources state otherwise are reported (--strict "
        "refuses them). Invalid data writes nothing.",
        "triplehelix load data/ --store kg     # validate, then add to ./kg",
        "triplehelix load extra.ttl --store kg",
        "triplehelix load cordis/participations.jsonl --store kg   # replaces an older copy",
        "triplehelix load data/ --store http://127.0.0.1:7878      # a SPARQL 1.1 server",
    )
)
@click.argument("data", nargs=-1, required=True)
@click.option("--shacl", is_flag=True, help="Refuse data that breaks the SHACL shapes.")
@click.option(
    "--strict",
    is_flag=True,
    help="Refuse values that other sources in the store state otherwise (a second "
    "country, another English name…): exit 3, nothing written. Without it, a warning.",
)
@click.option(
    "--source",
    "source",
    default=None,
    metavar="NAME",
    help="The source name of a single input (default: its path with the folder given).",
)
@stdin_format_option
@store_options(writes=True)
def load(
    data: Sequence[str],
    store: str | None,
    shacl: bool,
    strict: bool,
    source: str | None,
    stdin_format: str | None,
    **remote: Any,
) -> None:
    location, given = locate(store, remote, writes=True)
    if given is not None:  # a server: the same graphs, written graph by graph
        if strict:
            raise UsageError(
                "--strict needs a local store",
                code="store-only-option",
                hint="load into an on-disk store with --store DIR",
            )
        from triplehelix.cli.remote import write_records

        server = open_remote(given, writable=True, on_push=say_push)
        write_records(server, data, shacl, stdin_format, source)
        return
    if location is None:
        raise UsageError(
            "load needs --store DIR or a SPARQL endpoint",
            code="no-target",
            hint="give --store DIR or --store URL (or set TRIPLEHELIX_ENDPOINT)",
        )
    folder = Path(location)
    if shacl or "-" in data:  # whole in memory: SHACL needs the record set, stdin is read once
        rs = load_records(data, stdin_format=stdin_format, source=source)
        if shacl:
            check = check_graph(rs)
            if check.violations:
                raise InvalidDataError(check.violations)
        with LocalStore(folder) as kg:
            report = kg.write_sources(rs, strict=strict)
        _print_sources(report.moved, report.conflicts)
        err.print(
            f"loaded {report.records} records and {report.rdf_files} RDF file(s) into {folder}: "
            f"{report.added} new quads, {report.quads_after} in all",
            markup=False,
        )
        return
    _bulk_load(data, folder, strict, source)


def _bulk_load(data: Sequence[str], store: Path, strict: bool, source: str | None) -> None:

    with progress_bar("validating") as tick:
        plan = bulk.prepare(data, progress=tick, source=source)
    with LocalStore(store) as kg, progress_bar("loading", plan.records) as tick:
        report = bulk.write(kg, plan, progress=tick, strict=strict)
    _print_sources(report.moved, report.conflicts)
    notes = [
        f"{n} {what}"
        for n, what in (
            (report.skipped, "unchanged file(s) skipped"),
            (report.replaced, "changed file(s) replaced"),
            (len(report.moved), "file(s) already loaded under another name skipped"),
        )
        if n
    ]
    err.print(
        f"loaded {report.records} records from {report.files} file(s) and "
        f"{len(plan.rdf_files)} RDF file(s) into {store}: "
        f"{max(report.added, 0)} new quads, {report.quads_after} in all"
        + (f" ({', '.join(notes)})" if notes else ""),
        markup=False,
    )


def _print_sources(moved: dict[str, str], conflicts: list[Conflict]) -> None:
    """Sources skipped as already loaded under another name; conflicting values."""
    for name, doc in moved.items():
        err.print(f"{name}: the same bytes are loaded as {doc}: skipped", markup=False)
    if conflicts:
        err.print(
            f"Warning: {len(conflicts)} value(s) conflict with other sources "
            "(IRI property: this load's value (source) ≠ the store's (source)); "
            "--strict refuses them:",
            markup=False,
        )
        for line in summary(conflicts):
            err.print(f"  {line}", markup=False)


@click.command(
    help=help_text(
        "Remove one source (an input file, named as it was loaded: a/organisations.csv, "
        "its document IRI, or its base name if only one source has it) from a store "
        "folder or a SPARQL server: its named graphs, its provenance, and every fact in "
        "the default graph that no other source states. Atomic: a big source goes in "
        "batches, and an interrupted unload is finished by the next write.",
        "triplehelix unload data/participations.jsonl --store kg",
        "triplehelix unload https://w3id.org/triplehelix/source/file-orgs-csv --store kg",
        "triplehelix unload data/participations.jsonl --store http://127.0.0.1:7878",
    )
)
@click.argument("source")
@store_options()
def unload(source: str, store: str | None, **remote: Any) -> None:
    from triplehelix.data.iris import Minter
    from triplehelix.graph.store.sources import find_source

    if store is None and remote.get("endpoint") is None:
        raise UsageError(
            "unload needs --store DIR or a SPARQL endpoint",
            code="no-target",
            hint="give --store DIR or --store URL (or set TRIPLEHELIX_ENDPOINT)",
        )
    if store is not None and not is_url(store) and not (Path(store) / "CURRENT").exists():
        raise StoreError(
            f"{store}: no triplehelix store here",
            code="no-store",
            hint="create one with: triplehelix load DATA --store DIR",
        )
    with open_from(store, remote, writable=True) as kg:
        doc = find_source(kg, source, Minter())
        removed = kg.drop_sources([doc])
        left, where = len(kg), kg.location
    err.print(f"unloaded {source} from {where}: {removed} quads removed, {left} left", markup=False)


@contextmanager
def progress_bar(what: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """A progress bar on a terminal (records done); nothing when stderr is not one."""
    if not err.is_terminal:
        yield lambda n: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TimeElapsedColumn,
    )

    columns: list[str | ProgressColumn] = [
        f"{what} records",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(what, total=total)
        yield lambda n: bar.advance(task, n)
