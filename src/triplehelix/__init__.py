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

Importing the package has no side effects: nothing is read or parsed until used. Names are
resolved on first use (PEP 562), so ``import triplehelix`` loads none of the modules behind
them: a name pulls in what it needs (``coparticipation_graph`` networkx, ``check_graph``
pySHACL), nothing else does.
"""

import importlib as _importlib
import typing as _typing

from triplehelix._version import __version__

if _typing.TYPE_CHECKING:
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
    from triplehelix.graph.maps.build import map_page
    from triplehelix.graph.query.results import Result
    from triplehelix.graph.query.run import run_query
    from triplehelix.graph.query.saved import SavedQuery, saved_queries
    from triplehelix.graph.rdf.mapping import build_nquads
    from triplehelix.graph.store.local import KnowledgeGraph, LocalStore
    from triplehelix.graph.store.open import open_store
    from triplehelix.graph.store.protocol import Store
    from triplehelix.graph.store.remote import RemoteStore
    from triplehelix.graph.store.report import LoadReport
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
    "LocalStore",
    "Organisation",
    "Participation",
    "Person",
    "Problem",
    "Programme",
    "Project",
    "QueryError",
    "RecordSet",
    "RemoteStore",
    "Result",
    "SavedQuery",
    "Sector",
    "SourceRecord",
    "Stats",
    "Store",
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
    "map_page",
    "open_store",
    "run_query",
    "saved_queries",
    "seed_path",
]

# Where each public name lives: ``__getattr__`` imports the module on first use.
_WHERE: dict[str, str] = {
    "Cluster": "triplehelix.data.models",
    "Document": "triplehelix.data.models",
    "Event": "triplehelix.data.models",
    "ExitStatus": "triplehelix.errors",
    "Filters": "triplehelix.graph.views.network",
    "Grant": "triplehelix.data.models",
    "GraphCheck": "triplehelix.graph.views.checks",
    "Idea": "triplehelix.data.models",
    "InputError": "triplehelix.errors",
    "InvalidDataError": "triplehelix.errors",
    "KnowledgeGraph": "triplehelix.graph.store.local",
    "LoadReport": "triplehelix.graph.store.report",
    "LocalStore": "triplehelix.graph.store.local",
    "Organisation": "triplehelix.data.models",
    "Participation": "triplehelix.data.models",
    "Person": "triplehelix.data.models",
    "Problem": "triplehelix.errors",
    "Programme": "triplehelix.data.models",
    "Project": "triplehelix.data.models",
    "QueryError": "triplehelix.errors",
    "RecordSet": "triplehelix.data.loader",
    "RemoteStore": "triplehelix.graph.store.remote",
    "Result": "triplehelix.graph.query.results",
    "SavedQuery": "triplehelix.graph.query.saved",
    "Sector": "triplehelix.data.models",
    "SourceRecord": "triplehelix.data.models",
    "Stats": "triplehelix.graph.views.stats",
    "Store": "triplehelix.graph.store.protocol",
    "StoreError": "triplehelix.errors",
    "TriplehelixError": "triplehelix.errors",
    "UsageError": "triplehelix.errors",
    "bipartite_graph": "triplehelix.graph.views.network",
    "build_nquads": "triplehelix.graph.rdf.mapping",
    "check_graph": "triplehelix.graph.views.checks",
    "collect_stats": "triplehelix.graph.views.stats",
    "coparticipation_graph": "triplehelix.graph.views.network",
    "full_graph": "triplehelix.graph.views.network",
    "load_records": "triplehelix.data.loader",
    "map_page": "triplehelix.graph.maps.build",
    "open_store": "triplehelix.graph.store.open",
    "run_query": "triplehelix.graph.query.run",
    "saved_queries": "triplehelix.graph.query.saved",
    "seed_path": "triplehelix.data.loader",
}


def __getattr__(name: str) -> object:
    """Import the module behind a public name on first use and keep the value."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public API (loaded or not) and whatever the module already holds."""
    return sorted(set(globals()) | set(__all__))
