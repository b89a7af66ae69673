"""A small seeded generator of synthetic records (organisations, projects, participations).

Used by the map and analytics benchmarks for graphs of a chosen size; the CORDIS-like
scale generator with realistic names and skew is ``generate.py``.
"""

from __future__ import annotations

import random
from typing import Any


def records(n_orgs: int, n_projects: int, seed: int = 42) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    types = ["university", "company", "research-organisation", "government-body"]
    countries = ["KZ", "TJ", "UZ", "KG", "DE", "FR", "PL"]
    out: list[dict[str, Any]] = []
    for i in range(n_orgs):
        out.append(
            {
                "kind": "organisation",
                "id": f"o{i}",
                "types": [rng.choice(types)],
                "name": {"en": f"Organisation {i}", "ru": f"Организация {i}"},
                "country": rng.choice(countries),
            }
        )
    for j in range(n_projects):
        start = rng.randint(2014, 2024)
        out.append(
            {
                "kind": "project",
                "id": f"p{j}",
                "name": {"en": f"Project {j}"},
                "start": str(start),
                "end": str(start + rng.randint(0, 4)),
            }
        )
        members = {min(int(rng.paretovariate(1.2)) - 1, n_orgs - 1) for _ in range(2)}
        members |= {rng.randrange(n_orgs) for _ in range(rng.randint(1, 8))}
        for k, org in enumerate(sorted(members)):
            out.append(
                {
                    "kind": "participation",
                    "agent": f"o{org}",
                    "activity": f"p{j}",
                    "role": "coordinator" if k == 0 else "partner",
                }
            )
    return out
