"""The export command: the store as RDF."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from triplehelix.cli.common import (
    check_output,
    help_text,
    open_graph,
    store_option,
)
from triplehelix.cli.output import err

__all__ = ["export"]


@click.command(
    help=help_text(
        "Write the store as RDF. nq, trig and jsonld keep the "
        "named graphs (provenance); ttl, nt and rdfxml merge them.",
        "triplehelix export --format trig -o world.trig",
        "triplehelix export --store kg --format nq | gzip > kg.nq.gz",
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
    kg = open_graph(store)
    if output == "-":
        kg.dump(fmt, sys.stdout.buffer, with_ontology=with_ontology)
        sys.stdout.buffer.flush()
        return
    target = Path(output)
    check_output(target)
    with target.open("wb") as fh:
        kg.dump(fmt, fh, with_ontology=with_ontology)
    err.print(f"wrote {target}", markup=False)
