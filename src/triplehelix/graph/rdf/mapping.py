"""Records → N-Quads text: the RDF mapping, written for bulk loading.

Every fact-bearing record becomes a node whose triples sit in the named graph of each
source record that states it, with ``prov:wasDerivedFrom`` pointing at those records;
documents, source records and the ingest run are described in the ``meta`` graph.
The output is N-Quads text, which Oxigraph's bulk loader ingests without a Python
object per triple (see ``perf-notes.md``: that is where the time goes).

Every triple is also written once to the default graph, which therefore holds the set
union of all named graphs. Queries run on it, not on Oxigraph's "default graph as union"
mode: that mode is a bag, so a fact stated by two records would be counted twice
(``COUNT``, ``SUM``) and rows would multiply across patterns.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from triplehelix._version import __version__
from triplehelix.data.iris import BASE, VOCAB, Minter
from triplehelix.data.loader import Located, RecordSet
from triplehelix.data.models import (
    Cluster,
    Contribution,
    Document,
    Event,
    Grant,
    Idea,
    Organisation,
    Participation,
    Person,
    Programme,
    Project,
    Record,
    Sector,
    SourceRecord,
    record_key,
)
from triplehelix.data.types import (
    alpha3,
    xsd_year,
)
from triplehelix.errors import InvalidDataError, Problem
from triplehelix.graph.rdf.meta import Meta
from triplehelix.graph.rdf.terms import (
    DCTERMS,
    DERIVED,
    META,
    ORG,
    ORG_CLASS,
    RDF,
    SDO,
    SKOS,
    TH,
    XSD,
    A,
    Triples,
    decimal,
    iri,
    literal,
)
from triplehelix.ontology.namespace import EU_COUNTRY, GRAPH_META

__all__ = ["Build", "Emitter", "build_nquads", "check_collisions", "run_key"]


@dataclass(slots=True)
class Build:
    """The N-Quads of a record set and what they contain."""

    nquads: str
    quads: int
    graphs: set[str]
    run: str
    iris: dict[str, str] = field(default_factory=dict)


def build_nquads(
    rs: RecordSet,
    *,
    base: str = BASE,
    started: str | None = None,
    skip: frozenset[str] = frozenset(),
) -> Build:
    """Map validated records to N-Quads.

    Args:
        rs: validated records (``load_records``).
        base: the base of instance and source IRIs.
        started: ``xsd:dateTime`` of the ingest run, recorded in ``meta`` if given.
        skip: sources (file names) whose records are minted but not written (they are
            in the store already, under another name).

    Raises:
        InvalidDataError: two different records would mint the same IRI.

    >>> from triplehelix.data.loader import load_records, seed_path
    >>> b = build_nquads(load_records([seed_path()]))
    >>> b.quads > 300 and len(b.graphs) > 5
    True
    """
    minter = Minter(base)
    iris = minter.mint_all(rs.records)
    check_collisions(rs, minter)
    run = f"{minter.id_base}run/{_run_key(rs)}"
    primary = {d.id: d.primary for d in rs.records if isinstance(d, Document)}
    emitter = Emitter(minter, run, rs.files, primary)
    if skip:
        kept = [i for i, loc in enumerate(rs.where) if loc.file not in skip]
        lines = emitter.records([rs.records[i] for i in kept], [rs.where[i] for i in kept])
    else:
        lines = emitter.records(rs.records, rs.where)
    lines.extend(emitter.finish(started))
    return Build("".join(lines), len(lines), emitter.graphs, run, iris)


class Emitter:
    """Records → N-Quads lines, one chunk at a time, with one minter and one ``meta`` graph.

    ``build_nquads`` runs it once over a whole record set; the bulk loader
    (``graph.bulk``) runs it chunk by chunk over a stream, so that memory holds one chunk
    of lines at a time. Every record's IRI (and those it refers to) must be minted first.

    Args:
        minter: a minter that knows the IRI of every record referred to.
        run: the IRI of the ingest run.
        files: record file name → SHA-256 of its bytes (recorded on its document).
        primary: document id → whether it is a primary source.
    """

    def __init__(
        self,
        minter: Minter,
        run: str,
        files: dict[str, str],
        primary: dict[str, bool] | None = None,
    ) -> None:
        self.minter = minter
        self.meta = Meta(minter, run, files, primary or {})
        self.graphs: set[str] = set()

    def records(self, records: list[Record], where: list[Located]) -> list[str]:
        """N-Quads lines of some records (and of the source records they add to ``meta``)."""
        minter, meta, graphs = self.minter, self.meta, self.graphs
        lines: list[str] = []
        for rec, loc in zip(records, where, strict=True):
            if isinstance(rec, Document | SourceRecord):
                meta.explicit(rec)
                continue
            sources = [minter.resolve(s) for s in rec.sources] or [meta.implicit(loc)]
            node = Triples(minter.by_key[record_key(rec)])
            _map(rec, node, minter)
            for subject in (node.s, *node.also):
                node.rows.extend((subject, DERIVED, iri(src)) for src in sources)
            for src in sources:
                g = iri(src)
                graphs.add(src)
                lines.extend(f"{s} {p} {o} {g} .\n" for s, p, o in node.rows)
            lines.extend(f"{s} {p} {o} .\n" for s, p, o in node.rows)  # the union (module doc)
        lines.extend(_in_meta(meta.drain()))
        return lines

    def finish(self, started: str | None) -> list[str]:
        """The closing ``meta`` lines: the ingest run and the software agent."""
        self.graphs.add(str(GRAPH_META))
        return list(_in_meta([*self.meta.drain(), *self.meta.closing(started)]))


def _in_meta(rows: Iterable[tuple[str, str, str]]) -> Iterator[str]:
    for s, p, o in rows:
        yield f"{s} {p} {o} {META} .\n"
        yield f"{s} {p} {o} .\n"


def run_key(files: dict[str, str]) -> str:
    """The key of an ingest run: a hash of the version and of every input file's hash.

    >>> run_key({"a.jsonl": "00"}) == run_key({"a.jsonl": "00"}) != run_key({"a.jsonl": "01"})
    True
    """
    digest = hashlib.sha256(__version__.encode())
    for name in sorted(files):
        digest.update(f"{name}\0{files[name]}\0".encode())
    return digest.hexdigest()[:16]


def _run_key(rs: RecordSet) -> str:
    return run_key(rs.files)


def check_collisions(rs: RecordSet, minter: Minter) -> None:
    seen: dict[str, tuple[str, Located]] = {}
    problems = []
    for rec, loc in zip(rs.records, rs.where, strict=True):
        if rec.iri is not None:
            continue
        key = record_key(rec)
        node = minter.by_key[key]
        if node in seen and seen[node][0] != key:
            other, where = seen[node]
            problems.append(
                Problem(
                    loc.file,
                    loc.line,
                    "id",
                    "iri-collision",
                    f"a record distinct from '{other}' ({where.file}:{where.line}); "
                    "both mint the same IRI — give one an 'iri' or an identifier",
                    node,
                )
            )
        seen.setdefault(node, (key, loc))
    if problems:
        raise InvalidDataError(
            problems, hint="records that are the same thing should be one record"
        )


# -- one function per record kind ----------------------------------------------------------


def _map(rec: Record, t: Triples, m: Minter) -> None:
    t.labels(SDO.description, rec.description)
    mapper = _MAPPERS[type(rec)]
    mapper(rec, t, m)


def _country(code: str) -> str:
    return str(EU_COUNTRY) + alpha3(code)


def _organisation(rec: Organisation, t: Triples, m: Minter) -> None:
    t.iri(RDF.type, TH.Organization)
    for org_type in rec.types:
        t.iri(RDF.type, ORG_CLASS[org_type])
    t.labels(SKOS.prefLabel, rec.name)
    for lang, names in rec.alt_names.items():
        for name in names:
            t.add(SKOS.altLabel, literal(name, lang=lang))
    if rec.acronym:
        t.add(SKOS.altLabel, literal(rec.acronym))
    t.iri(TH.country, _country(rec.country) if rec.country else None)
    if rec.city:
        t.add(SDO.location, literal(rec.city, lang="en"))
    t.iri(ORG.subOrganizationOf, m.resolve(rec.part_of) if rec.part_of else None)
    for s in rec.sectors:
        t.iri(TH.sector, m.resolve_sector(s))
    if rec.ror:
        t.iri(SDO.sameAs, "https://ror.org/" + rec.ror.rsplit("/", 1)[-1])
    if rec.wikidata:
        t.iri(SDO.sameAs, "http://www.wikidata.org/entity/" + rec.wikidata.rsplit("/", 1)[-1])
    if rec.pic:
        t.add(TH.pic, literal(rec.pic))
    t.iri(SDO.url, str(rec.website) if rec.website else None)
    _organisation_details(rec, t, m)


_ADMS_STATUS = "http://www.w3.org/ns/adms#status"


def _organisation_details(rec: Organisation, t: Triples, m: Minter) -> None:
    """Registry details (ROR, CORDIS): aliases, status, place, identifiers, relations."""
    for lang, names in rec.aliases.items():
        for name in names:
            t.add(SDO.alternateName, literal(name, lang=lang))
    t.iri(_ADMS_STATUS, f"{VOCAB}org-status/{rec.status}" if rec.status else None)
    if rec.established is not None:
        t.add(SDO.foundingDate, literal(xsd_year(rec.established), datatype=str(XSD.gYear)))
    for p, coord in ((SDO.latitude, rec.latitude), (SDO.longitude, rec.longitude)):
        if coord is not None:
            t.add(p, decimal(coord))
    for scheme, values in rec.identifiers.items():
        for value in values:
            t.add(DCTERMS.identifier, literal(f"{scheme}:{value}"))
    for c in rec.classification:
        t.iri(ORG.classification, f"{VOCAB}org-category/{c}")
    for p, refs in (
        (ORG.subOrganizationOf, rec.parents),
        (ORG.hasSubOrganization, rec.children),
        (DCTERMS.relation, rec.related),
        (DCTERMS.replaces, rec.replaces),
        (DCTERMS.isReplacedBy, rec.replaced_by),
    ):
        for ref in refs:
            t.iri(p, m.resolve(ref))


def _person(rec: Person, t: Triples, m: Minter) -> None:
    t.iri(RDF.type, TH.Person)
    t.add(SKOS.prefLabel, literal(rec.name))
    if rec.orcid:
        t.iri(SDO.sameAs, f"https://orcid.org/{rec.orcid}")
    subject = t.s[1:-1]
    for n, org in enumerate(rec.affiliations, start=1):
        membership = iri(f"{subject}#membership-{n}")
        t.rows.append((membership, A, iri(ORG.Membership)))
        t.rows.append((membership, iri(ORG.member), t.s))
        t.rows.append((membership, iri(ORG.organization), iri(m.resolve(org))))


def _programme(rec: Programme, t: Triples, m: Minter) -> None:
    t.iri(RDF.type, TH.FundingProgramme)
    t.labels(SKOS.prefLabel, rec.name)
    if rec.acronym:
        t.add(SKOS.altLabel, literal(rec.acronym))
    t.iri(DCTERMS.isPartOf, m.resolve(rec.part_of) if rec.part_of else None)
    for f in rec.funders:
        t.iri(SDO.funder, m.resolve(f))
    for f in rec.implementers:
        t.iri(TH.implementedBy, m.resolve(f))
    for c in rec.countries:
        t.iri(DCTERMS.spatial, _country(c))
    for s in rec.sectors:
        t.iri(TH.sector, m.resolve_sector(s))
    t.iri(SDO.url, str(rec.website) if rec.website else None)
    t.dates(rec)


def _grant(rec: Grant, t: Triples, m: Minter) -> None:
    t.iri(RDF.type, TH.Grant)
    t.labels(SKOS.prefLabel, rec.name)
    if rec.number:
        t.add(DCTERMS.identifier, literal(rec.number))
    for f in rec.funders:
        t.iri(SDO.funder, m.resolve(f))
    t.iri(TH.underProgramme, m.resolve(rec.programme) if rec.programme else None)
    for p in rec.projects:
        t.iri(SDO.fundedItem, m.resolve(p))
    for a in rec.awardees:
        t.iri(TH.awardee, m.resolve(a))
    t.money(t.s[1:-1], rec.amount)
    t.dates(rec)


def _project(rec: Project, t: Triples, m: Minter) -> None:
    t.iri(RDF.type, TH.Project)
    t.labels(SKOS.prefLabel, rec.name)
    if rec.acronym:
        t.add(SKOS.altLabel, literal(rec.acronym))
    t.iri(DCTERMS.type, f"{VOCAB}ptype/{rec.type}" if rec.type else None)
    t.iri(TH.underProgramme, m.resolve(rec.programme) if rec.programme else None)
    t.iri(DCTERMS.isPartOf, m.resolve(rec.part_of) if rec.part_of else None)
    for s in rec.sectors:
        t.iri(TH.sector, m.resolve_sector(s))
    for c in rec.countries:
        t.iri(DCTERMS.spatial, _country(c))
    t.iri(SDO.url, str(rec.website) if rec.website else None)
    t.dates(rec)
    if rec.total_cost is not None:  # the project's budget, besides the grant's amount
        node = f"{t.s[1:-1]}#total-cost"
        t.iri(SDO.estimatedCost, node)
        t.rows.append((iri(node), A, iri(SDO.MonetaryAmount)))
        value = decimal(rec.total_cost.value)
        t.rows.append((iri(node), iri(SDO.value), value))
        t.rows.append((iri(node), iri(SDO.currency), literal(rec.total_cost.currency)))


def _event(rec: Event, t: Triples, m: Minter) -> None:
    t.iri(RDF.type, TH.Event)
    t.labels(SKOS.prefLabel, rec.name)
    t.iri(DCTERMS.type, f"{VOCAB}etype/{rec.type}" if rec.type else None)
    t.iri(TH.country, _country(rec.country) if rec.country else None)
    t.labels(SDO.location, rec.place)
    for p in rec.part_of:
        t.iri(DCTERMS.isPartOf, m.resolve(p))
    for s in rec.sectors:
        t.iri(TH.sector, m.resolve_sector(s))
    t.dates(rec)


def _participation(rec: Participation, t: Triples, m: Minter) -> None:
    t.iri(RDF.type, TH.Participation)
    t.iri(TH.agent, m.resolve(rec.agent))
    t.iri(TH.activity, m.resolve(rec.activity))
    t.iri(TH.role, f"{VOCAB}role/{rec.role}")
    t.iri(TH.viaGrant, m.resolve(rec.grant) if rec.grant else None)
    t.dates(rec)
    subject = t.s[1:-1]
    for n, c in enumerate(rec.contributions):
        _contribution(c, m.contribution(subject, c.type, n), t)


def _contribution(c: Contribution, node: str, owner: Triples) -> None:
    owner.iri(TH.contribution, node)
    t = Triples(node)
    t.iri(RDF.type, TH.Contribution)
    t.iri(TH.contributionType, f"{VOCAB}ctype/{c.type}" if c.type else None)
    t.labels(SDO.description, c.description)
    t.money(node, c.amount)
    owner.rows.extend(t.rows)
    owner.also.append(t.s)  # a fact-bearing node too: it cites the same records


def _sector(rec: Sector, t: Triples, m: Minter) -> None:
    t.iri(RDF.type, SKOS.Concept)
    t.iri(SKOS.inScheme, f"{VOCAB}sector/scheme")
    t.labels(SKOS.prefLabel, rec.name)
    t.iri(SKOS.broader, m.resolve_sector(rec.broader) if rec.broader else None)
    for match in rec.close_match:
        t.iri(SKOS.closeMatch, str(match))


def _cluster(rec: Cluster, t: Triples, m: Minter) -> None:
    t.iri(RDF.type, SKOS.Concept)
    t.iri(SKOS.inScheme, f"{VOCAB}cluster/scheme")
    t.labels(SKOS.prefLabel, rec.name)
    t.iri(TH.definedAt, m.resolve(rec.workshop) if rec.workshop else None)
    t.iri(SKOS.broader, m.resolve(rec.broader) if rec.broader else None)


def _idea(rec: Idea, t: Triples, m: Minter) -> None:
    t.iri(RDF.type, TH.ForesightIdea)
    t.labels(SDO.text, rec.text)
    t.iri(TH.horizon, f"{VOCAB}horizon/{rec.horizon}")
    for c in rec.clusters:
        t.iri(TH.cluster, m.resolve(c))
    t.iri(TH.stage, f"{VOCAB}stage/{rec.stage}" if rec.stage else None)
    t.iri(TH.collectedAt, m.resolve(rec.workshop) if rec.workshop else None)


_MAPPERS: dict[type[Record], Callable[[Any, Triples, Minter], None]] = {
    Organisation: _organisation,
    Person: _person,
    Programme: _programme,
    Grant: _grant,
    Project: _project,
    Event: _event,
    Participation: _participation,
    Sector: _sector,
    Cluster: _cluster,
    Idea: _idea,
}
