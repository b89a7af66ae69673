"""Read record files (YAML, JSON, JSON Lines, CSV/TSV) into raw mappings with locations.

Readers never validate fields: they turn bytes into ``RawRecord`` objects that remember
their file and line, or into ``Problem`` objects when the bytes cannot be read. The
loader (``triplehelix.data.loader``) validates and cross-checks.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from triplehelix.errors import InputError, Problem

__all__ = [
    "RDF_SUFFIXES",
    "RECORD_SUFFIXES",
    "RawRecord",
    "SourceFile",
    "expand_paths",
    "kind_from_name",
    "read_source",
]

RECORD_SUFFIXES = {
    ".yaml": "yaml",
    ".yml": "yaml",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "csv",
}
RDF_SUFFIXES = {
    ".ttl": "ttl",
    ".nt": "nt",
    ".nq": "nq",
    ".trig": "trig",
    ".jsonld": "jsonld",
    ".rdf": "rdfxml",
    ".owl": "rdfxml",
}
# Formats that are parsed whole in memory get a size limit; streaming ones do not.
MAX_BYTES = {"yaml": 16 * 2**20, "json": 256 * 2**20}

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


def expand_paths(paths: list[str]) -> list[tuple[str, Path | None]]:
    """Files named by the user: folders are walked (sorted), ``-`` is stdin.

    Raises:
        InputError: a path that does not exist.
    """
    out: list[tuple[str, Path | None]] = []
    for raw in paths:
        if raw == "-":
            out.append(("<stdin>", None))
            continue
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in RECORD_SUFFIXES | RDF_SUFFIXES
            )
            out.extend((str(p), p) for p in found)
        elif path.is_file():
            out.append((raw, path))
        else:
            raise InputError(
                f"{raw}: no such file or folder",
                code="file-not-found",
                hint="check the path; use - for standard input",
            )
    return out


def read_source(name: str, path: Path | None, fmt: str | None = None) -> SourceFile:
    """Read one file (or stdin when ``path`` is None) into raw records and problems."""
    content = sys.stdin.buffer.read() if path is None else path.read_bytes()
    if fmt is None:
        suffix = path.suffix.lower() if path else ""
        fmt = RECORD_SUFFIXES.get(suffix) or RDF_SUFFIXES.get(suffix) or _sniff(content)
    src = SourceFile(name=name, path=path, fmt=fmt, content=content)
    if fmt in RDF_SUFFIXES.values():
        return src
    text = _decode(src)
    if text is None:
        return src
    limit = MAX_BYTES.get(fmt)
    if limit is not None and len(content) > limit:
        src.problems.append(
            Problem(
                name,
                None,
                None,
                "file-too-large",
                f"a {fmt.upper()} file of at most {limit // 2**20} MiB "
                "(use JSON Lines or CSV for bulk data)",
                f"{len(content) / 2**20:.1f} MiB",
            )
        )
        return src
    if not text.strip():
        src.problems.append(
            Problem(name, None, None, "empty-file", "at least one record", "an empty file")
        )
        return src
    hint = kind_from_name(path.stem) if path else None
    reader = {"yaml": _read_yaml, "json": _read_json, "jsonl": _read_jsonl, "csv": _read_csv}
    reader[fmt](src, text, hint)
    return src


def _sniff(content: bytes) -> str:
    head = content.lstrip()[:1]
    if head == b"[":
        return "json"
    if head == b"{":
        lines = [ln for ln in content.splitlines() if ln.strip()]
        return (
            "jsonl" if len(lines) > 1 and all(ln.lstrip()[:1] == b"{" for ln in lines) else "json"
        )
    return "yaml"


def _decode(src: SourceFile) -> str | None:
    data = src.content
    if b"\x00" in data[:8192]:
        src.problems.append(
            Problem(
                src.name,
                None,
                None,
                "not-text",
                "a UTF-8 text file (YAML, JSON, JSON Lines or CSV)",
                "binary data (NUL bytes)",
            )
        )
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        src.problems.append(
            Problem(
                src.name,
                line,
                None,
                "bad-encoding",
                "UTF-8 text",
                f"byte 0x{data[exc.start]:02x} at offset {exc.start}",
            )
        )
        return None


def _add(src: SourceFile, value: Any, line: int, hint: str | None, lines: Any = None) -> None:
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
                _show(value),
            )
        )


def _add_container(src: SourceFile, value: Any, line: int, hint: str | None, line_of: Any) -> None:
    """A top-level value: a list of records, a mapping of kind → records, or one record."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            _add(src, item, line_of(value, i, line), hint, _lines(item))
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
                        _show(items),
                    )
                )
                continue
            for i, item in enumerate(items):
                _add(src, item, line_of(items, i, key_line), kind, _lines(item))
    else:
        _add(src, value, line, hint, _lines(value))


# -- YAML ---------------------------------------------------------------------------------


class _LineDict(dict[str, Any]):
    """A mapping that remembers the line of itself and of each key."""

    line: int
    key_lines: dict[str, int]


class _LineList(list[Any]):
    item_lines: list[int]


class _AliasError(yaml.composer.ComposerError):
    """Aliases (``*name``) that multiply the document's size ("billion laughs")."""


MAX_INT_BITS = 4096
ALIAS_GROWTH = 4
"""Aliases may repeat a value, but may not make the document more than this many times
(plus ``ALIAS_SLACK`` values) bigger than it is written: nested aliases grow exponentially."""
ALIAS_SLACK = 10_000


def _expanded_size(node: yaml.Node, memo: dict[int, int]) -> int:
    """Values in a node once every alias is expanded (shared nodes computed once)."""
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # a recursive alias counts once
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(child, memo) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size += sum(_expanded_size(k, memo) + _expanded_size(v, memo) for k, v in node.value)
    memo[key] = size
    return size


class _Loader(yaml.SafeLoader):
    """Safe YAML with line numbers, YAML-1.2-like scalars: only true/false are booleans
    (``NO`` is Norway, not False) and dates stay text (we keep the source's precision).
    Aliases may repeat a value, but not blow the document up (see ``ALIAS_GROWTH``)."""

    def construct_document(self, node: yaml.Node) -> Any:
        memo: dict[int, int] = {}
        size = _expanded_size(node, memo)
        if size > ALIAS_GROWTH * len(memo) + ALIAS_SLACK:
            raise _AliasError(
                None,
                None,
                f"aliases that expand {len(memo):,} values to {size:,}",
                node.start_mark,
            )
        return super().construct_document(node)


_Loader.yaml_implicit_resolvers = {
    ch: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _LineDict:
    out = _LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    loader.flatten_mapping(node)  # YAML merge keys (<<: *base)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) or key is None:
            raise yaml.constructor.ConstructorError(
                None, None, "expected a plain key", key_node.start_mark
            )
        out[str(key)] = loader.construct_object(value_node, deep=True)
        out.key_lines[str(key)] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> _LineList:
    out = _LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> int:
    try:
        value = loader.construct_yaml_int(node)
    except (ValueError, IndexError):  # over 4300 digits, or not an integer (!!int x, !!int "")
        value = None
    if value is None or value.bit_length() > MAX_INT_BITS:
        raise yaml.constructor.ConstructorError(
            None, None, "an integer (of at most 1233 digits)", node.start_mark
        )
    return value


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _lines(value: Any) -> dict[str, Any]:
    """Field → line, recursively (``{"amount": {"": 4, "currency": 5}}`` shape)."""
    if not isinstance(value, _LineDict):
        return {}
    out: dict[str, Any] = {"": value.line}
    for key, line in value.key_lines.items():
        sub = value[key]
        if isinstance(sub, _LineDict):
            out[key] = _lines(sub) | {"": line}
        elif isinstance(sub, _LineList):
            out[key] = {"": line} | {
                str(i): (_lines(v) | {"": ln}) if isinstance(v, _LineDict) else ln
                for i, (v, ln) in enumerate(zip(sub, sub.item_lines, strict=True))
            }
        else:
            out[key] = line
    return out


def _yaml_line_of(container: Any, key: Any, default: int) -> int:
    if isinstance(container, _LineList) and isinstance(key, int):
        return container.item_lines[key]
    if isinstance(container, _LineDict):
        return container.key_lines.get(str(key), default)
    return default


def _read_yaml(src: SourceFile, text: str, hint: str | None) -> None:
    try:
        docs = list(yaml.load_all(text, Loader=_Loader))
    except _AliasError as exc:
        mark = exc.problem_mark
        src.problems.append(
            Problem(
                src.name,
                mark.line + 1 if mark else None,
                None,
                "yaml-alias",
                "YAML whose aliases (*name) repeat values without multiplying the document",
                str(exc.problem),
            )
        )
        return
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        src.problems.append(
            Problem(
                src.name,
                mark.line + 1 if mark else None,
                None,
                "malformed-yaml",
                "well-formed YAML",
                str(problem),
            )
        )
        return
    except RecursionError:
        src.problems.append(
            Problem(
                src.name,
                None,
                None,
                "malformed-yaml",
                "YAML nested less deeply",
                "too deep nesting",
            )
        )
        return
    except (ValueError, TypeError, LookupError, AttributeError, OverflowError) as exc:
        # An explicit tag whose constructor rejects the value: !!bool x, !!timestamp x…
        src.problems.append(
            Problem(
                src.name,
                None,
                None,
                "malformed-yaml",
                "values that their YAML tags (!!bool, !!float, !!timestamp…) allow",
                _show(str(exc)),
            )
        )
        return
    for doc in docs:
        if doc is None:
            continue
        line = doc.line if isinstance(doc, _LineDict) else 1
        _add_container(src, doc, line, hint, _yaml_line_of)


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


def _read_json(src: SourceFile, text: str, hint: str | None) -> None:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        _json_problem(src, exc)
        return
    except ValueError as exc:  # an integer of more than 4300 digits
        src.problems.append(
            Problem(src.name, None, None, "malformed-json", "well-formed JSON", _show(str(exc)))
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

    _add_container(src, value, 1, hint, line_of)


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


def _read_jsonl(src: SourceFile, text: str, hint: str | None) -> None:
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
                    src.name, number, None, "malformed-json", "well-formed JSON", _show(str(exc))
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
        _add(src, value, number, hint)


# -- CSV ------------------------------------------------------------------------------------


def _read_csv(src: SourceFile, text: str, hint: str | None) -> None:
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
                _show(header),
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
                _add(src, _unflatten(header, row), line, hint)
        line = reader.line_num + 1


def _unflatten(header: list[str], row: list[str]) -> dict[str, Any]:
    """Dotted columns to nested mappings; empty cells are absent, never empty strings.

    >>> _unflatten(["id", "name.en", "name.ru", "amount.value"], ["x", "A", "", "5"])
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


def _show(value: Any, limit: int = 60) -> str:
    text = (
        json.dumps(value, ensure_ascii=False, default=str)
        if not isinstance(value, str)
        else repr(value)
    )
    return text if len(text) <= limit else text[: limit - 1] + "…"
