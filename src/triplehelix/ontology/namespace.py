"""Namespaces of the triplehelix vocabulary.

Closed namespaces (rdflib's ``DefinedNamespace`` with ``_fail = True``) cover the terms this
package defines, so a typo raises ``AttributeError`` instead of minting a new IRI:

- ``TH``: every class and property of ``triplehelix.ttl``;
- ``ROLE``, ``HELIX``, ``STAGE``, ``PTYPE``, ``ETYPE``, ``CTYPE``, ``HORIZON``: the concepts of the
  fixed SKOS schemes in ``vocab/``.

Concept slugs that are not Python identifiers (``industry-partner``, ``2030``) are listed in
``_extras`` and reached by item access: ``ROLE["industry-partner"]``. ``HORIZON``'s concepts all
start with a digit, so use ``horizon(2030)``, which also checks the year.

Open ``rdflib.Namespace`` objects are used where data may add terms (``SECTOR``, ``CLUSTER``) and
for instance and infrastructure IRIs (``ID``, ``SRC``, ``VOCAB``, ``THSH``, ``EU_COUNTRY``).

>>> TH.Participation
rdflib.term.URIRef('https://w3id.org/triplehelix/ontology#Participation')
>>> ROLE["industry-partner"]
rdflib.term.URIRef('https://w3id.org/triplehelix/vocab/role/industry-partner')
>>> horizon(2030)
rdflib.term.URIRef('https://w3id.org/triplehelix/vocab/horizon/2030')
"""

# The DefinedNamespace pattern needs attribute names equal to the RDF local names (mixedCase)
# and a plain list in ``_extras`` (a ClassVar annotation would make "_extras" a term).
# ruff: noqa: N815, RUF012

from __future__ import annotations

from typing import Final

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS as _DCTERMS
from rdflib.namespace import PROV as _PROV
from rdflib.namespace import RDF as _RDF
from rdflib.namespace import SDO as _SDO
from rdflib.namespace import DefinedNamespace

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
    "horizon",
    "scheme_iri",
]

BASE: Final = "https://w3id.org/triplehelix/"
ID: Final = Namespace(BASE + "id/")
SRC: Final = Namespace(BASE + "source/")
VOCAB: Final = Namespace(BASE + "vocab/")
THSH: Final = Namespace(BASE + "shapes#")
EU_COUNTRY: Final = Namespace("http://publications.europa.eu/resource/authority/country/")
SECTOR: Final = Namespace(BASE + "vocab/sector/")
CLUSTER: Final = Namespace(BASE + "vocab/cluster/")

ONTOLOGY_IRI: Final = URIRef(BASE + "ontology")
GRAPH_META: Final = URIRef(BASE + "graph/meta")
GRAPH_ONTOLOGY: Final = URIRef(BASE + "graph/ontology")
GRAPH_VOCAB: Final = URIRef(BASE + "graph/vocab")
GRAPH_CURATION: Final = URIRef(BASE + "graph/curation")

# Reused terms the store code writes into SPARQL and N-Quads text, taken from rdflib's
# closed namespaces (a typo raises) and written here once.
RDF_TYPE: Final = str(_RDF.type)
PART_OF: Final = str(_DCTERMS.isPartOf)
DCT_IDENTIFIER: Final = str(_DCTERMS.identifier)
DCT_TITLE: Final = str(_DCTERMS.title)
PROV_USED: Final = str(_PROV.used)
PROV_STARTED: Final = str(_PROV.startedAtTime)
SDO_SHA256: Final = str(_SDO.sha256)
SDO_FOUNDING: Final = str(_SDO.foundingDate)


def scheme_iri(scheme: str) -> URIRef:
    """Return the IRI of a concept scheme.

    Args:
        scheme: The scheme name, e.g. ``"role"``.

    Returns:
        ``https://w3id.org/triplehelix/vocab/{scheme}/scheme``.

    >>> scheme_iri("cluster")
    rdflib.term.URIRef('https://w3id.org/triplehelix/vocab/cluster/scheme')
    """
    return VOCAB[f"{scheme}/scheme"]


class TH(DefinedNamespace):
    """Classes and properties of the triplehelix ontology (``triplehelix.ttl``)."""

    _fail = True
    _NS = Namespace(BASE + "ontology#")

    # classes
    Agent: URIRef
    Organization: URIRef
    University: URIRef
    ResearchOrganisation: URIRef
    Company: URIRef
    GovernmentBody: URIRef
    DevelopmentAgency: URIRef
    TechnologyTransferCentre: URIRef
    FundingBody: URIRef
    OtherOrganisation: URIRef
    Person: URIRef
    Activity: URIRef
    Project: URIRef
    Event: URIRef
    FundingProgramme: URIRef
    Grant: URIRef
    Participation: URIRef
    Contribution: URIRef
    ForesightIdea: URIRef
    SourceDocument: URIRef
    SourceRecord: URIRef

    # properties
    country: URIRef
    sector: URIRef
    field: URIRef
    underProgramme: URIRef
    implementedBy: URIRef
    awardee: URIRef
    startYear: URIRef
    endYear: URIRef
    agent: URIRef
    activity: URIRef
    role: URIRef
    contribution: URIRef
    contributionType: URIRef
    viaGrant: URIRef
    horizon: URIRef
    cluster: URIRef
    stage: URIRef
    collectedAt: URIRef
    horizonYear: URIRef
    locator: URIRef
    helixSphere: URIRef
    pic: URIRef
    definedAt: URIRef


class ROLE(DefinedNamespace):
    """Participation roles (``vocab/role.ttl``)."""

    _fail = True
    _NS = Namespace(BASE + "vocab/role/")
    _extras = ["industry-partner", "associated-partner", "third-party", "in-kind-contributor"]

    coordinator: URIRef
    partner: URIRef
    funder: URIRef
    implementer: URIRef
    sponsor: URIRef
    beneficiary: URIRef
    host: URIRef
    organiser: URIRef
    speaker: URIRef
    participant: URIRef


class HELIX(DefinedNamespace):
    """Triple Helix spheres (``vocab/helix.ttl``)."""

    _fail = True
    _NS = Namespace(BASE + "vocab/helix/")

    academia: URIRef
    industry: URIRef
    government: URIRef
    intermediary: URIRef
    funder: URIRef
    other: URIRef


class STAGE(DefinedNamespace):
    """WHY/WHAT/HOW foresight stages (``vocab/stage.ttl``)."""

    _fail = True
    _NS = Namespace(BASE + "vocab/stage/")

    why: URIRef
    what: URIRef
    how: URIRef


class PTYPE(DefinedNamespace):
    """Project types (``vocab/ptype.ttl``)."""

    _fail = True
    _NS = Namespace(BASE + "vocab/ptype/")
    _extras = [
        "capacity-building",
        "joint-research",
        "contract-research",
        "dual-study",
        "curriculum-development",
        "needs-analysis",
    ]

    tandem: URIRef


class ETYPE(DefinedNamespace):
    """Event types (``vocab/etype.ttl``)."""

    _fail = True
    _NS = Namespace(BASE + "vocab/etype/")
    _extras = ["master-class", "foresight-workshop", "summer-school", "study-visit"]

    conference: URIRef
    session: URIRef
    workshop: URIRef


class CTYPE(DefinedNamespace):
    """Contribution types (``vocab/ctype.ttl``)."""

    _fail = True
    _NS = Namespace(BASE + "vocab/ctype/")
    _extras = ["in-kind", "staff-time"]

    cash: URIRef
    equipment: URIRef
    venue: URIRef
    expertise: URIRef
    internships: URIRef


HORIZON_YEARS: Final = (2025, 2030, 2035, 2040, 2045, 2050)


class HORIZON(DefinedNamespace):
    """Foresight time horizons (``vocab/horizon.ttl``).

    Every local name is a year, which is no Python identifier: use ``HORIZON["2030"]`` or, better,
    :func:`horizon`.
    """

    _fail = True
    _NS = Namespace(BASE + "vocab/horizon/")
    _extras = [str(year) for year in HORIZON_YEARS]


def horizon(year: int) -> URIRef:
    """Return the horizon concept for a year.

    Args:
        year: One of ``HORIZON_YEARS``.

    Returns:
        The concept IRI, e.g. ``horizon:2030``.

    Raises:
        ValueError: If the year is not a horizon of the scheme.

    >>> horizon(2050)
    rdflib.term.URIRef('https://w3id.org/triplehelix/vocab/horizon/2050')
    >>> horizon(2031)
    Traceback (most recent call last):
    ...
    ValueError: 2031 is not a foresight horizon; expected one of 2025, 2030, 2035, 2040, 2045, 2050
    """
    if year not in HORIZON_YEARS:
        expected = ", ".join(str(y) for y in HORIZON_YEARS)
        raise ValueError(f"{year} is not a foresight horizon; expected one of {expected}")
    return HORIZON[str(year)]


PREFIXES: Final[dict[str, str]] = {
    "th": str(TH),
    "role": str(ROLE),
    "helix": str(HELIX),
    "sector": str(SECTOR),
    "horizon": str(HORIZON),
    "cluster": str(CLUSTER),
    "stage": str(STAGE),
    "ptype": str(PTYPE),
    "etype": str(ETYPE),
    "ctype": str(CTYPE),
    "id": str(ID),
    "src": str(SRC),
    "thsh": str(THSH),
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "sh": "http://www.w3.org/ns/shacl#",
    "country": str(EU_COUNTRY),
}
"""Prefix → namespace IRI for every prefix the project uses (SPARQL headers, serialisation)."""
