"""What every analysis returns: named tables and notes, printable as table, CSV or JSON."""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field
from typing import IO, Any

__all__ = ["Report", "Table", "rounded"]


def rounded(value: float, digits: int = 4) -> float | None:
    """A float rounded for reports; None for NaN (undefined, e.g. one sphere only).

    >>> rounded(2 / 3), rounded(float("nan"))
    (0.6667, None)
    """
    if math.isnan(value):
        return None
    return round(value, digits) + 0.0  # + 0.0 turns -0.0 into 0.0


@dataclass(slots=True)
class Table:
    """One result table: a machine name, a title for people, columns and rows."""

    name: str
    title: str
    columns: list[str]
    rows: list[list[Any]]

    def records(self) -> list[dict[str, Any]]:
        """Rows as dicts keyed by column.

        >>> Table("t", "T", ["a", "b"], [[1, 2]]).records()
        [{'a': 1, 'b': 2}]
        """
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


@dataclass(slots=True)
class Report:
    """The tables of one analysis and the notes that qualify them (sampling, caveats)."""

    tables: list[Table]
    notes: list[str] = field(default_factory=list)

    def table(self, name: str) -> Table:
        """The table called ``name``.

        >>> Report([Table("a", "A", ["x"], [])]).table("a").title
        'A'
        """
        return next(t for t in self.tables if t.name == name)

    def to_json(self) -> dict[str, Any]:
        """``{table name: [row dicts], "notes": [...]}``.

        >>> Report([Table("a", "A", ["x"], [[1]])], ["n"]).to_json()
        {'a': [{'x': 1}], 'notes': ['n']}
        """
        out: dict[str, Any] = {t.name: t.records() for t in self.tables}
        out["notes"] = list(self.notes)
        return out

    def write_json(self, out: IO[str]) -> None:
        """Pretty JSON (UTF-8 text, NaN never written)."""
        json.dump(self.to_json(), out, ensure_ascii=False, indent=2, allow_nan=False)
        out.write("\n")

    def write_csv(self, out: IO[str]) -> None:
        """CSV; with several tables, each is preceded by a ``# name`` line and a blank line
        separates them (``pandas.read_csv(..., comment="#")`` on one section)."""
        several = len(self.tables) > 1
        for n, t in enumerate(self.tables):
            if several:
                out.write(("\n" if n else "") + f"# {t.name}\n")
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(t.columns)
            writer.writerows(["" if v is None else v for v in row] for row in t.rows)
