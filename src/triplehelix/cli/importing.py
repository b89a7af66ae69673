"""Commands that bring real-world sources in: ``import cordis|ror|csv`` and ``resolve``."""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from triplehelix.cli.common import check_output, help_text
from triplehelix.cli.output import err, print_table, write_json
from triplehelix.cli.remote import push_kg
from triplehelix.cli.sink import output_file
from triplehelix.cli.stores import locate, open_from, open_remote, store_options
from triplehelix.data.importers.cordis import stream_cordis
from triplehelix.data.importers.mapping import import_csv
from triplehelix.data.importers.report import QualityReport
from triplehelix.data.importers.ror import import_ror
from triplehelix.data.iris import Minter
from triplehelix.data.models import record_key
from triplehelix.errors import UsageError
from triplehelix.graph import resolve as er
from triplehelix.graph.remote.sources import drop_vanished
from triplehelix.graph.store.local import LocalStore
from triplehelix.graph.store.replace import imported_documents, replace_sources

if TYPE_CHECKING:
    from triplehelix.data.importers.report import QualityReport
    from triplehelix.data.loader import RecordSet
    from triplehelix.graph.store.remote import RemoteStore

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["import_", "resolve"]

_report = click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the data-quality report as JSON to this file.",
)
_dry_run = click.option(
    "--dry-run", is_flag=True, help="Read and check, show what would be created, write nothing."
)


def _target(func: F) -> F:
    """``--store`` (a folder or a server URL), the connection options, and ``--replace``."""
    func = store_options(writes=True)(func)
    return click.option(
        "--replace",
        is_flag=True,
        help="With a server: rewrite every graph, also those the server holds already.",
    )(func)


@click.group(
    "import",
    help=help_text(
        "Import real-world sources (CORDIS, ROR, any table) into the store, with a "
        "data-quality report. Re-importing the same files changes nothing.",
        "triplehelix import cordis tests/fixtures/cordis --store kg",
        "triplehelix import ror tests/fixtures/ror/ror_records_v2.json --store kg",
    ),
)
def import_() -> None:
    pass


@import_.command(
    "cordis",
    help=help_text(
        "Import CORDIS files or folders: official project.csv / organization.csv, "
        "participation tables (rcn,role,pic,type,…), organisation name tables "
        "(orgId;name;…) and programme parts (rcn,programme_part).",
        "triplehelix import cordis tests/fixtures/cordis --store kg --report cordis.json",
        "triplehelix import cordis h2020.csv programme_parts.csv --dry-run",
        "triplehelix import cordis tests/fixtures/cordis --store http://127.0.0.1:7878",
    ),
)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_report
@_dry_run
@_target
def cordis(
    paths: Sequence[Path],
    store: str | None,
    report_path: Path | None,
    dry_run: bool,
    replace: bool,
    **remote: Any,
) -> None:
    folder, server = _check(store, report_path, dry_run, remote)
    report = QualityReport("cordis")
    chunks = stream_cordis(list(paths), report)
    if dry_run:
        n = sum(len(rs) for rs in chunks)
        err.print(f"dry run: {n} records would be imported; nothing was written", markup=False)
    else:
        _write(folder, server, replace, chunks)
    _print_report(report, report_path)


def _write(
    store: Path | None, server: RemoteStore | None, replace: bool, chunks: Iterator[RecordSet]
) -> None:
    if server is not None:
        _push_chunks(server, replace, chunks)
    else:
        assert store is not None
        _load_chunks(store, chunks)


def _push_chunks(server: RemoteStore, replace: bool, chunks: Iterator[RecordSet]) -> None:
    """The records as ``import --store DIR`` makes them (in memory), pushed as ``load``
    to a server pushes them: graph by graph, each whole or absent; then the graphs of rows
    a changed file no longer has are dropped."""
    kg = LocalStore()
    records, docs = 0, set()
    for rs in chunks:
        docs.update(imported_documents(rs))
        records += kg.load(rs).records
    err.print(
        f"imported {records} records: {len(kg)} quads, {len(kg.graph_names())} graphs to write",
        markup=False,
    )
    push_kg(kg, server, replace)
    gone = drop_vanished(kg, server.client, sorted(docs))  # rows a changed file no longer has
    if gone:
        err.print(f"dropped {len(gone)} graph(s) of rows no longer in the files", markup=False)


def _load_chunks(store: Path, chunks: Iterator[RecordSet]) -> None:
    """Load record sets one by one (large inputs stream in chunks of rows)."""

    records = added = replaced = 0
    with LocalStore(store) as kg:
        for n, rs in enumerate(chunks):
            if n == 0:
                before = len(kg)
                replace_sources(kg, rs)
                replaced = before - len(kg)
            loaded = kg.load(rs)
            records += loaded.records
            added += loaded.added
        total = len(kg)
    if replaced:
        err.print(
            f"the files changed since their last import: {replaced} quads of it removed",
            markup=False,
        )
    err.print(
        f"imported {records} records into {store}: {added} new quads, {total} in all",
        markup=False,
    )


@import_.command(
    "ror",
    help=help_text(
        "Import ROR v2 records (a data dump, a JSON array or JSON Lines): types, names in "
        "every language, status, locations, external ids and relationships (targets "
        "outside the file kept as references).",
        "triplehelix import ror tests/fixtures/ror/ror_records_v2.json --store kg",
        "triplehelix import ror v1.55-ror-data.json --store kg --report ror.json",
        "triplehelix import ror ror.json --endpoint URL --user me --password-env TH_PASSWORD",
    ),
)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_report
@_dry_run
@_target
def ror(
    paths: Sequence[Path],
    store: str | None,
    report_path: Path | None,
    dry_run: bool,
    replace: bool,
    **remote: Any,
) -> None:
    folder, server = _check(store, report_path, dry_run, remote)
    rs, report = import_ror(list(paths))
    _finish(rs, report, (folder, server, replace), report_path, dry_run)


@import_.command(
    "csv",
    help=help_text(
        "Import any CSV/TSV table through a YAML mapping: record kinds, column → field, "
        "value maps and id templates (format: docs/importing.md). Errors name "
        "the row and column; --dry-run shows the records that would be created.",
        "triplehelix import csv partners.csv --mapping mapping.yaml --store kg",
        "triplehelix import csv tests/fixtures/cordis/Stacked_by_activityType.csv "
        "--mapping examples/mapping/cordis-organisations.yaml --dry-run",
    ),
)
@click.argument("table", type=click.Path(path_type=Path))
@click.option(
    "--mapping",
    "mapping_path",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="YAML mapping of the table's columns to record fields.",
)
@_report
@_dry_run
@_target
def csv_(
    table: Path,
    mapping_path: Path,
    store: str | None,
    report_path: Path | None,
    dry_run: bool,
    replace: bool,
    **remote: Any,
) -> None:
    folder, server = _check(store, report_path, dry_run, remote)
    rs, report = import_csv(table, mapping_path)
    if dry_run:
        _show_records(rs)
    _finish(rs, report, (folder, server, replace), report_path, dry_run)


def _show_records(rs: RecordSet, limit: int = 20) -> None:
    """The records a dry run would create, with the IRIs they would get."""
    iris = Minter().mint_all(rs.records)
    kinds = [(str(getattr(r, "kind", "")), record_key(r)) for r in rs.records]
    shown = [(kind, key) for kind, key in kinds if kind not in ("document", "record")]
    rows = [(kind, key, iris[key]) for kind, key in shown[:limit]]
    title = f"would create ({len(shown)} records" + (
        f", first {limit})" if len(shown) > limit else ")"
    )
    print_table(title, ["kind", "id", "iri"], rows)


def _check(
    store: str | None, report_path: Path | None, dry_run: bool, remote: dict[str, Any]
) -> tuple[Path | None, RemoteStore | None]:
    """Where the import goes: a store folder, or a server (connected unless a dry run)."""
    location, given = locate(store, remote, writes=True)
    if location is None and not dry_run:
        raise UsageError(
            "no --store given",
            code="no-store",
            hint="name a store folder, --store or --endpoint URL (or set TRIPLEHELIX_ENDPOINT), "
            "or use --dry-run",
        )
    if report_path is not None:
        check_output(report_path)
    if given is not None:
        return None, (None if dry_run else open_remote(given, writable=True))
    return (None if location is None else Path(location)), None


def _finish(
    rs: RecordSet,
    report: QualityReport,
    target: tuple[Path | None, RemoteStore | None, bool],
    report_path: Path | None,
    dry_run: bool,
) -> None:
    """Load (unless a dry run), then print the quality report and write it as JSON."""
    if not dry_run:
        _write(*target, iter([rs]))
    else:
        err.print(
            f"dry run: {len(rs)} records would be imported; nothing was written", markup=False
        )
    _print_report(report, report_path)


def _print_report(report: QualityReport, report_path: Path | None) -> None:
    print_table(f"data quality: {report.source}", ["section", "item", "value"], report.table_rows())
    if report_path is not None:
        with output_file(report_path) as fh:
            report.write_json(fh)
        err.print(f"report written to {report_path}", markup=False)


@click.command(
    help=help_text(
        "Find organisations that are the same across sources: shared ROR, Wikidata or PIC "
        "(merged by --apply) and same name + country (candidates, merged only with --accept "
        "ID after review). Merges go to the curation graph with who/when/why; --undo ID "
        "takes one back.",
        "triplehelix resolve --store kg                  # list candidates with evidence",
        "triplehelix resolve --store kg --apply          # merge the identifier matches",
        "triplehelix resolve --store kg --accept 3f2a9c01d4 --by 'A. Reviewer'",
        "triplehelix resolve --store kg --undo 3f2a9c01d4",
        "triplehelix resolve --store http://127.0.0.1:7878 --apply",
    )
)
@store_options()
@click.option("--apply", "apply_", is_flag=True, help="Merge every identifier match.")
@click.option("--accept", multiple=True, metavar="ID", help="Merge this candidate (repeatable).")
@click.option("--undo", multiple=True, metavar="ID", help="Take back this merge (repeatable).")
@click.option("--merged", is_flag=True, help="List the merges made so far.")
@click.option("--by", "agent", default=None, help="Who decides (default: $USER).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def resolve(
    store: str | None,
    apply_: bool,
    accept: Sequence[str],
    undo: Sequence[str],
    merged: bool,
    agent: str | None,
    fmt: str,
    **remote: Any,
) -> None:

    writing = apply_ or bool(accept) or bool(undo)
    who = agent or getpass.getuser()
    if store is None and remote.get("endpoint") is None:
        raise UsageError(
            "resolve needs --store DIR or a SPARQL endpoint",
            code="no-target",
            hint="give --store DIR or --store URL (or set TRIPLEHELIX_ENDPOINT)",
        )
    with open_from(store, remote, writable=writing) as kg:
        for decision in undo:
            n = er.undo_merge(kg, decision)
            err.print(f"undone merge {decision}: {n} curation triples removed", markup=False)
        if merged:
            _show(fmt, "merges", ["d", "retire", "keep", "who", "when", "why"], er.merges(kg))
            return
        candidates = er.find_candidates(kg)
        by_id = {c.id: c for c in candidates}
        unknown = [a for a in accept if a not in by_id]
        if unknown:
            raise UsageError(
                f"no open candidate with id {', '.join(unknown)}",
                code="no-such-candidate",
                hint="list candidates with: triplehelix resolve --store DIR",
            )
        chosen = [c for c in candidates if (apply_ and c.basis == "identifier") or c.id in accept]
        for c in chosen:
            er.apply_merge(kg, c, agent=who, note="accepted on review" if c.id in accept else "")
        if chosen:
            err.print(f"merged {len(chosen)} pair(s), recorded in the curation graph", markup=False)
            candidates = er.find_candidates(kg)
    rows = [
        {
            "id": c.id,
            "basis": c.basis,
            "evidence": c.evidence,
            "keep": c.labels[0],
            "retire": c.labels[1],
            "keep_iri": c.keep,
            "retire_iri": c.retire,
        }
        for c in candidates
    ]
    _show(fmt, "candidates", list(rows[0]) if rows else ["id"], rows)
    n_id = sum(1 for c in candidates if c.basis == "identifier")
    err.print(
        f"{n_id} identifier match(es) (merge with --apply), {len(candidates) - n_id} name "
        "candidate(s) for review (merge with --accept ID)",
        markup=False,
    )


def _show(fmt: str, title: str, columns: list[str], rows: list[dict[str, str]]) -> None:
    if fmt == "json":
        write_json(rows)
    else:
        print_table(title, columns, [[r[c] for c in columns] for r in rows])
