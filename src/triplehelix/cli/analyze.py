"""The analyze command group: network numbers in the Triple Helix language."""

from __future__ import annotations

import sys
from typing import Any

import click

from triplehelix.cli.common import help_text
from triplehelix.cli.filters import SPHERES, filter_options, filters_from
from triplehelix.cli.output import err, print_table
from triplehelix.cli.stores import open_from, store_options
from triplehelix.graph.views.network import (
    bipartite_graph,
    coparticipation_graph,
    kept_participations,
    node_table,
)
from triplehelix.safe_text import visible

__all__ = ["analyze"]

format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="table (aligned on a terminal, tab-separated in a pipe), csv or json.",
)


def _emit(report: Any, fmt: str) -> None:
    if fmt == "json":
        report.write_json(sys.stdout)
    elif fmt == "csv":
        report.write_csv(sys.stdout)
    else:
        for n, table in enumerate(report.tables):
            if n:
                sys.stdout.write("\n")
            print_table(table.title, table.columns, [[_cell(v) for v in row] for row in table.rows])
    for note in report.notes:
        if fmt == "table":
            err.print(f"note: {visible(note)}", markup=False)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _views(store: str | None, options: dict[str, Any], *, bipartite: bool = False) -> Any:
    kg = open_from(store, options)
    filters = filters_from(options)
    nodes = node_table(kg)  # one SPARQL read shared by both views
    graph = coparticipation_graph(kg, filters, nodes)
    return (graph, bipartite_graph(kg, filters, nodes), kg, filters) if bipartite else graph


@click.group(
    help=help_text(
        "Network analytics: centrality, communities, brokers between the helices, "
        "mixing and Triple Helix synergy. Every subcommand takes the same filters "
        "(applied before projecting) and --format table|csv|json.",
        "triplehelix analyze summary",
        "triplehelix analyze centrality --measure betweenness --top 10",
        "triplehelix analyze synergy --by year --format json",
    )
)
def analyze() -> None:
    pass


@analyze.command(
    help=help_text(
        "Nodes, edges, density and components of the co-participation and bipartite "
        "views, and organisations per helix sphere.",
        "triplehelix analyze summary",
        "triplehelix analyze summary --store kg --year-from 2020 --format json",
    )
)
@store_options()
@filter_options
@format_option
def summary(store: str | None, fmt: str, **options: Any) -> None:
    from triplehelix.graph.analytics import summary as run

    co, bi, _, _ = _views(store, options, bipartite=True)
    _emit(run(co, bi), fmt)


@analyze.command(
    help=help_text(
        "The most central organisations of the co-participation network.",
        "triplehelix analyze centrality --top 20",
        "triplehelix analyze centrality --measure pagerank --of industry --format csv",
    )
)
@store_options()
@filter_options
@format_option
@click.option(
    "--measure",
    type=click.Choice(["degree", "weighted-degree", "betweenness", "eigenvector", "pagerank"]),
    default="weighted-degree",
    show_default=True,
)
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True)
@click.option(
    "--of",
    "of_sphere",
    type=click.Choice(SPHERES),
    default=None,
    help="List only organisations of this sphere, ranked in the whole network "
    "(--sphere instead leaves the others out before computing).",
)
def centrality(
    store: str | None, fmt: str, measure: str, top: int, of_sphere: str | None, **options: Any
) -> None:
    from triplehelix.graph.analytics import centrality as run

    _emit(run(_views(store, options), measure, top=top, of_sphere=of_sphere), fmt)


@analyze.command(
    help=help_text(
        "Louvain communities (seeded, weighted) with modularity and each one's sphere mix.",
        "triplehelix analyze communities",
        "triplehelix analyze communities --seed 7 --resolution 0.5 --format json",
    )
)
@store_options()
@filter_options
@format_option
@click.option("--seed", type=int, default=42, show_default=True)
@click.option(
    "--resolution",
    type=float,
    default=1.0,
    show_default=True,
    help="Above 1: more, smaller communities.",
)
def communities(store: str | None, fmt: str, seed: int, resolution: float, **options: Any) -> None:
    from triplehelix.graph.analytics import communities as run

    _emit(run(_views(store, options), seed=seed, resolution=resolution), fmt)


@analyze.command(
    help=help_text(
        "Gould–Fernandez broker roles (coordinator, gatekeeper, representative, consultant, "
        "liaison) by helix sphere, and Burt's constraint of the top brokers.",
        "triplehelix analyze brokerage",
        "triplehelix analyze brokerage --top 50 --format csv",
    )
)
@store_options()
@filter_options
@format_option
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True)
def brokerage(store: str | None, fmt: str, top: int, **options: Any) -> None:
    from triplehelix.graph.analytics import brokerage as run

    _emit(run(_views(store, options), top=top), fmt)


@analyze.command(
    help=help_text(
        "Sphere × sphere mixing matrix, E–I index and assortativity by sphere and country.",
        "triplehelix analyze mixing",
        "triplehelix analyze mixing --country KZ --format json",
    )
)
@store_options()
@filter_options
@format_option
def mixing(store: str | None, fmt: str, **options: Any) -> None:
    from triplehelix.graph.analytics import mixing as run

    _emit(run(_views(store, options)), fmt)


@analyze.command(
    help=help_text(
        "Leydesdorff's Triple Helix mutual information T(UIG) from project counts by "
        "participating spheres, the pairwise T values and redundancy; per year with --by year.",
        "triplehelix analyze synergy",
        "triplehelix analyze synergy --by year --format csv",
    )
)
@store_options()
@filter_options
@format_option
@click.option("--by", type=click.Choice(["all", "year"]), default="all", show_default=True)
def synergy(store: str | None, fmt: str, by: str, **options: Any) -> None:
    from triplehelix.graph.analytics import synergy as run

    kg = open_from(store, options)
    nodes = node_table(kg)
    projects: dict[str, tuple[list[str], Any]] = {}
    for row in kept_participations(kg, filters_from(options), nodes, coparticipation=True):
        spheres, _ = projects.setdefault(row["activity"], ([], nodes[row["activity"]]["start"]))
        spheres.append(nodes[row["agent"]]["helix"])
    _emit(run(projects, by_year=by == "year"), fmt)


@analyze.command(
    help=help_text(
        "Partner suggestions for one organisation: organisations it has not worked with, "
        "ranked by Adamic–Adar over shared partners (the reason).",
        "triplehelix analyze suggest --org ektu --top 10",
        "triplehelix analyze suggest --store kg --org https://ror.org/... --format json",
    )
)
@store_options()
@filter_options
@format_option
@click.option("--org", required=True, help="IRI, acronym or name of the organisation.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True)
def suggest(store: str | None, fmt: str, org: str, top: int, **options: Any) -> None:
    from triplehelix.graph.analytics import suggest as run

    _emit(run(_views(store, options), org, top=top), fmt)
