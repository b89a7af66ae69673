"""The ``meta`` graph: source documents, source records and the ingest run."""

from __future__ import annotations

from triplehelix._version import __version__
from triplehelix.data.iris import Minter
from triplehelix.data.loader import Located
from triplehelix.data.models import Document, SourceRecord
from triplehelix.data.sources import base_name
from triplehelix.data.types import date_precision
from triplehelix.graph.rdf.terms import (
    DCTERMS,
    FOAF,
    PROV,
    RDF,
    SDO,
    TH,
    XSD,
    Triples,
    iri,
    literal,
)

__all__ = ["Meta"]


class Meta:
    """The ``meta`` graph: documents, source records, the ingest run."""

    def __init__(
        self, minter: Minter, run: str, files: dict[str, str], primary: dict[str, bool]
    ) -> None:
        self.minter, self.run, self.files, self.primary = minter, run, files, primary
        self.rows: list[tuple[str, str, str]] = []
        self.seen: set[str] = set()

    def _doc(
        self, node: str, title: dict[str, str], sha: str | None = None, name: str | None = None
    ) -> None:
        t = Triples(node)
        t.iri(RDF.type, TH.SourceDocument)
        t.iri(RDF.type, FOAF.Document)
        t.labels(DCTERMS.title, title)
        if sha:
            t.add(SDO.sha256, literal(sha))
        if name:  # the source name as loaded (``data.sources``)
            t.add(DCTERMS.identifier, literal(name))
        self.rows.extend(t.rows)
        self.rows.append((iri(self.run), iri(PROV.used), iri(node)))

    def _record(self, node: str, doc: str, locator: str | None) -> Triples:
        t = Triples(node)
        t.iri(RDF.type, TH.SourceRecord)
        t.iri(DCTERMS.isPartOf, doc)
        if locator:
            t.add(TH.locator, literal(locator))
        t.iri(PROV.wasGeneratedBy, self.run)
        return t

    def implicit(self, loc: Located) -> str:
        doc = self.minter.file_document(loc.file)
        unit = "row" if loc.fmt in ("csv", "tsv") else "line"
        node = f"{doc}/{unit}-{loc.line}"
        if doc not in self.seen:
            self.seen.add(doc)
            self._doc(doc, {"en": base_name(loc.file)}, self.files.get(loc.file), loc.file)
        if node not in self.seen:
            self.seen.add(node)
            self.rows.extend(self._record(node, doc, f"{unit} {loc.line}").rows)
        return node

    def explicit(self, rec: Document | SourceRecord) -> None:
        node = self.minter.resolve(rec.id)
        if isinstance(rec, Document):
            self._doc(node, rec.title)
            t = Triples(node)
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
            t = self._record(node, doc, rec.locator)
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
        run = Triples(self.run)
        run.iri(RDF.type, PROV.Activity)
        run.iri(PROV.wasAssociatedWith, agent)
        if started:
            run.add(PROV.startedAtTime, literal(started, datatype=str(XSD.dateTime)))
        soft = Triples(agent)
        soft.iri(RDF.type, PROV.SoftwareAgent)
        soft.add(SDO.softwareVersion, literal(__version__))
        return [*run.rows, *soft.rows]
