"""The bundled seed world states what its news article states, queried through SPARQL.

Expected values are written from the article (``data/seed/article.txt``), never copied from
the program's output: names, dates, places and roles as the text gives them.

Every SELECT is DISTINCT: the store queries the union of the named graphs as a bag, so a triple
stated by two paragraphs comes back twice (and rows multiply across patterns).
"""

from __future__ import annotations

from importlib.resources import files

import pytest

from triplehelix.graph.store.local import KnowledgeGraph, Row

ARTICLE = (
    files("triplehelix.data").joinpath("seed").joinpath("article.txt").read_text(encoding="utf-8")
)
PARAGRAPHS = ARTICLE.split("\n")
DOCUMENT = "https://w3id.org/triplehelix/source/ektu-peca-news-2025"
PARAGRAPH_IRIS = [f"{DOCUMENT}/p{n}" for n in range(1, 9)]

EKTU = "D. Serikbayev East Kazakhstan Technical University"
EKTU_RU = "Восточно-Казахстанский технический университет имени Д. Серикбаева"
TSUC = "Tajik State University of Commerce"
MINISTRY = "Ministry of Education and Science of the Republic of Tajikistan"
GIZ = "Deutsche Gesellschaft für Internationale Zusammenarbeit"
PECA = "Professional Education for Economic Growth Sectors in Central Asia"
TANDEM = (
    "Promoting Innovation Through University Research: "
    "A Joint Initiative Between Tajikistan and Kazakhstan"
)
CONFERENCE_TITLE = (
    "Regional Aspects of Sustainable Development of Vocational Education: Challenges and Prospects"
)
FACT_BEARING = (
    "th:Organization",
    "th:Project",
    "th:Event",
    "th:FundingProgramme",
    "th:Grant",
    "th:Participation",
)


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    return KnowledgeGraph.seed()


def rows(kg: KnowledgeGraph, sparql: str) -> list[Row]:
    return kg.select(sparql)


def one(kg: KnowledgeGraph, sparql: str) -> Row:
    found = kg.select(sparql)
    assert len(found) == 1, found
    return found[0]


def column(kg: KnowledgeGraph, sparql: str, name: str) -> set[object]:
    return {row[name] for row in kg.select(sparql)}


# -- provenance ------------------------------------------------------------------------------


def test_the_article_has_eight_paragraphs() -> None:
    assert len(PARAGRAPHS) == 8
    assert PARAGRAPHS[0].startswith("On April 10–11, 2025, representatives of D. Serikbayev")
    assert PARAGRAPHS[7].endswith("global sustainable development agenda.")


def test_paragraph_records_hold_the_article_text_verbatim(kg: KnowledgeGraph) -> None:
    found = rows(
        kg,
        f"""SELECT DISTINCT ?record ?locator ?text WHERE {{
              ?record a th:SourceRecord ; dcterms:isPartOf <{DOCUMENT}> ;
                      th:locator ?locator ; schema:text ?text .
              FILTER(LANG(?text) = "en") }}""",
    )
    by_record = {row["record"]: row for row in found}
    assert sorted(by_record) == sorted(PARAGRAPH_IRIS)
    for n, (iri, paragraph) in enumerate(zip(PARAGRAPH_IRIS, PARAGRAPHS, strict=True), start=1):
        assert by_record[iri]["locator"] == f"paragraph {n}"
        assert by_record[iri]["text"] == paragraph


def test_the_document_is_an_english_secondary_source_without_invented_metadata(
    kg: KnowledgeGraph,
) -> None:
    assert kg.ask(f"""ASK {{ <{DOCUMENT}> a th:SourceDocument ; dcterms:title ?t .
                             FILTER(LANG(?t) = "en") }}""")
    # The text names no publisher, date or address.
    assert not kg.ask(f"ASK {{ <{DOCUMENT}> dcterms:publisher|dcterms:issued|schema:url ?x }}")


@pytest.mark.parametrize("cls", FACT_BEARING)
def test_every_fact_bearing_node_cites_only_article_paragraphs(
    kg: KnowledgeGraph, cls: str
) -> None:
    nodes = column(kg, f"SELECT DISTINCT ?n WHERE {{ ?n a {cls} }}", "n")
    assert nodes, f"no {cls} in the seed world"
    cited = rows(kg, f"SELECT DISTINCT ?n ?src WHERE {{ ?n a {cls} ; prov:wasDerivedFrom ?src }}")
    assert {row["n"] for row in cited} == nodes
    assert {row["src"] for row in cited} <= set(PARAGRAPH_IRIS)


def test_every_cluster_cites_only_article_paragraphs(kg: KnowledgeGraph) -> None:
    cited = rows(
        kg,
        """SELECT DISTINCT ?c ?src WHERE {
             ?c skos:inScheme <https://w3id.org/triplehelix/vocab/cluster/scheme> .
             OPTIONAL { ?c prov:wasDerivedFrom ?src } }""",
    )
    assert len({row["c"] for row in cited}) == 4
    assert {row["src"] for row in cited} == {f"{DOCUMENT}/p6"}


def test_facts_sit_in_the_graph_of_the_paragraph_that_states_them(kg: KnowledgeGraph) -> None:
    # Paragraph 1: the Ministry organised the conference.
    assert kg.ask(f"""ASK {{ GRAPH <{DOCUMENT}/p1> {{
                               ?p th:agent ?m ; th:role role:organiser ; th:activity ?c .
                               ?m skos:prefLabel "{MINISTRY}"@en .
                               ?c dcterms:type etype:conference }} }}""")
    # Paragraph 3: TSUC is a tandem partner; paragraph 1 does not say so.
    tsuc_partner = f"""?p th:agent ?t ; th:role role:partner .
                       ?t skos:prefLabel "{TSUC}"@en ."""
    assert kg.ask(f"ASK {{ GRAPH <{DOCUMENT}/p3> {{ {tsuc_partner} }} }}")
    assert not kg.ask(f"ASK {{ GRAPH <{DOCUMENT}/p1> {{ {tsuc_partner} }} }}")


# -- organisations ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "cls", "country"),
    [
        (EKTU, "th:University", "KAZ"),
        (TSUC, "th:University", "TJK"),
        (MINISTRY, "th:GovernmentBody", "TJK"),
        (GIZ, "th:DevelopmentAgency", "DEU"),
    ],
)
def test_named_organisations_have_their_type_and_country(
    kg: KnowledgeGraph, name: str, cls: str, country: str
) -> None:
    assert kg.ask(f"""ASK {{ ?o skos:prefLabel "{name}"@en ; a th:Organization, {cls} ;
                             th:country country:{country} }}""")


def test_acronyms_are_alternative_labels(kg: KnowledgeGraph) -> None:
    for name, acronym in ((EKTU, "EKTU"), (TSUC, "TSUC"), (GIZ, "GIZ")):
        assert kg.ask(f'ASK {{ ?o skos:prefLabel "{name}"@en ; skos:altLabel "{acronym}" }}')


def test_ektu_russian_name_round_trips(kg: KnowledgeGraph) -> None:
    row = one(
        kg,
        f"""SELECT DISTINCT ?ru WHERE {{ ?o skos:prefLabel "{EKTU}"@en, ?ru .
                               FILTER(LANG(?ru) = "ru") }}""",
    )
    assert row["ru"] == EKTU_RU
    assert kg.ask(f'ASK {{ ?o skos:prefLabel "{EKTU_RU}"@ru ; skos:altLabel "EKTU" }}')


def test_world_bank_is_a_funding_body(kg: KnowledgeGraph) -> None:
    assert kg.ask('ASK { ?o skos:prefLabel "World Bank"@en ; a th:FundingBody }')


def test_technology_transfer_centres_are_part_of_ektu(kg: KnowledgeGraph) -> None:
    row = one(
        kg,
        """SELECT DISTINCT ?parent ?country WHERE {
             ?ttc a th:TechnologyTransferCentre ; org:subOrganizationOf ?parent ;
                  th:country ?country }""",
    )
    assert kg.ask(f'ASK {{ <{row["parent"]}> skos:prefLabel "{EKTU}"@en }}')
    assert row["country"].endswith("/KAZ")


# -- the tandem project and PECA -------------------------------------------------------------


def test_ektu_and_tsuc_are_the_tandem_partners_and_no_coordinator_is_invented(
    kg: KnowledgeGraph,
) -> None:
    found = rows(
        kg,
        f"""SELECT DISTINCT ?name ?role WHERE {{
              ?project skos:prefLabel "{TANDEM}"@en ; dcterms:type ptype:tandem .
              ?p th:activity ?project ; th:agent ?org ; th:role ?role .
              ?org skos:prefLabel ?name . FILTER(LANG(?name) = "en") }}""",
    )
    role = "https://w3id.org/triplehelix/vocab/role/partner"
    assert sorted((row["name"], row["role"]) for row in found) == [(EKTU, role), (TSUC, role)]


def test_the_tandem_project_is_under_peca_implemented_by_giz(kg: KnowledgeGraph) -> None:
    assert kg.ask(f"""ASK {{ ?project skos:prefLabel "{TANDEM}"@en ; th:underProgramme ?peca ;
                                      dcterms:spatial country:KAZ, country:TJK .
                             ?peca a th:FundingProgramme ; skos:prefLabel "{PECA}"@en ;
                                   skos:altLabel "PECA" ; th:implementedBy ?giz .
                             ?giz skos:prefLabel "{GIZ}"@en }}""")


def test_food_industry_needs_analysis_is_part_of_the_tandem(kg: KnowledgeGraph) -> None:
    assert kg.ask(f"""ASK {{ ?analysis a th:Project ; dcterms:type ptype:needs-analysis ;
                                       dcterms:isPartOf ?tandem ; th:sector sector:food-industry ;
                                       dcterms:spatial country:TJK .
                             ?tandem skos:prefLabel "{TANDEM}"@en }}""")


def test_ektu_runs_dual_education(kg: KnowledgeGraph) -> None:
    assert kg.ask(f"""ASK {{ ?project a th:Project ; dcterms:type ptype:dual-study .
                             ?p th:activity ?project ; th:agent ?ektu .
                             ?ektu skos:prefLabel "{EKTU}"@en }}""")


def test_ektu_grant_initiatives_erasmus_plus_and_world_bank(kg: KnowledgeGraph) -> None:
    awardee = f'th:awardee [ skos:prefLabel "{EKTU}"@en ]'
    assert kg.ask(f"""ASK {{ ?g a th:Grant ; {awardee} ;
                             th:underProgramme [ skos:prefLabel "Erasmus+"@en ] }}""")
    assert kg.ask(f"""ASK {{ ?g a th:Grant ; {awardee} ;
                             schema:funder [ skos:prefLabel "World Bank"@en ] }}""")
    assert kg.count_of("th:Grant") == 2
    # The article gives no amounts or grant numbers.
    assert not kg.ask("ASK { ?g a th:Grant ; schema:amount|dcterms:identifier ?x }")


# -- the conference and its sessions ---------------------------------------------------------


def test_the_conference_took_place_in_dushanbe_on_10_and_11_april_2025(kg: KnowledgeGraph) -> None:
    row = one(
        kg,
        """SELECT DISTINCT ?name ?start ?end ?country ?place WHERE {
             ?c dcterms:type etype:conference ; skos:prefLabel ?name ;
                schema:startDate ?start ; schema:endDate ?end ;
                th:country ?country ; schema:location ?place .
             FILTER(DATATYPE(?start) = xsd:date && DATATYPE(?end) = xsd:date)
             FILTER(LANG(?place) = "en") }""",
    )
    assert CONFERENCE_TITLE in row["name"]
    assert row["name"].startswith("III Regional Scientific and Practical Conference")
    assert (row["start"], row["end"]) == ("2025-04-10", "2025-04-11")
    assert row["country"].endswith("/TJK")
    assert row["place"] == "Dushanbe"


def test_the_ministry_organised_the_conference_with_giz_support(kg: KnowledgeGraph) -> None:
    found = rows(
        kg,
        """SELECT DISTINCT ?name ?role WHERE {
             ?c dcterms:type etype:conference .
             ?p th:activity ?c ; th:agent ?org ; th:role ?role .
             ?org skos:prefLabel ?name . FILTER(LANG(?name) = "en") }""",
    )
    roles = {(row["name"], row["role"].rsplit("/", 1)[-1]) for row in found}
    assert roles == {(MINISTRY, "organiser"), (GIZ, "sponsor"), (EKTU, "participant")}


def test_ektu_attended_the_plenary_and_the_thematic_section_on_day_one(kg: KnowledgeGraph) -> None:
    found = rows(
        kg,
        f"""SELECT DISTINCT ?s ?start ?end WHERE {{
              ?s dcterms:type etype:session ; dcterms:isPartOf ?c ;
                 schema:startDate ?start ; schema:endDate ?end .
              ?c dcterms:type etype:conference .
              ?p th:activity ?s ; th:agent [ skos:prefLabel "{EKTU}"@en ] ;
                 th:role role:participant }}""",
    )
    assert len({row["s"] for row in found}) == 2
    assert {(row["start"], row["end"]) for row in found} == {("2025-04-10", "2025-04-10")}


def test_two_master_classes_on_11_april_by_ektu_in_the_conference_and_the_tandem(
    kg: KnowledgeGraph,
) -> None:
    found = rows(
        kg,
        f"""SELECT DISTINCT ?mc ?start ?end WHERE {{
              ?mc dcterms:type etype:master-class ;
                  schema:startDate ?start ; schema:endDate ?end ;
                  dcterms:isPartOf ?c, ?tandem .
              ?c dcterms:type etype:conference .
              ?tandem skos:prefLabel "{TANDEM}"@en .
              ?p th:activity ?mc ; th:role role:organiser ;
                 th:agent [ skos:prefLabel "{EKTU}"@en ] }}""",
    )
    assert len({row["mc"] for row in found}) == 2
    everything = column(
        kg, "SELECT DISTINCT ?mc WHERE { ?mc dcterms:type etype:master-class }", "mc"
    )
    assert everything == {row["mc"] for row in found}
    assert {(row["start"], row["end"]) for row in found} == {("2025-04-11", "2025-04-11")}
    topic = "transformation of university research into applied solutions for industry"
    for row in found:
        assert kg.ask(f"""ASK {{ <{row["mc"]}> schema:description ?d .
                                 FILTER(CONTAINS(LCASE(STR(?d)), "{topic}")) }}""")


def test_the_master_classes_reach_peca_through_the_tandem_project(kg: KnowledgeGraph) -> None:
    found = column(
        kg,
        """SELECT DISTINCT ?label WHERE {
             ?mc dcterms:type etype:master-class ; dcterms:isPartOf/th:underProgramme ?prog .
             ?prog skos:prefLabel ?label }""",
        "label",
    )
    assert found == {PECA}


# -- foresight and sectors -------------------------------------------------------------------


def test_the_foresight_block_is_part_of_both_master_classes(kg: KnowledgeGraph) -> None:
    found = rows(
        kg,
        """SELECT DISTINCT ?w ?start ?mc WHERE {
             ?w dcterms:type etype:foresight-workshop ; schema:startDate ?start ;
                dcterms:isPartOf ?mc .
             ?mc dcterms:type etype:master-class }""",
    )
    assert len({row["w"] for row in found}) == 1
    assert len({row["mc"] for row in found}) == 2
    assert {row["start"] for row in found} == {"2025-04-11"}
    assert kg.ask("""ASK { ?w dcterms:type etype:foresight-workshop ; schema:description ?d .
                           FILTER(CONTAINS(STR(?d), "WHY–WHAT–HOW")
                                  && CONTAINS(STR(?d), "2025–2050")
                                  && CONTAINS(STR(?d), "More than 50")) }""")


def test_four_named_clusters_are_defined_at_the_foresight_block(kg: KnowledgeGraph) -> None:
    found = rows(
        kg,
        """SELECT DISTINCT ?label ?w WHERE {
             ?c a skos:Concept ; skos:inScheme <https://w3id.org/triplehelix/vocab/cluster/scheme> ;
                skos:prefLabel ?label ; th:definedAt ?w }""",
    )
    assert sorted(row["label"].lower() for row in found) == [
        "eco-packaging",
        "food security",
        "globalization",
        "sustainable development technologies",
    ]
    workshops = {row["w"] for row in found}
    assert len(workshops) == 1
    assert kg.ask(f"ASK {{ <{workshops.pop()}> dcterms:type etype:foresight-workshop }}")


def test_no_foresight_ideas_are_invented(kg: KnowledgeGraph) -> None:
    assert kg.count_of("th:ForesightIdea") == 0


def test_scaling_sectors_are_on_the_conference_not_on_the_tandem(kg: KnowledgeGraph) -> None:
    on_conference = column(
        kg,
        "SELECT DISTINCT ?s WHERE { ?c dcterms:type etype:conference ; th:sector ?s }",
        "s",
    )
    sector = "https://w3id.org/triplehelix/vocab/sector/"
    expected = {sector + s for s in ("agriculture", "logistics", "construction", "eco-products")}
    assert on_conference == expected
    assert not kg.ask(f'ASK {{ ?t skos:prefLabel "{TANDEM}"@en ; th:sector ?s }}')
