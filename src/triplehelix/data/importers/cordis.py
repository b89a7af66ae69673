"""CORDIS (EU research projects) → records.

Layouts are recognised by their header, so a folder can be given as it is:

==========================  ================================================================
participations              ``rcn,role,pic,type,contribution,country,…`` (one row per project ×
                            organisation, like the eunets extract) or the official
                            ``organization.csv`` (``projectID;…;organisationID|id;…;role;…``)
organisation names          ``orgId;name;shortName;activityType;country;city;…``
programme parts             ``rcn,programme_part``
projects                    the official ``project.csv`` (``id;acronym;title;…;fundingScheme``)
==========================  ================================================================

Rules: activity types become organisation types and so helix spheres (HES → university,
REC → research organisation: academia; PRC → company: industry; PUB → government body;
OTH → other); roles map to the role scheme; every amount is EUR money; CORDIS country codes
become ISO 3166-1 (``UK`` → ``GB``, ``EL`` → ``GR``) by the official code list; ``NA`` and
empty cells are absent facts, counted in the quality report.

Provenance: each row is a source record of its file's source document (licence CC BY 4.0,
"© European Union, CORDIS"). A participation cites its row; an organisation or a project
cites the first row of each file that states it (every later row repeats the same facts,
and citing them all would copy the node into hundreds of graphs).

Organisations are keyed by PIC (IRI ``org/pic-{pic}``), projects by CORDIS ``rcn`` or grant
agreement number, so re-importing a file yields the same nodes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from triplehelix.data.importers.common import Collector, CsvRow, read_csv_rows
from triplehelix.data.importers.cordis_records import (
    ACTIVITY_TYPES,
    State,
    emit_entities,
    emit_participations,
    org_iri,
    project_iri,
)
from triplehelix.data.importers.report import QualityReport
from triplehelix.data.iris import BASE
from triplehelix.data.loader import RecordSet
from triplehelix.data.slug import slugify
from triplehelix.data.sources import document_key, source_name
from triplehelix.errors import InputError

__all__ = ["ACTIVITY_TYPES", "ROLES", "import_cordis", "layout_of", "stream_cordis"]

ROLES = {
    "coordinator": "coordinator",
    "participant": "participant",
    "beneficiary": "participant",
    "partner": "partner",
    "associatedpartner": "associated-partner",
    "thirdparty": "third-party",
    "internationalpartner": "partner",
}
LICENCE = "https://creativecommons.org/licenses/by/4.0/"
ATTRIBUTION = "© European Union, CORDIS. Re-used under CC BY 4.0 (Decision 2011/833/EU)."
EC = "european-commission"

_ORDER = ("projects", "participations", "organizations", "names", "parts")
_LAYOUTS = {
    "participations": ({"rcn", "role", "pic", "type"}, "CORDIS H2020 participations"),
    "organizations": ({"projectID", "role", "activityType"}, "CORDIS organisations"),
    "names": ({"orgId", "name", "activityType"}, "CORDIS H2020 organisations (names)"),
    "parts": ({"rcn", "programme_part"}, "CORDIS H2020 programme parts"),
    "projects": ({"id", "acronym", "title", "frameworkProgramme"}, "CORDIS projects"),
}


def layout_of(header: list[str]) -> str | None:
    """The CORDIS layout a header belongs to.

    >>> layout_of(["rcn", "role", "pic", "type", "contribution"])
    'participations'
    >>> layout_of(["a", "b"]) is None
    True
    """
    cols = set(header)
    for name, (needed, _title) in _LAYOUTS.items():
        if needed <= cols:
            return name
    return None


CHUNK_ROWS = 100_000
"""Participation rows per record set when streaming; smaller inputs make one set."""


def import_cordis(paths: list[Path]) -> tuple[RecordSet, QualityReport]:
    """Read CORDIS files (or folders of them) into one record set and a quality report.

    Raises:
        InputError: a file that is missing, unreadable or of no known CORDIS layout.
        InvalidDataError: rows that make invalid records (nothing is returned).

    >>> from pathlib import Path
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "p.csv").write_text("rcn,role,pic,type,contribution,country\\n"
    ...                              "1,coordinator,999999999,HES,NA,UK\\n")
    >>> rs, report = import_cordis([d / "p.csv"])
    >>> report.created["organisation"], dict(report.missing)
    (2, {'p.csv: contribution': 1})
    """
    report = QualityReport("cordis")
    out = RecordSet()
    for rs in stream_cordis(paths, report, chunk_rows=None):
        out.records.extend(rs.records)
        out.where.extend(rs.where)
        out.files.update(rs.files)
    return out, report


def stream_cordis(
    paths: list[Path], report: QualityReport, *, chunk_rows: int | None = CHUNK_ROWS
) -> Iterator[RecordSet]:
    """Read CORDIS files as record sets of at most ``chunk_rows`` participation rows.

    Participations (the bulk: one per row) leave in chunks; organisations, projects,
    grants and programmes, merged over all rows, come in the last set. Every set is
    self-contained (references are IRIs; each repeats the source documents), so each can
    be loaded on its own; an input under ``chunk_rows`` rows gives one set. ``report``
    is filled as rows are read.

    Raises:
        InputError: a file that is missing, unreadable or of no known CORDIS layout.
        InvalidDataError: rows that make invalid records (raised before their set).
    """
    col = Collector()
    state = State(report)
    for path, explicit, layout, header, rows, sha, name in _files(paths):
        if layout is None and not explicit:
            report.anomaly("skipped-file", path.name, None, "not a CORDIS layout: skipped")
            continue
        if layout is None:
            raise InputError(
                f"{path}: not a CORDIS file I know (header: {', '.join(header[:6])}…)",
                code="unknown-layout",
                hint="give project.csv, organization.csv, a participation table "
                "(rcn,role,pic,type…), an organisation name table (orgId;name…) or "
                "programme parts (rcn,programme_part)",
            )
        doc = _document(col, path, name, layout, sha, state)
        reader = _READERS[layout]
        for row in rows:
            report.rows[path.name] += 1
            rid = col.source(doc, f"{doc}-row-{row.line}", path.name, row.line, f"row {row.line}")
            reader(state, row, path.name, f"{BASE}source/{slugify(doc)}/{slugify(rid)}")
            if chunk_rows is not None and len(state.participations) >= chunk_rows:
                emit_participations(col, state)
                yield _counted(col.flush(), report)
    emit_participations(col, state)
    emit_entities(col, state)
    yield _counted(col.flush(), report)


def _files(paths: list[Path]) -> list[tuple[Path, bool, str | None, list[str], Any, str, str]]:
    files = []
    for path, explicit, name in _expand(paths):
        header, rows, sha = read_csv_rows(path)
        files.append((path, explicit, layout_of(header), header, rows, sha, name))
    # Projects and participations first: name and programme tables add to what they made.
    files.sort(key=lambda f: _ORDER.index(f[2]) if f[2] else len(_ORDER))
    return files


def _counted(rs: RecordSet, report: QualityReport) -> RecordSet:
    counts = rs.counts()
    docs = counts.pop("document", 0)  # every set repeats them
    report.created.update(counts)
    report.created["document"] = max(report.created["document"], docs)
    return rs


def _expand(paths: list[Path]) -> list[tuple[Path, bool, str]]:
    """Files to read, each with whether the user named it (else found in a folder) and
    its source name (``data.sources``)."""
    out: list[tuple[Path, bool, str]] = []
    for p in paths:
        if p.is_dir():
            out.extend(
                (x, False, source_name(str(p), x))
                for x in sorted(p.iterdir())
                if x.suffix.lower() in (".csv", ".tsv")
            )
        elif p.exists():
            out.append((p, True, source_name(str(p), p)))
        else:
            raise InputError(f"{p}: no such file or folder", code="no-such-file")
    return out


def _document(col: Collector, path: Path, name: str, layout: str, sha: str, state: State) -> str:
    doc = document_key("cordis", name)
    title = f"{_LAYOUTS[layout][1]} ({path.name})"
    col.document(
        doc,
        name,
        sha,
        title={"en": title},
        publisher="European Commission, CORDIS",
        license=LICENCE,
        url="https://cordis.europa.eu/",
        description={"en": ATTRIBUTION},
        primary=True,
    )
    if not state.about:
        rid = col.source(doc, f"{doc}-about", path.name, 1, "dataset description")
        state.about.append(f"{BASE}source/{slugify(doc)}/{slugify(rid)}")
    return doc


# -- row readers -----------------------------------------------------------------------------


def _cell(state: State, row: CsvRow, file: str, *columns: str) -> str | None:
    """The first present column's value; a missing value is counted."""
    for c in columns:
        if c in row.cells:
            value = row.get(c)
            if value is None:
                state.report.missing_value(file, c)
                return None
            repaired = repair_mojibake(value)
            if repaired != value:
                state.report.anomaly(
                    "repaired-encoding", file, row.line, f"{c}: {value!r} read as {repaired!r}"
                )
            return repaired
    return None


_MAC_ROMAN_MARKS = ("√", "‚Ä", "ƒ", "≈", "Ã")


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 text that was once decoded as Mac Roman (seen in CORDIS files).

    Only text carrying the tell-tale marks is touched, and only when the repair is
    clean UTF-8; anything else is returned as it is.

    >>> repair_mojibake("Minist√©rio da Justi√ßa"), repair_mojibake("Café √ Paris")
    ('Ministério da Justiça', 'Café √ Paris')
    """
    if not any(mark in text for mark in _MAC_ROMAN_MARKS):
        return text
    try:
        return text.encode("mac_roman").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _participation_row(state: State, row: CsvRow, file: str, src: str) -> None:
    official = "projectID" in row.cells
    pkey = _cell(state, row, file, "projectID" if official else "rcn")
    pic = _cell(state, row, file, "organisationID", "id", "pic")
    if pkey is None or pic is None:
        what = "project" if pkey is None else "organisation (PIC)"
        state.report.anomaly(
            "participation-without-" + what.split()[0],
            file,
            row.line,
            f"a participation row without its {what}: skipped",
        )
        return
    project = f"ga-{pkey}" if official else f"rcn-{pkey}"
    _org_facts(state, row, file, src, pic)
    _project_facts(state, row, file, src, project, pkey, official)
    money = _cell(state, row, file, "ecContribution", "contribution")
    role_text = _cell(state, row, file, "role") or ""
    role = ROLES.get("".join(ch for ch in role_text.lower() if ch.isalpha()))
    if role is None:
        state.report.anomaly(
            "unknown-role",
            file,
            row.line,
            f"role {role_text!r} is not a CORDIS role: participation skipped",
        )
        return
    state.participations.append(
        {
            "agent": org_iri(pic),
            "activity": project_iri(project),
            "role": role,
            "money": money,
            "source": src,
            "file": file,
            "line": row.line,
        }
    )


def _org_facts(state: State, row: CsvRow, file: str, src: str, pic: str) -> None:
    org = state.orgs.setdefault(pic, {"sources": [], "file": file, "line": row.line})
    _cite(org, file, src)
    act = _cell(state, row, file, "activityType", "type")
    country = _cell(state, row, file, "country")
    facts: dict[str, Any] = {"type": act, "country": country}
    for key in ("name", "shortName", "city", "organizationURL"):
        if key in row.cells:
            facts[key] = row.get(key)
    for key, value in facts.items():
        if value is None:
            continue
        old = org.get(key)
        if old is None:
            org[key] = value
        elif old != value and key in ("type", "country"):
            state.report.anomaly(
                "conflicting-organisation",
                file,
                row.line,
                f"PIC {pic}: {key} {value!r} here, {old!r} in an earlier row",
            )


def _project_facts(
    state: State, row: CsvRow, file: str, src: str, key: str, number: str, official: bool
) -> None:
    proj = state.projects.setdefault(
        key,
        {
            "sources": [],
            "file": file,
            "line": row.line,
            "number": number,
            "official": official,
            "coordinators": [],
        },
    )
    _cite(proj, file, src)
    if not official:
        for name in ("start_date", "end_date", "max_contribution", "total_cost"):
            value = _cell(state, row, file, name)
            if value is not None:
                proj.setdefault(name, value)
    if (row.get("role") or "").lower() == "coordinator":
        proj["coordinators"].append(row.line)
    if official and row.get("projectAcronym"):
        proj.setdefault("acronym", row.get("projectAcronym"))


def _cite(entity: dict[str, Any], file: str, src: str) -> None:
    """Cite the first row of each file that states an entity (not all: see module doc)."""
    cited = entity.setdefault("cited", set())
    if file not in cited:
        cited.add(file)
        entity["sources"].append(src)


def _names_row(state: State, row: CsvRow, file: str, src: str) -> None:
    pic = row.get("orgId")
    if pic is None:
        state.report.anomaly("name-without-pic", file, row.line, "no orgId: row skipped")
        return
    org = state.orgs.get(pic)
    if org is None:
        return  # a name for an organisation that takes part in none of the imported rows
    org["sources"].append(src)
    for key in ("name", "shortName", "city", "organizationURL"):
        value = _cell(state, row, file, key)
        if value is not None:
            org.setdefault(key, value)


def _parts_row(state: State, row: CsvRow, file: str, src: str) -> None:
    rcn, part = row.get("rcn"), row.get("programme_part")
    if rcn and part:
        state.parts[f"rcn-{rcn}"].append(part)
        state.part_sources[f"rcn-{rcn}"].append(src)


def _projects_row(state: State, row: CsvRow, file: str, src: str) -> None:
    number = _cell(state, row, file, "id")
    if number is None:
        state.report.anomaly("project-without-id", file, row.line, "no id: project skipped")
        return
    proj = state.projects.setdefault(
        f"ga-{number}",
        {
            "sources": [],
            "file": file,
            "line": row.line,
            "number": number,
            "official": True,
            "coordinators": [],
        },
    )
    proj["sources"].append(src)
    for name in (
        "acronym",
        "title",
        "startDate",
        "endDate",
        "totalCost",
        "ecMaxContribution",
        "frameworkProgramme",
        "fundingScheme",
        "objective",
    ):
        value = _cell(state, row, file, name)
        if value is not None:
            proj[name] = value
    proj["title_row"] = True


_READERS = {
    "participations": _participation_row,
    "organizations": _participation_row,
    "names": _names_row,
    "parts": _parts_row,
    "projects": _projects_row,
}
