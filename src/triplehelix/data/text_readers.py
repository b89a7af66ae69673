"""JSON, JSON Lines and CSV/TSV records, with the line (or row start line) of each."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterable, Iterator
from typing import Any

from triplehelix.data.raw import SourceFile, add_container, add_record, show
from triplehelix.errors import Problem

__all__ = [
    "BadBytesError",
    "csv_records",
    "decoded_lines",
    "read_csv",
    "read_json",
    "read_jsonl",
    "unflatten",
]


# -- JSON and JSON Lines -----------------------------------------------------------------


def _json_problem(src: SourceFile, exc: json.JSONDecodeError, line_offset: int = 0) -> None:
    src.problems.append(
        Problem(
            src.name,
            exc.lineno + line_offset,
            None,
            "malformed-json",
            "well-formed JSON",
            f"{exc.msg} (column {exc.colno})",
        )
    )


def read_json(src: SourceFile, text: str, hint: str | None) -> None:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        _json_problem(src, exc)
        return
    except ValueError as exc:  # an integer of more than 4300 digits
        src.problems.append(
            Problem(src.name, None, None, "malformed-json", "well-formed JSON", show(str(exc)))
        )
        return
    except RecursionError:
        src.problems.append(
            Problem(
                src.name,
                None,
                None,
                "malformed-json",
                "JSON nested less deeply",
                "too deep nesting",
            )
        )
        return
    lines = _json_item_lines(text, value)

    def line_of(container: Any, key: Any, default: int) -> int:
        return lines.get((id(container), key), default)

    add_container(src, value, 1, hint, line_of)


def _json_item_lines(text: str, value: Any) -> dict[tuple[int, Any], int]:
    """Start line of each top-level item (and of each item of a top-level kind → list
    mapping), keyed by (id of the parsed container, index or key). The stdlib parser
    keeps no positions, so the text is walked once more with ``raw_decode``."""
    decoder = json.JSONDecoder()
    out: dict[tuple[int, Any], int] = {}

    def line_at(pos: int) -> int:
        return text.count("\n", 0, pos) + 1

    def walk_list(items: list[Any], pos: int) -> None:  # pos just after "["
        for i in range(len(items)):
            pos = _skip(text, pos)
            out[(id(items), i)] = line_at(pos)
            _, pos = decoder.raw_decode(text, pos)
            pos = _skip(text, pos) + 1  # the comma or the closing bracket

    start = _skip(text, 0)
    if isinstance(value, list):
        walk_list(value, start + 1)
    elif isinstance(value, dict):
        pos = start + 1
        for key, item in value.items():
            pos = _skip(text, pos)
            out[(id(value), key)] = line_at(pos)
            _, pos = decoder.raw_decode(text, pos)  # the key
            pos = _skip(text, _skip(text, pos) + 1)  # past the colon
            # With duplicate keys the parsed value is the last one's, the text the first's.
            as_written, end = decoder.raw_decode(text, pos)
            if (
                isinstance(item, list)
                and isinstance(as_written, list)
                and len(as_written) == len(item)
            ):
                walk_list(item, pos + 1)
            pos = _skip(text, end) + 1
    return out


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def read_jsonl(src: SourceFile, text: str, hint: str | None) -> None:
    # Only \n separates lines: str.splitlines() would also split at U+2028, U+0085…,
    # which JSON allows unescaped inside strings.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            _json_problem(src, exc, number - 1)
            continue
        except ValueError as exc:  # an integer of more than 4300 digits
            src.problems.append(
                Problem(
                    src.name, number, None, "malformed-json", "well-formed JSON", show(str(exc))
                )
            )
            continue
        except RecursionError:
            src.problems.append(
                Problem(
                    src.name,
                    number,
                    None,
                    "malformed-json",
                    "JSON nested less deeply",
                    "too deep nesting",
                )
            )
            continue
        add_record(src, value, number, hint)


# -- CSV ------------------------------------------------------------------------------------


def read_csv(src: SourceFile, text: str, hint: str | None) -> None:
    for line, record in csv_records(src.name, io.StringIO(text, newline=""), src.problems):
        add_record(src, record, line, hint)


class BadBytesError(ValueError):
    """A line that is not UTF-8, met by :func:`decoded_lines` (``line`` is 1-based)."""

    def __init__(self, line: int, byte: int) -> None:
        super().__init__(f"line {line}: byte 0x{byte:02x} is not UTF-8")
        self.line, self.byte = line, byte


def decoded_lines(raw: Iterable[bytes]) -> Iterator[str]:
    r"""Lines of a binary file as text, one at a time: split where a text file opened with
    ``newline=""`` splits them (``\n``, ``\r\n``, ``\r``), a leading BOM removed.

    Raises:
        BadBytesError: a line that is not UTF-8, with its number (a whole-file decoder
            would fail on the first block, and say line 1).

    >>> list(decoded_lines([b"\xef\xbb\xbfa,b\r\n", b"c\rd\n"]))
    ['a,b\r\n', 'c\r', 'd\n']
    >>> list(decoded_lines([b"ok\n", b"caf\xe9\n"]))
    Traceback (most recent call last):
    ...
    triplehelix.data.text_readers.BadBytesError: line 2: byte 0xe9 is not UTF-8
    """
    number = 0
    for data in raw:
        split = data.count(b"\r") > data.endswith(b"\r\n")  # a lone CR inside
        for piece in data.splitlines(keepends=True) if split else (data,):
            number += 1
            try:
                yield piece.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise BadBytesError(number, piece[exc.start]) from None


def csv_records(
    name: str, lines: Iterable[str], problems: list[Problem]
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Records of a CSV/TSV text, each with the line it starts on; what cannot be read
    goes to ``problems``. ``validate`` (the whole text) and ``load`` (a stream of
    :func:`decoded_lines`) both read CSV here, so they report the same problems.

    The delimiter is the most frequent of ``, ; tab |`` in the first line (tab for
    ``.tsv``); a field over the ``csv`` module's limit (131,072 characters) is a problem.

    >>> found = []
    >>> list(csv_records("a.csv", ["id;name.en\\n", "x;A\\n", "y\\n"], found))
    [(2, {'id': 'x', 'name': {'en': 'A'}})]
    >>> [str(p) for p in found]
    ['a.csv:3: expected 2 columns, found 1 [malformed-csv]']
    """
    lines = iter(lines)
    try:
        first = next(lines, "")
    except BadBytesError as exc:
        problems.append(_bad_bytes(name, exc))
        return
    delimiter = "\t" if name.lower().endswith(".tsv") else max(",;\t|", key=first.count)
    reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter)
    header: list[str] | None = None
    line = 1
    try:
        header = [h.strip() for h in next(reader)]
        if len(set(header)) != len(header) or not all(header):
            problems.append(_csv_problem(name, 1, _HEADER, show(header)))
            return
        line = reader.line_num + 1
        for row in reader:
            if any(cell.strip() for cell in row):
                if len(row) != len(header):
                    found = str(len(row))
                    problems.append(_csv_problem(name, line, f"{len(header)} columns", found))
                else:
                    yield line, unflatten(header, row)
            line = reader.line_num + 1
    except StopIteration:
        problems.append(_csv_problem(name, 1, "a header row", "no rows"))
    except csv.Error as exc:
        expected = "a header row" if header is None else "well-formed CSV"
        problems.append(_csv_problem(name, line, expected, str(exc)))
    except BadBytesError as exc:
        problems.append(_bad_bytes(name, exc))


_HEADER = "a header row of distinct, non-empty column names"


def _csv_problem(name: str, line: int, expected: str, found: str) -> Problem:
    return Problem(name, line, None, "malformed-csv", expected, found)


def _bad_bytes(name: str, exc: BadBytesError) -> Problem:
    found = f"byte 0x{exc.byte:02x} in the line"
    return Problem(name, exc.line, None, "bad-encoding", "UTF-8 text", found)


def unflatten(header: list[str], row: list[str]) -> dict[str, Any]:
    """Dotted columns to nested mappings; empty cells are absent, never empty strings.

    >>> unflatten(["id", "name.en", "name.ru", "amount.value"], ["x", "A", "", "5"])
    {'id': 'x', 'name': {'en': 'A'}, 'amount': {'value': '5'}}
    """
    out: dict[str, Any] = {}
    for column, cell in zip(header, row, strict=True):
        value = cell.strip()
        if not value:
            continue
        *parents, leaf = column.split(".")
        target = out
        for part in parents:
            nxt = target.setdefault(part, {})
            if not isinstance(nxt, dict):
                nxt = target[part] = {"": nxt}
            target = nxt
        target[leaf] = value
    return out
