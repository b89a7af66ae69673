"""Every saved query on the seed world and on a generated medium world.

Expected answers come from ``query_world`` (plain Python over the input records).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from cli_helpers import FIXTURES
from query_world import (
    World,
    expect_consortium,
    expect_edges,
    expect_foresight,
    expect_funding,
    expect_industry,
    expect_landscape,
    expect_partners,
    expect_portfolio,
    expect_provenance_locators,
    expect_suggestions,
    expect_triple_helix,
    write_medium,
)
from triplehelix import KnowledgeGraph, UsageError, load_records, seed_path
from triplehelix.data.models import Project
from triplehelix.graph.query.run import run_query
from triplehelix.graph.query.saved import saved_queries

Graph = tuple[KnowledgeGraph, World]


@pytest.fixture(scope="module")
def seed() -> Graph:
    rs = load_records([seed_path()])
    kg = KnowledgeGraph()
    kg.load(rs)
    return kg, World(rs)


@pytest.fixture(scope="module")
def medium(tmp_path_factory: pytest.TempPathFactory) -> Graph:
    path = write_medium(tmp_path_factory.mktemp("medium"))
    rs = load_records([path])
    kg = KnowledgeGraph()
    kg.load(rs)
    return kg, World(rs)


def rows(g: Graph, name: str, **params: str) -> list[dict[str, Any]]:
    return run_query(g[0], name, params).to_records()


def test_the_shipped_queries_and_their_headers() -> None:
    queries = saved_queries()
    assert len(queries) >= 10
    for q in queries.values():
        assert q.description
        for p in q.params:
            assert f"?_{p.name}" in q.text, (q.name, p.name)


# -- organisation portfolio -----------------------------------------------------------------


def _portfolio(g: Graph, **params: str) -> Counter:
    return Counter(
        (r["activityLabel"], r["kind"], r["role"], r["startYear"], r["endYear"])
        for r in rows(g, "org-portfolio", **params)
    )


def test_org_portfolio_seed(seed: Graph) -> None:
    w = seed[1]
    assert _portfolio(seed, org="ektu") == expect_portfolio(w, "ektu")
    assert sum(expect_portfolio(w, "ektu").values()) == 9  # six events and three projects


def test_org_portfolio_medium_with_years(medium: Graph) -> None:
    w = medium[1]
    for org in ("o0", "o3", "o17"):
        label = w.label(org) or ""
        assert _portfolio(medium, org=label) == expect_portfolio(w, org)
        got = _portfolio(medium, org=label, **{"from": "2019", "to": "2021"})
        assert got == expect_portfolio(w, org, 2019, 2021)


# -- partners --------------------------------------------------------------------------------


def test_partners_of(seed: Graph, medium: Graph) -> None:
    for g, org, name in ((seed, "ektu", "EKTU"), (medium, "o1", "Organisation 1")):
        got = {r["partnerLabel"]: r["shared"] for r in rows(g, "partners-of", org=name)}
        assert got == expect_partners(g[1], org)
        assert got


# -- project consortium ----------------------------------------------------------------------


def _consortium(g: Graph, project: str) -> set[tuple[Any, ...]]:
    return {
        (
            r["agentLabel"],
            r["role"],
            r["country"],
            frozenset((r["spheres"] or "").split()),
            r["contribution"],
            frozenset(r["currencies"].split(",")) if r["currencies"] else None,
        )
        for r in rows(g, "project-consortium", project=project)
    }


def test_project_consortium(seed: Graph, medium: Graph) -> None:
    tandem = seed[1].by_id["tandem"].name["en"]
    assert _consortium(seed, tandem) == expect_consortium(seed[1], "tandem")
    assert len(expect_consortium(seed[1], "tandem")) == 2
    w = medium[1]
    with_money = [
        p.activity for p in w.parts if p.contributions and w.kind(p.activity) == "Project"
    ]
    for project in [*with_money[:3], "p5"]:
        assert _consortium(medium, w.label(project) or "") == expect_consortium(w, project)
        assert isinstance(next(iter(expect_consortium(w, project)))[1], str)


# -- co-participation edges ------------------------------------------------------------------


def _edges(g: Graph, **params: str) -> dict[frozenset[str], int]:
    return {
        frozenset({r["aLabel"], r["bLabel"]}): r["sharedProjects"]
        for r in rows(g, "coparticipation-edges", **params)
    }


def test_coparticipation_edges(seed: Graph, medium: Graph) -> None:
    assert _edges(seed) == expect_edges(seed[1])
    w = medium[1]
    assert _edges(medium) == expect_edges(w)
    projects = [r for r in w.rs.records if getattr(r, "kind", "") == "project"]
    food = [p.id for p in projects if "food-industry" in p.sectors]
    assert _edges(medium, sector="sector:food-industry") == expect_edges(w, food)
    prog1 = [p.id for p in projects if p.programme == "prog1"]
    assert _edges(medium, programme="PRG1") == expect_edges(w, prog1)
    years = [
        p.id
        for p in projects
        if int((p.end or p.start or "9999")[:4]) >= 2020 and int((p.start or "0")[:4]) <= 2020
    ]
    assert _edges(medium, **{"from": "2020", "to": "2020"}) == expect_edges(w, years)


# -- triple-helix projects --------------------------------------------------------------------


def test_triple_helix_projects(seed: Graph, medium: Graph) -> None:
    for g in (seed, medium):
        got = {
            r["projectLabel"]: (r["academia"], r["industry"], r["government"])
            for r in rows(g, "triple-helix-projects")
        }
        assert got == expect_triple_helix(g[1])
    assert expect_triple_helix(medium[1])  # the medium world has some


def test_triple_helix_projects_of_one_programme(medium: Graph) -> None:
    w = medium[1]
    prog1 = {
        p.name["en"] for p in w.rs.records if isinstance(p, Project) and p.programme == "prog1"
    }
    expect = {k: v for k, v in expect_triple_helix(w).items() if k in prog1}
    got = {
        r["projectLabel"]: (r["academia"], r["industry"], r["government"])
        for r in rows(medium, "triple-helix-projects", programme="PRG1")
    }
    assert got == expect
    assert expect  # the programme has some, so the filter is really tested


# -- funding summary -------------------------------------------------------------------------


def _funding(g: Graph, **params: str) -> dict[tuple[Any, ...], tuple[int, Decimal]]:
    return {
        (r["funderLabel"], r["programmeLabel"], r["currency"]): (r["grants"], r["total"])
        for r in rows(g, "funding-summary", **params)
    }


def test_funding_summary(seed: Graph, medium: Graph) -> None:
    assert _funding(seed) == expect_funding(seed[1]) == {}  # the article states no amounts
    assert _funding(seed, programme="peca") == {}
    expected = expect_funding(medium[1])
    assert _funding(medium) == expected
    prog2 = {k: v for k, v in expected.items() if k[1] == "Programme 2"}
    assert prog2
    assert _funding(medium, programme="Programme 2") == prog2


# -- industry engagement ---------------------------------------------------------------------


def test_industry_engagement(seed: Graph, medium: Graph) -> None:
    for g, org in ((seed, "ektu"), (medium, "o0"), (medium, "o7")):
        got = Counter(
            (r["companyLabel"], r["activityLabel"], r["companyRole"], r["universityRole"])
            for r in rows(g, "industry-engagement", university=g[1].label(org) or "")
        )
        assert got == expect_industry(g[1], org)
    assert expect_industry(medium[1], "o0")


# -- sector landscape ------------------------------------------------------------------------


def _landscape(g: Graph, **params: str) -> dict[tuple[str, str], tuple[int, int, int]]:
    return {
        (r["sector"].rsplit("/", 1)[-1], r["sphere"]): (
            r["projects"],
            r["events"],
            r["organisations"],
        )
        for r in rows(g, "sector-landscape", **params)
    }


def test_sector_landscape(seed: Graph, medium: Graph) -> None:
    assert _landscape(seed) == expect_landscape(seed[1])
    assert _landscape(medium) == expect_landscape(medium[1])
    assert _landscape(medium, country="KZ") == expect_landscape(medium[1], "KZ")
    assert _landscape(medium, country="KAZ") == expect_landscape(medium[1], "KZ")


# -- partner suggestions ---------------------------------------------------------------------


def test_partner_suggestions(seed: Graph, medium: Graph) -> None:
    for g, org in ((seed, "tsuc"), (medium, "o2"), (medium, "o30")):
        got = {
            r["candidateLabel"]: r["viaPartners"]
            for r in rows(g, "partner-suggestions", org=g[1].label(org) or "")
        }
        assert got == expect_suggestions(g[1], org)
    assert expect_suggestions(medium[1], "o2")
    ranked = [r["viaPartners"] for r in rows(medium, "partner-suggestions", org="Organisation 2")]
    assert ranked == sorted(ranked, reverse=True)


# -- foresight matrix ------------------------------------------------------------------------


def test_foresight_matrix(seed: Graph, medium: Graph) -> None:
    def matrix(g: Graph, **params: str) -> dict[tuple[int, Any], int]:
        return {
            (r["horizon"], r["clusterLabel"]): r["ideas"]
            for r in rows(g, "foresight-matrix", **params)
        }

    assert matrix(seed) == expect_foresight(seed[1]) == {}  # no idea texts in the article
    assert matrix(medium) == expect_foresight(medium[1])
    assert matrix(medium, workshop="Event 1") == expect_foresight(medium[1], "e1")


# -- provenance trail ------------------------------------------------------------------------


def test_provenance_trail(seed: Graph, medium: Graph) -> None:
    for g, ref, name in ((seed, "giz", "GIZ"), (seed, "ektu", "ektu"), (medium, "o4", "")):
        got = rows(g, "provenance-trail", node=name or g[1].label(ref) or "")
        assert {r["locator"] for r in got} == expect_provenance_locators(g[1], ref)
        labels = {r["value"] for r in got if r["property"].endswith("#prefLabel")}
        assert labels == set(g[1].by_id[ref].name.values())


def test_provenance_of_an_iri_and_a_prefixed_name(seed: Graph) -> None:
    (giz,) = [r["s"] for r in seed[0].select('SELECT ?s WHERE { ?s skos:altLabel "GIZ" }')]
    by_iri = rows(seed, "provenance-trail", node=giz)
    prefixed = "id:" + giz.removeprefix("https://w3id.org/triplehelix/id/")
    assert by_iri == rows(seed, "provenance-trail", node=prefixed)
    assert len(by_iri) == 7  # 7 triples about GIZ, all from paragraph 1


# -- parameters ------------------------------------------------------------------------------


def test_ambiguous_label_lists_candidates(seed: Graph) -> None:
    with pytest.raises(UsageError) as info:
        run_query(seed[0], "partners-of", {"org": "university"})
    assert info.value.code == "ambiguous-param"
    assert "Tajik State University of Commerce" in info.value.message
    assert "tajik-state-university-of-commerce-tj" in info.value.message


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "missing-param"),
        ({"org": "ektu", "colour": "red"}, "unknown-param"),
        ({"org": "no such organisation"}, "bad-param"),
        ({"org": "ektu", "from": "twenty"}, "bad-param"),
    ],
)
def test_bad_parameters(seed: Graph, params: dict[str, str], code: str) -> None:
    with pytest.raises(UsageError) as info:
        run_query(seed[0], "org-portfolio", params)
    assert info.value.code == code


def test_unknown_saved_query(seed: Graph) -> None:
    with pytest.raises(UsageError) as info:
        run_query(seed[0], "no-such-query")
    assert info.value.code == "unknown-query"


def test_queries_ship_in_the_installed_package() -> None:
    import triplehelix.graph.query

    folder = Path(triplehelix.graph.query.__file__).parent / "queries"
    assert len(list(folder.glob("*.rq"))) == len(saved_queries()) >= 10


# -- the hand-made fixture world: expected answers worked out by hand from tests/fixtures/valid


@pytest.fixture(scope="module")
def fixture_world() -> KnowledgeGraph:
    kg = KnowledgeGraph()
    kg.load(load_records([FIXTURES / "valid"]))
    return kg


def test_fixture_world_by_hand(fixture_world: KnowledgeGraph) -> None:
    def ask(name: str, **params: str) -> list[dict[str, Any]]:
        return run_query(fixture_world, name, params).to_records()

    # g1: Delta Fund, Test Programme, 150000.50 EUR.
    (grant,) = ask("funding-summary")
    assert (grant["funderLabel"], grant["programmeLabel"], grant["currency"]) == (
        "Delta Fund",
        "Test Programme",
        "EUR",
    )
    assert (grant["grants"], grant["total"]) == (1, Decimal("150000.50"))
    # Alpha (AU) coordinates p1 and p2 and organises ev: Beta is in p1 and p2, Gamma in p2,
    # Delta takes part in ev.
    partners = {r["partnerLabel"]: r["shared"] for r in ask("partners-of", org="AU")}
    assert partners == {"Beta Steel": 2, "Gamma Institute": 1, "Delta Fund": 1}
    # p1: Alpha+Beta; p2: Alpha+Beta+Gamma; p3: Gamma (Delta funds it: not a partner).
    edges = {
        frozenset({r["aLabel"], r["bLabel"]}): r["sharedProjects"]
        for r in ask("coparticipation-edges")
    }
    assert edges == {
        frozenset({"Alpha University", "Beta Steel"}): 2,
        frozenset({"Alpha University", "Gamma Institute"}): 1,
        frozenset({"Beta Steel", "Gamma Institute"}): 1,
    }
    assert ask("triple-helix-projects") == []  # no government body anywhere
    consortium = {r["agentLabel"]: r for r in ask("project-consortium", project="P-TWO")}
    assert consortium["Alpha University"]["contribution"] == 1000
    assert consortium["Alpha University"]["currencies"] == "EUR"
    assert consortium["Beta Steel"]["contribution"] is None  # in kind, no amount
    assert set(consortium["Gamma Institute"]["spheres"].split()) == {"academia", "industry"}
    engagement = {
        (r["companyLabel"], r["activityLabel"], r["companyRole"], r["universityRole"])
        for r in ask("industry-engagement", university="alpha university")
    }
    assert engagement == {
        ("Beta Steel", "Project One", "industry-partner", "coordinator"),
        ("Beta Steel", "Project Two", "partner", "coordinator"),
        ("Gamma Institute", "Project Two", "partner", "coordinator"),
    }
    portfolio = {
        (r["activityLabel"], r["kind"], r["role"], r["startYear"], r["endYear"])
        for r in ask("org-portfolio", org="AU")
    }
    assert portfolio == {
        ("Project One", "Project", "coordinator", 2019, 2020),
        ("Project Two", "Project", "coordinator", 2021, 2023),
        ("Kick-off meeting", "Event", "organiser", 2021, 2021),
    }
    trail = ask("provenance-trail", node="Beta Steel")
    assert {r["locator"] for r in trail} == {"p. 4 ¶2", "p. 5 ¶1"}
    landscape = {
        (r["sector"].rsplit("/", 1)[-1], r["sphere"]): (
            r["projects"],
            r["events"],
            r["organisations"],
        )
        for r in ask("sector-landscape")
    }
    assert landscape == {
        ("food-industry", "academia"): (1, 0, 1),
        ("food-industry", "industry"): (1, 0, 1),
        ("agriculture", "academia"): (1, 0, 1),
        ("agriculture", "industry"): (1, 0, 1),
        ("agriculture", "funder"): (1, 0, 1),
    }
