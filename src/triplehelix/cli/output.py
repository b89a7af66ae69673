"""Terminal output: messages on stderr, data on stdout, tables only where they help.

Tables are for people: every cell and title goes through ``safe_text.visible`` (control
characters as ``\\xNN``) and reaches rich as plain text, never as markup.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from triplehelix.errors import Problem
from triplehelix.safe_text import visible

__all__ = ["err", "print_problems", "print_table", "write_json"]

err = Console(stderr=True, highlight=False, soft_wrap=True)


def print_problems(problems: Sequence[Problem], *, title: str = "") -> None:
    """Every problem, one per line: ``file:line: field: expected …, found … [code]``."""
    if title:
        err.print(title, markup=False)
    for p in problems:
        err.print(f"  {p}", markup=False)


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A table on stdout: aligned on a terminal, tab-separated in a pipe.

    Control characters in titles and cells show as ``\\xNN`` (tabs too, so a pipe's
    columns stay aligned); ``[`` in a cell is text, not rich markup.
    """
    rows = [[visible(str(v)) for v in r] for r in rows]
    title = visible(title)
    if sys.stdout.isatty():
        table = Table(title=Text(title), title_justify="left", show_edge=False)
        for c in columns:
            table.add_column(c, justify="right" if c in ("n", "count", "quads") else "left")
        for r in rows:
            table.add_row(*(Text(v) for v in r))
        Console(highlight=False).print(table)
    else:
        out = sys.stdout
        if title:
            out.write(f"# {title}\n")
        out.write("\t".join(columns) + "\n")
        for r in rows:
            out.write("\t".join(r) + "\n")


def write_json(value: Any) -> None:
    """Pretty JSON on stdout."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")
