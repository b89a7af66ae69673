"""A seeded medium world for the query tests, and the expected answers in plain Python.

Every ``expect_*`` function works on the validated input records (``RecordSet.records``)
only, by labels and record fields: no SPARQL, no IRIs minted by the program.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from triplehelix import (
    Event,
    Grant,
    Idea,
    Organisation,
    Participation,
    Person,
    Programme,
    Project,
    RecordSet,
    SourceRecord,
)

# Helix sphere of each organisation type, as the ontology states it (read by hand).
SPHERE = {
    "university": "academia",
    "research-organisation": "academia",
    "company": "industry",
    "government-body": "government",
    "development-agency": "intermediary",
    "technology-transfer-centre": "intermediary",
    "funding-body": "funder",
}
EXCLUDED = {"funder", "implementer"}
ROLES = ["coordinator", "partner", "industry-partner", "associated-partner", "funder"]
ROLES += ["implementer", "participant"]
SECTORS = ["food-industry", "agriculture", "logistics", "construction", "eco-products"]
CURRENCIES = ["EUR", "USD", "KZT"]
# Country codes: alpha-2 → alpha-3, by hand for the ones used here.
ALPHA3 = {"KZ": "KAZ", "TJ": "TJK", "UZ": "UZB", "DE": "DEU", "FR": "FRA", "KG": "KGZ"}


def medium_records(seed: int = 7, scale: int = 1) -> list[dict[str, Any]]:
    """About 2,600 records × scale: organisations of every sphere, projects, events, grants…"""
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    n_orgs, n_projects, n_events = 300 * scale, 320 * scale, 40 * scale
    types = list(SPHERE)
    for i in range(n_orgs):
        kinds = [types[i % len(types)]] + ([rng.choice(types)] if i % 11 == 0 else [])
        out.append(
            {
                "kind": "organisation",
                "id": f"o{i}",
                "name": {"en": f"Organisation {i}", "ru": f"Организация {i}"},
                "types": sorted(set(kinds)),
                "country": rng.choice(list(ALPHA3)),
            }
        )
    funders = [f"o{i}" for i in range(n_orgs) if SPHERE[types[i % len(types)]] == "funder"]
    for k in range(4):
        out.append(
            {
                "kind": "programme",
                "id": f"prog{k}",
                "name": {"en": f"Programme {k}"},
                "acronym": f"PRG{k}",
                "funders": [funders[k]],
            }
        )
    for j in range(n_projects):
        start = rng.randint(2015, 2024)
        project: dict[str, Any] = {
            "kind": "project",
            "id": f"p{j}",
            "name": {"en": f"Project {j}"},
            "sectors": rng.sample(SECTORS, rng.randint(0, 2)),
        }
        if j % 7:
            project["start"], project["end"] = str(start), str(start + rng.randint(0, 4))
        if j % 3:
            project["programme"] = f"prog{j % 4}"
        out.append(project)
    for e in range(n_events):
        out.append(
            {
                "kind": "event",
                "id": f"e{e}",
                "name": {"en": f"Event {e}"},
                "start": f"20{15 + e % 10}-0{1 + e % 9}-1{e % 10}",
                "sectors": rng.sample(SECTORS, rng.randint(0, 2)),
            }
        )
    activities = [f"p{j}" for j in range(n_projects)] + [f"e{e}" for e in range(n_events)]
    for act in activities:
        members = rng.sample(range(n_orgs), rng.randint(1, 6))
        if rng.random() < 0.3:  # hubs: a few organisations take part very often
            members.append(rng.randint(0, 9))
        seen: set[tuple[int, str]] = set()
        for m in members:
            role = rng.choice(ROLES)
            if (m, role) in seen:
                continue
            seen.add((m, role))
            part: dict[str, Any] = {"kind": "participation", "agent": f"o{m}", "activity": act}
            part["role"] = role
            if rng.random() < 0.3:
                part["contributions"] = [
                    {
                        "type": rng.choice(["cash", "in-kind", "equipment"]),
                        "amount": {
                            "value": f"{rng.randint(1, 900)}000.{rng.randint(0, 99):02d}",
                            "currency": rng.choice(CURRENCIES),
                        },
                    }
                    for _ in range(rng.randint(1, 2))
                ]
            out.append(part)
    for g in range(160 * scale):
        grant: dict[str, Any] = {
            "kind": "grant",
            "id": f"g{g}",
            "name": {"en": f"Grant {g}"},
            "funders": rng.sample(funders, rng.randint(0, 2)),
            "projects": [f"p{rng.randrange(n_projects)}"],
        }
        if g % 5:
            grant["amount"] = {
                "value": f"{rng.randint(10, 5000)}00.{rng.randint(0, 99):02d}",
                "currency": rng.choice(CURRENCIES),
            }
        if g % 4:
            grant["programme"] = f"prog{g % 4}"
        out.append(grant)
    for c in range(5):
        out.append(
            {"kind": "cluster", "id": f"c{c}", "name": {"en": f"Cluster {c}"}, "workshop": "e0"}
        )
    for n in range(400 * scale):
        idea: dict[str, Any] = {
            "kind": "idea",
            "text": {"en": f"Idea number {n}"},
            "horizon": rng.choice([2025, 2030, 2035, 2040, 2045, 2050]),
            "clusters": [f"c{c}" for c in rng.sample(range(5), rng.randint(0, 2))],
            "workshop": rng.choice(["e0", "e1"]),
        }
        out.append(idea)
    return out


def write_medium(folder: Path) -> Path:
    target = folder / "medium.jsonl"
    lines = (json.dumps(r, ensure_ascii=False) + "\n" for r in medium_records())
    target.write_text("".join(lines), encoding="utf-8")
    return target


# -- expected answers ----------------------------------------------------------------------


class World:
    """Index of a record set for the expectations."""

    def __init__(self, rs: RecordSet) -> None:
        self.rs = rs
        self.by_id: dict[str, Any] = {}
        for rec in rs.records:
            if getattr(rec, "id", None):
                self.by_id.setdefault(rec.id, rec)
        self.parts = [r for r in rs.records if isinstance(r, Participation)]
        self.orgs = [r for r in rs.records if isinstance(r, Organisation)]

    def label(self, ref: str | None) -> str | None:
        if ref is None:
            return None
        rec = self.by_id[ref]
        if isinstance(rec, Person):
            return rec.name
        return rec.name.get("en")

    def org_id(self, label: str) -> str:
        return next(o.id for o in self.orgs if o.name.get("en") == label or o.acronym == label)

    def is_org(self, ref: str) -> bool:
        return isinstance(self.by_id.get(ref), Organisation)

    def spheres(self, ref: str) -> set[str]:
        rec = self.by_id.get(ref)
        return {SPHERE[t] for t in rec.types} if isinstance(rec, Organisation) else set()

    def kind(self, ref: str) -> str | None:
        rec = self.by_id.get(ref)
        return (
            "Project" if isinstance(rec, Project) else "Event" if isinstance(rec, Event) else None
        )

    def activities_of(self, org: str, *, partner_roles: bool = True) -> set[str]:
        return {
            p.activity
            for p in self.parts
            if p.agent == org and (not partner_roles or p.role not in EXCLUDED)
        }

    def project_partners(self, org: str) -> set[str]:
        """Organisations sharing a project with org, both in partner roles."""
        projects = {a for a in self.activities_of(org) if self.kind(a) == "Project"}
        return {
            p.agent
            for p in self.parts
            if p.activity in projects
            and p.role not in EXCLUDED
            and p.agent != org
            and self.is_org(p.agent)
        }


def year(value: str | None) -> int | None:
    return int(value[:4]) if value else None


def expect_portfolio(w: World, org: str, lo: int | None = None, hi: int | None = None) -> Counter:
    rows: Counter[tuple[Any, ...]] = Counter()
    for p in w.parts:
        kind = w.kind(p.activity)
        if p.agent != org or kind is None:
            continue
        act = w.by_id[p.activity]
        sy, ey = year(act.start), year(act.end)
        if lo is not None and (ey or sy or 9999) < lo:
            continue
        if hi is not None and (sy or 0) > hi:
            continue
        rows[(w.label(p.activity), kind, p.role, sy, ey)] += 1
    return rows


def expect_partners(w: World, org: str) -> dict[str, int]:
    mine = w.activities_of(org)
    shared: dict[str, set[str]] = defaultdict(set)
    for p in w.parts:
        if p.activity in mine and p.agent != org and p.role not in EXCLUDED:
            shared[w.label(p.agent) or ""].add(p.activity)
    return {k: len(v) for k, v in shared.items()}


def expect_consortium(w: World, project: str) -> set[tuple[Any, ...]]:
    rows = set()
    for p in w.parts:
        if p.activity != project:
            continue
        rec = w.by_id[p.agent]
        country = ALPHA3.get(rec.country) if getattr(rec, "country", None) else None
        amounts = [c.amount for c in p.contributions if c.amount is not None]
        total = sum((a.value for a in amounts), Decimal(0)) if amounts else None
        currencies = frozenset(a.currency for a in amounts) if amounts else None
        spheres = frozenset(w.spheres(p.agent))
        rows.add((w.label(p.agent), p.role, country, spheres, total, currencies))
    return rows


def expect_edges(w: World, keep: Iterable[str] | None = None) -> dict[frozenset[str], int]:
    projects = [r for r in w.rs.records if isinstance(r, Project)]
    allowed = set(keep) if keep is not None else {p.id for p in projects}
    members: dict[str, set[str]] = defaultdict(set)
    for p in w.parts:
        if p.activity in allowed and p.role not in EXCLUDED and w.is_org(p.agent):
            members[p.activity].add(p.agent)
    edges: Counter[frozenset[str]] = Counter()
    for orgs in members.values():
        for a in orgs:
            for b in orgs:
                if a < b:
                    edges[frozenset({w.label(a) or "", w.label(b) or ""})] += 1
    return dict(edges)


def expect_triple_helix(w: World) -> dict[str, tuple[int, int, int]]:
    out = {}
    for project in (r for r in w.rs.records if isinstance(r, Project)):
        agents = {p.agent for p in w.parts if p.activity == project.id}
        counts = tuple(
            sum(1 for a in agents if sphere in w.spheres(a))
            for sphere in ("academia", "industry", "government")
        )
        if all(counts):
            out[project.name["en"]] = counts
    return out


def expect_funding(w: World) -> dict[tuple[Any, ...], tuple[int, Decimal]]:
    out: dict[tuple[Any, ...], tuple[int, Decimal]] = {}
    for g in (r for r in w.rs.records if isinstance(r, Grant)):
        if g.amount is None:
            continue
        for f in g.funders or [None]:
            key = (w.label(f), w.label(g.programme), g.amount.currency)
            n, total = out.get(key, (0, Decimal(0)))
            out[key] = (n + 1, total + g.amount.value)
    return out


def expect_industry(w: World, university: str) -> Counter:
    rows: Counter[tuple[Any, ...]] = Counter()
    for pu in (p for p in w.parts if p.agent == university):
        for pc in w.parts:
            rec = w.by_id[pc.agent]
            if pc.activity != pu.activity or pc.agent == university:
                continue
            if isinstance(rec, Organisation) and "company" in rec.types:
                rows[(rec.name["en"], w.label(pc.activity), pc.role, pu.role)] += 1
    return rows


def expect_landscape(w: World, country: str | None = None) -> dict[tuple[str, str], tuple]:
    cells: dict[tuple[str, str], tuple[set[str], set[str], set[str]]] = {}
    for p in w.parts:
        act = w.by_id[p.activity]
        org = w.by_id[p.agent]
        if not isinstance(org, Organisation) or not isinstance(act, Project | Event):
            continue
        if country is not None and org.country != country:
            continue
        for sector in act.sectors:
            for sphere in w.spheres(p.agent):
                projects, events, agents = cells.setdefault((sector, sphere), (set(), set(), set()))
                (projects if isinstance(act, Project) else events).add(act.id)
                agents.add(org.id)
    return {k: (len(a), len(b), len(c)) for k, (a, b, c) in cells.items()}


def expect_suggestions(w: World, org: str) -> dict[str, int]:
    mine = w.project_partners(org)
    via: Counter[str] = Counter()
    for partner in mine:
        for candidate in w.project_partners(partner):
            if candidate != org and candidate not in mine:
                via[w.label(candidate) or ""] += 1
    return dict(via)


def expect_foresight(w: World, workshop: str | None = None) -> dict[tuple[int, Any], int]:
    cells: Counter[tuple[int, Any]] = Counter()
    for idea in (r for r in w.rs.records if isinstance(r, Idea)):
        if workshop is not None and idea.workshop != workshop:
            continue
        for cluster in idea.clusters or [None]:
            cells[(idea.horizon, w.label(cluster))] += 1
    return dict(cells)


def expect_provenance_locators(w: World, ref: str) -> set[str]:
    rec = w.by_id[ref]
    if rec.sources:
        return {w.by_id[s].locator for s in rec.sources if isinstance(w.by_id[s], SourceRecord)}
    where = w.rs.where[w.rs.records.index(rec)]
    return {f"line {where.line}"}


def programmes(w: World) -> list[Programme]:
    return [r for r in w.rs.records if isinstance(r, Programme)]
