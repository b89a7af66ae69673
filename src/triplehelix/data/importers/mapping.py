"""Any CSV/TSV table → records, by a small YAML mapping.

A mapping names, for each record a row yields, its kind, how its id is formed, which
column fills which field, value maps and fixed fields::

    document:                       # the source document (attribution travels with every fact)
      title: Partner list 2024
      publisher: EKTU research office
      license: CC BY 4.0
    records:
      - kind: organisation
        id: "org-{PIC}"             # a template over columns; {Column} is the cell's text
        columns:                    # column → field (dotted for nested fields: name.en)
          Legal name: name.en
          Country: country
          Type: types               # list fields take "a|b" cells (list_separator)
          PIC: pic
        values:                     # per field: cell text → value
          types: {HES: university, PRC: company}
          country: {UK: GB, EL: GR, XK: ""}   # "" : no value (an absent fact)
        fields:                     # fixed values or templates
          description.en: "Partner since {Year}"

Cells that are empty or ``NA`` are absent facts, counted in the quality report. A row whose
id cannot be formed is skipped and reported; an amount without a currency is dropped and
reported. Errors name the file, row (the line the CSV record starts on) and column.
"""

from __future__ import annotations

import re
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError

from triplehelix.data.files import read_regular
from triplehelix.data.importers.common import Collector, CsvRow, read_csv_rows
from triplehelix.data.importers.report import QualityReport
from triplehelix.data.loader import RecordSet, ref_fields
from triplehelix.data.models import MODELS
from triplehelix.data.slug import slugify
from triplehelix.data.sources import document_key, source_name
from triplehelix.data.types import STRICT
from triplehelix.errors import InputError, InvalidDataError, Problem

__all__ = ["Mapping", "RecordMapping", "import_csv", "read_mapping"]

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


class RecordMapping(BaseModel):
    """How one row becomes one record of a kind."""

    model_config = STRICT

    kind: str
    id: str | None = None
    columns: dict[str, str] = Field(default_factory=dict)
    values: dict[str, dict[str, str]] = Field(default_factory=dict)
    fields: dict[str, str] = Field(default_factory=dict)


class Mapping(BaseModel):
    """A mapping file: the source document and the records each row yields."""

    model_config = STRICT

    document: dict[str, str] = Field(default_factory=dict)
    list_separator: str = "|"
    records: list[RecordMapping] = Field(min_length=1)


def read_mapping(path: Path) -> Mapping:
    """Read and check a YAML mapping (every scalar is read as text: ``NO`` stays ``NO``).

    Raises:
        InputError: the file is missing or not YAML.
        InvalidDataError: the mapping names unknown kinds or fields.
    """
    try:
        raw = yaml.load(read_regular(path).decode("utf-8"), Loader=yaml.BaseLoader)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text: {exc}", code="bad-encoding") from exc
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not YAML: {exc}", code="malformed-yaml") from exc
    if isinstance(raw, dict) and "kind" in raw:
        doc = raw.pop("document", {})
        raw = {"document": doc, "records": [raw]}
    try:
        mapping = Mapping.model_validate(raw)
    except ValidationError as exc:
        raise InvalidDataError(
            [
                Problem(str(path), None, ".".join(map(str, e["loc"])), "bad-mapping", e["msg"])
                for e in exc.errors(include_url=False)
            ],
            hint="see the mapping format in docs/importing.md",
        ) from exc
    _check_fields(path, mapping)
    return mapping


def _check_fields(path: Path, mapping: Mapping) -> None:
    problems = []
    for n, rm in enumerate(mapping.records):
        model = MODELS.get(rm.kind)
        if model is None:
            problems.append(
                Problem(
                    str(path),
                    None,
                    f"records.{n}.kind",
                    "bad-mapping",
                    f"one of {', '.join(MODELS)}",
                    rm.kind,
                )
            )
            continue
        for target in [*rm.columns.values(), *rm.fields]:
            top = target.split(".", 1)[0]
            if top not in model.model_fields or top == "kind":
                problems.append(
                    Problem(
                        str(path),
                        None,
                        f"records.{n}: {target}",
                        "bad-mapping",
                        f"a field of {rm.kind} ({', '.join(sorted(model.model_fields))})",
                        target,
                    )
                )
    if problems:
        raise InvalidDataError(problems, hint="fix the mapping file; nothing was read")


def import_csv(table: Path, mapping_path: Path) -> tuple[RecordSet, QualityReport]:
    """Read a table through a mapping into records and a quality report.

    Raises:
        InputError: an unreadable table or mapping, or a mapped column not in the table.
        InvalidDataError: rows that make invalid records (each with row and column).
    """
    mapping = read_mapping(mapping_path)
    header, rows, sha = read_csv_rows(table)
    _check_columns(table, mapping_path, header, mapping)
    col = Collector()
    report = QualityReport(f"csv ({table.name})")
    name = source_name(str(table), table)
    doc = document_key("table", name)
    fields = {"title": {"en": table.name}, **mapping.document}
    if isinstance(fields["title"], str):
        fields["title"] = {"en": fields["title"]}
    col.document(doc, name, sha, **fields)
    for row in rows:
        report.rows[table.name] += 1
        src = col.source(doc, f"{doc}-row-{row.line}", table.name, row.line, f"row {row.line}")
        for rm in mapping.records:
            _row_record(col, report, rm, row, table.name, src, mapping.list_separator)
    rs = col.result()
    report.created.update(rs.counts())
    return rs, report


def _check_columns(table: Path, mapping_path: Path, header: list[str], mapping: Mapping) -> None:
    used: set[str] = set()
    for rm in mapping.records:
        used.update(rm.columns)
        for template in [rm.id or "", *rm.fields.values()]:
            used.update(_PLACEHOLDER.findall(template))
    missing = sorted(used - set(header))
    if missing:
        raise InputError(
            f"{table}: no column {', '.join(map(repr, missing))} (mapped in {mapping_path})",
            code="unknown-column",
            hint=f"the table's columns are: {', '.join(header)}",
        )


def _render(template: str, row: CsvRow, as_ref: bool) -> str | None:
    """A template with the row's cells; None if a cell it needs is missing."""
    out = template
    for name in _PLACEHOLDER.findall(template):
        value = row.get(name)
        if value is None:
            return None
        out = out.replace("{" + name + "}", slugify(value) if as_ref else value)
    return out


def _row_record(
    col: Collector,
    report: QualityReport,
    rm: RecordMapping,
    row: CsvRow,
    file: str,
    src: str,
    sep: str,
) -> None:
    model = MODELS[rm.kind]
    refs = set(ref_fields(model))
    lists = {n for n, f in model.model_fields.items() if typing.get_origin(f.annotation) is list}
    data: dict[str, Any] = {"kind": rm.kind, "sources": [src]}
    if rm.id is not None:
        rid = _render(rm.id, row, as_ref=True)
        if rid is None:
            report.anomaly(
                "row-without-id",
                file,
                row.line,
                f"{rm.kind}: the id {rm.id!r} needs a missing cell: skipped",
            )
            return
        data["id"] = rid
    for column, target in rm.columns.items():
        value = row.get(column)
        if value is None:
            report.missing_value(file, column)
            continue
        mapped = rm.values.get(target, {})
        if target in lists:
            items = [mapped.get(v.strip(), v.strip()) for v in value.split(sep)]
            _set(data, target, [v for v in items if v])
        elif mapped.get(value, value):
            _set(data, target, mapped.get(value, value))
        else:  # the value map says this value means "no value"
            report.missing_value(file, column)
    for target, template in rm.fields.items():
        rendered = _render(template, row, as_ref=target.split(".", 1)[0] in refs)
        if rendered is not None:
            _set(data, target, [rendered] if target in lists else rendered)
        elif target in model.model_fields and model.model_fields[target].is_required():
            report.anomaly(
                f"row-without-{target}",
                file,
                row.line,
                f"{rm.kind}: {target} {template!r} needs a missing cell: skipped",
            )
            return
    _drop_money_without_currency(data, report, file, row.line, rm.kind)
    before = len(col.problems)
    col.add(model, data, file, row.line)
    _name_columns(col.problems, before, rm)


def _set(data: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    node = data
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


def _drop_money_without_currency(
    data: dict[str, Any], report: QualityReport, file: str, line: int, kind: str
) -> None:
    for key, value in list(data.items()):
        if isinstance(value, dict) and "value" in value and "currency" not in value:
            report.anomaly(
                "money-without-currency",
                file,
                line,
                f"{kind}.{key}: {value['value']} without a currency: left out",
            )
            del data[key]


def _name_columns(problems: list[Problem], start: int, rm: RecordMapping) -> None:
    """Name the column behind each new problem's field."""
    by_field = {target: column for column, target in rm.columns.items()}
    for i in range(start, len(problems)):
        p = problems[i]
        field = p.field or ""
        column = next(
            (c for f, c in by_field.items() if field == f or field.startswith(f + ".")), None
        )
        if column is not None:
            problems[i] = Problem(
                p.file, p.line, f"column {column!r} ({field})", p.code, p.expected, p.found
            )
