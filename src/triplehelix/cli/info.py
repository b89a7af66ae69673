"""Commands that describe the graph: stats, demo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from triplehelix.cli.common import help_text
from triplehelix.cli.output import err, print_table, write_json
from triplehelix.cli.sink import output_file
from triplehelix.cli.stores import open_from, store_options
from triplehelix.data.loader import load_records, seed_path
from triplehelix.graph.views.stats import collect_stats

__all__ = ["demo", "stats"]


@click.command(
    help=help_text(
        "Counts by class, helix sphere and country; named graphs; store size.",
        "triplehelix stats                     # the bundled seed world",
        "triplehelix stats --store kg --format json",
        "triplehelix stats --store http://127.0.0.1:7878",
    )
)
@store_options()
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def stats(store: str | None, fmt: str, **remote: Any) -> None:
    with open_from(store, remote) as kg:
        s = collect_stats(kg)
    if fmt == "json":
        write_json(s.as_dict())
        return
    where = s.location if s.location != "memory" else "the bundled seed world (in memory)"
    size = f", {s.store_bytes / 2**20:.1f} MiB on disk" if s.store_bytes is not None else ""
    print_table(f"{where}: {s.quads} quads{size}", ["graphs", "count"], s.graphs.items())
    print_table("instances by class", ["class", "count"], s.by_class.items())
    for title, head, rows, multi in (
        ("organisations by helix sphere", "sphere", s.by_sphere, s.multi_sphere),
        ("organisations by country", "country", s.by_country, s.multi_country),
    ):
        total = [("all (distinct)", s.organisations)]
        if multi:  # sources disagree: one organisation is on several rows
            plural = "spheres" if head == "sphere" else "countries"
            total.append((f"of which under 2+ {plural}", multi))
        print_table(title, [head, "count"], [*rows.items(), *total])


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


@click.command(
    help=help_text(
        "Load the bundled seed world into a store, print a summary "
        "and a sample query, and write a partnership map.",
        "triplehelix demo --out out",
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
    from triplehelix.graph.maps.build import map_page  # networkx, numpy: only when drawing
    from triplehelix.graph.store.local import LocalStore

    out.mkdir(parents=True, exist_ok=True)
    rs = load_records([seed_path()])
    with LocalStore(out / "store") as kg:
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
        with output_file(target) as fh:
            fh.write(map_page(kg, "bipartite", "the bundled seed world"))
    err.print(f"map: {target}  (open it in a browser; it needs no network)", markup=False)
