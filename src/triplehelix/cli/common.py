"""What the commands share: help text, the stdin format option, checking outputs.

The store options and opening a store: ``cli.stores``.
"""

from __future__ import annotations

from pathlib import Path

import click

from triplehelix.errors import UsageError

__all__ = [
    "check_output",
    "help_text",
    "stdin_format_option",
]


def help_text(text: str, *examples: str) -> str:
    """A command's help: its text, then an example block that click keeps as written."""
    lines = "\n".join(f"  {e}" for e in examples)
    return f"{text}\n\n\b\nExamples:\n{lines}"


stdin_format_option = click.option(
    "--stdin-format",
    type=click.Choice(["yaml", "json", "jsonl", "csv"]),
    default=None,
    help="Format of standard input ('-') when it cannot be guessed.",
)


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
