"""Leydesdorff's Triple Helix indicator: mutual information in three dimensions, T(UIG).

Every project is an observation of three binary variables: does an academic (U), an
industrial (I), a government (G) organisation take part? Projects with none of the three
are left out. From the counts of projects by the spheres taking part (U, I, G only; UI,
UG, IG; UIG) come the Shannon entropies in bits, and

    T(UIG) = H_U + H_I + H_G − H_UI − H_UG − H_IG + H_UIG
    T(XY)  = H_X + H_Y − H_XY

(Leydesdorff 2003, Scientometrics 58: 445–467; Leydesdorff, Park & Lengyel 2014).
T(XY) ≥ 0 measures how much two spheres co-occur beyond chance; a negative T(UIG) is
synergy: the three-way configuration reduces uncertainty more than the pairs do
(redundancy = −T(UIG)).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from triplehelix.graph.analytics.report import Report, Table, rounded

__all__ = ["CELLS", "SphereCounts", "synergy", "triple_helix_t"]

SPHERES = {"academia": "U", "industry": "I", "government": "G"}
CELLS = ("U", "I", "G", "UI", "UG", "IG", "UIG")


@dataclass(frozen=True, slots=True)
class SphereCounts:
    """Projects by the exact set of spheres taking part (``UI``: U and I, no G)."""

    counts: dict[str, int]

    @classmethod
    def of(cls, projects: Iterable[Iterable[str]]) -> SphereCounts:
        """Count projects from the helix spheres of their participants.

        >>> SphereCounts.of([["academia", "industry"], ["industry"], ["funder"]]).counts
        {'U': 0, 'I': 1, 'G': 0, 'UI': 1, 'UG': 0, 'IG': 0, 'UIG': 0}
        """
        counts = Counter(_cell(spheres) for spheres in projects)
        return cls({c: counts[c] for c in CELLS})

    @property
    def n(self) -> int:
        """Projects with at least one of U, I, G."""
        return sum(self.counts.values())


def _cell(spheres: Iterable[str]) -> str:
    letters = {SPHERES[s] for s in spheres if s in SPHERES}
    return "".join(x for x in "UIG" if x in letters)


def _entropy(counts: Counter[Any], n: int) -> float:
    return -sum(c / n * math.log2(c / n) for c in counts.values() if c)


def triple_helix_t(counts: SphereCounts) -> dict[str, float]:
    """Entropies and mutual information in bits from the seven project counts.

    Keys: ``H_U``, ``H_I``, ``H_G``, ``H_UI``, ``H_UG``, ``H_IG``, ``H_UIG``, ``T_UI``,
    ``T_UG``, ``T_IG``, ``T_UIG``. All NaN without projects.

    >>> t = triple_helix_t(SphereCounts({"U": 1, "I": 1, "G": 1, "UI": 0, "UG": 0,
    ...                                  "IG": 0, "UIG": 1}))
    >>> round(t["T_UIG"], 6)
    -1.0
    """
    n = counts.n
    if n == 0:
        keys = ("H_U", "H_I", "H_G", "H_UI", "H_UG", "H_IG", "H_UIG")
        return dict.fromkeys((*keys, "T_UI", "T_UG", "T_IG", "T_UIG"), float("nan"))
    h: dict[str, float] = {}
    for dims in ("U", "I", "G", "UI", "UG", "IG", "UIG"):
        marginal: Counter[tuple[bool, ...]] = Counter()
        for cell, c in counts.counts.items():
            marginal[tuple(d in cell for d in dims)] += c
        h[f"H_{dims}"] = _entropy(marginal, n)
    out = dict(h)
    for x, y in (("U", "I"), ("U", "G"), ("I", "G")):
        out[f"T_{x}{y}"] = h[f"H_{x}"] + h[f"H_{y}"] - h[f"H_{x}{y}"]
    out["T_UIG"] = h["H_U"] + h["H_I"] + h["H_G"] - h["H_UI"] - h["H_UG"] - h["H_IG"] + h["H_UIG"]
    return out


def synergy(projects: dict[str, tuple[list[str], Any]], *, by_year: bool = False) -> Report:
    """The Triple Helix indicator of a set of projects.

    Args:
        projects: project → (helix spheres of its participants, start year or "").
        by_year: one row per start year as well (projects without a year are left out).

    >>> r = synergy({"p": (["academia", "industry"], 2020), "q": (["government"], 2021)})
    >>> r.table("counts").rows
    [[0, 0, 1, 1, 0, 0, 0, 2]]
    """
    counts = SphereCounts.of(spheres for spheres, _ in projects.values())
    t = triple_helix_t(counts)
    tables = [
        Table(
            "counts",
            "Projects by participating spheres",
            [*CELLS, "N"],
            [[*counts.counts.values(), counts.n]],
        ),
        Table(
            "entropies",
            "Entropies and mutual information (bits)",
            ["measure", "bits"],
            [[k, rounded(v)] for k, v in t.items()] + [["redundancy", rounded(-t["T_UIG"])]],
        ),
    ]
    if by_year:
        years: dict[int, list[list[str]]] = {}
        for spheres, year in projects.values():
            if isinstance(year, int):
                years.setdefault(year, []).append(spheres)
        rows = []
        for year in sorted(years):
            yc = SphereCounts.of(years[year])
            yt = triple_helix_t(yc)
            rows.append([year, yc.n, *(rounded(yt[k]) for k in ("T_UI", "T_UG", "T_IG", "T_UIG"))])
        tables.append(
            Table(
                "by_year",
                "T by project start year",
                ["year", "N", "T_UI", "T_UG", "T_IG", "T_UIG"],
                rows,
            )
        )
    return Report(tables, ["U = academia, I = industry, G = government (primary helix sphere)"])
