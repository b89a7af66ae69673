"""The data-quality report every import ends with.

It counts what was created (records per kind), what was missing (per source field: an
``NA`` or empty cell is an absent fact, never a zero) and the anomalies met on the way
(a project with two coordinator rows, a participant whose organisation has no name, a
country code ISO 3166 does not know…), each located by file and line.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import IO, Any

__all__ = ["Anomaly", "QualityReport"]


@dataclass(frozen=True, slots=True)
class Anomaly:
    """One suspicious thing in the input.

    Attributes:
        code: stable kebab-case code, e.g. ``two-coordinators``.
        file: the input file.
        line: 1-based line (the first line of a CSV record), if known.
        message: what is wrong, in words.
    """

    code: str
    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        return f"{where}: {self.message} [{self.code}]"


@dataclass(slots=True)
class QualityReport:
    """Counts, missing values and anomalies of one import.

    >>> r = QualityReport("cordis")
    >>> r.missing_value("h2020.csv", "contribution")
    >>> r.anomaly("two-coordinators", "h2020.csv", 7, "project 1 has 2 coordinators")
    >>> r.as_dict()["missing"], r.anomaly_counts()
    ({'h2020.csv: contribution': 1}, {'two-coordinators': 1})
    """

    source: str
    rows: Counter[str] = field(default_factory=Counter)
    created: Counter[str] = field(default_factory=Counter)
    missing: Counter[str] = field(default_factory=Counter)
    anomalies: list[Anomaly] = field(default_factory=list)
    notes: Counter[str] = field(default_factory=Counter)

    def missing_value(self, file: str, column: str) -> None:
        """Count one absent value of a column (``NA``, empty)."""
        self.missing[f"{file}: {column}"] += 1

    def anomaly(self, code: str, file: str, line: int | None, message: str) -> None:
        """Record one anomaly."""
        self.anomalies.append(Anomaly(code, file, line, message))

    def anomaly_counts(self) -> dict[str, int]:
        """Number of anomalies per code, most frequent first."""
        return dict(Counter(a.code for a in self.anomalies).most_common())

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (every anomaly listed)."""
        return {
            "source": self.source,
            "rows": dict(self.rows),
            "created": dict(sorted(self.created.items())),
            "missing": dict(sorted(self.missing.items())),
            "notes": dict(self.notes),
            "anomaly_counts": self.anomaly_counts(),
            "anomalies": [
                {"code": a.code, "file": a.file, "line": a.line, "message": a.message}
                for a in self.anomalies
            ],
        }

    def write_json(self, out: IO[str]) -> None:
        """Write ``as_dict()`` as JSON to a text stream."""
        out.write(json.dumps(self.as_dict(), ensure_ascii=False, indent=2) + "\n")

    def table_rows(self, examples: int = 2) -> list[tuple[str, str, str]]:
        """Rows (section, item, value) for a terminal table, a few examples per anomaly."""
        out: list[tuple[str, str, str]] = []
        out.extend(("rows read", k, str(v)) for k, v in self.rows.items())
        out.extend(("created", k, str(v)) for k, v in sorted(self.created.items()))
        out.extend(("missing", k, str(v)) for k, v in sorted(self.missing.items()))
        out.extend(("note", k, str(v)) for k, v in self.notes.items())
        for code, n in self.anomaly_counts().items():
            shown = [a for a in self.anomalies if a.code == code][:examples]
            sample = "; ".join(str(a) for a in shown)
            out.append(("anomaly", code, f"{n} (e.g. {sample})"))
        return out
