"""The ``triplehelix`` command: one click group, one error boundary.

Data goes to stdout, messages to stderr. Every deliberate error ends as one
``Error: … [code]`` line and the exit status of its class (``errors.ExitStatus``);
``--traceback`` shows the Python traceback as well.
"""

from __future__ import annotations

import importlib
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NoReturn

import click

from triplehelix._version import __version__
from triplehelix.cli.output import err, print_problems
from triplehelix.cli.sink import guarded_stdout, silence_stdout
from triplehelix.errors import ExitStatus, InvalidDataError, OutputError, TriplehelixError

__all__ = ["COMMANDS", "Lazy", "LazyGroup", "cli", "main"]


@dataclass(frozen=True)
class Lazy:
    """A command the group imports only when it is run or its help is asked for.

    Attributes:
        module: The module that defines the command.
        attr: The command's name in that module.
        summary: The first sentence of its help as click reads it (``get_short_help_str``),
            listed by ``triplehelix --help`` without importing the module; a test keeps it
            equal to the command's own.
    """

    module: str
    attr: str
    summary: str


# One module per command group: a new command is one entry here.
COMMANDS: dict[str, Lazy] = {
    "analyze": Lazy(
        "triplehelix.cli.analyze",
        "analyze",
        "Network analytics: centrality, communities, brokers between the helices, mixing and "
        "Triple Helix synergy.",
    ),
    "demo": Lazy(
        "triplehelix.cli.info",
        "demo",
        "Load the bundled seed world into a store, print a summary and a sample query, and "
        "write a partnership map.",
    ),
    "export": Lazy(
        "triplehelix.cli.export",
        "export",
        "Write the store as RDF, or a network view in a graph format. nq, trig and jsonld keep "
        "the named graphs (provenance); ttl, nt and rdfxml merge them. graphml, gexf (Gephi), "
        "json (NetworkX node-link) and csv write --view (default coparticipation); csv, "
        "vosviewer and neo4j-csv write files into the folder -o names.",
    ),
    "import": Lazy(
        "triplehelix.cli.importing",
        "import_",
        "Import real-world sources (CORDIS, ROR, any table) into the store, with a data-quality "
        "report.",
    ),
    "load": Lazy(
        "triplehelix.cli.records",
        "load",
        "Validate records (and RDF files) and add them to an on-disk store.",
    ),
    "load-remote": Lazy(
        "triplehelix.cli.remote",
        "load_remote",
        "Validate records (and RDF files) and write them to a SPARQL 1.1 server, graph by "
        "graph, as `load` writes them to a store.",
    ),
    "map": Lazy(
        "triplehelix.cli.mapping",
        "map_",
        "Draw a partnership map as one self-contained HTML file (no network needed).",
    ),
    "pull": Lazy(
        "triplehelix.cli.remote",
        "pull",
        "Copy named graphs from a SPARQL 1.1 server into an on-disk store (created if "
        "missing), reading in pages and checking each graph's count.",
    ),
    "push": Lazy(
        "triplehelix.cli.remote",
        "push",
        "Copy an on-disk store's named graphs (records, meta, ontology, vocabulary) to a "
        "SPARQL 1.1 server, one graph at a time: each is whole or absent, and the server's "
        "default graph holds their union.",
    ),
    "query": Lazy(
        "triplehelix.cli.query",
        "query",
        "Ask the graph in SPARQL: ad-hoc text, a file, standard input or a saved query.",
    ),
    "resolve": Lazy(
        "triplehelix.cli.importing",
        "resolve",
        "Find organisations that are the same across sources: shared ROR, Wikidata or PIC "
        "(merged by --apply) and same name + country (candidates, merged only with --accept "
        "ID after review).",
    ),
    "serve": Lazy(
        "triplehelix.cli.serve",
        "serve",
        "Serve an on-disk store as a read-only SPARQL 1.1 Protocol endpoint (/query, GET and "
        "POST, content negotiation) with a query page at /.",
    ),
    "stats": Lazy(
        "triplehelix.cli.info",
        "stats",
        "Counts by class, helix sphere and country; named graphs; store size.",
    ),
    "unload": Lazy(
        "triplehelix.cli.records",
        "unload",
        "Remove one source (an input file, named as it was loaded: a/organisations.csv, its "
        "document IRI, or its base name if only one source has it) from a store folder or a "
        "SPARQL server: its named graphs, its provenance, and every fact in the default graph "
        "that no other source states.",
    ),
    "validate": Lazy(
        "triplehelix.cli.records",
        "validate",
        "Check records: every problem with file, line, field, expected and found.",
    ),
}


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command is wanted.

    click's lazy-loading pattern: ``list_commands`` names every command from ``COMMANDS``,
    ``get_command`` imports the one asked for. The command list of ``--help`` is written from
    the summaries, so ``triplehelix --help`` imports no command module and
    ``triplehelix query …`` only the query command's.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name, sorted, without importing any."""
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command, its module imported on first use; ``None`` for an unknown name."""
        command = super().get_command(ctx, cmd_name)
        lazy = COMMANDS.get(cmd_name)
        if command is not None or lazy is None:
            return command
        loaded: click.Command = getattr(importlib.import_module(lazy.module), lazy.attr)
        self.add_command(loaded, cmd_name)
        return loaded

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``--help``, shortened as click shortens it, nothing imported."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            lazy = COMMANDS.get(name)
            command = (
                self.commands.get(name) if lazy is None else click.Command(name, help=lazy.summary)
            )
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "--version", "-V", prog_name="triplehelix")
@click.option("--traceback", is_flag=True, help="Show the Python traceback of an error.")
def cli(traceback: bool) -> None:
    """triplehelix: a knowledge graph of university–industry–government partnerships.

    Records (YAML, JSON, JSON Lines, CSV) are validated and become an RDF graph with
    provenance, queried with SPARQL and drawn as partnership maps.

    \b
    Exit status: 0 ok, 1 internal error, 2 usage, 3 invalid data, 4 unreadable input or
    unwritable output, 5 store error, 6 query error.
    """


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point with the error boundary."""
    args = list(sys.argv[1:] if argv is None else argv)
    show_traceback = "--traceback" in args
    try:
        with guarded_stdout():
            cli.main(args=args, prog_name="triplehelix", standalone_mode=False)
    except OutputError as exc:
        silence_stdout()
        if exc.code == "closed-pipe":  # `… | head`: the reader has what it wanted
            sys.exit(ExitStatus.OK)
        _report(exc, show_traceback)
    except click.exceptions.Abort:
        err.print("Aborted.")
        sys.exit(ExitStatus.ERROR)
    except click.ClickException as exc:
        exc.show()
        sys.exit(ExitStatus.USAGE)
    except TriplehelixError as exc:
        _report(exc, show_traceback)
    except Exception as exc:  # the boundary: anything else is our bug
        if show_traceback:
            traceback.print_exc()
        err.print(f"Error: internal error: {type(exc).__name__}: {exc} [internal]", markup=False)
        err.print("Hint: run again with --traceback and report it", markup=False)
        sys.exit(ExitStatus.ERROR)


def _report(exc: TriplehelixError, show_traceback: bool) -> NoReturn:
    """One ``Error: … [code]`` line (after the problems, if any) and the class's status."""
    if show_traceback:
        traceback.print_exc()
    if isinstance(exc, InvalidDataError):
        print_problems(exc.problems)
    err.print(f"Error: {exc.message} [{exc.code}]", markup=False)
    if exc.hint:
        err.print(f"Hint: {exc.hint}", markup=False)
    sys.exit(exc.exit_status)
