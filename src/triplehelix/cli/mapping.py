"""The map command: a partnership map as one self-contained HTML page."""

from __future__ import annotations

import sys
import webbrowser
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from triplehelix.cli.common import check_output, help_text
from triplehelix.cli.output import err
from triplehelix.cli.sink import output_file
from triplehelix.cli.stores import open_from, store_options
from triplehelix.errors import InputError
from triplehelix.graph.maps import MAX_NODES, WHAT

if TYPE_CHECKING:
    pass

__all__ = ["map_"]


@click.command(
    "map",
    help=help_text(
        "Draw a partnership map as one self-contained HTML file (no network needed).",
        "triplehelix map -o partners.html               # the seed world",
        "triplehelix map --focus ektu --depth 2 -o ektu.html --open",
        "triplehelix map --sector food-industry --country TJ --from 2020 --to 2025 -o food.html",
        "triplehelix map --view coparticipation --color community --size betweenness -o m.html",
        "triplehelix map --layout geo -o where.html",
        "triplehelix map --query edges.rq -o custom.html",
        "triplehelix map --store kg -o - > map.html",
    ),
)
@store_options()
@click.option(
    "--view",
    type=click.Choice(list(WHAT)),
    default="bipartite",
    show_default=True,
    help="Organisations only, organisations and activities, or every typed node.",
)
@click.option(
    "--color",
    "color",
    type=click.Choice(["helix", "country", "community"]),
    default="helix",
    show_default=True,
    help="What node colours show.",
)
@click.option(
    "--size",
    type=click.Choice(["degree", "funding", "betweenness"]),
    default="degree",
    show_default=True,
    help="What node sizes show.",
)
@click.option(
    "--layout",
    type=click.Choice(["spring", "geo"]),
    default="spring",
    show_default=True,
    help="Network layout, or by coordinates (others aside).",
)
@click.option(
    "--focus", default=None, help="Only this node (acronym, name or IRI) and its neighbourhood."
)
@click.option(
    "--depth", type=click.IntRange(1, 6), default=1, show_default=True, help="Steps from --focus."
)
@click.option(
    "--sector",
    default=None,
    help="Only organisations in this sector (e.g. food-industry), and what they took part in.",
)
@click.option("--country", default=None, help="Only organisations of this country (ISO code).")
@click.option("--from", "year_from", type=int, default=None, help="Activities active from …")
@click.option("--to", "year_to", type=int, default=None, help="… to this year.")
@click.option(
    "--query",
    "query_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="SPARQL SELECT file returning ?source ?target [?weight ?label].",
)
@click.option(
    "--physics/--no-physics",
    default=None,
    help="Let the map settle by simulation (default: only for small maps).",
)
@click.option(
    "--max-nodes",
    type=click.IntRange(1),
    default=MAX_NODES,
    show_default=True,
    help="Refuse larger maps.",
)
@click.option("--open", "open_it", is_flag=True, help="Open the written file in a browser.")
@click.option("-o", "--output", required=True, help="HTML file to write, or - for stdout.")
def map_(
    store: str | None, output: str, open_it: bool, query_file: Path | None, **options: Any
) -> None:
    from triplehelix.graph.maps.build import map_page
    from triplehelix.graph.maps.page import MapStyle
    from triplehelix.graph.maps.view import Selection

    target = None if output == "-" else Path(output)
    if target is not None:
        check_output(target)
    sel = Selection(
        focus=options["focus"],
        depth=options["depth"],
        sector=options["sector"],
        country=options["country"],
        year_from=options["year_from"],
        year_to=options["year_to"],
    )
    presets = {"sector": sel.sector or "", "country": (sel.country or "").upper()}
    style = MapStyle(
        color=options["color"],
        size=options["size"],
        layout=options["layout"],
        physics=options["physics"],
        filters=presets,
    )
    kg = open_from(store, options)
    source = "the bundled seed world" if kg.location == "memory" else kg.location
    query = _read_query(query_file) if query_file is not None else None
    notes: list[str] = []
    page = map_page(
        kg,
        options["view"],
        source,
        sel=sel,
        style=style,
        max_nodes=options["max_nodes"],
        query=query,
        notes=notes,
    )
    for note in notes:
        err.print(f"warning: {note}", markup=False)
    if target is None:
        sys.stdout.write(page)
        return
    with output_file(target) as fh:
        fh.write(page)
    err.print(f"wrote {target}", markup=False)
    if open_it:
        webbrowser.open(target.resolve().as_uri())


def _read_query(path: Path) -> tuple[str, str]:
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{path}: cannot read the query ({exc})",
            code="bad-query-file",
            hint="give a UTF-8 text file holding one SPARQL SELECT",
        ) from exc
