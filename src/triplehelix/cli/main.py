"""The ``triplehelix`` command: one click group, one error boundary.

Data goes to stdout, messages to stderr. Every deliberate error ends as one
``Error: … [code]`` line and the exit status of its class (``errors.ExitStatus``);
``--traceback`` shows the Python traceback as well.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence
from typing import NoReturn

import click

from triplehelix._version import __version__
from triplehelix.cli.output import err, print_problems
from triplehelix.cli.sink import guarded_stdout, silence_stdout
from triplehelix.errors import ExitStatus, InvalidDataError, OutputError, TriplehelixError

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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


# One module per command group: a new command is one import and one name below.
from triplehelix.cli.analyze import analyze  # noqa: E402
from triplehelix.cli.export import export  # noqa: E402
from triplehelix.cli.importing import import_, resolve  # noqa: E402
from triplehelix.cli.info import demo, stats  # noqa: E402
from triplehelix.cli.mapping import map_  # noqa: E402
from triplehelix.cli.query import query  # noqa: E402
from triplehelix.cli.records import load, unload, validate  # noqa: E402
from triplehelix.cli.remote import load_remote, pull, push  # noqa: E402
from triplehelix.cli.serve import serve  # noqa: E402

_COMMANDS = (
    validate,
    load,
    export,
    stats,
    map_,
    demo,
    query,
    serve,
    import_,
    resolve,
    analyze,
    unload,
    push,
    pull,
    load_remote,
)
for _command in _COMMANDS:
    cli.add_command(_command)


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
