"""triplehelix: a knowledge graph of university–industry–government partnerships.

Records → validated models → RDF store (with provenance) → NetworkX views::

    >>> import triplehelix as th
    >>> records = th.load_records([th.seed_path()])     # validate YAML/JSON/JSONL/CSV
    >>> kg = th.KnowledgeGraph()                         # in memory; KnowledgeGraph("dir") on disk
    >>> report = kg.load(records)                        # one transaction, idempotent
    >>> report.added == len(kg) - report.quads_before
    True
    >>> rows = kg.select("SELECT (COUNT(*) AS ?n) WHERE { ?o a th:University }")
    >>> rows[0]["n"] >= 2
    True
    >>> r = th.run_query(kg, "partners-of", {"org": "ektu"})   # saved queries: th.saved_queries()
    >>> r.columns, len(r.to_records()) > 0
    (['partner', 'partnerLabel', 'shared'], True)
    >>> g = th.coparticipation_graph(kg)                 # networkx.Graph, weight = shared projects
    >>> ds = kg.to_rdflib()                              # an rdflib.Dataset copy

Importing the package has no side effects: nothing is read or parsed until used.
"""

from triplehelix._version import __version__
from triplehelix.data.loader import RecordSet, load_records, seed_path
from triplehelix.data.models import (
    Cluster,
    Document,
    Event,
    Grant,
    Idea,
    Organisation,
    Participation,
    Person,
    Programme,
    Project,
    Sector,
    SourceRecord,
)
from triplehelix.errors import (
    ExitStatus,
    InputError,
    InvalidDataError,
    Problem,
    QueryError,
    StoreError,
    TriplehelixError,
    UsageError,
)
from triplehelix.graph.query.results import Result
from triplehelix.graph.query.run import run_query
from triplehelix.graph.query.saved import SavedQuery, saved_queries
from triplehelix.graph.rdf.mapping import build_nquads
from triplehelix.graph.store.local import KnowledgeGraph, LoadReport
from triplehelix.graph.views.checks import GraphCheck, check_graph
from triplehelix.graph.views.network import (
    Filters,
    bipartite_graph,
    coparticipation_graph,
    full_graph,
)
from triplehelix.graph.views.stats import Stats, collect_stats

__all__ = [
    "Cluster",
    "Document",
    "Event",
    "ExitStatus",
    "Filters",
    "Grant",
    "GraphCheck",
    "Idea",
    "InputError",
    "InvalidDataError",
    "KnowledgeGraph",
    "LoadReport",
    "Organisation",
    "Participation",
    "Person",
    "Problem",
    "Programme",
    "Project",
    "QueryError",
    "RecordSet",
    "Result",
    "SavedQuery",
    "Sector",
    "SourceRecord",
    "Stats",
    "StoreError",
    "TriplehelixError",
    "UsageError",
    "__version__",
    "bipartite_graph",
    "build_nquads",
    "check_graph",
    "collect_stats",
    "coparticipation_graph",
    "full_graph",
    "load_records",
    "run_query",
    "saved_queries",
    "seed_path",
]
