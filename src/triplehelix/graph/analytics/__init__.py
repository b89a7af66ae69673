"""Network analytics in the Triple Helix language.

Each analysis takes NetworkX views (or the knowledge graph, where it needs participations)
and returns a :class:`Report` of named tables: ``summary``, ``centrality``,
``communities``, ``brokerage`` (Gould–Fernandez roles and Burt's constraint), ``mixing``
(sphere × sphere matrix, E–I index, assortativity), ``synergy`` (Leydesdorff's T(UIG))
and ``suggest`` (Adamic–Adar partner suggestions).
"""

from triplehelix.graph.analytics.brokerage import broker_roles, brokerage, constraint
from triplehelix.graph.analytics.centrality import MEASURES, centrality
from triplehelix.graph.analytics.communities import communities
from triplehelix.graph.analytics.mixing import assortativity, ei_index, mixing
from triplehelix.graph.analytics.report import Report, Table
from triplehelix.graph.analytics.suggest import adamic_adar, find_organisation, suggest
from triplehelix.graph.analytics.summary import summary
from triplehelix.graph.analytics.synergy import SphereCounts, synergy, triple_helix_t

__all__ = [
    "MEASURES",
    "Report",
    "SphereCounts",
    "Table",
    "adamic_adar",
    "assortativity",
    "broker_roles",
    "brokerage",
    "centrality",
    "communities",
    "constraint",
    "ei_index",
    "find_organisation",
    "mixing",
    "suggest",
    "summary",
    "synergy",
    "triple_helix_t",
]
