"""Validate raw records into models and check them against each other.

``load_records`` is the one entry point: it reads every file, validates every record,
runs the cross-record checks (unknown references, wrong-kind references, duplicate ids,
end before start) and either returns a ``RecordSet`` or raises ``InvalidDataError``
holding every problem found, in input order.
"""

from __future__ import annotations

import gc
import hashlib
import typing
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from pydantic import BaseModel, ValidationError

from triplehelix.data.formats import RDF_FORMATS
from triplehelix.data.models import BUILTIN_SECTORS, MODELS, Record, record_key
from triplehelix.data.readers import RDF_SUFFIXES, RawRecord, SourceFile, expand_paths, read_source
from triplehelix.data.types import RefTo, expected_of
from triplehelix.errors import InvalidDataError, Problem

__all__ = ["Located", "RecordSet", "gc_paused", "load_records", "ref_fields", "validate_raw"]

LIST_SEPARATOR = "|"


@dataclass(frozen=True, slots=True)
class Located:
    """Where a record came from: file name, line (or CSV row start line), format."""

    file: str
    line: int
    fmt: str
    field_lines: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, field_path: str) -> int:
        """The line of a (dotted) field, where the format tells it, else the record's."""
        line, node = self.line, self.field_lines
        for part in field_path.split("."):
            if not isinstance(node, dict) or part not in node:
                break
            node = node[part]
            line = node.get("", line) if isinstance(node, dict) else node
        return line


@dataclass(slots=True)
class RecordSet:
    """Validated records with their locations, plus the RDF files given alongside.

    Attributes:
        records: models in input order.
        where: the location of each record, parallel to ``records``.
        files: every record file read, with its bytes' SHA-256 (for provenance).
        rdf_files: RDF files to load as they are (one named graph each).
    """

    records: list[Record] = field(default_factory=list)
    where: list[Located] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    rdf_files: list[SourceFile] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.records)

    def of_kind(self, kind: str) -> Iterator[Record]:
        """Records of one kind, in input order."""
        return (r for r in self.records if getattr(r, "kind", None) == kind)

    def counts(self) -> dict[str, int]:
        """Number of records per kind.

        >>> RecordSet().counts()
        {}
        """
        out: dict[str, int] = {}
        for r in self.records:
            kind = str(getattr(r, "kind", "?"))
            out[kind] = out.get(kind, 0) + 1
        return out


def load_records(
    paths: Iterable[str | Path], *, stdin_format: str | None = None, source: str | None = None
) -> RecordSet:
    """Read, validate and cross-check records from files, folders or ``-`` (stdin).

    Args:
        paths: files or folders (walked recursively; YAML, JSON, JSONL, CSV/TSV, and
            RDF files which are passed through untouched).
        stdin_format: the format of standard input if it cannot be sniffed (``csv``).
        source: the source name of a single input (else derived, ``data.sources``).

    Returns:
        The validated records.

    Raises:
        InvalidDataError: with every problem found; nothing is partially returned.
        InputError: a path that does not exist.

    >>> rs = load_records([seed_path()])
    >>> rs.counts()["organisation"] > 5
    True
    """
    with gc_paused():
        return _load_records(paths, stdin_format, source)


def _load_records(
    paths: Iterable[str | Path], stdin_format: str | None, source: str | None
) -> RecordSet:
    problems: list[Problem] = []
    raws: list[RawRecord] = []
    out = RecordSet()
    for name, path in expand_paths([str(p) for p in paths], source):
        src = read_source(name, path, stdin_format if path is None else None)
        if src.fmt in RDF_SUFFIXES.values():
            problems.extend(check_rdf_syntax(src))
            out.rdf_files.append(src)
            continue
        out.files[name] = hashlib.sha256(src.content).hexdigest()
        src.content = b""
        problems.extend(src.problems)
        raws.extend(src.records)
    records, where, record_problems = validate_raw(raws)
    problems.extend(record_problems)
    problems.extend(cross_check(records, where))
    if problems:
        raise InvalidDataError(sorted(problems, key=_order(raws)))
    out.records, out.where = records, where
    return out


def check_rdf_syntax(src: SourceFile) -> list[Problem]:
    """Parse an RDF file once, so that bad syntax is reported before anything is written."""
    try:
        for _quad in ox.parse(src.content, RDF_FORMATS[src.fmt], base_iri="urn:x-check:"):
            pass
    except SyntaxError as exc:
        return [
            Problem(
                src.name,
                getattr(exc, "lineno", None),
                None,
                "malformed-rdf",
                f"well-formed {src.fmt.upper()}",
                str(getattr(exc, "msg", exc)),
            )
        ]
    return []


def seed_path() -> Path:
    """Folder of the bundled seed dataset (the EKTU–TSUC world)."""
    return Path(str(files("triplehelix.data").joinpath("seed")))


def _order(raws: list[RawRecord]) -> Any:
    file_rank = {r.file: i for i, r in enumerate(reversed(raws))}

    def key(p: Problem) -> tuple[int, int]:
        return (-file_rank.get(p.file, -1), p.line or 0)

    return key


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector, off for the duration of a bulk phase.

    Validating and mapping rows allocates millions of short-lived containers and keeps
    the entities alive; every few hundred allocations the collector walks the tracked
    objects, which made validation ~6× slower at M scale (36 µs a row instead of 6).
    Nothing here builds reference cycles, so reference counting frees it all anyway;
    the collector is switched back on (if it was on) when the phase ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def validate_raw(raws: Iterable[RawRecord]) -> tuple[list[Record], list[Located], list[Problem]]:
    """Validate raw records one by one; invalid ones become problems."""
    records: list[Record] = []
    where: list[Located] = []
    problems: list[Problem] = []
    for raw in raws:
        data = raw.data
        kind = data.get("kind", raw.kind_hint)
        model = MODELS.get(kind) if isinstance(kind, str) else None
        if model is None:
            expected = f"one of {', '.join(MODELS)}"
            if kind is None:
                expected = "a 'kind' field, or a file named after its kind (organisations.csv)"
            problems.append(
                Problem(
                    raw.file,
                    raw.line,
                    "kind",
                    "unknown-kind",
                    expected,
                    _show(kind) if kind is not None else "none",
                )
            )
            continue
        if "kind" not in data:
            data = {"kind": kind, **data}
        if raw.fmt == "csv":
            data = _split_lists(model, data)
        try:
            records.append(model.model_validate(data))
        except ValidationError as exc:
            problems.extend(_problems_of(exc, raw))
            continue
        fmt = raw.fmt
        where.append(Located(raw.file, raw.line, fmt, raw.field_lines))
    return records, where, problems


def _problems_of(exc: ValidationError, raw: RawRecord) -> Iterator[Problem]:
    for err in exc.errors(include_url=False):
        loc = [str(x) for x in err["loc"] if not str(x).startswith("function-")]
        field_path = ".".join(loc) or None
        typ = err["type"]
        if typ == "missing":
            expected, found = "a value (the field is required)", None
        elif typ == "extra_forbidden":
            allowed = ", ".join(_field_names(raw))
            expected, found = f"no such field (known fields: {allowed})", _show(err["input"])
        else:
            expected = expected_of(err)
            found = _show(err["input"])
        line = Located(raw.file, raw.line, "", raw.field_lines).line_of(".".join(loc))
        yield Problem(raw.file, line, field_path, _code(typ), expected, found)


def _code(pydantic_type: str) -> str:
    return {
        "missing": "missing-field",
        "extra_forbidden": "unknown-field",
        "literal_error": "unknown-value",
        "enum": "unknown-value",
    }.get(pydantic_type, "invalid-value")


def _field_names(raw: RawRecord) -> list[str]:
    model = MODELS.get(raw.data.get("kind", raw.kind_hint) or "")
    return sorted(model.model_fields) if model else []


def _split_lists(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    """CSV cells hold lists as ``a|b|c``."""
    fields = _list_fields(model)
    return {
        k: (v.split(LIST_SEPARATOR) if k in fields and isinstance(v, str) else v)
        for k, v in data.items()
    }


@cache
def _list_fields(model: type[BaseModel]) -> frozenset[str]:
    out = set()
    for name, info in model.model_fields.items():
        if typing.get_origin(info.annotation) is list:
            out.add(name)
    return frozenset(out)


@cache
def ref_fields(model: type[BaseModel]) -> dict[str, tuple[str, ...]]:
    """Field name → kinds it may refer to, read from the ``RefTo`` markers."""
    out: dict[str, tuple[str, ...]] = {}
    for name, info in model.model_fields.items():
        markers = [m for m in _all_metadata(info.annotation, info.metadata) if isinstance(m, RefTo)]
        if markers:
            out[name] = markers[0].kinds
    return out


def _all_metadata(annotation: Any, metadata: list[Any]) -> Iterator[Any]:
    yield from metadata
    stack = [annotation]
    while stack:
        ann = stack.pop()
        if typing.get_origin(ann) is typing.Annotated:
            yield from ann.__metadata__
            stack.append(ann.__origin__)
        stack.extend(a for a in typing.get_args(ann) if a is not type(None))


def cross_check(records: list[Record], where: list[Located]) -> Iterator[Problem]:
    """Duplicate ids and references that do not resolve to a record of the right kind."""
    kinds: dict[str, str] = {}
    first: dict[str, Located] = {}
    for rec, loc in zip(records, where, strict=True):
        key = record_key(rec)
        if key in first:
            prev = first[key]
            yield Problem(
                loc.file,
                loc.line_of("id"),
                "id",
                "duplicate-id",
                f"an id used once (first used at {prev.file}:{prev.line})",
                _show(key),
            )
            continue
        first[key] = loc
        if rec.id is not None:
            kinds[rec.id] = str(getattr(rec, "kind", ""))
    for rec, loc in zip(records, where, strict=True):
        for name, allowed in ref_fields(type(rec)).items():
            value = getattr(rec, name)
            refs = value if isinstance(value, list) else [value] if value is not None else []
            for i, ref in enumerate(refs):
                path = f"{name}.{i}" if isinstance(value, list) else name
                if ref.startswith(("http://", "https://")):
                    continue  # an external node, named by IRI
                kind = kinds.get(ref)
                if kind is None and "sector" in allowed and ref in BUILTIN_SECTORS:
                    continue
                if kind is None:
                    yield Problem(
                        loc.file,
                        loc.line_of(path),
                        path,
                        "unknown-reference",
                        f"the id of {_kinds(allowed)} record in the dataset, or an IRI",
                        _show(ref),
                    )
                elif kind not in allowed:
                    yield Problem(
                        loc.file,
                        loc.line_of(path),
                        path,
                        "wrong-reference",
                        f"the id of {_kinds(allowed)} record",
                        f"{_show(ref)}, {_kinds((kind,))}",
                    )


def _kinds(kinds: tuple[str, ...]) -> str:
    """Kinds with the right article.

    >>> _kinds(("organisation", "person")), _kinds(("project",))
    ('an organisation or person', 'a project')
    """
    article = "an" if kinds[0][0] in "aeiou" else "a"
    return f"{article} {' or '.join(kinds)}"


def _show(value: Any, limit: int = 60) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
