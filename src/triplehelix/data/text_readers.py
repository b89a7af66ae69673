"""JSON, JSON Lines and CSV/TSV records, with the line (or row start line) of each."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from triplehelix.data.raw import SourceFile, add_container, add_record, show
from triplehelix.errors import Problem

__all__ = ["read_csv", "read_json", "read_jsonl", "unflatten"]


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
    first = text.split("\n", 1)[0]
    tsv = src.name.lower().endswith(".tsv")
    delimiter = "\t" if tsv else max(",;\t|", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        src.problems.append(Problem(src.name, 1, None, "malformed-csv", "a header row", str(exc)))
        return
    if len(set(header)) != len(header) or not all(header):
        src.problems.append(
            Problem(
                src.name,
                1,
                None,
                "malformed-csv",
                "a header row of distinct, non-empty column names",
                show(header),
            )
        )
        return
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            src.problems.append(
                Problem(src.name, line, None, "malformed-csv", "well-formed CSV", str(exc))
            )
            break
        if any(cell.strip() for cell in row):
            if len(row) != len(header):
                src.problems.append(
                    Problem(
                        src.name,
                        line,
                        None,
                        "malformed-csv",
                        f"{len(header)} columns",
                        f"{len(row)}",
                    )
                )
            else:
                add_record(src, unflatten(header, row), line, hint)
        line = reader.line_num + 1


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
