"""Entity resolution: the same organisation across sources, found, merged and undone.

Two organisation nodes are **the same** when they share a ROR id, a Wikidata id or a CORDIS
PIC: such pairs are merged by ``apply``. A normalised name + country match (case, accents,
punctuation, legal-form words such as GmbH, LLP, S.A., ТОО dropped, Cyrillic transliterated)
is only a **candidate for review**: it is merged only when someone accepts it by its id.

A merge never moves or deletes facts: every source keeps its named graphs and provenance.
It writes, in the curation graph (and in the default graph, the union the queries run on),
``<retired> dcterms:isReplacedBy <kept>`` and a decision node saying who decided, when and
why (``prov:wasAttributedTo``, ``prov:generatedAtTime``, ``dcterms:description``). Undoing a
decision removes exactly those triples again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from triplehelix.data.iris import BASE
from triplehelix.data.slug import slugify
from triplehelix.errors import UsageError
from triplehelix.graph.store.retract import retract_quads
from triplehelix.ontology.namespace import GRAPH_CURATION

if TYPE_CHECKING:
    from triplehelix.graph.store.protocol import Store

__all__ = ["Candidate", "apply_merge", "canonical", "find_candidates", "name_key", "undo_merge"]

LEGAL_FORMS = frozenset(
    [
        "llp",
        "llc",
        "ltd",
        "limited",
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "gmbh",
        "mbh",
        "ag",
        "kg",
        "ev",
        "eg",
        "ug",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "sl",
        "slu",
        "sau",
        "bv",
        "nv",
        "vzw",
        "asbl",
        "ab",
        "oy",
        "oyj",
        "as",
        "asa",
        "aps",
        "plc",
        "pte",
        "pty",
        "too",
        "ooo",
        "oao",
        "zao",
        "pao",
        "ao",
        "tov",
        "jsc",
        "ojsc",
        "cjsc",
        "kft",
        "zrt",
        "sp",
        "zoo",
        "doo",
        "dd",
        "ad",
        "eood",
    ]
)
"""Legal-form words left out of name keys (ТОО, ООО and АО transliterate to too, ooo, ao)."""
_FOLD = (("ae", "a"), ("oe", "o"), ("ue", "u"))  # München / MUENCHEN / MUNCHEN
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
REPLACED = f"{DCT}isReplacedBy"
MAX_BUCKET = 8  # more organisations than this under one name key: too generic to suggest


def name_key(name: str) -> str:
    """A name reduced for comparison: transliterated, lower case, no legal forms.

    >>> name_key("Technische Universität München") == name_key("TECHNISCHE UNIVERSITAET MUENCHEN")
    True
    >>> name_key("ProRail B.V."), name_key("Индра Системас ТОО"), name_key("INDRA SISTEMAS, S.A.")
    ('prorail', 'indra sistemas', 'indra sistemas')
    """
    text = unicodedata.normalize("NFKC", name)
    tokens = slugify(text, limit=400).split("-")
    out = []
    for token in tokens:
        if len(token) < 2 or token in LEGAL_FORMS:
            continue
        for a, b in _FOLD:
            token = token.replace(a, b)
        out.append(token)
    return " ".join(out)


@dataclass(frozen=True, slots=True)
class Candidate:
    """Two organisation nodes that may be the same, with the evidence.

    Attributes:
        id: short stable id of the pair (what ``--accept`` takes).
        keep: the node that stays (ROR-minted first, then Wikidata, PIC, others).
        retire: the node that would be replaced by ``keep``.
        basis: ``identifier`` (merged by apply) or ``name`` (needs review).
        evidence: what they share, in words.
        labels: a label of each node, for display.
    """

    id: str
    keep: str
    retire: str
    basis: str
    evidence: str
    labels: tuple[str, str]


def _rank(iri: str) -> tuple[int, str]:
    for n, marker in enumerate(("/org/ror-", "/org/wd-", "/org/pic-")):
        if marker in iri:
            return n, iri
    return 3, iri


def _pair_id(a: str, b: str) -> str:
    return hashlib.sha256("|".join(sorted((a, b))).encode()).hexdigest()[:10]


def _retired(kg: Store) -> dict[str, str]:
    rows = kg.select(f"SELECT ?o ?k WHERE {{ GRAPH <{GRAPH_CURATION}> {{ ?o <{REPLACED}> ?k }} }}")
    return {r["o"]: r["k"] for r in rows}


def canonical(kg: Store, iri: str) -> str:
    """The node an organisation was merged into (itself if it was not).

    >>> from triplehelix.graph.store.local import LocalStore
    >>> canonical(LocalStore.seed(), "https://example.org/x")
    'https://example.org/x'
    """
    retired = _retired(kg)
    seen = {iri}
    while iri in retired and retired[iri] not in seen:
        iri = retired[iri]
        seen.add(iri)
    return iri


def _identifier_keys(kg: Store) -> dict[str, set[str]]:
    rows = kg.select(
        "SELECT ?o ?v ?kind WHERE { ?o a th:Organization . "
        '{ ?o schema:sameAs ?v BIND("id" AS ?kind) } UNION '
        '{ ?o th:pic ?v BIND("pic" AS ?kind) } UNION '
        '{ ?o dcterms:identifier ?v BIND("wd" AS ?kind) FILTER STRSTARTS(?v, "wikidata:") } }'
    )
    keys: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        value = str(r["v"])
        if r["kind"] == "pic":
            keys[f"PIC {value}"].add(r["o"])
        elif value.startswith("https://ror.org/"):
            keys[f"ROR {value}"].add(r["o"])
        else:
            q = value.rsplit("/", 1)[-1].removeprefix("wikidata:")
            keys[f"Wikidata {q}"].add(r["o"])
    return keys


def _names(kg: Store) -> tuple[dict[tuple[str, str], set[str]], dict[str, str]]:
    rows = kg.select(
        "SELECT ?o ?name ?c WHERE { ?o a th:Organization ; "
        "skos:prefLabel|skos:altLabel|schema:alternateName ?name . OPTIONAL { ?o th:country ?c } "
        # acronyms are plain literals: too short to tell organisations apart
        'FILTER (LANG(?name) != "") } ORDER BY ?o DESC(LANGMATCHES(LANG(?name), "en"))'
    )
    buckets: dict[tuple[str, str], set[str]] = defaultdict(set)
    label: dict[str, str] = {}
    for r in rows:
        label.setdefault(r["o"], r["name"])
        key = name_key(r["name"])
        if key and r["c"]:
            buckets[(key, r["c"].rsplit("/", 1)[-1])].add(r["o"])
    return buckets, label


def find_candidates(kg: Store) -> list[Candidate]:
    """Pairs of organisation nodes that share an identifier, or a name key and country.

    Pairs already merged (either side retired) are left out.
    """
    retired = _retired(kg)
    buckets, label = _names(kg)
    out: dict[tuple[str, str], Candidate] = {}
    for key, nodes in sorted(_identifier_keys(kg).items()):
        _pairs(out, nodes, retired, label, "identifier", f"same {key}")
    for (key, country), nodes in sorted(buckets.items()):
        if len(nodes) <= MAX_BUCKET:
            _pairs(out, nodes, retired, label, "name", f"same name '{key}' in {country}")
    return sorted(out.values(), key=lambda c: (c.basis != "identifier", c.keep, c.retire))


def _pairs(
    out: dict[tuple[str, str], Candidate],
    nodes: set[str],
    retired: dict[str, str],
    label: dict[str, str],
    basis: str,
    evidence: str,
) -> None:
    live = sorted((n for n in nodes if n not in retired), key=_rank)
    for keep, retire in itertools.combinations(live, 2):
        pair = (keep, retire)
        if pair in out:
            if out[pair].basis == basis and evidence not in out[pair].evidence:
                old = out[pair]
                out[pair] = Candidate(
                    old.id, keep, retire, basis, f"{old.evidence}; {evidence}", old.labels
                )
            continue
        out[pair] = Candidate(
            _pair_id(keep, retire),
            keep,
            retire,
            basis,
            evidence,
            (label.get(keep, keep), label.get(retire, retire)),
        )


def _decision_triples(c: Candidate, agent: str, when: str, note: str) -> list[ox.Quad]:
    graph = ox.NamedNode(str(GRAPH_CURATION))
    d = ox.NamedNode(f"{BASE}id/curation/merge-{c.id}")
    who = ox.NamedNode(f"{BASE}id/agent/{slugify(agent) or 'unknown'}")
    n = ox.NamedNode
    why = f"{c.basis} match: {c.evidence}" + (f"; {note}" if note else "")
    triples: list[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (n(c.retire), n(REPLACED), n(c.keep)),
        (d, n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), n(f"{PROV}Entity")),
        (d, n(f"{DCT}subject"), n(c.retire)),
        (d, n(f"{DCT}relation"), n(c.keep)),
        (d, n(f"{PROV}wasAttributedTo"), who),
        (
            d,
            n(f"{PROV}generatedAtTime"),
            ox.Literal(when, datatype=n("http://www.w3.org/2001/XMLSchema#dateTime")),
        ),
        (d, n(f"{DCT}description"), ox.Literal(why, language="en")),
        (who, n("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), n(f"{PROV}Agent")),
        (who, n("http://www.w3.org/2004/02/skos/core#prefLabel"), ox.Literal(agent)),
    ]
    return [ox.Quad(s, p, o, g) for s, p, o in triples for g in (graph, ox.DefaultGraph())]


def apply_merge(kg: Store, c: Candidate, *, agent: str, note: str = "") -> str:
    """Record the merge of ``c.retire`` into ``c.keep``; returns the decision IRI.

    Raises:
        UsageError: one of the two nodes was already merged into another.
    """
    retired = _retired(kg)
    if c.retire in retired or c.keep in retired:
        raise UsageError(
            f"candidate {c.id}: already merged",
            code="already-merged",
            hint="undo the earlier merge first (triplehelix resolve --undo ID)",
        )
    when = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    quads = _decision_triples(c, agent, when, note)
    kg.write_nquads(ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"")
    return f"{BASE}id/curation/merge-{c.id}"


def undo_merge(kg: Store, decision_id: str) -> int:
    """Remove a merge decision (by its candidate id); returns the number of quads removed.

    The decision's triples leave the curation graph, and the default graph too unless
    another named graph still states them (``graph.store.retract.retract_quads``).

    Raises:
        UsageError: no merge decision has that id.
    """
    d = f"{BASE}id/curation/merge-{decision_id}"
    triples = _decision_triples_of(kg, d)
    if not any(s == f"<{d}>" for s, _, _ in triples):
        raise UsageError(
            f"no merge decision {decision_id!r} in the curation graph",
            code="no-such-merge",
            hint="list the merges with: triplehelix resolve --store DIR --merged",
        )
    kg.update(retract_quads(str(GRAPH_CURATION), triples))
    return len(triples)


def _decision_triples_of(kg: Store, d: str) -> list[tuple[str, str, str]]:
    """The curation triples of a decision (as N-Triples terms): its own, the link it
    made, and its agent's when no other decision is attributed to that agent."""
    result = kg.solutions(
        f"""SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH <{GRAPH_CURATION}> {{
          {{ VALUES ?s {{ <{d}> }} ?s ?p ?o }}
          UNION {{ <{d}> <{DCT}subject> ?s ; <{DCT}relation> ?o .
                   VALUES ?p {{ <{REPLACED}> }} ?s ?p ?o }}
          UNION {{ <{d}> <{PROV}wasAttributedTo> ?s . ?s ?p ?o
                   FILTER NOT EXISTS {{ ?other <{PROV}wasAttributedTo> ?s
                                       FILTER(?other != <{d}>) }} }}
        }} }}"""
    )
    return [(str(r["s"]), str(r["p"]), str(r["o"])) for r in result]


def merges(kg: Store) -> list[dict[str, str]]:
    """Merge decisions in the store: id, retired, kept, who, when, why."""
    rows = kg.select(
        f"SELECT ?d ?retire ?keep ?who ?when ?why WHERE {{ GRAPH <{GRAPH_CURATION}> {{ "
        f"?d <{DCT}subject> ?retire ; <{DCT}relation> ?keep ; <{PROV}wasAttributedTo> ?a ; "
        f"<{PROV}generatedAtTime> ?when ; <{DCT}description> ?why . "
        "?a skos:prefLabel ?who } } ORDER BY ?when ?d"
    )
    return [{**r, "d": r["d"].rsplit("merge-", 1)[-1]} for r in rows]
