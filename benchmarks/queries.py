"""Query benchmark: four typical questions on rdflib (baseline graph) vs our store, one process.

    .venv/bin/python benchmarks/queries.py --data /tmp/th-data/S-42 --rounds 3

Both engines are loaded from the same files into ONE process; every query runs once cold
and ``--rounds`` times warm, engines interleaved; the warm median is reported. The answers
are compared (row counts, and the totals of Q3) so that a fast wrong answer cannot pass.
Also times the co-participation NetworkX view (``coparticipation_graph``) on our store.
The query texts differ only where the two graphs differ (our amounts hang off contribution
nodes; the baseline puts them on the participation).
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import statistics
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

PREFIXES = """PREFIX th: <https://w3id.org/triplehelix/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX sdo: <https://schema.org/>
"""
PARTNERS = """SELECT (COUNT(DISTINCT ?partner) AS ?n) WHERE {
  ?o skos:prefLabel ?label . ?a th:agent ?o ; th:activity ?proj .
  ?b th:activity ?proj ; th:agent ?partner . FILTER(?partner != ?o) }"""
TOP_INDUSTRY = """SELECT ?o (COUNT(DISTINCT ?c) AS ?n) WHERE {
  ?a th:agent ?o ; th:activity ?proj . ?b th:activity ?proj ; th:agent ?c .
  ?c a th:Company . FILTER(?c != ?o) } GROUP BY ?o ORDER BY DESC(?n) ?o LIMIT 20"""
FUNDING_OURS = """SELECT ?country (SUM(?v) AS ?total) WHERE {
  ?o th:country ?country . ?p th:agent ?o ; th:contribution ?c .
  ?c sdo:amount ?m . ?m sdo:value ?v } GROUP BY ?country"""
FUNDING_BASE = """SELECT ?country (SUM(?v) AS ?total) WHERE {
  ?o th:country ?country . ?p th:agent ?o ; sdo:amount ?v } GROUP BY ?country"""
TWO_HOP = """SELECT DISTINCT ?x WHERE {
  ?o2 skos:prefLabel ?l2 . ?d th:agent ?o2 ; th:activity ?p2 .
  ?c th:activity ?p2 ; th:agent ?x . ?b th:agent ?x ; th:activity ?p1 .
  ?a th:activity ?p1 ; th:agent ?o1 . ?o1 skos:prefLabel ?l1 .
  FILTER(?x != ?o1 && ?x != ?o2) }"""


def hubs(data: Path) -> list[str]:
    """English labels of the busiest organisation and of a small one (2 participations)."""
    counts: Counter[str] = Counter()
    with (data / "participations.jsonl").open(encoding="utf-8") as f:
        for line in f:
            counts[json.loads(line)["agent"]] += 1
    labels = {}
    with (data / "organisations.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            labels[row["id"]] = row["name.en"]
    named = [org for org, _ in counts.most_common() if labels.get(org)]
    small = next(org for org in reversed(named) if counts[org] == 2)
    return [labels[named[0]], labels[small]]


def lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"@en'


def queries(data: Path) -> dict[str, tuple[str, str]]:
    one, two = (lit(h) for h in hubs(data))
    partners = PARTNERS.replace("?label", one)
    hop = TWO_HOP.replace("?l1", one).replace("?l2", two)
    return {
        "Q1 partners of the hub": (partners, partners),
        "Q2 top-20 by industry partners": (TOP_INDUSTRY, TOP_INDUSTRY),
        "Q3 funding per country": (FUNDING_BASE, FUNDING_OURS),
        "Q4 two-hop paths hub to small org": (hop, hop),
    }


def answer_rdflib(graph: Any, text: str) -> list[tuple[str, ...]]:
    return [tuple(str(v) for v in row) for row in graph.query(PREFIXES + text)]


def answer_ours(kg: Any, text: str) -> list[tuple[str, ...]]:
    rows = kg.select(PREFIXES + text)
    return [tuple(str(v) for v in row.values()) for row in rows]


def summary(rows: list[tuple[str, ...]], name: str) -> str:
    if name.startswith("Q3"):
        return f"{len(rows)} rows, total {sum(Decimal(r[1]) for r in rows):.0f}"
    if name.startswith("Q1"):
        return f"{rows[0][0]} partners"
    return f"{len(rows)} rows"


def measure(data: Path, rounds: int, slow: float) -> dict[str, Any]:
    sys.path.insert(0, str(Path(__file__).parent))
    from run import baseline_graph

    from triplehelix.data.loader import load_records
    from triplehelix.graph.store import bulk
    from triplehelix.graph.store.local import KnowledgeGraph
    from triplehelix.graph.views.network import coparticipation_graph

    base = baseline_graph(load_records([data]))
    kg = KnowledgeGraph()
    bulk.write(kg, bulk.prepare([data]))
    out: dict[str, Any] = {"queries": {}}
    for name, (base_text, our_text) in queries(data).items():
        engines = {
            "rdflib": lambda t=base_text: answer_rdflib(base, t),
            "ours": lambda t=our_text: answer_ours(kg, t),
        }
        times: dict[str, list[float]] = {e: [] for e in engines}
        answers: dict[str, str] = {}
        for _ in range(rounds + 1):  # round 0 is the cold run
            for engine, run in engines.items():
                if times[engine] and times[engine][0] > slow and len(times[engine]) > 1:
                    continue  # slow engine: a cold and a warm run are enough
                t0 = time.perf_counter()
                rows = run()
                times[engine].append(time.perf_counter() - t0)
                answers[engine] = summary(rows, name)
        result = {}
        for engine, ts in times.items():
            warm = ts[1:] or ts
            result[engine] = {
                "median_s": statistics.median(warm),
                "cold_s": ts[0],
                "warm_runs": len(ts) - 1,
                "answer": answers[engine],
            }
        result["speedup"] = result["rdflib"]["median_s"] / result["ours"]["median_s"]
        result["same_answer"] = answers["rdflib"] == answers["ours"]
        out["queries"][name] = result
    t0 = time.perf_counter()
    view = coparticipation_graph(kg)
    out["networkx"] = {
        "seconds": time.perf_counter() - t0,
        "nodes": view.number_of_nodes(),
        "edges": view.number_of_edges(),
    }
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--slow", type=float, default=30.0, help="seconds: fewer runs beyond")
    args = parser.parse_args()
    import warnings

    warnings.simplefilter("ignore")
    print(json.dumps(measure(args.data, args.rounds, args.slow)))


if __name__ == "__main__":
    main()
