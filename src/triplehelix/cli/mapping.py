"""The map command: a partnership map as one HTML page."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from triplehelix.cli.common import (
    check_output,
    help_text,
    open_graph,
    store_option,
)
from triplehelix.cli.output import err

__all__ = ["map_", "map_page"]


@click.command(
    "map",
    help=help_text(
        "Draw a partnership map as one self-contained HTML file.",
        "triplehelix map -o partners.html",
        "triplehelix map --view bipartite -o - > map.html",
    ),
)
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
    page = map_page(
        open_graph(store), view, "the bundled seed world" if store is None else str(store)
    )
    if output == "-":
        sys.stdout.write(page)
        return
    target = Path(output)
    check_output(target)
    target.write_text(page, encoding="utf-8")
    err.print(f"wrote {target}", markup=False)


def map_page(kg: Any, view: str, source: str) -> str:
    from triplehelix.graph.maps import render_map
    from triplehelix.graph.network import bipartite_graph, coparticipation_graph

    graph = coparticipation_graph(kg) if view == "coparticipation" else bipartite_graph(kg)
    what = "who works with whom" if view == "coparticipation" else "who took part in what"
    return render_map(graph, title=f"Partnership map: {what}", subtitle=f"data: {source}")
