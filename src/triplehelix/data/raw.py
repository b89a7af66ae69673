"""Raw records as read, before validation: where each came from, and its field lines.

Shared by the format readers (``yaml_reader``, ``text_readers``) and the loader.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from triplehelix.errors import Problem

__all__ = [
    "LineDict",
    "LineList",
    "RawRecord",
    "SourceFile",
    "add_container",
    "add_record",
    "field_lines",
    "kind_from_name",
    "show",
]

_KIND_ALIASES = {
    "organisation": ("organisation", "organisations", "organization", "organizations", "orgs"),
    "person": ("person", "persons", "people"),
    "programme": ("programme", "programmes", "program", "programs"),
    "grant": ("grant", "grants"),
    "project": ("project", "projects"),
    "event": ("event", "events"),
    "participation": ("participation", "participations"),
    "sector": ("sector", "sectors"),
    "cluster": ("cluster", "clusters"),
    "idea": ("idea", "ideas"),
    "document": ("document", "documents"),
    "record": ("record", "records", "source-records", "source_records"),
}
_ALIAS_TO_KIND = {a: k for k, aliases in _KIND_ALIASES.items() for a in aliases}


def kind_from_name(name: str) -> str | None:
    """The record kind a file or mapping key names, if any.

    >>> kind_from_name("organisations"), kind_from_name("02-projects"), kind_from_name("misc")
    ('organisation', 'project', None)
    """
    stem = re.sub(r"^[0-9]+[-_ ]*", "", name.lower())
    return _ALIAS_TO_KIND.get(stem)


@dataclass(slots=True)
class RawRecord:
    """A record as read: a mapping, where it came from and its kind if the container says."""

    data: dict[str, Any]
    file: str
    line: int
    kind_hint: str | None = None
    field_lines: dict[str, Any] = field(default_factory=dict)
    fmt: str = "yaml"


@dataclass(slots=True)
class SourceFile:
    """One input file and what reading it gave."""

    name: str
    path: Path | None  # None for stdin
    fmt: str
    records: list[RawRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    content: bytes = b""


class LineDict(dict[str, Any]):
    """A mapping that remembers the line of itself and of each key."""

    line: int
    key_lines: dict[str, int]


class LineList(list[Any]):
    item_lines: list[int]


def field_lines(value: Any) -> dict[str, Any]:
    """Field → line, recursively (``{"amount": {"": 4, "currency": 5}}`` shape)."""
    if not isinstance(value, LineDict):
        return {}
    out: dict[str, Any] = {"": value.line}
    for key, line in value.key_lines.items():
        sub = value[key]
        if isinstance(sub, LineDict):
            out[key] = field_lines(sub) | {"": line}
        elif isinstance(sub, LineList):
            out[key] = {"": line} | {
                str(i): (field_lines(v) | {"": ln}) if isinstance(v, LineDict) else ln
                for i, (v, ln) in enumerate(zip(sub, sub.item_lines, strict=True))
            }
        else:
            out[key] = line
    return out


def add_record(src: SourceFile, value: Any, line: int, hint: str | None, lines: Any = None) -> None:
    if isinstance(value, dict):
        src.records.append(
            RawRecord(
                dict(value), src.name, line, hint, lines if isinstance(lines, dict) else {}, src.fmt
            )
        )
    else:
        src.problems.append(
            Problem(
                src.name,
                line,
                None,
                "not-a-record",
                "a record (a mapping of field names to values)",
                show(value),
            )
        )


def add_container(src: SourceFile, value: Any, line: int, hint: str | None, line_of: Any) -> None:
    """A top-level value: a list of records, a mapping of kind → records, or one record."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            add_record(src, item, line_of(value, i, line), hint, field_lines(item))
    elif isinstance(value, dict) and value and all(kind_from_name(str(k)) for k in value):
        for key, items in value.items():
            kind = kind_from_name(str(key))
            key_line = line_of(value, key, line)
            if not isinstance(items, list):
                src.problems.append(
                    Problem(
                        src.name,
                        key_line,
                        str(key),
                        "not-a-list",
                        f"a list of {kind} records",
                        show(items),
                    )
                )
                continue
            for i, item in enumerate(items):
                add_record(src, item, line_of(items, i, key_line), kind, field_lines(item))
    else:
        add_record(src, value, line, hint, field_lines(value))


def show(value: Any, limit: int = 60) -> str:
    text = (
        json.dumps(value, ensure_ascii=False, default=str)
        if not isinstance(value, str)
        else repr(value)
    )
    return text if len(text) <= limit else text[: limit - 1] + "…"
