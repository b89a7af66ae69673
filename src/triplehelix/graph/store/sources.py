"""Sources in a store: which ones are loaded, under which name, finding one to unload,
and the replace policy every write path follows.

A file loaded as a source is described in the ``meta`` graph by its document
(``…/source/file-KEY``, see ``data.sources``): its base name as ``dcterms:title``, its
name as loaded as ``dcterms:identifier`` (stores written before names had folders lack
it) and the SHA-256 of its bytes.

The replace policy (``sort_sources``): a source already loaded with the same bytes is
skipped (``same``), also under another name of the same base name (``moved``); one
loaded with other bytes is dropped (``graph.store.retract.drop_source``), then written
(``changed``); the rest is written (``new``). The documents an importer names carry no
hash of their own: a known ingest run (the same input files) skips them, any other
drops them before they are written again (``replace_documents``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from triplehelix.data.iris import Minter
from triplehelix.data.sources import base_name, normal_name
from triplehelix.errors import StoreError, UsageError
from triplehelix.graph.rdf.terms import literal
from triplehelix.graph.store.retract import Target, drop_source
from triplehelix.ontology.namespace import (
    DCT_IDENTIFIER,
    DCT_TITLE,
    GRAPH_META,
    PART_OF,
    PROV_STARTED,
    SDO_SHA256,
)

if TYPE_CHECKING:
    from triplehelix.graph.store.protocol import Store

__all__ = [
    "Sorted",
    "drop_changed",
    "find_source",
    "has_run",
    "loaded_elsewhere",
    "replace_documents",
    "run_start",
    "sort_sources",
]


@dataclass(slots=True)
class Sorted:
    """The record files of a load, by what the store already holds of each.

    Attributes:
        same: loaded before with the same bytes (nothing to do).
        changed: loaded before with other bytes (to replace).
        new: not in the store (to write).
        moved: in the store with the same bytes under another name (name → document).
    """

    same: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    moved: dict[str, str] = field(default_factory=dict)


def sort_sources(kg: Store, files: dict[str, str], minter: Minter) -> Sorted:
    """Sort record files (name → SHA-256) by what the store holds of them."""
    out = Sorted()
    for name, sha in files.items():
        doc = minter.file_document(name)
        if _has_source(kg, doc):
            same = kg.ask(
                f"ASK {{ GRAPH <{GRAPH_META}> {{ <{doc}> <{SDO_SHA256}> {literal(sha)} }} }}"
            )
            (out.same if same else out.changed).append(name)
        elif (other := loaded_elsewhere(kg, doc, name, sha)) is not None:
            out.moved[name] = other
        else:
            out.new.append(name)
    return out


def drop_changed(
    kg: Store, found: Sorted, minter: Minter, *, union: str | None = None
) -> list[str]:
    """Drop the sources ``sort_sources`` found changed, before they are written again.

    Returns:
        The graphs dropped.
    """
    docs = [minter.file_document(name) for name in found.changed]
    return [g for doc in docs for g in drop_source(kg, doc, union=union)]


def loaded_elsewhere(kg: Store, doc: str, name: str, sha: str) -> str | None:
    """Another source document with the same base name and the same bytes, if any.

    A moved or renamed file, or a store written before source names had folders (when
    a document was named by its base name alone): the same source under another name.
    """
    rows = kg.select(
        f"""SELECT ?doc WHERE {{ GRAPH <{GRAPH_META}> {{
          ?doc <{SDO_SHA256}> {literal(sha)} ; <{DCT_TITLE}> ?title .
          FILTER(STR(?title) = {literal(base_name(name))} && ?doc != <{doc}>)
          FILTER EXISTS {{ ?part <{PART_OF}> ?doc }}
        }} }} ORDER BY ?doc LIMIT 1"""
    )
    return str(rows[0]["doc"]) if rows else None


def find_source(kg: Store, given: str, minter: Minter) -> str:
    """The document of a source to unload: a document IRI, a name as loaded
    (``a/organisations.csv``), or a bare base name that matches exactly one source.

    Raises:
        StoreError: no such source (``no-source``).
        UsageError: a base name that several sources have (``ambiguous-source``).
    """
    if given.startswith(("http://", "https://")):
        candidates = [given]
    else:
        candidates = [minter.file_document(normal_name(given))]
    for doc in candidates:
        if _has_source(kg, doc):
            return doc
    if given.startswith(("http://", "https://")):
        matches = []
    else:
        matches = _by_base_name(kg, base_name(normal_name(given)))
    if len(matches) == 1:
        return matches[0][0]
    if len(matches) > 1:
        listing = ", ".join(name or doc for doc, name in matches)
        raise UsageError(
            f"{len(matches)} sources are named {given!r}: {listing}",
            code="ambiguous-source",
            hint="name one as it was loaded (with its folder), or by its IRI",
        )
    raise StoreError(
        f"no source {given!r} in the store",
        code="no-source",
        hint="name an input file as it was loaded (data/participations.jsonl), "
        "its base name, or its IRI",
    )


def _by_base_name(kg: Store, base: str) -> list[tuple[str, str | None]]:
    rows = kg.select(
        f"""SELECT DISTINCT ?doc ?name WHERE {{ GRAPH <{GRAPH_META}> {{
          ?doc <{DCT_TITLE}> ?title . FILTER(STR(?title) = {literal(base)})
          FILTER EXISTS {{ ?part <{PART_OF}> ?doc }}
          OPTIONAL {{ ?doc <{DCT_IDENTIFIER}> ?name }}
        }} }} ORDER BY ?doc"""
    )
    return [(str(r["doc"]), r["name"]) for r in rows]


def _has_source(kg: Store, doc: str) -> bool:
    if any(c in doc for c in '<>"{}|^`\\ \n'):
        return False
    return kg.ask(f"ASK {{ GRAPH <{GRAPH_META}> {{ ?g <{PART_OF}> <{doc}> }} }}")


def has_run(kg: Target, run: str) -> bool:
    """Whether the store records the run with its start time (the run IRI is a hash of the
    inputs). Only ``prov:startedAtTime`` counts: sources of a run killed midway may have
    described it already (``prov:used``), but its start is written when it finishes."""
    return kg.ask(f"ASK {{ GRAPH <{GRAPH_META}> {{ <{run}> <{PROV_STARTED}> ?t }} }}")


def run_start(kg: Target, run: str) -> str | None:
    """The ``xsd:dateTime`` to record as the start of ``run`` (now, to the second), or None
    when the store records its start already (a re-run of the same inputs)."""
    if has_run(kg, run):
        return None
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return now.isoformat().replace("+00:00", "Z")


def replace_documents(
    kg: Target, docs: list[str], run: str, *, union: str | None = None
) -> list[str]:
    """The replace policy for the documents an importer names: if the store records
    ``run`` (the same input files, imported before), nothing; else every graph of each
    document is dropped (``drop_source``), to be written again.

    Returns:
        The graphs dropped.
    """
    if not docs or has_run(kg, run):
        return []
    return [g for doc in docs for g in drop_source(kg, doc, union=union)]
