"""NetworkX views of the knowledge graph, computed from the store with SPARQL SELECTs.

Literals never become nodes: labels, spheres, countries and years are node attributes.
Three views (ontology guide §3.10):

- ``full_graph``: every typed instance (organisations, people, projects, events,
  programmes, grants, participations, ideas) as a node; every IRI-valued property
  between two of them as a keyed edge (``MultiDiGraph``).
- ``bipartite_graph``: organisations (``bipartite=0``) and activities (``bipartite=1``);
  one edge per organisation–activity pair with the set of roles, years and sources.
- ``coparticipation_graph``: organisation–organisation, weight = number of shared
  projects; funder and implementer roles are left out by default, since an implementer
  otherwise links every partner of a programme. Built by counting pairs per project,
  which is many times faster than NetworkX's generic projection (perf-notes §f).

Every node carries ``label``, ``kind``, ``helix`` and ``country`` (empty string when
unknown, so the graphs export to GraphML and GEXF as they are), and ``short`` (an acronym,
if the records give one).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Any

from triplehelix.data.types import alpha2
from triplehelix.errors import UsageError
from triplehelix.ontology.report import qname

if TYPE_CHECKING:
    import networkx as nx

    from triplehelix.graph.store.protocol import Store

__all__ = [
    "Filters",
    "NodeTable",
    "bipartite_graph",
    "coparticipation_graph",
    "full_graph",
    "kept_participations",
    "node_table",
]

TH = "https://w3id.org/triplehelix/ontology#"
KINDS = {
    "Organization": "organisation",
    "Person": "person",
    "Project": "project",
    "Event": "event",
    "FundingProgramme": "programme",
    "Grant": "grant",
    "Participation": "participation",
    "ForesightIdea": "idea",
}
SPHERE_ORDER = ("academia", "industry", "government", "intermediary", "funder", "other")
EXCLUDED_ROLES = frozenset({"funder", "implementer"})

NODES = """
SELECT ?node ?kind (SAMPLE(?en) AS ?labelEn) (SAMPLE(?any) AS ?labelAny) (MIN(?acr) AS ?short)
       (GROUP_CONCAT(DISTINCT STRAFTER(STR(?sphere), "/helix/"); separator=" ") AS ?spheres)
       (SAMPLE(?c) AS ?country) (MIN(?sy) AS ?start) (MAX(?ey) AS ?end)
WHERE {
  VALUES ?kind { th:Organization th:Person th:Project th:Event th:FundingProgramme th:Grant
                 th:Participation th:ForesightIdea }
  ?node a ?kind .
  OPTIONAL { ?node skos:prefLabel ?en FILTER(LANGMATCHES(LANG(?en), "en")) }
  OPTIONAL { ?node skos:prefLabel ?any }
  OPTIONAL { ?node skos:altLabel ?acr FILTER(LANG(?acr) = "" && STRLEN(?acr) <= 12) }
  OPTIONAL { ?node a/rdfs:subClassOf*/th:helixSphere ?sphere }
  OPTIONAL { ?node th:country ?c }
  OPTIONAL { ?node th:startYear ?sy }
  OPTIONAL { ?node th:endYear ?ey }
}
GROUP BY ?node ?kind
"""

EDGES = """
SELECT DISTINCT ?s ?p ?o WHERE {
  VALUES ?sk { th:Organization th:Person th:Project th:Event th:FundingProgramme th:Grant
               th:Participation th:ForesightIdea }
  VALUES ?ok { th:Organization th:Person th:Project th:Event th:FundingProgramme th:Grant
               th:Participation th:ForesightIdea }
  ?s a ?sk . ?s ?p ?o . ?o a ?ok .
}
"""

PARTICIPATIONS = """
SELECT ?agent ?activity ?kind ?role ?sy ?ey (COUNT(DISTINCT ?record) AS ?sources)
WHERE {
  ?p a th:Participation ; th:agent ?agent ; th:activity ?activity ; th:role ?r .
  ?agent a th:Organization .
  ?activity a ?kind . VALUES ?kind { th:Project th:Event }
  BIND(STRAFTER(STR(?r), "/role/") AS ?role)
  OPTIONAL { ?p th:startYear ?psy } OPTIONAL { ?p th:endYear ?pey }
  OPTIONAL { ?activity th:startYear ?asy } OPTIONAL { ?activity th:endYear ?aey }
  BIND(COALESCE(?psy, ?asy) AS ?sy) BIND(COALESCE(?pey, ?aey, ?sy) AS ?ey)
  OPTIONAL { ?p prov:wasDerivedFrom ?record }
}
GROUP BY ?agent ?activity ?kind ?role ?sy ?ey
"""


@dataclass(frozen=True, slots=True)
class Filters:
    """Which participations a view keeps (applied before projecting).

    Every tuple filter keeps everything when empty; values inside one filter are
    alternatives (OR), different filters must all hold (AND).

    Attributes:
        year_from, year_to: keep activities active in any year of this range.
        include_events: events as well as projects (co-participation only; the
            bipartite view always has both).
        include_funders: also keep funder and implementer participations in
            co-participation.
        sectors: keep activities in one of these sectors or a narrower one
            (``skos:broader``); a sector is named by its IRI, local name or label.
        countries: keep organisations of these countries (ISO 3166-1 alpha-2).
        spheres: keep organisations with one of these helix spheres (academia,
            industry, government, intermediary, funder).
        programmes: keep activities under one of these programmes (or a part of
            one); named by IRI, local name, acronym or label.
        roles: keep participations in one of these roles (e.g. ``coordinator``); a
            role named here is kept even if it is funder or implementer.
    """

    year_from: int | None = None
    year_to: int | None = None
    include_events: bool = False
    include_funders: bool = False
    sectors: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    spheres: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()

    def keeps_years(self, start: int | None, end: int | None) -> bool:
        """Does an activity running ``start``–``end`` overlap the year range?

        >>> Filters(year_from=2020).keeps_years(2018, 2021)
        True
        >>> Filters(year_to=2019).keeps_years(2020, None)
        False
        """
        if self.year_from is not None and (end if end is not None else 9999) < self.year_from:
            return False
        return not (self.year_to is not None and (start if start is not None else 0) > self.year_to)

    def keeps_org(self, attrs: dict[str, Any]) -> bool:
        """Does an organisation (its node attributes) pass the country and sphere filters?

        >>> Filters(countries=("KZ",)).keeps_org({"country": "KZ", "spheres": "academia"})
        True
        >>> Filters(spheres=("industry",)).keeps_org({"country": "KZ", "spheres": "academia"})
        False
        """
        if self.countries and attrs.get("country", "") not in self.countries:
            return False
        return not (self.spheres and not set(attrs.get("spheres", "").split()) & set(self.spheres))

    def keeps_role(self, role: str, *, coparticipation: bool) -> bool:
        """Is a participation in ``role`` kept?

        >>> Filters().keeps_role("funder", coparticipation=True)
        False
        >>> Filters(roles=("funder",)).keeps_role("funder", coparticipation=True)
        True
        """
        if self.roles:
            return role in self.roles
        return not (coparticipation and role in EXCLUDED_ROLES and not self.include_funders)


NodeTable = dict[str, dict[str, Any]]
"""Node IRI → attributes, as ``node_table`` returns it; the views take one to share it."""


def node_table(kg: Store) -> NodeTable:
    """Attributes of every typed node: label, kind, helix, spheres, country, start, end."""
    out: dict[str, dict[str, Any]] = {}
    for row in kg.select(NODES):
        node = row["node"]
        kind = KINDS[row["kind"].rsplit("#", 1)[-1]]
        spheres = sorted(set((row["spheres"] or "").split()), key=_sphere_rank)
        country = row["country"] or ""
        attrs = {
            "label": row["labelEn"] or row["labelAny"] or _local(node),
            "short": row["short"] or "",
            "kind": kind,
            "helix": spheres[0] if spheres else "",
            "spheres": " ".join(spheres),
            "country": alpha2(country.rsplit("/", 1)[-1]) or "",
            "start": row["start"] if row["start"] is not None else "",
            "end": row["end"] if row["end"] is not None else "",
        }
        # An organisation typed twice (e.g. th:Organization and th:University) appears once.
        if node not in out or out[node]["kind"] != "organisation":
            out[node] = attrs
    return out


def _sphere_rank(sphere: str) -> int:
    return SPHERE_ORDER.index(sphere) if sphere in SPHERE_ORDER else len(SPHERE_ORDER)


def _local(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def full_graph(kg: Store, nodes: NodeTable | None = None) -> nx.MultiDiGraph:
    """Every typed instance and every IRI-valued link between two of them.

    >>> from triplehelix.graph.store.local import KnowledgeGraph
    >>> g = full_graph(KnowledgeGraph.seed())
    >>> all("label" in a and "kind" in a for _, a in g.nodes(data=True))
    True
    """
    import networkx as nx  # imported by the views only: Filters and node_table need none

    nodes = nodes if nodes is not None else node_table(kg)
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(nodes.items())
    for row in kg.select(EDGES):
        if row["s"] in nodes and row["o"] in nodes:
            key = qname(row["p"])
            graph.add_edge(row["s"], row["o"], key=key, predicate=key)
    return graph


def bipartite_graph(
    kg: Store, filters: Filters | None = None, nodes: NodeTable | None = None
) -> nx.Graph:
    """Organisations and the activities they took part in, one edge per pair.

    Edge attributes: ``roles`` (sorted, ``;``-joined), ``years`` (``start-end``),
    ``n_sources`` (distinct source records stating the participations).
    """
    import networkx as nx

    filters = filters or Filters()
    nodes = nodes if nodes is not None else node_table(kg)
    graph = nx.Graph()
    for row in kept_participations(kg, filters, nodes, coparticipation=False):
        agent, activity = row["agent"], row["activity"]
        graph.add_node(agent, **nodes[agent], bipartite=0)
        graph.add_node(activity, **nodes[activity], bipartite=1)
        data = graph.get_edge_data(agent, activity)
        roles = set(data["roles"].split(";")) if data else set()
        roles.add(row["role"])
        sources = max(int(row["sources"]), data["n_sources"] if data else 0)
        years = _years(row["sy"], row["ey"])
        graph.add_edge(
            agent, activity, roles=";".join(sorted(roles)), years=years, n_sources=sources
        )
    return graph


def _years(start: int | None, end: int | None) -> str:
    if start is None:
        return ""
    return str(start) if end in (None, start) else f"{start}-{end}"


def coparticipation_graph(
    kg: Store, filters: Filters | None = None, nodes: NodeTable | None = None
) -> nx.Graph:
    """Organisation–organisation graph; ``weight`` = number of shared activities.

    Edge attributes: ``weight``, ``projects`` (sorted activity IRIs, space-joined) and
    ``helix_pair`` (e.g. ``academia-industry``).

    >>> from triplehelix.graph.store.local import KnowledgeGraph
    >>> g = coparticipation_graph(KnowledgeGraph.seed())
    >>> g.number_of_edges() >= 1
    True
    """
    import networkx as nx

    filters = filters or Filters()
    nodes = nodes if nodes is not None else node_table(kg)
    members: dict[str, set[str]] = defaultdict(set)
    for row in kept_participations(kg, filters, nodes, coparticipation=True):
        members[row["activity"]].add(row["agent"])
    graph = nx.Graph()
    for org in sorted(set().union(*members.values())) if members else []:
        graph.add_node(org, **nodes[org])
    shared: dict[tuple[str, str], list[str]] = defaultdict(list)
    for activity, orgs in members.items():
        for a, b in combinations(sorted(orgs), 2):
            shared[(a, b)].append(activity)
    for (a, b), activities in shared.items():
        pair = "-".join(
            sorted(
                (nodes[a]["helix"] or "unknown", nodes[b]["helix"] or "unknown"), key=_sphere_rank
            )
        )
        graph.add_edge(
            a, b, weight=len(activities), projects=" ".join(sorted(activities)), helix_pair=pair
        )
    return graph


def kept_participations(
    kg: Store,
    filters: Filters,
    nodes: dict[str, dict[str, Any]] | None = None,
    *,
    coparticipation: bool,
) -> list[dict[str, Any]]:
    """Organisation–activity participation rows that pass ``filters``.

    Rows have ``agent``, ``activity``, ``kind`` (IRI of th:Project or th:Event), ``role``,
    ``sy``, ``ey`` (years) and ``sources``. With ``coparticipation``, events are left out
    unless ``include_events`` and funder/implementer roles unless asked for.

    Raises:
        UsageError: a sector, programme, country, sphere or role the graph does not know.

    >>> from triplehelix.graph.store.local import KnowledgeGraph
    >>> rows = kept_participations(KnowledgeGraph.seed(), Filters(), coparticipation=False)
    >>> all(r["agent"] and r["activity"] for r in rows)
    True
    """
    nodes = nodes if nodes is not None else node_table(kg)
    _check_values(kg, filters)
    in_sectors = _activities_in(kg, SECTORS, _resolve_sectors(kg, filters.sectors))
    in_programmes = _activities_in(kg, PROGRAMMES, _resolve_programmes(filters.programmes, nodes))
    kept = []
    for row in kg.select(PARTICIPATIONS):
        if coparticipation and not (row["kind"].endswith("#Project") or filters.include_events):
            continue
        if not filters.keeps_role(row["role"], coparticipation=coparticipation):
            continue
        if not filters.keeps_years(row["sy"], row["ey"]):
            continue
        if not filters.keeps_org(nodes[row["agent"]]):
            continue
        if in_sectors is not None and row["activity"] not in in_sectors:
            continue
        if in_programmes is not None and row["activity"] not in in_programmes:
            continue
        kept.append(row)
    return kept


SECTORS = """
SELECT DISTINCT ?activity ?target WHERE { ?activity th:sector/skos:broader* ?target }
"""
PROGRAMMES = """
SELECT DISTINCT ?activity ?target WHERE {
  ?activity dcterms:isPartOf*/th:underProgramme/dcterms:isPartOf* ?target
}
"""
SECTOR_NAMES = """
SELECT ?s ?label WHERE {
  ?s skos:inScheme <https://w3id.org/triplehelix/vocab/sector/scheme> .
  OPTIONAL { ?s skos:prefLabel ?label }
}
"""
ROLE_NAMES = """
SELECT ?r WHERE { ?r skos:inScheme <https://w3id.org/triplehelix/vocab/role/scheme> }
"""


def _activities_in(kg: Store, query: str, targets: set[str] | None) -> set[str] | None:
    if targets is None:
        return None
    return {row["activity"] for row in kg.select(query) if row["target"] in targets}


def _resolve_sectors(kg: Store, names: tuple[str, ...]) -> set[str] | None:
    if not names:
        return None
    known: dict[str, str] = {}
    for row in kg.select(SECTOR_NAMES):
        for key in (row["s"], _local(row["s"]), row["label"] or ""):
            known.setdefault(key.casefold(), row["s"])
    return {_lookup(name, known, "sector") for name in names}


def _resolve_programmes(
    names: tuple[str, ...], nodes: dict[str, dict[str, Any]]
) -> set[str] | None:
    if not names:
        return None
    known: dict[str, str] = {}
    for iri, attrs in nodes.items():
        if attrs["kind"] == "programme":
            for key in (iri, _local(iri), attrs["short"], attrs["label"]):
                if key:
                    known.setdefault(key.casefold(), iri)
    return {_lookup(name, known, "programme") for name in names}


def _lookup(name: str, known: dict[str, str], what: str) -> str:
    try:
        return known[name.casefold()]
    except KeyError:
        some = ", ".join(sorted({_local(v) for v in known.values()})[:12]) or "none"
        raise UsageError(
            f"no {what} {name!r} in this graph",
            code=f"unknown-{what}",
            hint=f"name a {what} by IRI, local name or label; known: {some}",
        ) from None


def _check_values(kg: Store, filters: Filters) -> None:
    for sphere in filters.spheres:
        if sphere not in SPHERE_ORDER[:-1]:
            raise UsageError(
                f"no helix sphere {sphere!r}",
                code="unknown-sphere",
                hint="spheres: " + ", ".join(SPHERE_ORDER[:-1]),
            )
    for country in filters.countries:
        if len(country) != 2 or not country.isupper() or not country.isalpha():
            raise UsageError(
                f"{country!r} is not an ISO 3166-1 alpha-2 country code",
                code="bad-country",
                hint="use two capital letters, such as KZ, TJ or DE",
            )
    if filters.roles:
        known = {_local(row["r"]) for row in kg.select(ROLE_NAMES)}
        for role in filters.roles:
            if role not in known:
                raise UsageError(
                    f"no participation role {role!r}",
                    code="unknown-role",
                    hint="roles: " + ", ".join(sorted(known)),
                )
