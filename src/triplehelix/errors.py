"""One error hierarchy for triplehelix.

Every error carries a stable kebab-case ``code``, a message that names the place
(file, line or row, field) and a ``hint``; the CLI turns each into one
``Error: … [code]`` line and the exit status of its class::

    TriplehelixError                      exit 1  (internal / unexpected)
    ├── UsageError                        exit 2  bad option values, unknown names
    ├── InvalidDataError                  exit 3  records failed validation (holds every Problem)
    ├── InputError                        exit 4  unreadable input: missing file, not text
    ├── OutputError                       exit 4  unwritable output: disk full, closed pipe
    ├── StoreError                        exit 5  the store cannot be opened, written or is locked
    └── QueryError                        exit 6  SPARQL that does not parse or run

The exit statuses are part of the CLI contract and documented in the README.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "ExitStatus",
    "InputError",
    "InvalidDataError",
    "OutputError",
    "Problem",
    "QueryError",
    "StoreError",
    "TriplehelixError",
    "UsageError",
]


class ExitStatus(enum.IntEnum):
    """Exit statuses of the ``triplehelix`` command."""

    OK = 0
    ERROR = 1
    USAGE = 2
    INVALID_DATA = 3
    INPUT = 4
    STORE = 5
    QUERY = 6


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, located as precisely as the format allows.

    Attributes:
        file: the file name as the user gave it (``<stdin>`` for standard input).
        line: 1-based line (YAML, JSON Lines, JSON) or row (CSV, header = row 1), if known.
        field: dotted path of the offending field inside the record, if any.
        code: stable kebab-case code, e.g. ``unknown-reference``.
        expected: what was expected, in words.
        found: what was found (shortened for display).
    """

    file: str
    line: int | None
    field: str | None
    code: str
    expected: str
    found: str | None = None

    def where(self) -> str:
        """``file:line`` (or just the file) for messages.

        >>> Problem("a.yaml", 3, "country", "invalid-value", "ISO code").where()
        'a.yaml:3'
        """
        return f"{self.file}:{self.line}" if self.line is not None else self.file

    def __str__(self) -> str:
        parts = [self.where()]
        if self.field:
            parts.append(self.field)
        if self.code.startswith("shacl-"):  # a shape's message is a whole sentence
            text = ": ".join(parts) + f": {self.expected}"
            if self.found is not None:
                text += f" (value: {self.found})"
            return f"{text} [{self.code}]"
        text = ": ".join(parts) + f": expected {self.expected}"
        if self.found is not None:
            text += f", found {self.found}"
        return f"{text} [{self.code}]"


class TriplehelixError(Exception):
    """Base of every error triplehelix raises on purpose."""

    code: str = "error"
    exit_status: ExitStatus = ExitStatus.ERROR

    def __init__(self, message: str, *, hint: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        if code is not None:
            self.code = code


class UsageError(TriplehelixError):
    """A command or function was called with values it cannot use."""

    code = "usage"
    exit_status = ExitStatus.USAGE


class InputError(TriplehelixError):
    """Input that cannot be read at all: missing, not text, wrong encoding, unknown format."""

    code = "input"
    exit_status = ExitStatus.INPUT


class OutputError(TriplehelixError):
    """Output that cannot be written: a full disk, a file size limit, a closed pipe.

    It shares exit status 4 with :class:`InputError` (a file the command cannot use);
    the code says which: ``write-failed``, or ``closed-pipe`` (which the CLI ends quietly,
    as ``head`` expects of a writer).
    """

    code = "write-failed"
    exit_status = ExitStatus.INPUT


class StoreError(TriplehelixError):
    """The store cannot be opened, read or written."""

    code = "store"
    exit_status = ExitStatus.STORE


class QueryError(TriplehelixError):
    """A SPARQL query that does not parse or fails to run."""

    code = "query"
    exit_status = ExitStatus.QUERY


class InvalidDataError(TriplehelixError):
    """Records that failed validation; ``problems`` holds every one found, in input order."""

    code = "invalid-data"
    exit_status = ExitStatus.INVALID_DATA

    def __init__(self, problems: Iterable[Problem], *, hint: str | None = None) -> None:
        self.problems: Sequence[Problem] = tuple(problems)
        n = len(self.problems)
        files = sorted({p.file for p in self.problems})
        super().__init__(
            f"{n} problem{'s' if n != 1 else ''} in {', '.join(files) or 'the input'}",
            hint=hint or "fix the listed records; nothing was written",
        )
