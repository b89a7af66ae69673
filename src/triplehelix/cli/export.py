"""The export command: the store as RDF, or a NetworkX view in a graph format."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from triplehelix.cli.common import help_text
from triplehelix.cli.filters import filter_options, filters_from
from triplehelix.cli.output import err
from triplehelix.cli.sink import output_file, output_folder
from triplehelix.cli.stores import open_from, store_options
from triplehelix.errors import UsageError
from triplehelix.graph.exports import GRAPH_FORMATS
from triplehelix.graph.maps import WHAT
from triplehelix.graph.views.network import (
    Filters,
    bipartite_graph,
    coparticipation_graph,
    full_graph,
)

__all__ = ["export"]

RDF = ["ttl", "nt", "nq", "trig", "jsonld", "rdfxml"]
GRAPH = list(GRAPH_FORMATS)


@click.command(
    help=help_text(
        "Write the store as RDF, or a network view in a graph format. nq, trig and jsonld "
        "keep the named graphs (provenance); ttl, nt and rdfxml merge them. graphml, gexf "
        "(Gephi), json (NetworkX node-link) and csv write --view (default coparticipation); "
        "csv, vosviewer and neo4j-csv write files into the folder -o names.",
        "triplehelix export --format trig -o world.trig",
        "triplehelix export --store kg --format nq | gzip > kg.nq.gz",
        "triplehelix export --format graphml --view bipartite -o partners.graphml",
        "triplehelix export --format neo4j-csv -o neo4j/",
        "triplehelix export --store http://127.0.0.1:7878 --format nq -o server.nq",
    )
)
@store_options()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(RDF + GRAPH),
    default="trig",
    show_default=True,
)
@click.option(
    "-o",
    "--output",
    default="-",
    show_default=True,
    help="File to write, or - for stdout; a folder for csv, vosviewer and neo4j-csv.",
)
@click.option("--with-ontology", is_flag=True, help="Include the ontology and vocabulary graphs.")
@click.option(
    "--view",
    type=click.Choice(list(WHAT)),
    default=None,
    help="Graph formats: organisations (coparticipation, the default; full for neo4j-csv), "
    "organisations and activities (bipartite) or every typed node (full).",
)
@click.option(
    "--escape-formulas/--no-escape-formulas",
    default=True,
    show_default=True,
    help="csv, neo4j-csv and vosviewer: prefix text cells that start with = + - @ (or a tab) "
    "with ' so spreadsheets show them as text, never run them (OWASP CSV injection). "
    "--no-escape-formulas writes the values exactly, for programs that read the files.",
)
@filter_options
def export(
    store: str | None,
    fmt: str,
    output: str,
    with_ontology: bool,
    view: str | None,
    escape_formulas: bool,
    **options: Any,
) -> None:
    kg = open_from(store, options)
    if fmt in GRAPH:
        _export_graph(kg, fmt, output, view, options, escape_formulas=escape_formulas)
        return
    if view is not None or filters_from(options) != _no_filters():
        raise UsageError(
            "--view and filters apply to graph formats only",
            code="bad-option",
            hint="RDF exports hold the whole store; use --format graphml|gexf|json|csv",
        )
    if output == "-":
        kg.dump(fmt, sys.stdout.buffer, with_ontology=with_ontology)
        sys.stdout.buffer.flush()
        return
    target = Path(output)
    with output_file(target, binary=True) as fh:
        kg.dump(fmt, fh, with_ontology=with_ontology)
    err.print(f"wrote {target}", markup=False)


def _no_filters() -> Any:
    return Filters()


def _export_graph(
    kg: Any,
    fmt: str,
    output: str,
    view: str | None,
    options: dict[str, Any],
    *,
    escape_formulas: bool,
) -> None:
    graph = _view_graph(kg, fmt, view, options)
    spec = GRAPH_FORMATS[fmt]
    escape = {"escape_formulas": escape_formulas} if spec.spreadsheet else {}
    stream = spec.stream_writer()
    if stream is None or (spec.folder is not None and output != "-"):
        folder = _folder(output, fmt)
        write = spec.folder_writer()
        assert write is not None  # a format writes to a stream, a folder, or both
        with output_folder(folder) as stage:
            written = write(graph, stage, **escape)
        for path in written:
            err.print(f"wrote {folder / path.name}", markup=False)
        return
    if output == "-":
        stream(graph, sys.stdout, **escape)
        sys.stdout.flush()
        return
    target = Path(output)
    with output_file(target) as fh:
        stream(graph, fh, **escape)
    err.print(f"wrote {target}", markup=False)


def _view_graph(kg: Any, fmt: str, view: str | None, options: dict[str, Any]) -> Any:
    """The NetworkX view ``--view`` names (the format's default if none), filtered."""
    view = view or ("full" if fmt == "neo4j-csv" else "coparticipation")
    filters = filters_from(options)
    if view == "full":
        if filters != _no_filters():
            raise UsageError(
                "filters apply to the coparticipation and bipartite views",
                code="bad-option",
                hint="drop the filters, or use --view bipartite",
            )
        graph = full_graph(kg)
    elif view == "bipartite":
        graph = bipartite_graph(kg, filters)
    else:
        graph = coparticipation_graph(kg, filters)
    if fmt == "vosviewer" and view != "coparticipation":
        raise UsageError(
            "VOSviewer takes the co-participation network",
            code="bad-view",
            hint="use --view coparticipation",
        )
    return graph


def _folder(output: str, fmt: str) -> Path:
    if output == "-":
        raise UsageError(
            f"{fmt} writes several files", code="bad-output", hint="name a folder with -o DIR"
        )
    folder = Path(output)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder}: is a file", code="bad-output", hint=f"{fmt} needs a folder")
    if not folder.parent.exists():
        raise UsageError(
            f"{folder.parent}: no such folder",
            code="bad-output",
            hint="create the parent folder first; triplehelix creates only the folder you name",
        )
    folder.mkdir(exist_ok=True)
    return folder
