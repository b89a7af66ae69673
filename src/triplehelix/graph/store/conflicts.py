"""Conflicting values: a load says something else than another source about the same IRI.

Two sources may describe the same organisation (the same IRI): one says its country is
KZ, the other DE; one calls it "EKTU"@en, the other "East Kazakhstan TU"@en. The store
keeps both (each source in its own graphs), but a single-valued property with two
values is a conflict worth knowing about. Before a load writes anything, the quads it
is about to write go into a scratch store, and for every single-valued property

* the SHACL shapes' ``sh:maxCount 1`` paths (for the classes those shapes target),
* the ``sh:uniqueLang`` paths (``skos:prefLabel``: one per language),
* the organisation type (its ``th:Organization`` subclasses) and ``schema:foundingDate``,

one SPARQL query lists the values of the scratch store, and queries with the subjects
bound in ``VALUES`` chunks list what the store's *other* sources say of those subjects.
Per (IRI, property, language) and source, the sets of values are compared: two sources
with different sets are a ``Conflict``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from triplehelix.data.iris import Minter
from triplehelix.data.loader import RecordSet
from triplehelix.data.models import Document, SourceRecord, record_key
from triplehelix.graph.store.report import Conflict
from triplehelix.ontology import shapes_graph
from triplehelix.ontology.namespace import (
    DCT_IDENTIFIER,
    GRAPH_META,
    PART_OF,
    RDF_TYPE,
    SDO_FOUNDING,
)

if TYPE_CHECKING:
    from triplehelix.graph.store.protocol import Store

__all__ = [
    "Conflict",
    "find_conflicts",
    "functional_properties",
    "records_conflicts",
    "summary",
]

TH = "https://w3id.org/triplehelix/ontology#"
Val = tuple[str, str]  # a value and its language tag ("" if none)
Select = Callable[[str], Iterable[Any]]
"""A SELECT's rows of terms (indexed by variable name): a scratch store's or a ``Store``'s."""
CHUNK = 2_000
SHOWN = 20
_SH = "http://www.w3.org/ns/shacl#"


@cache
def functional_properties() -> tuple[tuple[str, tuple[str, ...], bool], ...]:
    """(property, classes it is single-valued for (empty: any), per language) from the
    SHACL shapes, plus the organisation type and founding date.

    >>> props = {p: (c, lang) for p, c, lang in functional_properties()}
    >>> props["https://w3id.org/triplehelix/ontology#country"][0]
    ('https://w3id.org/triplehelix/ontology#Event', 'https://w3id.org/triplehelix/ontology#Organization')
    >>> props["http://www.w3.org/2004/02/skos/core#prefLabel"][1]
    True
    """
    rows = shapes_graph().query(
        f"""SELECT ?path ?class ?lang WHERE {{
          ?node <{_SH}targetClass> ?class ; <{_SH}property> ?shape .
          ?shape <{_SH}path> ?path . FILTER(isIRI(?path))
          {{ ?shape <{_SH}maxCount> 1 BIND(false AS ?lang) }}
          UNION {{ ?shape <{_SH}uniqueLang> true BIND(true AS ?lang) }}
        }}"""
    )
    by_prop: dict[tuple[str, bool], set[str]] = defaultdict(set)
    for row in rows:
        path, cls, lang = (str(x) for x in row)  # type: ignore[union-attr]
        if cls != TH + "SourceRecord":  # provenance, in ``meta``: never from two sources
            by_prop[(path, lang == "true")].add(cls)
    by_prop[(SDO_FOUNDING, False)].add(TH + "Organization")
    by_prop[(RDF_TYPE, False)].add(TH + "Organization")
    return tuple(sorted((p, tuple(sorted(c)), lang) for (p, lang), c in by_prop.items()))


def records_conflicts(
    kg: Store,
    rs: RecordSet,
    keep: list[int],
    minter: Minter,
    emit: Callable[[list[int]], str],
) -> list[Conflict]:
    """Conflicts of some records of a load (``keep``: their indexes in ``rs``; ``minter``
    knows their IRIs).

    First the IRIs that could conflict: those that two sources of this load state, or
    that the store's other sources already state (``VALUES`` chunks). Only if there are
    any, the records of those IRIs (``emit`` makes their N-Quads, with their sources'
    ``meta`` description) are compared property by property (``find_conflicts``).
    """
    iris: dict[int, str] = {}
    sources: dict[str, set[str]] = defaultdict(set)
    for i in keep:
        rec = rs.records[i]
        if not isinstance(rec, Document | SourceRecord):
            iris[i] = iri = minter.by_key[record_key(rec)]
            sources[iri].add(rs.where[i].file)
    ours = {minter.file_document(rs.where[i].file) for i in keep}
    suspects = _overlap(kg, sources, ours)
    if not suspects:
        return []
    picked = [i for i in keep if i not in iris or iris[i] in suspects]
    return find_conflicts(kg, [emit(picked)], ours, suspects)


def _overlap(kg: Store, sources: dict[str, set[str]], ours: set[str]) -> set[str]:
    """IRIs stated by two sources of this load, or by a source in the store not ``ours``."""
    out = {s for s, names in sources.items() if len(names) > 1}
    rest = sorted(s for s in sources if s and s not in out)
    skip = " ".join(f"<{d}>" for d in sorted(ours))
    for chunk in _chunks(rest):
        bound = " ".join(f"<{s}>" for s in chunk)
        result = kg.rows(
            f"""SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {bound} }}
              GRAPH ?g {{ ?s a ?c }} GRAPH <{GRAPH_META}> {{ ?g <{PART_OF}> ?doc }}
              FILTER(?doc NOT IN ({skip.replace("> <", ">, <")}))
            }}"""
        )
        out.update(str(row["s"]) for row in result)
    return out


def find_conflicts(
    kg: Store,
    nquads: Iterable[str],
    ours: set[str] | None = None,
    subjects: set[str] | None = None,
) -> list[Conflict]:
    """Conflicts between the quads a load is about to write and the store's other sources.

    Sources that ``nquads`` writes (and ``ours``) are not compared with their own earlier
    version in the store (a changed file replaces it). ``subjects`` limits the check.
    """
    scratch = ox.Store()
    for text in nquads:
        scratch.load(text, ox.RdfFormat.N_QUADS)

    def in_scratch(query: str) -> Iterable[Any]:
        result = scratch.query(query)
        assert isinstance(result, ox.QuerySolutions)
        return result

    props = functional_properties()
    new_rows = _rows(in_scratch, props, None, subjects)
    if not new_rows:
        return []
    new_types = _types(in_scratch, None)
    ours = {d.value for d in _docs(scratch)} | (ours or set())
    targets = sorted({s for s, _, _, _ in new_rows})
    old_rows = _rows(kg.solutions, props, targets, None)
    old_types = _types(kg.solutions, targets)
    org_classes = _org_classes(kg)
    new_sources = _sources_of(in_scratch, {r[3] for r in new_rows})
    old_sources = _sources_of(kg.solutions, {r[3] for r in old_rows})
    out: list[Conflict] = []
    for prop, classes, per_lang in props:
        new = _values(new_rows, new_sources, prop, classes, new_types, frozenset())
        if not new:
            continue
        old = _values(old_rows, old_sources, prop, classes, old_types, ours)
        if prop == RDF_TYPE:
            new, old = _only(new, org_classes), _only(old, org_classes)
        out.extend(_compare(prop, per_lang, new, old))
    return sorted(out, key=lambda c: (c.source, c.line or 0, c.iri, c.prop))


Row = tuple[str, str, Val, str]  # subject, property, value, graph


def _rows(
    select: Select,
    props: tuple[tuple[str, tuple[str, ...], bool], ...],
    subjects: list[str] | None,
    keep: set[str] | None,
) -> list[Row]:
    """The values of the functional properties: with ``subjects``, one query per chunk
    of them (every quad of those subjects; the properties are picked here, as a
    ``VALUES ?p`` block made Oxigraph scan each property whole); else one per property.
    """
    wanted = {p for p, _, _ in props}
    if subjects is None:
        queries = [
            f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} VALUES ?p {{ <{p}> }} }}"
            for p in sorted(wanted)
        ]
    else:
        queries = [
            "SELECT ?s ?p ?o ?g WHERE { VALUES ?s { "
            + " ".join(f"<{s}>" for s in chunk)
            + " } GRAPH ?g { ?s ?p ?o } }"
            for chunk in _chunks(subjects)
        ]
    out: list[Row] = []
    for query in queries:
        for row in select(query):
            s, p = row["s"].value, row["p"].value
            if p in wanted and (keep is None or s in keep):
                o = row["o"]
                value = (str(getattr(o, "value", o)), getattr(o, "language", None) or "")
                out.append((s, p, value, row["g"].value))
    return out


def _types(select: Select, subjects: list[str] | None) -> dict[str, set[str]]:
    """The classes of some subjects (of all, if None): one query per chunk."""
    out: dict[str, set[str]] = defaultdict(set)
    for chunk in [None] if subjects is None else _chunks(subjects):
        bound = "" if chunk is None else "VALUES ?s { " + " ".join(f"<{s}>" for s in chunk) + " }"
        for row in select(f"SELECT DISTINCT ?s ?c WHERE {{ {bound} ?s a ?c }}"):
            out[row["s"].value].add(row["c"].value)
    return out


def _sources_of(select: Select, graphs: set[str]) -> dict[str, tuple[str, str]]:
    """Graph → (its source document, that document's name as loaded, else its IRI)."""
    out: dict[str, tuple[str, str]] = {}
    for chunk in _chunks(sorted(graphs)):
        bound = " ".join(f"<{g}>" for g in chunk)
        found = select(
            f"SELECT ?g ?doc ?name WHERE {{ VALUES ?g {{ {bound} }} GRAPH <{GRAPH_META}> {{ "
            f"?g <{PART_OF}> ?doc OPTIONAL {{ ?doc <{DCT_IDENTIFIER}> ?name }} }} }}"
        )
        for row in found:
            doc, name = row["doc"].value, row["name"]
            if row["g"].value not in out or name is not None:
                out[row["g"].value] = (doc, doc if name is None else name.value)
    return out


def _values(
    rows: list[Row],
    sources: dict[str, tuple[str, str]],
    prop: str,
    classes: tuple[str, ...],
    types: dict[str, set[str]],
    skip: set[str] | frozenset[str],
) -> dict[tuple[str, str], tuple[str, int | None, set[Val]]]:
    """(subject, document) → (source name, first line, values) of one property, for
    subjects of one of ``classes`` (any if empty).

    Classes are checked here, not in the queries: a ``?s a ?class`` join made Oxigraph
    scan every instance of the class for each chunk (9 s a chunk at 50k organisations).
    """
    wanted = set(classes)
    mine = [r for r in rows if r[1] == prop and (not wanted or types[r[0]] & wanted)]
    out: dict[tuple[str, str], tuple[str, int | None, set[Val]]] = {}
    for s, _, value, g in mine:
        if g not in sources or sources[g][0] in skip:
            continue
        doc, name = sources[g]
        entry = out.setdefault((s, doc), (name, _line(g), set()))
        entry[2].add(value)
    return out


def _compare(
    prop: str,
    per_lang: bool,
    new: dict[tuple[str, str], tuple[str, int | None, set[Val]]],
    old: dict[tuple[str, str], tuple[str, int | None, set[Val]]],
) -> Iterable[Conflict]:
    by_subject: dict[str, list[tuple[bool, str, int | None, set[Val]]]] = defaultdict(list)
    for (s, _doc), (name, line, values) in new.items():
        by_subject[s].append((True, name, line, values))
    for (s, _doc), (name, line, values) in old.items():
        by_subject[s].append((False, name, line, values))
    for s, stated in by_subject.items():
        if len(stated) < 2:
            continue
        for i, (is_new, name, line, values) in enumerate(stated):
            if not is_new:
                continue
            for j, (_, other, _, theirs) in enumerate(stated):
                if j == i or (stated[j][0] and j < i):
                    continue  # each pair of new sources once
                for lang in _langs(values, theirs) if per_lang else [""]:
                    mine = _shown(values, lang, per_lang)
                    them = _shown(theirs, lang, per_lang)
                    if mine and them and mine != them:
                        yield Conflict(s, prop, lang, mine, name, them, other, line)


def _langs(a: set[Val], b: set[Val]) -> list[str]:
    return sorted({lang for _, lang in (*a, *b)})


def _shown(values: set[Val], lang: str, per_lang: bool) -> tuple[str, ...]:
    return tuple(sorted(v for v, tag in values if not per_lang or tag == lang))


def _only(
    values: dict[tuple[str, str], tuple[str, int | None, set[Val]]], keep: set[str]
) -> dict[tuple[str, str], tuple[str, int | None, set[Val]]]:
    out = {}
    for key, (name, line, terms) in values.items():
        kept = {t for t in terms if t[0] in keep}
        if kept:
            out[key] = (name, line, kept)
    return out


def _org_classes(kg: Store) -> set[str]:
    sub = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
    return {
        str(row["c"]) for row in kg.rows(f"SELECT ?c WHERE {{ ?c <{sub}>+ <{TH}Organization> }}")
    }


def _docs(store: ox.Store) -> set[ox.NamedNode]:
    part_of = store.quads_for_pattern(
        None, ox.NamedNode(PART_OF), None, ox.NamedNode(str(GRAPH_META))
    )
    return {q.object for q in part_of if isinstance(q.object, ox.NamedNode)}


def _chunks(items: list[str]) -> list[list[str]]:
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]


def _line(graph: str) -> int | None:
    tail = graph.rsplit("/", 1)[-1]
    for unit in ("row-", "line-"):
        if tail.startswith(unit) and tail[len(unit) :].isdigit():
            return int(tail[len(unit) :])
    return None


def summary(conflicts: list[Conflict], shown: int = SHOWN) -> list[str]:
    """Lines for a warning: the first ``shown`` conflicts and how many more."""
    lines = [str(c) for c in conflicts[:shown]]
    if len(conflicts) > shown:
        lines.append(f"… and {len(conflicts) - shown} more")
    return lines
