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

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from triplehelix.data.importers.common import Collector, CsvRow, cordis_country, read_csv_rows
from triplehelix.data.importers.report import QualityReport
from triplehelix.data.iris import BASE, slugify
from triplehelix.data.loader import RecordSet
from triplehelix.data.models import Grant, Organisation, Participation, Programme, Project
from triplehelix.errors import InputError

__all__ = ["ACTIVITY_TYPES", "ROLES", "import_cordis"]

ACTIVITY_TYPES = {
    "HES": "university",
    "REC": "research-organisation",
    "PRC": "company",
    "PUB": "government-body",
    "OTH": "other",
}
ROLES = {
    "coordinator": "coordinator",
    "participant": "participant",
    "beneficiary": "participant",
    "partner": "partner",
    "associatedpartner": "associated-partner",
    "thirdparty": "third-party",
    "internationalpartner": "partner",
}
H2020_PARTS = {
    "ERC": "European Research Council",
    "FET": "Future and Emerging Technologies",
    "MSCA": "Marie Skłodowska-Curie Actions",
    "RI": "Research infrastructures",
    "LEIT": "Leadership in enabling and industrial technologies",
    "ARF": "Access to risk finance",
    "Innovation in SMEs": "Innovation in SMEs",
    "SC1": "Health, demographic change and wellbeing",
    "SC2": "Food security, sustainable agriculture, marine research and the bioeconomy",
    "SC3": "Secure, clean and efficient energy",
    "SC4": "Smart, green and integrated transport",
    "SC5": "Climate action, environment, resource efficiency and raw materials",
    "SC6": "Europe in a changing world: inclusive, innovative and reflective societies",
    "SC7": "Secure societies",
    "SEWP": "Spreading excellence and widening participation",
    "SWAFS": "Science with and for society",
    "Euratom": "Euratom",
}
FRAMEWORKS = {"H2020": "Horizon 2020", "FP7": "Seventh Framework Programme", "HE": "Horizon Europe"}
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


@dataclass(slots=True)
class _State:
    """What the rows say, merged per entity before it becomes records."""

    report: QualityReport
    orgs: dict[str, dict[str, Any]] = field(default_factory=dict)
    projects: dict[str, dict[str, Any]] = field(default_factory=dict)
    parts: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    part_sources: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    participations: list[dict[str, Any]] = field(default_factory=list)
    programmes: dict[str, dict[str, Any]] = field(default_factory=dict)
    about: list[str] = field(default_factory=list)


def import_cordis(paths: list[Path]) -> tuple[RecordSet, QualityReport]:
    """Read CORDIS files (or folders of them) into records and a quality report.

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
    col = Collector()
    state = _State(QualityReport("cordis"))
    files = []
    for path, explicit in _expand(paths):
        header, rows, sha = read_csv_rows(path)
        files.append((path, explicit, layout_of(header), header, rows, sha))
    # Projects and participations first: name and programme tables add to what they made.
    files.sort(key=lambda f: _ORDER.index(f[2]) if f[2] else len(_ORDER))
    for path, explicit, layout, header, rows, sha in files:
        if layout is None and not explicit:
            state.report.anomaly("skipped-file", path.name, None, "not a CORDIS layout: skipped")
            continue
        if layout is None:
            raise InputError(
                f"{path}: not a CORDIS file I know (header: {', '.join(header[:6])}…)",
                code="unknown-layout",
                hint="give project.csv, organization.csv, a participation table "
                "(rcn,role,pic,type…), an organisation name table (orgId;name…) or "
                "programme parts (rcn,programme_part)",
            )
        doc = _document(col, path, layout, sha, state)
        reader = _READERS[layout]
        for row in rows:
            state.report.rows[path.name] += 1
            src = col.source(doc, f"{doc}-row-{row.line}", path.name, row.line, f"row {row.line}")
            reader(state, row, path.name, src)
    _emit(col, state)
    rs = col.result()
    state.report.created.update(rs.counts())
    return rs, state.report


def _expand(paths: list[Path]) -> list[tuple[Path, bool]]:
    """Files to read, each with whether the user named it (else found in a folder)."""
    out: list[tuple[Path, bool]] = []
    for p in paths:
        if p.is_dir():
            out.extend(
                (x, False) for x in sorted(p.iterdir()) if x.suffix.lower() in (".csv", ".tsv")
            )
        elif p.exists():
            out.append((p, True))
        else:
            raise InputError(f"{p}: no such file or folder", code="no-such-file")
    return out


def _document(col: Collector, path: Path, layout: str, sha: str, state: _State) -> str:
    doc = f"cordis-{slugify(path.stem)}"
    title = f"{_LAYOUTS[layout][1]} ({path.name})"
    col.document(
        doc,
        path.name,
        sha,
        title={"en": title},
        publisher="European Commission, CORDIS",
        license=LICENCE,
        url="https://cordis.europa.eu/",
        description={"en": ATTRIBUTION},
        primary=True,
    )
    if not state.about:
        state.about.append(col.source(doc, f"{doc}-about", path.name, 1, "dataset description"))
    return doc


# -- row readers -----------------------------------------------------------------------------


def _cell(state: _State, row: CsvRow, file: str, *columns: str) -> str | None:
    """The first present column's value; a missing value is counted."""
    for c in columns:
        if c in row.cells:
            value = row.get(c)
            if value is None:
                state.report.missing_value(file, c)
            return value
    return None


def _participation_row(state: _State, row: CsvRow, file: str, src: str) -> None:
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
            "agent": f"pic-{pic}",
            "activity": project,
            "role": role,
            "money": money,
            "source": src,
            "file": file,
            "line": row.line,
        }
    )


def _org_facts(state: _State, row: CsvRow, file: str, src: str, pic: str) -> None:
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
    state: _State, row: CsvRow, file: str, src: str, key: str, number: str, official: bool
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


def _names_row(state: _State, row: CsvRow, file: str, src: str) -> None:
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


def _parts_row(state: _State, row: CsvRow, file: str, src: str) -> None:
    rcn, part = row.get("rcn"), row.get("programme_part")
    if rcn and part:
        state.parts[f"rcn-{rcn}"].append(part)
        state.part_sources[f"rcn-{rcn}"].append(src)


def _projects_row(state: _State, row: CsvRow, file: str, src: str) -> None:
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


# -- records --------------------------------------------------------------------------------


def _emit(col: Collector, state: _State) -> None:
    if not state.about:
        return
    col.add(
        Organisation,
        {
            "id": EC,
            "name": {"en": "European Commission"},
            "acronym": "EC",
            "types": ["government-body", "funding-body"],
            "country": "BE",
            "wikidata": "Q8880",
            "sources": state.about,
        },
        "cordis",
        1,
    )
    for pic, org in state.orgs.items():
        _emit_org(col, state, pic, org)
    for key, proj in state.projects.items():
        _emit_project(col, state, key, proj)
    for p in state.participations:
        _emit_participation(col, p)


def _emit_org(col: Collector, state: _State, pic: str, org: dict[str, Any]) -> None:
    file, line = org["file"], org["line"]
    act = org.get("type")
    org_type = ACTIVITY_TYPES.get(act or "")
    if org_type is None:
        state.report.anomaly(
            "unknown-activity-type", file, line, f"PIC {pic}: activity type {act!r}: typed 'other'"
        )
        org_type = "other"
    country = None
    if org.get("country"):
        country = cordis_country(org["country"])
        if country is None:
            state.report.anomaly(
                "unknown-country",
                file,
                line,
                f"PIC {pic}: CORDIS country {org['country']!r} has no ISO "
                "3166-1 code: country left out",
            )
    name = org.get("name")
    if name is None:
        state.report.anomaly(
            "organisation-without-name",
            file,
            line,
            f"PIC {pic} has no name in the imported files: labelled 'PIC {pic}'",
        )
    url = org.get("organizationURL")
    if url and not url.startswith(("http://", "https://")):
        url = "http://" + url
    col.add(
        Organisation,
        {
            "id": f"pic-{pic}",
            "iri": f"{BASE}id/org/pic-{pic}",
            "pic": pic,
            "name": {"en": name or f"PIC {pic}"},
            "acronym": org.get("shortName"),
            "types": [org_type],
            "country": country,
            "city": org.get("city"),
            "website": url,
            "sources": list(dict.fromkeys(org["sources"])),
        },
        file,
        line,
    )


def _programme(col: Collector, state: _State, code: str, name: str, parent: str | None) -> str:
    pid = f"{parent}-{slugify(code)}" if parent else slugify(code)
    if col.get(pid) is None:
        col.add(
            Programme,
            {
                "id": pid,
                "name": {"en": name},
                "acronym": code,
                "part_of": parent,
                "funders": [EC],
                "sources": state.about,
            },
            "cordis",
            1,
        )
    return pid


def _emit_project(col: Collector, state: _State, key: str, proj: dict[str, Any]) -> None:
    file, line, number = proj["file"], proj["line"], proj["number"]
    if len(proj["coordinators"]) > 1:
        state.report.anomaly(
            "two-coordinators",
            file,
            proj["coordinators"][1],
            f"project {number} has {len(proj['coordinators'])} coordinator rows "
            f"(lines {', '.join(map(str, proj['coordinators']))})",
        )
    fp = proj.get("frameworkProgramme", "H2020" if not proj["official"] else None)
    programme = _programme(col, state, fp, FRAMEWORKS.get(fp, fp), None) if fp else None
    parts = list(dict.fromkeys(state.parts.get(key, [])))
    if programme and len(parts) == 1:
        programme = _programme(col, state, parts[0], H2020_PARTS.get(parts[0], parts[0]), programme)
    elif len(parts) > 1:
        state.report.anomaly(
            "several-programme-parts",
            file,
            line,
            f"project {number} is in {len(parts)} programme parts "
            f"({', '.join(parts)}): filed under {fp}",
        )
    if programme and proj.get("fundingScheme"):
        scheme = proj["fundingScheme"]
        programme = _programme(col, state, scheme, f"{fp} funding scheme {scheme}", programme)
    sources = list(dict.fromkeys(proj["sources"] + state.part_sources.get(key, [])))
    title = proj.get("title") or f"CORDIS project {'rcn ' if key.startswith('rcn') else ''}{number}"
    iri = f"{BASE}id/project/cordis-{key}"
    start = proj.get("start_date") or proj.get("startDate")
    end = proj.get("end_date") or proj.get("endDate")
    total = proj.get("total_cost") or proj.get("totalCost")
    col.add(
        Project,
        {
            "id": key,
            "iri": iri,
            "name": {"en": title},
            "acronym": proj.get("acronym"),
            "programme": programme,
            "start": start,
            "end": end,
            "description": {"en": proj["objective"]} if proj.get("objective") else None,
            "total_cost": {"value": total, "currency": "EUR"} if total else None,
            "sources": sources,
        },
        file,
        line,
    )
    amount = proj.get("max_contribution") or proj.get("ecMaxContribution")
    col.add(
        Grant,
        {
            "id": f"grant-{key}",
            "iri": f"{iri}/grant",
            "funders": [EC],
            "projects": [key],
            "programme": programme,
            "start": start,
            "end": end,
            "number": number if proj["official"] else None,
            "amount": {"value": amount, "currency": "EUR"} if amount else None,
            "sources": sources,
        },
        file,
        line,
    )


def _emit_participation(col: Collector, p: dict[str, Any]) -> None:
    money = p["money"]
    contributions = (
        [{"type": "cash", "amount": {"value": money, "currency": "EUR"}}] if money else []
    )
    col.add(
        Participation,
        {
            "agent": p["agent"],
            "activity": p["activity"],
            "role": p["role"],
            "grant": f"grant-{p['activity']}" if money else None,
            "contributions": contributions,
            "sources": [p["source"]],
        },
        p["file"],
        p["line"],
    )
