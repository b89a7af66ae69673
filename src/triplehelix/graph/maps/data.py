"""What a partnership map shows beyond the NetworkX view: tooltips and in-page filters.

One SPARQL SELECT per aspect over the whole store (the default graph is the union of all
named graphs), gathered per node in Python: names in every language, types, sectors (the
node's own and those of the activities it took part in), participations (activity, role,
years), funding (grants awarded or funded, contribution amounts), provenance (the source
records that state the node: locator, document title, text) and coordinates, if any.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from triplehelix.graph.store.protocol import Store

__all__ = ["Details", "node_details"]

NAMES = """
SELECT ?node ?name ?lang WHERE {
  ?node skos:prefLabel|skos:altLabel ?name . ?node prov:wasDerivedFrom ?src .
  BIND(LANG(?name) AS ?lang)
}
"""
TYPES = """
SELECT DISTINCT ?node ?label WHERE {
  ?node a ?t . ?node prov:wasDerivedFrom ?src . ?t rdfs:label ?label .
  FILTER(LANGMATCHES(LANG(?label), "en"))
  FILTER(?t NOT IN (th:Organization, th:Participation, th:Contribution))
}
"""
SECTORS = """
SELECT DISTINCT ?node ?sector ?label WHERE {
  { ?node th:sector ?sector }
  UNION { ?p th:agent ?node ; th:activity ?a . ?a th:sector ?sector }
  OPTIONAL { ?sector skos:prefLabel ?label FILTER(LANGMATCHES(LANG(?label), "en")) }
}
"""
PARTICIPATIONS = """
SELECT DISTINCT ?agent ?activity ?role ?sy ?ey WHERE {
  ?p a th:Participation ; th:agent ?agent ; th:activity ?activity ; th:role ?r .
  BIND(STRAFTER(STR(?r), "/role/") AS ?role)
  OPTIONAL { ?p th:startYear ?psy } OPTIONAL { ?p th:endYear ?pey }
  OPTIONAL { ?activity th:startYear ?asy } OPTIONAL { ?activity th:endYear ?aey }
  BIND(COALESCE(?psy, ?asy) AS ?sy) BIND(COALESCE(?pey, ?aey, ?sy) AS ?ey)
}
"""
# Each BIND closes its branch: a BIND before a branch's patterns splits it in two groups
# that Oxigraph joins as a cross product (212 s on the CORDIS sample, issue 14).
FUNDING = """
SELECT DISTINCT ?node ?how ?what ?value ?currency WHERE {
  { ?what th:awardee ?node
    OPTIONAL { ?what schema:amount ?g . ?g schema:value ?value ; schema:currency ?currency }
    BIND("awarded" AS ?how) }
  UNION
  { ?what schema:funder ?node
    OPTIONAL { ?what schema:amount ?f . ?f schema:value ?value ; schema:currency ?currency }
    BIND("funds" AS ?how) }
  UNION
  { ?p th:agent ?node ; th:contribution ?c ; th:activity ?what .
    ?c schema:amount ?m . ?m schema:value ?value ; schema:currency ?currency
    BIND("contributes to" AS ?how) }
}
"""
SOURCES = """
SELECT DISTINCT ?node ?record ?locator ?title ?text WHERE {
  ?node prov:wasDerivedFrom ?record .
  FILTER NOT EXISTS { ?node a th:SourceRecord }
  OPTIONAL { ?record th:locator ?locator }
  OPTIONAL { ?record dcterms:isPartOf ?doc . ?doc dcterms:title ?title }
  OPTIONAL { ?record schema:text ?text }
}
"""
COORDS = """
SELECT ?node (SAMPLE(?la) AS ?lat) (SAMPLE(?lo) AS ?lon) WHERE {
  { ?node schema:latitude ?la ; schema:longitude ?lo }
  UNION { ?node schema:geo ?g . ?g schema:latitude ?la ; schema:longitude ?lo }
} GROUP BY ?node
"""
TEXT_LIMIT = 240


@dataclass(slots=True)
class Details:
    """Per-node map data (every field keyed by node IRI)."""

    names: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    types: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    sectors: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))
    roles: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    activities: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    funding: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    amounts: dict[str, dict[str, Decimal]] = field(default_factory=lambda: defaultdict(dict))
    sources: dict[str, list[dict[str, str]]] = field(default_factory=lambda: defaultdict(list))
    coords: dict[str, tuple[float, float]] = field(default_factory=dict)


def node_details(kg: Store, labels: dict[str, str]) -> Details:
    """Everything the map's tooltips and filters need, for every node in the store.

    Args:
        kg: the knowledge graph.
        labels: display label of each node (``node_table``), for naming activities.

    >>> from triplehelix.graph.store.local import KnowledgeGraph
    >>> from triplehelix.graph.views.network import node_table
    >>> kg = KnowledgeGraph.seed()
    >>> d = node_details(kg, {k: v["label"] for k, v in node_table(kg).items()})
    >>> ektu = next(n for n in d.names if n.endswith("east-kazakhstan-technical-university-kz"))
    >>> "EKTU" in d.names[ektu] and bool(d.sources[ektu]) and bool(d.activities[ektu])
    True
    """
    d = Details()
    for row in kg.select(NAMES):
        text = f"{row['name']} ({row['lang']})" if row["lang"] else str(row["name"])
        if text not in d.names[row["node"]]:
            d.names[row["node"]].append(text)
    for row in kg.select(TYPES):
        d.types[row["node"]].append(str(row["label"]))
    for row in kg.select(SECTORS):
        key = str(row["sector"]).rsplit("/", 1)[-1]
        d.sectors[row["node"]][key] = str(row["label"] or key)
    _participations(kg, d, labels)
    _funding(kg, d, labels)
    for row in kg.select(SOURCES):
        text = str(row["text"] or "")
        if len(text) > TEXT_LIMIT:
            text = text[:TEXT_LIMIT].rsplit(" ", 1)[0] + " …"
        d.sources[row["node"]].append(
            {
                "record": str(row["record"]),
                "locator": str(row["locator"] or ""),
                "document": str(row["title"] or ""),
                "text": text,
            }
        )
    for row in kg.select(COORDS):
        try:
            d.coords[row["node"]] = (float(row["lat"]), float(row["lon"]))
        except (TypeError, ValueError):
            continue
    return d


def _participations(kg: Store, d: Details, labels: dict[str, str]) -> None:
    for row in kg.select(PARTICIPATIONS):
        agent, activity, role = row["agent"], row["activity"], str(row["role"])
        years = _years(row["sy"], row["ey"])
        d.roles[agent].add(role)
        d.activities[agent].append(
            {"name": labels.get(activity, activity), "role": role, "years": years}
        )
        d.activities[activity].append(
            {"name": labels.get(agent, agent), "role": role, "years": years}
        )


def _funding(kg: Store, d: Details, labels: dict[str, str]) -> None:
    for row in kg.select(FUNDING):
        node, what = row["node"], labels.get(row["what"], row["what"])
        money = ""
        if row["value"] is not None and row["currency"]:
            value, currency = Decimal(str(row["value"])), str(row["currency"])
            money = f" ({value:,.0f} {currency})"
            d.amounts[node][currency] = d.amounts[node].get(currency, Decimal(0)) + value
        line = f"{row['how']} {what}{money}"
        if line not in d.funding[node]:
            d.funding[node].append(line)


def _years(start: int | None, end: int | None) -> str:
    if start is None:
        return ""
    return str(start) if end in (None, start) else f"{start}–{end}"
