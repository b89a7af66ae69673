"""CORDIS rows merged per entity → records (organisations, projects, grants, programmes).

The row readers (``cordis``) collect what the rows say per organisation (PIC) and project;
this module turns that into records once every file is read. References are full IRIs, so
that participations can be emitted in chunks while rows stream (see ``stream_cordis``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from triplehelix.data.importers.common import Collector, cordis_country
from triplehelix.data.importers.report import QualityReport
from triplehelix.data.iris import BASE
from triplehelix.data.models import Grant, Organisation, Participation, Programme, Project
from triplehelix.data.slug import slugify

__all__ = ["ACTIVITY_TYPES", "EC", "emit_entities", "emit_participations", "org_iri"]

ACTIVITY_TYPES = {
    "HES": "university",
    "REC": "research-organisation",
    "PRC": "company",
    "PUB": "government-body",
    "OTH": "other",
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
EC = "european-commission"


def org_iri(pic: str) -> str:
    """The IRI of the organisation with a PIC.

    >>> org_iri("999999999")
    'https://w3id.org/triplehelix/id/org/pic-999999999'
    """
    return f"{BASE}id/org/pic-{pic}"


def project_iri(key: str) -> str:
    """The IRI of a CORDIS project (``rcn-{rcn}`` or ``ga-{grant agreement}``)."""
    return f"{BASE}id/project/cordis-{key}"


@dataclass(slots=True)
class State:
    """What the rows say, merged per entity before it becomes records."""

    report: QualityReport
    orgs: dict[str, dict[str, Any]] = field(default_factory=dict)
    projects: dict[str, dict[str, Any]] = field(default_factory=dict)
    parts: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    part_sources: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    participations: list[dict[str, Any]] = field(default_factory=list)
    programmes: dict[str, dict[str, Any]] = field(default_factory=dict)
    about: list[str] = field(default_factory=list)
    seen: set[tuple[str, str, str]] = field(default_factory=set)


def emit_entities(col: Collector, state: State) -> None:
    """Organisations, projects, grants and programmes, once every row is read."""
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


def emit_participations(col: Collector, state: State) -> None:
    """The participations read since the last call (a duplicate row is reported)."""
    for p in state.participations:
        key = (p["agent"], p["activity"], p["role"])
        if key in state.seen:
            state.report.anomaly(
                "duplicate-participation",
                p["file"],
                p["line"],
                "the same organisation, project and role as an earlier row",
            )
            continue
        state.seen.add(key)
        _emit_participation(col, p)
    state.participations.clear()


def _emit_org(col: Collector, state: State, pic: str, org: dict[str, Any]) -> None:
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


def _programme(col: Collector, state: State, code: str, name: str, parent: str | None) -> str:
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


def _emit_project(col: Collector, state: State, key: str, proj: dict[str, Any]) -> None:
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
            "grant": f"{p['activity']}/grant" if money else None,
            "contributions": contributions,
            "sources": [p["source"]],
        },
        p["file"],
        p["line"],
    )
