"""The triplehelix ontology: TBox, SKOS vocabularies, SHACL shapes and closed namespaces.

The Turtle files ship as package data and are read through :mod:`importlib.resources`, so an
installed wheel works without a checkout. Nothing is parsed on import: each ``*_graph`` function
parses its files on first use and caches the result.

The cached graphs are private. Every ``*_graph`` function returns a **fresh copy** (about a
thousand triples, a few milliseconds), so a caller may add to or remove from what it gets without
changing what the next caller sees.
"""

from __future__ import annotations

import functools
from importlib.resources import files
from importlib.resources.abc import Traversable

from rdflib import Dataset, Graph

from triplehelix.ontology.namespace import (
    BASE,
    CLUSTER,
    CTYPE,
    DCT_IDENTIFIER,
    DCT_TITLE,
    ETYPE,
    EU_COUNTRY,
    GRAPH_CURATION,
    GRAPH_META,
    GRAPH_ONTOLOGY,
    GRAPH_VOCAB,
    HELIX,
    HORIZON,
    HORIZON_YEARS,
    ID,
    ONTOLOGY_IRI,
    PART_OF,
    PREFIXES,
    PROV_STARTED,
    PROV_USED,
    PTYPE,
    RDF_TYPE,
    ROLE,
    SDO_FOUNDING,
    SDO_SHA256,
    SECTOR,
    SRC,
    STAGE,
    TH,
    THSH,
    VOCAB,
    horizon,
    scheme_iri,
)
from triplehelix.ontology.report import Severity, ShaclReport, ShaclResult, qname
from triplehelix.ontology.report import read_report as _read_report

__all__ = [
    "BASE",
    "CLUSTER",
    "CTYPE",
    "DCT_IDENTIFIER",
    "DCT_TITLE",
    "ETYPE",
    "EU_COUNTRY",
    "GRAPH_CURATION",
    "GRAPH_META",
    "GRAPH_ONTOLOGY",
    "GRAPH_VOCAB",
    "HELIX",
    "HORIZON",
    "HORIZON_YEARS",
    "ID",
    "ONTOLOGY_IRI",
    "PART_OF",
    "PREFIXES",
    "PROV_STARTED",
    "PROV_USED",
    "PTYPE",
    "RDF_TYPE",
    "ROLE",
    "SDO_FOUNDING",
    "SDO_SHA256",
    "SECTOR",
    "SRC",
    "STAGE",
    "TH",
    "THSH",
    "VOCAB",
    "Severity",
    "ShaclReport",
    "ShaclResult",
    "align_graph",
    "horizon",
    "ontology_files",
    "ontology_nquads",
    "qname",
    "scheme_iri",
    "shapes_graph",
    "tbox_graph",
    "validate_shacl",
    "vocab_graph",
]

_TBOX = "triplehelix.ttl"
_ALIGN = "triplehelix-align.ttl"
_SHAPES = "shapes.ttl"
_VOCAB_DIR = "vocab"


def _root() -> Traversable:
    return files(__name__)


def _vocab_files() -> list[Traversable]:
    folder = _root().joinpath(_VOCAB_DIR)
    return sorted(
        (item for item in folder.iterdir() if item.name.endswith(".ttl")),
        key=lambda item: item.name,
    )


def ontology_files() -> list[Traversable]:
    """List the Turtle files of the ontology in load order.

    Returns:
        The TBox, the alignment layer, the vocabularies (sorted by name) and the shapes.

    >>> [f.name for f in ontology_files()][:3]
    ['triplehelix.ttl', 'triplehelix-align.ttl', 'cluster.ttl']
    >>> ontology_files()[-1].name
    'shapes.ttl'
    """
    root = _root()
    return [root.joinpath(_TBOX), root.joinpath(_ALIGN), *_vocab_files(), root.joinpath(_SHAPES)]


def _new_graph() -> Graph:
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def _parse(*resources: Traversable) -> Graph:
    graph = _new_graph()
    for resource in resources:
        graph.parse(data=resource.read_text(encoding="utf-8"), format="turtle")
    return graph


def _copy(graph: Graph) -> Graph:
    copy = _new_graph()
    copy += graph
    return copy


@functools.cache
def _tbox() -> Graph:
    return _parse(_root().joinpath(_TBOX))


@functools.cache
def _align() -> Graph:
    return _parse(_root().joinpath(_ALIGN))


@functools.cache
def _vocab() -> Graph:
    return _parse(*_vocab_files())


@functools.cache
def _shapes() -> Graph:
    return _parse(_root().joinpath(_SHAPES))


def tbox_graph() -> Graph:
    """Return the core ontology (``triplehelix.ttl``) as a new graph.

    Returns:
        A copy of the cached TBox; changing it does not affect later calls.

    >>> from rdflib import OWL, RDF
    >>> (TH.Participation, RDF.type, OWL.Class) in tbox_graph()
    True
    """
    return _copy(_tbox())


def align_graph() -> Graph:
    """Return the alignment layer (``triplehelix-align.ttl``) as a new graph.

    Returns:
        A copy of the cached alignments to schema.org, VIVO, FRAPO, EURIO, ORG and CERIF.

    >>> from rdflib import RDFS, URIRef
    >>> (TH.Grant, RDFS.subClassOf, URIRef("https://schema.org/MonetaryGrant")) in align_graph()
    True
    """
    return _copy(_align())


def vocab_graph() -> Graph:
    """Return all SKOS concept schemes (``vocab/*.ttl``) as one new graph.

    Returns:
        A copy of the cached vocabularies.

    >>> from rdflib import SKOS
    >>> (ROLE.coordinator, SKOS.inScheme, scheme_iri("role")) in vocab_graph()
    True
    """
    return _copy(_vocab())


def shapes_graph() -> Graph:
    """Return the SHACL shapes (``shapes.ttl``) as a new graph.

    Returns:
        A copy of the cached shapes graph.

    >>> from rdflib import RDF, SH
    >>> (THSH.ParticipationShape, RDF.type, SH.NodeShape) in shapes_graph()
    True
    """
    return _copy(_shapes())


@functools.cache
def ontology_nquads() -> str:
    """Serialise the TBox and the vocabularies as N-Quads for bulk loading.

    The TBox goes into ``GRAPH_ONTOLOGY`` and the vocabularies into ``GRAPH_VOCAB``. Lines are
    sorted, so the text is the same on every call and every machine.

    Returns:
        N-Quads text, one quad per line, ending with a newline.

    >>> text = ontology_nquads()
    >>> f"<{GRAPH_VOCAB}>" in text and f"<{GRAPH_ONTOLOGY}>" in text
    True
    """
    # rdflib's own N-Quads serialiser calls the deprecated Dataset.contexts (a warning in
    # rdflib 7.6), so each graph is written as N-Triples and given its graph name here.
    lines = [
        f"{triple[:-1].rstrip()} <{name}> ."
        for name, graph in ((GRAPH_ONTOLOGY, _tbox()), (GRAPH_VOCAB, _vocab()))
        for triple in graph.serialize(format="nt").splitlines()
        if triple.strip()
    ]
    return "".join(f"{line}\n" for line in sorted(lines))


def validate_shacl(data: Graph) -> ShaclReport:
    """Validate instance data against the triplehelix shapes.

    The TBox and the vocabularies are added to a copy of ``data`` (pySHACL does not use an
    ``ont_graph`` without inference), and pySHACL runs with ``inference="none"`` and
    ``allow_warnings=True``. Pass one flattened graph: pySHACL checks the named graphs of a
    ``Dataset`` one by one, so links across source-record graphs would fail. A ``Dataset`` passed
    here is flattened first (all its quads, graph names dropped).

    Args:
        data: The instance data, including the ``meta`` graph's source records.

    Returns:
        The report; ``conforms`` is ``True`` iff there is no violation.

    >>> from rdflib import RDF
    >>> data = Graph()
    >>> _ = data.add((ID["participation/p1"], RDF.type, TH.Participation))
    >>> report = validate_shacl(data)
    >>> report.conforms
    False
    >>> sorted({r.path for r in report.results})
    ['prov:wasDerivedFrom', 'th:activity', 'th:agent', 'th:role']
    """
    union = _new_graph()
    if isinstance(data, Dataset):
        for s, p, o, _ in data.quads((None, None, None, None)):
            union.add((s, p, o))
    else:
        union += data
    union += _tbox()
    union += _vocab()
    import pyshacl  # ~0.1 s with rdflib's SPARQL parser: only validation pays it

    _, results_graph, _ = pyshacl.validate(
        union,
        shacl_graph=_copy(_shapes()),
        inference="none",
        allow_warnings=True,
        abort_on_first=False,
    )
    if not isinstance(results_graph, Graph):  # pragma: no cover - pySHACL contract
        raise RuntimeError("pySHACL returned no results graph")
    return _read_report(results_graph)
