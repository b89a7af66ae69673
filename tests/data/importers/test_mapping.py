"""Generic CSV import through a YAML mapping: a real table, and every kind of mistake."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from cli_helpers import FIXTURES, ROOT
from triplehelix.data.importers.mapping import import_csv, read_mapping
from triplehelix.data.models import Organisation
from triplehelix.errors import InputError, InvalidDataError
from triplehelix.graph.store.local import KnowledgeGraph

NAMES = FIXTURES / "cordis" / "Stacked_by_activityType.csv"
MAPPING = ROOT / "examples" / "mapping" / "cordis-organisations.yaml"
TYPES = {
    "HES": "university",
    "REC": "research-organisation",
    "PRC": "company",
    "PUB": "government-body",
    "OTH": "other",
}


def test_the_cordis_name_table_through_the_example_mapping() -> None:
    with NAMES.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    rs, report = import_csv(NAMES, MAPPING)
    orgs = [r for r in rs.records if isinstance(r, Organisation)]
    assert len(orgs) == len({r["orgId"] for r in rows})
    assert Counter(o.types[0] for o in orgs) == Counter(TYPES[r["activityType"]] for r in rows)
    uk = Counter(o.country for o in orgs)["GB"]
    assert uk == sum(1 for r in rows if r["country"] == "UK")
    assert report.missing["Stacked_by_activityType.csv: country"] == sum(
        1 for r in rows if r["country"] in ("XK", "")
    )
    first = rows[0]
    org = next(o for o in orgs if o.pic == first["orgId"])
    assert (org.name, org.acronym, org.city) == (
        {"en": first["name"]},
        first["shortName"] or None,
        first["city"] or None,
    )
    assert str(org.iri).endswith(f"/org/pic-{first['orgId']}")


def _files(tmp_path: Path, table: str, mapping: str) -> tuple[Path, Path]:
    t, m = tmp_path / "partners.csv", tmp_path / "mapping.yaml"
    t.write_text(table, encoding="utf-8")
    m.write_text(mapping, encoding="utf-8")
    return t, m


PARTNERS = """Partner,Country,Kind,Project,Role,Budget,Currency
East Kazakhstan Technical University,KZ,univ,Tandem,coordinator,1500.50,EUR
Tajik State University of Commerce,TJ,univ|company,Tandem,partner,200,
,NO,company,Tandem,partner,NA,
"""
TWO_KINDS = """
document: {title: Partner list, publisher: A research office, license: CC BY 4.0}
records:
  - kind: organisation
    id: "{Partner}-{Country}"
    columns: {Partner: name.en, Country: country, Kind: types}
    values:
      types: {univ: university}
  - kind: project
    id: "{Project}"
    columns: {Project: name.en}
  - kind: participation
    columns: {Role: role, Budget: contributions}
    fields:
      agent: "{Partner}-{Country}"
      activity: "{Project}"
"""


def test_a_row_yields_several_kinds_linked_by_id_templates(tmp_path: Path) -> None:
    mapping = TWO_KINDS.replace("Budget: contributions", "Budget: grant")
    mapping = mapping.replace("columns: {Role: role, Budget: grant}", "columns: {Role: role}")
    table, m = _files(tmp_path, PARTNERS, mapping)
    rs, report = import_csv(table, m)
    assert rs.counts() == {
        "document": 1,
        "record": 3,
        "organisation": 2,
        "project": 1,
        "participation": 2,
    }
    # row 4 has no partner name: no organisation id, no participation agent
    assert report.anomaly_counts() == {"row-without-id": 1, "row-without-agent": 1}
    kg = KnowledgeGraph()
    kg.load(rs)
    got = kg.select("SELECT ?name ?role WHERE { ?x th:agent/skos:prefLabel ?name ; th:role ?role }")
    assert {(r["name"], r["role"].rsplit("/", 1)[-1]) for r in got} == {
        ("East Kazakhstan Technical University", "coordinator"),
        ("Tajik State University of Commerce", "partner"),
    }
    assert kg.ask(
        'ASK { ?o skos:prefLabel "Tajik State University of Commerce"@en ; '
        "a th:University, th:Company ; prov:wasDerivedFrom ?r . ?r dcterms:isPartOf ?d . "
        '?d dcterms:license "CC BY 4.0" }'
    )


def test_money_without_currency_is_dropped_and_reported(tmp_path: Path) -> None:
    mapping = """
kind: grant
id: "g-{Partner}"
columns: {Budget: amount.value, Currency: amount.currency, Partner: name.en}
"""
    table, m = _files(tmp_path, PARTNERS, mapping)
    rs, report = import_csv(table, m)
    amounts = [str(g.amount.value) if g.amount else None for g in rs.of_kind("grant")]  # type: ignore[attr-defined]
    assert amounts == ["1500.50", None]
    assert report.anomaly_counts() == {"money-without-currency": 1, "row-without-id": 1}
    bad = next(a for a in report.anomalies if a.code == "money-without-currency")
    assert (bad.file, bad.line) == ("partners.csv", 3)
    # row 4 has no partner name, so no id: skipped before its cells are read
    assert report.missing == Counter({"partners.csv: Currency": 1})


def test_invalid_cells_name_the_row_and_the_column(tmp_path: Path) -> None:
    mapping = 'kind: organisation\nid: "{Partner}"\ncolumns: {Partner: name.en, Kind: types}\n'
    table, m = _files(tmp_path, PARTNERS, mapping)
    with pytest.raises(InvalidDataError) as exc:
        import_csv(table, m)
    where = [(p.line, p.field) for p in exc.value.problems]
    assert (2, "column 'Kind' (types.0)") in where
    assert all(p.file == "partners.csv" for p in exc.value.problems)


def test_mistakes_in_the_mapping(tmp_path: Path) -> None:
    table, m = _files(tmp_path, PARTNERS, "kind: organization\ncolumns: {Partner: name.en}\n")
    with pytest.raises(InvalidDataError) as exc:
        read_mapping(m)
    assert exc.value.problems[0].code == "bad-mapping"
    m.write_text("kind: organisation\ncolumns: {Partner: nom}\n", encoding="utf-8")
    with pytest.raises(InvalidDataError):
        read_mapping(m)
    m.write_text("kind: organisation\ncolumns: {Partenaire: name.en}\n", encoding="utf-8")
    with pytest.raises(InputError) as missing:
        import_csv(table, m)
    assert missing.value.code == "unknown-column"
    assert "'Partenaire'" in missing.value.message
