"""CORDIS import: counts and facts checked against the raw files read with the csv module."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from cli_helpers import FIXTURES
from triplehelix.data.importers.cordis import import_cordis
from triplehelix.data.importers.report import QualityReport
from triplehelix.errors import InputError
from triplehelix.graph.store.local import KnowledgeGraph

CORDIS = FIXTURES / "cordis"
H2020 = CORDIS / "h2020.csv"
ISO3 = {"UK": "GBR", "EL": "GRC", "KG": "KGZ", "UZ": "UZB", "DE": "DEU", "TM": "TKM"}
SPHERE = {"HES": "academia", "REC": "academia", "PRC": "industry", "PUB": "government"}


def _rows(name: str, delimiter: str = ",") -> list[dict[str, str]]:
    with (CORDIS / name).open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


@pytest.fixture(scope="module")
def imported() -> tuple[KnowledgeGraph, QualityReport]:
    rs, report = import_cordis([CORDIS])
    kg = KnowledgeGraph()
    kg.load(rs)
    return kg, report


def _one(kg: KnowledgeGraph, sparql: str) -> object:
    rows = kg.select(sparql)
    return next(iter(rows[0].values()))


def test_counts_match_the_raw_participation_table(
    imported: tuple[KnowledgeGraph, QualityReport],
) -> None:
    kg, report = imported
    rows = _rows("h2020.csv")
    pics = {r["pic"] for r in rows}
    rcns = {r["rcn"] for r in rows}
    assert _one(kg, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o th:pic ?p }") == len(pics)
    n_projects = _one(
        kg,
        "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a th:Project "
        'FILTER STRSTARTS(STR(?p), "https://w3id.org/triplehelix/id/project/cordis-rcn-") }',
    )
    assert n_projects == len(rcns)
    assert kg.count_of("th:Participation") == len({(r["rcn"], r["pic"], r["role"]) for r in rows})
    fp7 = _rows("fp7_test_projects.csv", ";")
    assert report.created["project"] == len(rcns) + len(fp7)
    assert report.rows["h2020.csv"] == len(rows)


def test_missing_contributions_are_absent_and_counted(
    imported: tuple[KnowledgeGraph, QualityReport],
) -> None:
    kg, report = imported
    rows = _rows("h2020.csv")
    present = [Decimal(r["contribution"]) for r in rows if r["contribution"] not in ("NA", "")]
    assert report.missing["h2020.csv: contribution"] == len(rows) - len(present)
    got = kg.select(
        "SELECT (COUNT(?c) AS ?n) (SUM(?v) AS ?total) WHERE { ?x a th:Participation ; "
        "th:contribution ?c . ?c schema:amount/schema:value ?v ; "
        'schema:amount/schema:currency "EUR" }'
    )[0]
    assert got["n"] == len(present)
    assert got["total"] == sum(present)
    partner_money = _one(
        kg,
        "SELECT (COUNT(?c) AS ?n) WHERE { ?x th:role <https://w3id.org/triplehelix/vocab/role/partner> ;"
        " th:contribution ?c }",
    )
    assert partner_money == 0  # every partner row is NA: no zero amounts were invented


def test_countries_become_iso_and_kosovo_is_reported(
    imported: tuple[KnowledgeGraph, QualityReport],
) -> None:
    kg, report = imported
    rows = _rows("h2020.csv")
    by_country: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        by_country[r["country"]].add(r["pic"])
    for code in ("UK", "EL", "KG", "UZ", "DE"):
        n = _one(
            kg,
            "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o th:pic ?p ; th:country "
            f"<http://publications.europa.eu/resource/authority/country/{ISO3[code]}> }}",
        )
        assert n == len(by_country[code]), code
    kosovo = [a for a in report.anomalies if a.code == "unknown-country"]
    assert {a.message.split(":")[0] for a in kosovo} == {f"PIC {p}" for p in by_country["XK"]}
    for pic in by_country["XK"]:
        assert not kg.ask(f'ASK {{ ?o th:pic "{pic}" ; th:country ?c }}')


def test_central_asian_participants(imported: tuple[KnowledgeGraph, QualityReport]) -> None:
    kg, _ = imported
    rows = _rows("h2020.csv")
    expected = {(r["pic"], r["rcn"], r["role"]) for r in rows if r["country"] in ("KG", "UZ", "TM")}
    got = kg.select(
        "SELECT ?pic ?p ?role WHERE { ?x th:agent ?o ; th:activity ?p ; th:role ?role . "
        "?o th:pic ?pic ; th:country ?c "
        "VALUES ?c { <http://publications.europa.eu/resource/authority/country/KGZ> "
        "<http://publications.europa.eu/resource/authority/country/UZB> "
        "<http://publications.europa.eu/resource/authority/country/TKM> } }"
    )
    found = {(r["pic"], r["p"].rsplit("-", 1)[-1], r["role"].rsplit("/", 1)[-1]) for r in got}
    assert found == expected
    assert expected  # the sample was selected for them
    assert {r["country"] for r in rows} >= {"KG", "UZ"}


def test_activity_types_become_helix_spheres(
    imported: tuple[KnowledgeGraph, QualityReport],
) -> None:
    kg, _ = imported
    types = {r["pic"]: r["type"] for r in _rows("h2020.csv")}
    expected = Counter(SPHERE.get(t, "other") for t in types.values())
    got = kg.select(
        "SELECT ?sphere (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o th:pic ?p ; "
        "a/rdfs:subClassOf*/th:helixSphere ?s BIND(STRAFTER(STR(?s), '/helix/') AS ?sphere) } "
        "GROUP BY ?sphere"
    )
    assert {r["sphere"]: r["n"] for r in got} == dict(expected)


def test_project_money_names_and_provenance(imported: tuple[KnowledgeGraph, QualityReport]) -> None:
    kg, _ = imported
    row = _rows("h2020.csv")[0]
    project = f"https://w3id.org/triplehelix/id/project/cordis-rcn-{row['rcn']}"
    got = kg.select(
        "SELECT ?max ?total ?start WHERE { ?g schema:fundedItem ?p ; schema:amount/schema:value ?max ."
        " ?p schema:estimatedCost/schema:value ?total ; schema:startDate ?start }",
        {"p": project},
    )
    assert got == [
        {
            "max": Decimal(row["max_contribution"]),
            "total": Decimal(row["total_cost"]),
            "start": row["start_date"],
        }
    ]
    names = {r["orgId"]: r["name"] for r in _rows("Stacked_by_activityType.csv", ";")}
    coordinator = next(
        r for r in _rows("h2020.csv") if r["role"] == "coordinator" and r["pic"] in names
    )
    label = kg.select(
        "SELECT ?name WHERE { ?o th:pic ?pic ; skos:prefLabel ?name }", {"pic": coordinator["pic"]}
    )
    assert label == [{"name": names[coordinator["pic"]]}]
    # every participation cites a CORDIS row whose document carries the CC BY 4.0 licence
    cited = _one(
        kg,
        "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a th:Participation ; "
        "prov:wasDerivedFrom ?r . ?r dcterms:isPartOf ?d . ?d dcterms:license "
        '"https://creativecommons.org/licenses/by/4.0/" }',
    )
    assert cited == kg.count_of("th:Participation")


def test_programme_parts_and_fp7_funding_schemes(
    imported: tuple[KnowledgeGraph, QualityReport],
) -> None:
    kg, report = imported
    parts: dict[str, set[str]] = defaultdict(set)
    for r in _rows("programme_parts.csv"):
        parts[r["rcn"]].add(r["programme_part"])
    single = {rcn: next(iter(p)) for rcn, p in parts.items() if len(p) == 1}
    sc7 = _one(
        kg,
        'SELECT (COUNT(?p) AS ?n) WHERE { ?p a th:Project ; th:underProgramme/skos:altLabel "SC7" }',
    )
    assert sc7 == sum(1 for p in single.values() if p == "SC7")
    several = [a for a in report.anomalies if a.code == "several-programme-parts"]
    assert len(several) == sum(1 for p in parts.values() if len(p) > 1)
    fp7 = _rows("fp7_test_projects.csv", ";")
    schemes = Counter(r["fundingScheme"] for r in fp7)
    got = kg.select(
        "SELECT ?scheme (COUNT(?p) AS ?n) WHERE { ?p a th:Project ; th:underProgramme ?prog . "
        '?prog skos:altLabel ?scheme ; dcterms:isPartOf/skos:altLabel "FP7" } GROUP BY ?scheme'
    )
    assert {r["scheme"]: r["n"] for r in got} == dict(schemes)
    first = fp7[0]
    assert kg.ask(
        f"ASK {{ <https://w3id.org/triplehelix/id/project/cordis-ga-{first['id']}> "
        f'skos:altLabel "{first["acronym"]}" ; skos:prefLabel "{first["title"]}"@en }}'
    )


def test_anomalies_of_a_messy_table(tmp_path: Path) -> None:
    table = tmp_path / "messy.csv"
    table.write_text(
        "rcn,role,pic,type,contribution,country,start_date,end_date,max_contribution,total_cost\n"
        "1,coordinator,111111111,HES,100,UK,2020-01-01,2021-01-01,500,NA\n"
        "1,coordinator,222222222,XYZ,NA,EL,2020-01-01,2021-01-01,500,NA\n"
        "1,observer,333333333,PRC,,DE,2020-01-01,2021-01-01,500,NA\n",
        encoding="utf-8",
    )
    rs, report = import_cordis([table])
    assert report.anomaly_counts() == {
        "organisation-without-name": 3,
        "two-coordinators": 1,
        "unknown-role": 1,
        "unknown-activity-type": 1,
    }
    two = next(a for a in report.anomalies if a.code == "two-coordinators")
    assert (two.file, two.line) == ("messy.csv", 3)
    assert report.missing == Counter({"messy.csv: contribution": 2, "messy.csv: total_cost": 3})
    assert rs.counts()["participation"] == 2


def test_a_file_of_no_known_layout_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        import_cordis([other])
    assert exc.value.code == "unknown-layout"


def test_reimporting_a_changed_file_replaces_its_facts(tmp_path: Path) -> None:
    from triplehelix.graph.store.replace import replace_sources

    lines = H2020.read_text(encoding="utf-8").splitlines(keepends=True)[:41]
    table = tmp_path / "h2020.csv"
    table.write_text("".join(lines), encoding="utf-8")
    kg = KnowledgeGraph()
    kg.load(import_cordis([table])[0])
    rs, _ = import_cordis([table])
    assert replace_sources(kg, rs) == []  # the same file: nothing to replace
    # edit one contribution and drop the last row
    header, *rows = lines
    first = rows[0].split(",")
    old_money = first[4]
    first[4] = "12345.67"
    changed = [header, ",".join(first), *rows[1:-1]]
    table.write_text("".join(changed), encoding="utf-8")
    rs, _ = import_cordis([table])
    before = len(kg)
    assert replace_sources(kg, rs)  # the graphs of the earlier rows
    assert len(kg) < before
    kg.load(rs)
    fresh = KnowledgeGraph()
    fresh.load(import_cordis([table])[0])
    # the same graph as a fresh import, but for the history of ingest runs
    count = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o "
        'FILTER (!STRSTARTS(STR(?s), "https://w3id.org/triplehelix/id/run/")) }'
    )
    assert kg.select(count) == fresh.select(count)
    assert len(kg.graph_names()) == len(fresh.graph_names())
    assert kg.count_of("th:Participation") == len(changed) - 1
    values = {r["v"] for r in kg.select("SELECT ?v WHERE { ?c schema:amount/schema:value ?v }")}
    assert Decimal("12345.67") in values
    assert Decimal(old_money) not in values or old_money in {r.split(",")[4] for r in rows[1:-1]}


OFFICIAL_ORGS = (
    '\ufeff"projectID";"projectAcronym";"organisationID";"name";"shortName";"activityType";'
    '"city";"country";"organizationURL";"role";"ecContribution";"totalCost"\n'
    '"900001";"DEMO";"900000001";"SYNTHETIC UNIVERSITY";"SU";"HES";"ATHINA";"EL";'
    '"www.example.org";"coordinator";"1000.50";"2000"\n'
    '"900001";"DEMO";"900000002";"SYNTHETIC LTD";"";"PRC";"LONDON";"UK";"";'
    '"thirdParty";"";"500"\n'
    '"900001";"DEMO";"900000003";"SYNTHETIC ASSOCIATION";"";"OTH";"BISHKEK";"KG";"";'
    '"associatedPartner";"";""\n'
)


def test_official_organization_csv_layout(tmp_path: Path) -> None:
    """A synthetic file in the official organization.csv layout (';', quoted, BOM)."""
    table = tmp_path / "organization.csv"
    table.write_text(OFFICIAL_ORGS, encoding="utf-8")
    rs, report = import_cordis([table])
    kg = KnowledgeGraph()
    kg.load(rs)
    got = kg.select(
        "SELECT ?name ?role ?c ?sphere WHERE { ?x th:agent ?o ; th:role ?r ; th:activity ?p . "
        "?o skos:prefLabel ?name ; th:country ?cc ; a/rdfs:subClassOf*/th:helixSphere ?s "
        "BIND(STRAFTER(STR(?r), '/role/') AS ?role) BIND(STRAFTER(STR(?cc), '/country/') AS ?c) "
        "BIND(STRAFTER(STR(?s), '/helix/') AS ?sphere) }"
    )
    assert {(r["name"], r["role"], r["c"], r["sphere"]) for r in got} == {
        ("SYNTHETIC UNIVERSITY", "coordinator", "GRC", "academia"),
        ("SYNTHETIC LTD", "third-party", "GBR", "industry"),
        ("SYNTHETIC ASSOCIATION", "associated-partner", "KGZ", "other"),
    }
    assert kg.ask(
        "ASK { <https://w3id.org/triplehelix/id/project/cordis-ga-900001> skos:altLabel "
        '"DEMO" . ?o th:pic "900000001" ; schema:url <http://www.example.org/> ; '
        'schema:location "ATHINA"@en }'
    )
    assert report.missing["organization.csv: ecContribution"] == 2


def test_streaming_in_chunks_gives_the_same_graph(tmp_path: Path) -> None:
    from triplehelix.data.importers.cordis import stream_cordis

    lines = H2020.read_text(encoding="utf-8").splitlines(keepends=True)[:301]
    table = tmp_path / "h2020.csv"
    table.write_text("".join(lines), encoding="utf-8")
    report = QualityReport("cordis")
    chunks = list(stream_cordis([table], report, chunk_rows=100))
    assert len(chunks) == 3 + 1  # 300 participation rows by 100, then the merged entities
    assert [c.counts().get("participation", 0) for c in chunks] == [100, 100, 100, 0]
    streamed = KnowledgeGraph()
    for chunk in chunks:  # each set loads on its own
        streamed.load(chunk)
    whole = KnowledgeGraph()
    rs, whole_report = import_cordis([table])
    whole.load(rs)
    count = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o "
        'FILTER (!STRSTARTS(STR(?s), "https://w3id.org/triplehelix/id/run/")) }'
    )
    assert streamed.select(count) == whole.select(count)
    assert report.created == whole_report.created
    assert report.created["participation"] == 300


def test_mac_roman_mojibake_in_names_is_repaired(
    imported: tuple[KnowledgeGraph, QualityReport],
) -> None:
    # Stacked_by_activityType.csv spells the Portuguese ministry "Minist√©rio da Justi√ßa":
    # UTF-8 bytes once read as Mac Roman. The graph has the real name and the report says so.
    kg, report = imported
    labels = {
        r["l"] for r in kg.select("SELECT ?l WHERE { ?o a th:Organization ; skos:prefLabel ?l }")
    }
    assert "Ministério da Justiça" in labels
    assert not any("√" in label for label in labels)
    assert report.anomaly_counts()["repaired-encoding"] >= 1
