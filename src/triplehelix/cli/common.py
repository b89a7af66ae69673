"""What the commands share: options, opening a graph, checking outputs, help text."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from triplehelix.errors import UsageError

if TYPE_CHECKING:
    from triplehelix.graph.store.local import KnowledgeGraph

__all__ = [
    "check_output",
    "help_text",
    "open_graph",
    "open_source",
    "stdin_format_option",
    "store_option",
]


def help_text(text: str, *examples: str) -> str:
    """A command's help: its text, then an example block that click keeps as written."""
    lines = "\n".join(f"  {e}" for e in examples)
    return f"{text}\n\n\b\nExamples:\n{lines}"


store_option = click.option(
    "--store",
    "store",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="On-disk store folder. Without it, read commands use the bundled seed world.",
)
stdin_format_option = click.option(
    "--stdin-format",
    type=click.Choice(["yaml", "json", "jsonl", "csv"]),
    default=None,
    help="Format of standard input ('-') when it cannot be guessed.",
)


def open_graph(store: Path | None, *, read_only: bool = True) -> KnowledgeGraph:
    """The store at ``store``, or the bundled seed world in memory when it is None."""
    from triplehelix.graph.store.local import KnowledgeGraph

    if store is None:
        return KnowledgeGraph.seed()
    return KnowledgeGraph(store, read_only=read_only)


def open_source(store: Path | None, options: dict[str, Any]) -> KnowledgeGraph:
    """A remote graph when the connection options in ``options`` say so (they are popped:
    see ``cli.remote.remote_source``), else :func:`open_graph` of ``store``."""
    from triplehelix.cli.remote import open_remote, remote_source

    client = remote_source(store, options)
    return open_graph(store) if client is None else open_remote(client)


def check_output(target: Path) -> None:
    """Refuse an output path in a folder that does not exist: we create nothing else."""
    if target.is_dir():
        raise UsageError(
            f"{target}: is a folder", code="bad-output", hint="name a file, or - for stdout"
        )
    if not target.parent.exists():
        raise UsageError(
            f"{target.parent}: no such folder",
            code="bad-output",
            hint="create the folder first; triplehelix writes only the file you name",
        )
