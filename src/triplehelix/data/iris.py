"""Deterministic, stable IRIs for records (ontology guide §3.9).

The same record always mints the same IRI, so loading the same facts twice yields the
same nodes: loads are idempotent. Precedence per kind:

========================  =====================================================
organisation              ``org/ror-{id}`` → ``org/wd-{Q}`` → ``org/{latin-name-slug}-{cc}``
person                    ``person/orcid-{orcid}`` → ``person/{uuid5(name, first affiliation)}``
programme                 ``programme/{slug}``; a sub-programme ``programme/{parent}-{slug}``
project                   ``project/{acronym-or-title-slug}[-{startYear}]``
grant                     ``grant/{funder-key}-{number-slug}`` → ``grant/{id-slug}``
event                     ``event/{name-slug}[-{start date}]``
participation             ``participation/{uuid5(activity|agent|role)}``
contribution              ``contribution/{uuid5(participation|type|ordinal)}``
idea                      ``idea/{workshop-key}-{id}`` → ``idea/{uuid5(workshop|text)}``
sector, cluster           ``vocab/{scheme}/{id-slug}``
document, record          ``source/{doc-slug}``, ``source/{doc-slug}/{record-slug}``
========================  =====================================================

UUIDv5 keys use one fixed project namespace (``PROJECT_UUID``) over full IRIs joined by
``|``. A record's ``iri`` field overrides all of this.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from functools import lru_cache

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
    Record,
    Sector,
    SourceRecord,
    record_key,
)
from triplehelix.data.slug import slugify
from triplehelix.data.sources import document_iri

__all__ = ["BASE", "PROJECT_UUID", "VOCAB", "Minter", "slugify", "uuid_key"]

BASE = "https://w3id.org/triplehelix/"
VOCAB = BASE + "vocab/"
"""Vocabulary IRIs are fixed: only instance and source IRIs follow a configured base."""
PROJECT_UUID = uuid.UUID("6f1f3c1e-5a43-5b1e-9d1c-7a2b8e4f0c11")
_NS_BYTES = PROJECT_UUID.bytes
"""The namespace of every UUIDv5 triplehelix mints. Never change it: IRIs depend on it."""


def uuid_key(*parts: str) -> str:
    """UUIDv5 under the project namespace over the parts joined with ``|``.

    The hash is computed here rather than by ``uuid.uuid5`` (the same bytes, the same
    UUID, about twice as fast: a bulk load mints two per participation row).

    >>> uuid_key("a", "b") == uuid_key("a", "b") != uuid_key("b", "a")
    True
    >>> uuid_key("x", "é") == str(uuid.uuid5(PROJECT_UUID, "x|é"))
    True
    """
    h = bytearray(hashlib.sha1(_NS_BYTES + "|".join(parts).encode()).digest()[:16])
    h[6] = (h[6] & 0x0F) | 0x50  # version 5
    h[8] = (h[8] & 0x3F) | 0x80  # RFC 4122 variant
    x = h.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


def _latin_name(names: dict[str, str]) -> str:
    for lang in ("en", *sorted(names)):
        if lang in names and slugify(names[lang]):
            return names[lang]
    return next(iter(names.values()))


class Minter:
    """Mints IRIs for the records of one dataset.

    >>> m = Minter()
    >>> m.mint(Organisation(id="x", name="East Kazakhstan Technical University",
    ...                     types=["university"], country="KZ"))
    'https://w3id.org/triplehelix/id/org/east-kazakhstan-technical-university-kz'
    """

    def __init__(self, base: str = BASE) -> None:
        self.base = base
        self.id_base = base + "id/"
        self.by_key: dict[str, str] = {}

    def resolve(self, ref: str) -> str:
        """The IRI of a reference: a full IRI as is, else the minted IRI of that id."""
        if ref.startswith(("http://", "https://")):
            return ref
        return self.by_key[ref]

    def mint_all(self, records: Iterable[Record]) -> dict[str, str]:
        """Mint in dependency order (programmes, organisations… before what uses them)."""
        order = (
            Document,
            SourceRecord,
            Sector,
            Programme,
            Organisation,
            Person,
            Project,
            Event,
            Cluster,
            Grant,
            Participation,
            Idea,
        )
        pending = list(records)
        for cls in order:
            for rec in pending:
                if type(rec) is cls:
                    key = record_key(rec)
                    self.by_key[key] = str(rec.iri) if rec.iri else self.mint(rec)
        return self.by_key

    def mint(self, rec: Record) -> str:
        """The IRI a record gets when it has no explicit ``iri``."""
        i = self.id_base
        if isinstance(rec, Organisation):
            if rec.ror:
                return f"{i}org/ror-{rec.ror.rsplit('/', 1)[-1]}"
            if rec.wikidata:
                return f"{i}org/wd-{rec.wikidata.rsplit('/', 1)[-1]}"
            slug = slugify(_latin_name(rec.name)) or slugify(rec.id)
            return f"{i}org/{slug}-{rec.country.lower()}" if rec.country else f"{i}org/{slug}"
        if isinstance(rec, Person):
            if rec.orcid:
                return f"{i}person/orcid-{rec.orcid}"
            aff = self.resolve(rec.affiliations[0]) if rec.affiliations else ""
            return f"{i}person/{uuid_key(rec.name, aff)}"
        if isinstance(rec, Programme):
            slug = slugify(rec.acronym or _latin_name(rec.name))
            if rec.part_of:
                parent = self.resolve(rec.part_of).rsplit("/", 1)[-1]
                return f"{i}programme/{parent}-{slug}"
            return f"{i}programme/{slug}"
        if isinstance(rec, Project):
            slug = slugify(rec.acronym or _latin_name(rec.name))
            return f"{i}project/{slug}-{rec.start[:4]}" if rec.start else f"{i}project/{slug}"
        if isinstance(rec, Grant):
            if rec.number and rec.funders:
                funder = self.resolve(rec.funders[0]).rstrip("/").rsplit("/", 1)[-1]
                return f"{i}grant/{funder}-{slugify(rec.number)}"
            return f"{i}grant/{slugify(rec.id)}"
        if isinstance(rec, Event):
            slug = slugify(_latin_name(rec.name))
            return f"{i}event/{slug}-{rec.start}" if rec.start else f"{i}event/{slug}"
        if isinstance(rec, Participation):
            key = uuid_key(
                self.resolve(rec.activity), self.resolve(rec.agent), f"{VOCAB}role/{rec.role}"
            )
            return f"{i}participation/{key}"
        if isinstance(rec, Idea):
            workshop = self.resolve(rec.workshop) if rec.workshop else ""
            if rec.id and workshop:
                return f"{i}idea/{workshop.rsplit('/', 1)[-1]}-{slugify(rec.id)}"
            text = rec.text.get("en") or next(iter(rec.text.values()))
            return f"{i}idea/{uuid_key(workshop, text)}"
        if isinstance(rec, Sector | Cluster):
            return f"{VOCAB}{rec.kind}/{slugify(rec.id)}"
        if isinstance(rec, Document):
            return f"{self.base}source/{slugify(rec.id)}"
        if isinstance(rec, SourceRecord):
            doc = self.resolve(rec.document)
            return f"{doc}/{slugify(rec.id)}"
        raise TypeError(f"no IRI rule for {type(rec).__name__}")  # pragma: no cover

    def resolve_sector(self, ref: str) -> str:
        """IRI of a sector reference: a dataset's sector or one the vocabulary ships."""
        if ref in self.by_key or ref.startswith(("http://", "https://")):
            return self.resolve(ref)
        return f"{VOCAB}sector/{ref}"

    def contribution(self, participation_iri: str, ctype: str | None, ordinal: int) -> str:
        """IRI of the ``ordinal``-th contribution of a participation."""
        return (
            f"{self.id_base}contribution/{uuid_key(participation_iri, ctype or '', str(ordinal))}"
        )

    def file_document(self, source: str) -> str:
        """IRI of an input file, named as a source (``data.sources``), taken as the
        source document of its records."""
        return _file_document(self.base, source)


@lru_cache(maxsize=256)
def _file_document(base: str, source: str) -> str:
    """Asked once per row by the bulk loader: cached."""
    return document_iri(base, source)
