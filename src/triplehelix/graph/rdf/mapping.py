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
from decimal import Decimal
from typing import Any

from rdflib import namespace as _ns

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
from triplehelix.data.sources import base_name
from triplehelix.data.types import (
    Money,
    alpha3,
    date_precision,
    date_year,
    xsd_decimal,
    xsd_year,
)
from triplehelix.errors import InvalidDataError, Problem
from triplehelix.ontology import namespace as _th
from triplehelix.ontology.namespace import EU_COUNTRY, GRAPH_META

__all__ = ["Build", "Emitter", "build_nquads", "literal", "org_class", "run_key"]


class _Terms:
    """A namespace whose terms are looked up once: rdflib's ``Namespace.__getattr__``
    costs about a microsecond a call, and the mapping makes millions at scale.

    >>> str(SDO.startDate), str(XSD)
    ('https://schema.org/startDate', 'http://www.w3.org/2001/XMLSchema#')
    """

    def __init__(self, ns: Any) -> None:
        self._ns = ns

    def __getattr__(self, name: str) -> Any:
        term = getattr(self._ns, name)
        setattr(self, name, term)
        return term

    def __str__(self) -> str:
        return str(self._ns)


DCTERMS, FOAF, ORG, PROV, RDF, SDO, SKOS, XSD = (
    _Terms(n)
    for n in (_ns.DCTERMS, _ns.FOAF, _ns.ORG, _ns.PROV, _ns.RDF, _ns.SDO, _ns.SKOS, _ns.XSD)
)
TH = _Terms(_th.TH)

ORG_CLASS = {
    "university": TH.University,
    "research-organisation": TH.ResearchOrganisation,
    "company": TH.Company,
    "government-body": TH.GovernmentBody,
    "development-agency": TH.DevelopmentAgency,
    "technology-transfer-centre": TH.TechnologyTransferCentre,
    "funding-body": TH.FundingBody,
    "other": TH.OtherOrganisation,
}


def org_class(org_type: str) -> str:
    """The ontology class of an organisation type.

    >>> org_class("university")
    'https://w3id.org/triplehelix/ontology#University'
    """
    return str(ORG_CLASS[org_type])


def _i(term: object) -> str:
    return f"<{term}>"


A = _i(RDF.type)
DERIVED = _i(PROV.wasDerivedFrom)
META = _i(GRAPH_META)

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def literal(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    """An N-Triples literal.

    >>> literal('say "hi"', lang="en")
    '"say \\\\"hi\\\\""@en'
    >>> literal("2025", datatype="http://www.w3.org/2001/XMLSchema#gYear")
    '"2025"^^<http://www.w3.org/2001/XMLSchema#gYear>'
    """
    body = f'"{text.translate(_ESCAPES)}"'
    if lang:
        return f"{body}@{lang}"
    if datatype:
        return f"{body}^^<{datatype}>"
    return body


def _int(n: int) -> str:
    return literal(str(n), datatype=str(XSD.integer))


def _decimal(number: Decimal | float) -> str:
    """An ``xsd:decimal`` literal in the canonical lexical form (never ``1.5E+6``)."""
    return literal(xsd_decimal(number), datatype=str(XSD.decimal))


@dataclass(slots=True)
class Build:
    """The N-Quads of a record set and what they contain."""

    nquads: str
    quads: int
    graphs: set[str]
    run: str
    iris: dict[str, str] = field(default_factory=dict)


class _Triples:
    """Triples of one node, collected before they are written to each source graph."""

    def __init__(self, subject: str) -> None:
        self.s = _i(subject)
        self.rows: list[tuple[str, str, str]] = []
        self.also: list[str] = []  # further fact-bearing subjects (contributions)

    def add(self, p: object, o: str) -> None:
        self.rows.append((self.s, _i(p), o))

    def iri(self, p: object, o: object | None) -> None:
        if o is not None:
            self.add(p, _i(o))

    def labels(self, p: object, names: dict[str, str] | None) -> None:
        for lang, text in (names or {}).items():
            self.add(p, literal(text, lang=lang))

    def dates(self, rec: Record) -> None:
        for attr, p_date, p_year in (
            ("start", SDO.startDate, TH.startYear),
            ("end", SDO.endDate, TH.endYear),
        ):
            value = getattr(rec, attr, None)
            if value:
                self.add(p_date, literal(value, datatype=str(XSD) + date_precision(value)))
                self.add(p_year, _int(date_year(value)))

    def money(self, owner: str, amount: Money | None) -> None:
        if amount is None:
            return
        node = f"{owner}#amount"
        self.iri(SDO.amount, node)
        self.rows.append((_i(node), A, _i(SDO.MonetaryAmount)))
        self.rows.append((_i(node), _i(SDO.value), _decimal(amount.value)))
        self.rows.append((_i(node), _i(SDO.currency), literal(amount.currency)))


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
    _check_collisions(rs, minter)
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
        self.meta = _Meta(minter, run, files, primary or {})
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
            node = _Triples(minter.by_key[record_key(rec)])
            _map(rec, node, minter)
            for subject in (node.s, *node.also):
                node.rows.extend((subject, DERIVED, _i(src)) for src in sources)
            for src in sources:
                g = _i(src)
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


def _check_collisions(rs: RecordSet, minter: Minter) -> None:
    seen: dict[str, tuple[str, Located]] = {}
    problems = []
    for rec, loc in zip(rs.records, rs.where, strict=True):
        if rec.iri is not None:
            continue
        key = record_key(rec)
        iri = minter.by_key[key]
        if iri in seen and seen[iri][0] != key:
            other, where = seen[iri]
            problems.append(
                Problem(
                    loc.file,
                    loc.line,
                    "id",
                    "iri-collision",
                    f"a record distinct from '{other}' ({where.file}:{where.line}); "
                    "both mint the same IRI — give one an 'iri' or an identifier",
                    iri,
                )
            )
        seen.setdefault(iri, (key, loc))
    if problems:
        raise InvalidDataError(
            problems, hint="records that are the same thing should be one record"
        )


class _Meta:
    """The ``meta`` graph: documents, source records, the ingest run."""

    def __init__(
        self, minter: Minter, run: str, files: dict[str, str], primary: dict[str, bool]
    ) -> None:
        self.minter, self.run, self.files, self.primary = minter, run, files, primary
        self.rows: list[tuple[str, str, str]] = []
        self.seen: set[str] = set()

    def _doc(
        self, iri: str, title: dict[str, str], sha: str | None = None, name: str | None = None
    ) -> None:
        t = _Triples(iri)
        t.iri(RDF.type, TH.SourceDocument)
        t.iri(RDF.type, FOAF.Document)
        t.labels(DCTERMS.title, title)
        if sha:
            t.add(SDO.sha256, literal(sha))
        if name:  # the source name as loaded (``data.sources``)
            t.add(DCTERMS.identifier, literal(name))
        self.rows.extend(t.rows)
        self.rows.append((_i(self.run), _i(PROV.used), _i(iri)))

    def _record(self, iri: str, doc: str, locator: str | None) -> _Triples:
        t = _Triples(iri)
        t.iri(RDF.type, TH.SourceRecord)
        t.iri(DCTERMS.isPartOf, doc)
        if locator:
            t.add(TH.locator, literal(locator))
        t.iri(PROV.wasGeneratedBy, self.run)
        return t

    def implicit(self, loc: Located) -> str:
        doc = self.minter.file_document(loc.file)
        unit = "row" if loc.fmt in ("csv", "tsv") else "line"
        iri = f"{doc}/{unit}-{loc.line}"
        if doc not in self.seen:
            self.seen.add(doc)
            self._doc(doc, {"en": base_name(loc.file)}, self.files.get(loc.file), loc.file)
        if iri not in self.seen:
            self.seen.add(iri)
            self.rows.extend(self._record(iri, doc, f"{unit} {loc.line}").rows)
        return iri

    def explicit(self, rec: Document | SourceRecord) -> None:
        iri = self.minter.resolve(rec.id)
        if isinstance(rec, Document):
            self._doc(iri, rec.title)
            t = _Triples(iri)
            t.iri(SDO.url, str(rec.url) if rec.url else None)
            if rec.publisher:
                t.add(DCTERMS.publisher, literal(rec.publisher))
            if rec.issued:
                t.add(
                    DCTERMS.issued,
                    literal(rec.issued, datatype=str(XSD) + date_precision(rec.issued)),
                )
            if rec.license:
                t.add(DCTERMS.license, literal(rec.license))
            if rec.language:
                t.add(DCTERMS.language, literal(rec.language, datatype=str(XSD.language)))
            t.labels(SDO.description, rec.description)
            self.rows.extend(t.rows)
        else:
            doc = self.minter.resolve(rec.document)
            t = self._record(iri, doc, rec.locator)
            # Originals (grant agreements, official lists) vs secondary sources (news).
            primary = self.primary.get(rec.document, False)
            t.iri(PROV.hadPrimarySource if primary else PROV.wasDerivedFrom, doc)
            t.labels(SDO.text, rec.text)
            self.rows.extend(t.rows)

    def drain(self) -> list[tuple[str, str, str]]:
        """The rows collected since the last drain (each source record is described once)."""
        rows, self.rows = self.rows, []
        return rows

    def closing(self, started: str | None) -> list[tuple[str, str, str]]:
        """The ingest run and the software agent."""
        agent = f"{self.minter.id_base}software/triplehelix"
        run = _Triples(self.run)
        run.iri(RDF.type, PROV.Activity)
        run.iri(PROV.wasAssociatedWith, agent)
        if started:
            run.add(PROV.startedAtTime, literal(started, datatype=str(XSD.dateTime)))
        soft = _Triples(agent)
        soft.iri(RDF.type, PROV.SoftwareAgent)
        soft.add(SDO.softwareVersion, literal(__version__))
        return [*run.rows, *soft.rows]


# -- one function per record kind ----------------------------------------------------------


def _map(rec: Record, t: _Triples, m: Minter) -> None:
    t.labels(SDO.description, rec.description)
    mapper = _MAPPERS[type(rec)]
    mapper(rec, t, m)


def _country(code: str) -> str:
    return str(EU_COUNTRY) + alpha3(code)


def _organisation(rec: Organisation, t: _Triples, m: Minter) -> None:
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


def _organisation_details(rec: Organisation, t: _Triples, m: Minter) -> None:
    """Registry details (ROR, CORDIS): aliases, status, place, identifiers, relations."""
    for lang, names in rec.aliases.items():
        for name in names:
            t.add(SDO.alternateName, literal(name, lang=lang))
    t.iri(_ADMS_STATUS, f"{VOCAB}org-status/{rec.status}" if rec.status else None)
    if rec.established is not None:
        t.add(SDO.foundingDate, literal(xsd_year(rec.established), datatype=str(XSD.gYear)))
    for p, coord in ((SDO.latitude, rec.latitude), (SDO.longitude, rec.longitude)):
        if coord is not None:
            t.add(p, _decimal(coord))
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


def _person(rec: Person, t: _Triples, m: Minter) -> None:
    t.iri(RDF.type, TH.Person)
    t.add(SKOS.prefLabel, literal(rec.name))
    if rec.orcid:
        t.iri(SDO.sameAs, f"https://orcid.org/{rec.orcid}")
    subject = t.s[1:-1]
    for n, org in enumerate(rec.affiliations, start=1):
        membership = _i(f"{subject}#membership-{n}")
        t.rows.append((membership, A, _i(ORG.Membership)))
        t.rows.append((membership, _i(ORG.member), t.s))
        t.rows.append((membership, _i(ORG.organization), _i(m.resolve(org))))


def _programme(rec: Programme, t: _Triples, m: Minter) -> None:
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


def _grant(rec: Grant, t: _Triples, m: Minter) -> None:
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


def _project(rec: Project, t: _Triples, m: Minter) -> None:
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
        t.rows.append((_i(node), A, _i(SDO.MonetaryAmount)))
        value = _decimal(rec.total_cost.value)
        t.rows.append((_i(node), _i(SDO.value), value))
        t.rows.append((_i(node), _i(SDO.currency), literal(rec.total_cost.currency)))


def _event(rec: Event, t: _Triples, m: Minter) -> None:
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


def _participation(rec: Participation, t: _Triples, m: Minter) -> None:
    t.iri(RDF.type, TH.Participation)
    t.iri(TH.agent, m.resolve(rec.agent))
    t.iri(TH.activity, m.resolve(rec.activity))
    t.iri(TH.role, f"{VOCAB}role/{rec.role}")
    t.iri(TH.viaGrant, m.resolve(rec.grant) if rec.grant else None)
    t.dates(rec)
    subject = t.s[1:-1]
    for n, c in enumerate(rec.contributions):
        _contribution(c, m.contribution(subject, c.type, n), t)


def _contribution(c: Contribution, iri: str, owner: _Triples) -> None:
    owner.iri(TH.contribution, iri)
    t = _Triples(iri)
    t.iri(RDF.type, TH.Contribution)
    t.iri(TH.contributionType, f"{VOCAB}ctype/{c.type}" if c.type else None)
    t.labels(SDO.description, c.description)
    t.money(iri, c.amount)
    owner.rows.extend(t.rows)
    owner.also.append(t.s)  # a fact-bearing node too: it cites the same records


def _sector(rec: Sector, t: _Triples, m: Minter) -> None:
    t.iri(RDF.type, SKOS.Concept)
    t.iri(SKOS.inScheme, f"{VOCAB}sector/scheme")
    t.labels(SKOS.prefLabel, rec.name)
    t.iri(SKOS.broader, m.resolve_sector(rec.broader) if rec.broader else None)
    for match in rec.close_match:
        t.iri(SKOS.closeMatch, str(match))


def _cluster(rec: Cluster, t: _Triples, m: Minter) -> None:
    t.iri(RDF.type, SKOS.Concept)
    t.iri(SKOS.inScheme, f"{VOCAB}cluster/scheme")
    t.labels(SKOS.prefLabel, rec.name)
    t.iri(TH.definedAt, m.resolve(rec.workshop) if rec.workshop else None)
    t.iri(SKOS.broader, m.resolve(rec.broader) if rec.broader else None)


def _idea(rec: Idea, t: _Triples, m: Minter) -> None:
    t.iri(RDF.type, TH.ForesightIdea)
    t.labels(SDO.text, rec.text)
    t.iri(TH.horizon, f"{VOCAB}horizon/{rec.horizon}")
    for c in rec.clusters:
        t.iri(TH.cluster, m.resolve(c))
    t.iri(TH.stage, f"{VOCAB}stage/{rec.stage}" if rec.stage else None)
    t.iri(TH.collectedAt, m.resolve(rec.workshop) if rec.workshop else None)


_MAPPERS: dict[type[Record], Callable[[Any, _Triples, Minter], None]] = {
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
