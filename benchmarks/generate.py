"""Seeded generator of CORDIS-like records, written in triplehelix's own input formats.

    .venv/bin/python benchmarks/generate.py --scale M --out /tmp/th-M

Scales (organisations / projects / participations): S 1k / 500 / ~5k, M 20k / 10k /
~100k, L 100k / 50k / ~500k, plus 60 programmes. Writes ``organisations.csv`` (names
in English, German, French, Russian/Kazakh in Cyrillic — some organisations have only a
Cyrillic name), ``programmes.jsonl``, ``projects.jsonl`` and ``participations.jsonl``
(role, EC contribution in EUR). Activity is heavy-tailed: a few hub organisations
(mostly universities and research organisations) are in hundreds of projects; project
size is log-normal (mean ≈ 10, cap 80), one coordinator per project. The same seed and
scale give byte-identical files.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import itertools
import json
import math
import random
from pathlib import Path
from typing import Any

SCALES = {"S": (1_000, 500), "M": (20_000, 10_000), "L": (100_000, 50_000)}
PROGRAMMES = 60
TYPES = [  # (type, share)
    ("company", 0.45),
    ("research-organisation", 0.15),
    ("university", 0.14),
    ("government-body", 0.12),
    ("development-agency", 0.06),
    ("technology-transfer-centre", 0.05),
    ("funding-body", 0.03),
]
COUNTRIES = [
    "DE",
    "FR",
    "IT",
    "ES",
    "NL",
    "BE",
    "AT",
    "PL",
    "CZ",
    "SE",
    "FI",
    "DK",
    "PT",
    "IE",
    "GR",
    "HU",
    "RO",
    "BG",
    "SK",
    "SI",
    "HR",
    "LT",
    "LV",
    "EE",
    "NO",
    "CH",
    "GB",
    "KZ",
    "KG",
    "TJ",
    "UZ",
    "UA",
    "GE",
    "AM",
    "TR",
]
CYRILLIC_COUNTRIES = {"KZ", "KG", "TJ", "UZ", "UA"}
STEMS = [
    "Laca",
    "Vireo",
    "Nord",
    "Quanta",
    "Helio",
    "Arkt",
    "Tessa",
    "Omni",
    "Lumen",
    "Cardo",
    "Felix",
    "Astra",
    "Borea",
    "Cora",
]
WORDS = {
    "university": ("University of {c}", "Universität {c}", "Université de {c}", "Университет {c}"),
    "research-organisation": (
        "{c} Institute for Applied Research",
        "{c}-Institut für Forschung",
        "Institut de recherche {c}",
        "Научный институт {c}",
    ),
    "company": ("{c} Technologies", "{c} GmbH", "{c} SA", "ТОО «{c}»"),
}
DEFAULT_WORDS = ("{c} Agency", "{c} Agentur", "Agence {c}", "Агентство {c}")
CYRILLIC = str.maketrans("aeiouklmnrstvcpbdfghz", "аеиоуклмнрствцпбдфгхз")


def _name(rng: random.Random, org_type: str, country: str, i: int) -> dict[str, str]:
    core = f"{rng.choice(STEMS)}{rng.choice(STEMS).lower()} {i}"
    en, de, fr, ru = WORDS.get(org_type, DEFAULT_WORDS)
    if country in CYRILLIC_COUNTRIES:
        names = {"ru": ru.format(c=core.lower().translate(CYRILLIC).capitalize())}
        if rng.random() < 0.6:  # the others have only their Cyrillic name
            names["en"] = en.format(c=core)
        return names
    if country in ("DE", "AT", "CH"):
        return {"de": de.format(c=core), "en": en.format(c=core)}
    if country in ("FR", "BE"):
        return {"fr": fr.format(c=core)}
    return {"en": en.format(c=core)}


def organisations(rng: random.Random, n: int) -> list[dict[str, Any]]:
    types, shares = zip(*TYPES, strict=True)
    out = []
    for i in range(n):
        org_type = rng.choices(types, shares)[0]
        country = COUNTRIES[min(int(rng.expovariate(0.12)), len(COUNTRIES) - 1)]
        out.append(
            {
                "id": f"org{i}",
                "name": _name(rng, org_type, country, i),
                "types": org_type,
                "country": country,
                "city": f"City {rng.randrange(500)}",
            }
        )
    return out


def _weights(rng: random.Random, orgs: list[dict[str, Any]]) -> list[float]:
    """Heavy-tailed activity: Pareto, boosted for universities and research organisations."""
    boost = {"university": 6.0, "research-organisation": 4.0}
    return [rng.paretovariate(1.3) * boost.get(o["types"], 1.0) for o in orgs]


def write(out: Path, scale: str, seed: int = 42) -> dict[str, int]:
    """Write the four files of one scale; returns the number of records per file."""
    rng = random.Random(seed)
    n_orgs, n_projects = SCALES[scale]
    out.mkdir(parents=True, exist_ok=True)
    orgs = organisations(rng, n_orgs)
    columns = ["id", "name.en", "name.de", "name.fr", "name.ru", "types", "country", "city"]
    with (out / "organisations.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(columns)
        for o in orgs:
            w.writerow(
                [
                    o["id"],
                    *(o["name"].get(x, "") for x in ("en", "de", "fr", "ru")),
                    o["types"],
                    o["country"],
                    o["city"],
                ]
            )
    programmes = [
        {
            "kind": "programme",
            "id": f"prog{k}",
            "name": {"en": f"Programme {k}"},
            "acronym": f"PRG{k}",
            "start": str(2000 + k % 20),
        }
        for k in range(PROGRAMMES)
    ]
    _jsonl(out / "programmes.jsonl", programmes)
    cumulative = list(itertools.accumulate(_weights(rng, orgs)))
    projects, participations = [], []
    for j in range(n_projects):
        start = rng.randint(2008, 2024)
        projects.append(
            {
                "kind": "project",
                "id": f"proj{j}",
                "acronym": f"PX{j}",
                "name": {"en": f"Project {j} on {rng.choice(STEMS)} systems"},
                "programme": f"prog{rng.randrange(PROGRAMMES)}",
                "start": f"{start}-{rng.randint(1, 12):02d}-01",
                "end": f"{start + rng.randint(1, 5)}",
            }
        )
        size = min(80, max(1, round(rng.lognormvariate(math.log(10) - 0.32, 0.8))))
        members: list[int] = []
        seen: set[int] = set()
        while len(members) < min(size, n_orgs):
            k = bisect.bisect(cumulative, rng.random() * cumulative[-1])
            if k not in seen:
                seen.add(k)
                members.append(k)
        budget = rng.randint(200, 8000) * 1000
        for n, k in enumerate(members):
            share = budget * (0.3 if n == 0 else 0.7 / max(1, len(members) - 1))
            participations.append(
                {
                    "kind": "participation",
                    "agent": f"org{k}",
                    "activity": f"proj{j}",
                    "role": "coordinator" if n == 0 else "partner",
                    "contributions": [
                        {"type": "cash", "amount": {"value": f"{share:.2f}", "currency": "EUR"}}
                    ],
                }
            )
    _jsonl(out / "projects.jsonl", projects)
    _jsonl(out / "participations.jsonl", participations)
    return {
        "organisations": len(orgs),
        "programmes": len(programmes),
        "projects": len(projects),
        "participations": len(participations),
    }


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="S")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    counts = write(args.out, args.scale, args.seed)
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
