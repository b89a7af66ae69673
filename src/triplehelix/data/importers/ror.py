"""ROR (Research Organization Registry, schema v2) records → organisation records.

Every record keeps: its types (all of them, as ``org:classification`` concepts, and mapped to
organisation classes, so to helix spheres), its names in every language with their type
(``ror_display`` and one label per language → ``skos:prefLabel``, further labels and
acronyms → ``skos:altLabel``, aliases → ``schema:alternateName``), its status
(active/inactive/withdrawn), established year, locations (city, country, coordinates), its
external ids (Wikidata → ``schema:sameAs``; FundRef, ISNI, GRID and further Wikidata ids →
``dcterms:identifier`` as ``scheme:value``) and its relationships (parent, child, related,
predecessor, successor). A relationship's target is named by the IRI the target would get
(``org/ror-{id}``), whether or not it is in the file: targets outside the file are kept as
external references, and connect when their record is imported later.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from triplehelix.data.files import check_regular, read_regular
from triplehelix.data.importers.common import Collector
from triplehelix.data.importers.report import QualityReport
from triplehelix.data.iris import BASE
from triplehelix.data.loader import RecordSet
from triplehelix.data.models import Organisation
from triplehelix.data.slug import slugify
from triplehelix.data.sources import document_key, source_name
from triplehelix.errors import InputError

__all__ = ["ROR_TYPES", "import_ror", "read_ror_records"]

ROR_TYPES = {
    "education": "university",
    "company": "company",
    "funder": "funding-body",
    "government": "government-body",
    "facility": "research-organisation",
    "healthcare": "other",
    "nonprofit": "other",
    "archive": "other",
    "other": "other",
}
"""ROR type → organisation type (the ROR type itself is kept as a classification)."""
RELATIONS = {
    "parent": "parents",
    "child": "children",
    "related": "related",
    "predecessor": "replaces",
    "successor": "replaced_by",
}
LICENCE = "https://creativecommons.org/publicdomain/zero/1.0/"
UNDETERMINED = "und"  # BCP 47 "undetermined": ROR names without a language


def read_ror_records(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """ROR records of a JSON array, JSON Lines or single-record file, with their lines.

    Raises:
        InputError: the file is missing or not JSON.

    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "r.json"
    >>> _ = p.write_text('[\\n{"id": "https://ror.org/05987a729"}\\n]\\n')
    >>> read_ror_records(p)
    [(2, {'id': 'https://ror.org/05987a729'})]
    """
    try:
        text = read_regular(path).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: cannot read as UTF-8 text: {exc}", code="unreadable") from exc
    lines = text.splitlines()
    out: list[tuple[int, dict[str, Any]]] = []
    try:  # one record per line, the layout of ROR dumps re-written per line and of JSON Lines
        for n, line in enumerate(lines, start=1):
            body = line.strip().rstrip(",")
            if body in ("", "[", "]"):
                continue
            value = json.loads(body)
            if not isinstance(value, dict):
                raise ValueError
            out.append((n, value))
        return out
    except ValueError:
        pass
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}:{exc.lineno}: not JSON: {exc.msg}",
            code="malformed-json",
            hint="give a ROR data dump file (a JSON array of v2 records)",
        ) from exc
    items = value if isinstance(value, list) else [value]
    return [(1, item) for item in items if isinstance(item, dict)]


def import_ror(paths: list[Path]) -> tuple[RecordSet, QualityReport]:
    """Read ROR v2 record files into organisation records and a quality report.

    Raises:
        InputError: a file that is missing or not JSON.
        InvalidDataError: records that make invalid organisations (nothing is returned).
    """
    col = Collector()
    report = QualityReport("ror")
    for path in paths:
        check_regular(path)
        records = read_ror_records(path)
        name = source_name(str(path), path)
        doc = document_key("ror", name)
        col.document(
            doc,
            name,
            _sha(path),
            title={"en": f"Research Organization Registry records ({path.name})"},
            publisher="Research Organization Registry (ROR)",
            license=LICENCE,
            url="https://ror.org/",
            description={"en": "ROR IDs and metadata, CC0 1.0 (ror.readme.io/docs/data-dump)."},
            primary=True,
        )
        known = {r.get("id") for _line, r in records}
        for line, rec in records:
            report.rows[path.name] += 1
            _record(col, report, rec, known, doc, path.name, line)
    rs = col.result()
    report.created.update(rs.counts())
    return rs, report


def _sha(path: Path) -> str:
    return hashlib.sha256(read_regular(path)).hexdigest()


def _key(ror: str) -> str:
    return ror.rstrip("/").rsplit("/", 1)[-1]


def _record(
    col: Collector,
    report: QualityReport,
    rec: dict[str, Any],
    known: set[Any],
    doc: str,
    file: str,
    line: int,
) -> None:
    ror = rec.get("id")
    if not isinstance(ror, str):
        report.anomaly("record-without-id", file, line, "a record without a ROR id: skipped")
        return
    key = _key(ror)
    src = col.source(doc, f"{doc}-{key}", file, line, f"record {ror}")
    data: dict[str, Any] = {"id": f"ror-{key}", "ror": ror, "sources": [src]}
    data.update(_names(rec, report, file, line))
    types = [t for t in rec.get("types") or [] if isinstance(t, str)]
    mapped = [ROR_TYPES.get(t, "other") for t in types] or ["other"]
    data["types"] = list(dict.fromkeys(mapped))
    data["classification"] = [f"ror-{slugify(t)}" for t in types]
    data["status"] = rec.get("status")
    data["established"] = rec.get("established")
    data.update(_location(rec, report, file, line))
    data.update(_external_ids(rec))
    websites = [x.get("value") for x in rec.get("links") or [] if x.get("type") == "website"]
    data["website"] = websites[0] if websites else None
    for rel in rec.get("relationships") or []:
        field = RELATIONS.get(rel.get("type"))
        target = rel.get("id")
        if field is None or not isinstance(target, str):
            report.anomaly("unknown-relationship", file, line, f"{ror}: relationship {rel!r}")
            continue
        data.setdefault(field, []).append(f"{BASE}id/org/ror-{_key(target)}")
        if target not in known:
            report.notes["external relationship targets"] += 1
    if data["status"] != "active":
        report.notes[f"status {data['status']}"] += 1
    col.add(Organisation, data, file, line)


def _names(rec: dict[str, Any], report: QualityReport, file: str, line: int) -> dict[str, Any]:
    names = rec.get("names") or []
    # the display name first, so that it is the preferred label of its language
    names = sorted(names, key=lambda n: "ror_display" not in (n.get("types") or []))
    pref: dict[str, str] = {}
    alt: dict[str, list[str]] = {}
    aliases: dict[str, list[str]] = {}
    acronyms: list[str] = []
    for n in names:
        value, types = n.get("value"), n.get("types") or []
        lang = n.get("lang") or UNDETERMINED
        if not isinstance(value, str) or not value.strip():
            continue
        if "ror_display" in types or "label" in types:
            if lang not in pref:
                pref[lang] = value
            else:
                alt.setdefault(lang, []).append(value)
        elif "acronym" in types:
            acronyms.append(value)
        else:
            aliases.setdefault(lang, []).append(value)
    if not pref:
        report.anomaly("record-without-name", file, line, f"{rec.get('id')}: no label")
    extra = acronyms[1:]
    if extra:
        alt.setdefault(UNDETERMINED, []).extend(extra)
    return {
        "name": pref,
        "alt_names": alt,
        "aliases": aliases,
        "acronym": acronyms[0] if acronyms else None,
    }


def _location(rec: dict[str, Any], report: QualityReport, file: str, line: int) -> dict[str, Any]:
    locations = rec.get("locations") or []
    if not locations:
        report.missing_value(file, "locations")
        return {}
    if len(locations) > 1:
        report.anomaly(
            "several-locations",
            file,
            line,
            f"{rec.get('id')} has {len(locations)} locations: the first is the seat",
        )
    geo = locations[0].get("geonames_details") or {}
    return {
        "country": geo.get("country_code"),
        "city": geo.get("name"),
        "latitude": geo.get("lat"),
        "longitude": geo.get("lng"),
    }


def _external_ids(rec: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"identifiers": {}}
    for ext in rec.get("external_ids") or []:
        scheme, values = ext.get("type"), [v for v in ext.get("all") or [] if isinstance(v, str)]
        if not isinstance(scheme, str) or not values:
            continue
        if scheme == "wikidata":
            preferred = ext.get("preferred") or values[0]
            out["wikidata"] = preferred
            values = [v for v in values if v != preferred]
            if not values:
                continue
        out["identifiers"][scheme] = values
    return out
