"""Entity resolution across the CORDIS and ROR samples: found, merged on review, undone."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from cli_helpers import FIXTURES
from triplehelix.data.importers.cordis import import_cordis
from triplehelix.data.importers.ror import import_ror
from triplehelix.data.loader import Located, RecordSet
from triplehelix.data.models import Organisation
from triplehelix.errors import UsageError
from triplehelix.graph.resolve import (
    apply_merge,
    canonical,
    find_candidates,
    merges,
    name_key,
    undo_merge,
)
from triplehelix.graph.store.local import KnowledgeGraph
from triplehelix.ontology.namespace import GRAPH_CURATION

ORG = "https://w3id.org/triplehelix/id/org/"
PAVIA_PIC, PADOVA_PIC, PAVIA_ROR = "999893752", "999995602", "00s6t1f81"


def cordis_subset(folder: Path, pics: set[str]) -> list[Path]:
    """The rows of the CORDIS sample that concern some PICs, as two small files."""
    src = FIXTURES / "cordis"
    out = []
    for name, key, delimiter in (
        ("h2020.csv", "pic", ","),
        ("Stacked_by_activityType.csv", "orgId", ";"),
    ):
        with (src / name).open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f, delimiter=delimiter)
            rows = [r for r in reader if r[key] in pics]
            header = reader.fieldnames or []
        target = folder / name
        with target.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, header, delimiter=delimiter)
            writer.writeheader()
            writer.writerows(rows)
        out.append(target)
    return out


@pytest.fixture
def kg(tmp_path: Path) -> KnowledgeGraph:
    graph = KnowledgeGraph()
    graph.load(import_cordis(cordis_subset(tmp_path, {PAVIA_PIC, PADOVA_PIC}))[0])
    graph.load(import_ror([FIXTURES / "ror" / "ror_records_v2.json"])[0])
    return graph


def test_the_raw_samples_hold_the_pair_and_the_look_alike() -> None:
    with (FIXTURES / "cordis" / "Stacked_by_activityType.csv").open(encoding="utf-8") as f:
        names = {r["orgId"]: r["name"] for r in csv.DictReader(f, delimiter=";")}
    assert names[PAVIA_PIC] == "UNIVERSITA DEGLI STUDI DI PAVIA"
    assert names[PADOVA_PIC] == "UNIVERSITA DEGLI STUDI DI PADOVA"
    records = json.loads((FIXTURES / "ror" / "ror_records_v2.json").read_text(encoding="utf-8"))
    pavia = next(r for r in records if r["id"].endswith(PAVIA_ROR))
    assert "Università degli Studi di Pavia" in {n["value"] for n in pavia["names"]}


def test_name_keys() -> None:
    assert name_key("UNIVERSITA DEGLI STUDI DI PAVIA") == name_key(
        "Università degli Studi di Pavia"
    )
    assert name_key("Università degli Studi di Pavia") != name_key(
        "Università degli Studi di Padova"
    )
    assert name_key("ТОО «Восток»") == name_key("Vostok LLP") == name_key("VOSTOK GmbH")
    assert name_key("Technische Universität München") == name_key(
        "TECHNISCHE UNIVERSITAET MUENCHEN"
    )


def test_same_university_across_sources_is_a_candidate_and_the_look_alike_is_not(
    kg: KnowledgeGraph,
) -> None:
    pavia_ror, pavia_cordis = ORG + f"ror-{PAVIA_ROR}", ORG + f"pic-{PAVIA_PIC}"
    padova = ORG + f"pic-{PADOVA_PIC}"
    candidates = find_candidates(kg)
    pair = [c for c in candidates if {c.keep, c.retire} == {pavia_ror, pavia_cordis}]
    assert len(pair) == 1
    assert (pair[0].basis, pair[0].keep, pair[0].retire) == ("name", pavia_ror, pavia_cordis)
    assert "in ITA" in pair[0].evidence
    assert not [c for c in candidates if padova in (c.keep, c.retire)]
    assert canonical(kg, pavia_cordis) == pavia_cordis  # a candidate is not a merge


def test_accept_records_who_when_why_keeps_provenance_and_undo_takes_it_back(
    kg: KnowledgeGraph,
) -> None:
    pavia_ror, pavia_cordis = ORG + f"ror-{PAVIA_ROR}", ORG + f"pic-{PAVIA_PIC}"
    before = len(kg)
    c = next(c for c in find_candidates(kg) if c.retire == pavia_cordis)
    apply_merge(kg, c, agent="A. Reviewer", note="checked the address")
    assert canonical(kg, pavia_cordis) == pavia_ror
    assert canonical(kg, ORG + f"pic-{PADOVA_PIC}") == ORG + f"pic-{PADOVA_PIC}"
    [decision] = merges(kg)
    assert decision["who"] == "A. Reviewer"
    assert decision["when"].endswith("Z")
    assert "name match" in decision["why"]
    assert "checked the address" in decision["why"]
    curation = ox.NamedNode(str(GRAPH_CURATION))
    replaced = ox.NamedNode("http://purl.org/dc/terms/isReplacedBy")
    triple = (ox.NamedNode(pavia_cordis), replaced, ox.NamedNode(pavia_ror))
    assert list(kg.store.quads_for_pattern(*triple, curation))
    assert list(kg.store.quads_for_pattern(*triple, ox.DefaultGraph()))
    # both nodes keep their own sources: CORDIS rows and the ROR record
    sources = kg.select(
        "SELECT DISTINCT ?d WHERE { VALUES ?o { ?a ?b } ?o prov:wasDerivedFrom/dcterms:isPartOf ?d }".replace(
            "?a", f"<{pavia_ror}>"
        ).replace("?b", f"<{pavia_cordis}>")
    )
    assert len(sources) == 3  # the ROR file, h2020.csv and the name table
    assert pavia_cordis not in {c.retire for c in find_candidates(kg)}
    with pytest.raises(UsageError):
        apply_merge(kg, c, agent="someone else")
    assert undo_merge(kg, c.id) > 0
    assert canonical(kg, pavia_cordis) == pavia_cordis
    assert not list(kg.store.quads_for_pattern(None, None, None, curation))
    assert not list(kg.store.quads_for_pattern(*triple, ox.DefaultGraph()))
    assert len(kg) == before
    with pytest.raises(UsageError) as exc:
        undo_merge(kg, c.id)
    assert exc.value.code == "no-such-merge"


def test_a_shared_pic_is_an_identifier_match(kg: KnowledgeGraph) -> None:
    other = Organisation(
        id="padua",
        name={"it": "Ateneo di Padova"},
        types=["university"],
        country="IT",
        pic=PADOVA_PIC,
    )
    kg.load(RecordSet([other], [Located("partners.yaml", 1, "yaml")], {"partners.yaml": "x"}))
    found = [c for c in find_candidates(kg) if c.basis == "identifier"]
    assert [(c.keep, c.retire, c.evidence) for c in found] == [
        (ORG + f"pic-{PADOVA_PIC}", ORG + "ateneo-di-padova-it", f"same PIC {PADOVA_PIC}")
    ]
