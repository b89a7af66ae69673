"""The partnership map in headless Chromium: counts, search, filters, slider, click, safety.

Expected values come from the NetworkX views and the input records, never from the page.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from browser_helpers import Visit
from cli_helpers import FIXTURES
from triplehelix.data.loader import load_records, seed_path
from triplehelix.graph.maps.build import map_page
from triplehelix.graph.store.local import KnowledgeGraph
from triplehelix.graph.views.network import bipartite_graph, coparticipation_graph

VALID = FIXTURES / "valid"
Open = Callable[[Path], Visit]


def write_map(tmp_path: Path, kg: KnowledgeGraph, view: str = "bipartite") -> Path:
    path = tmp_path / f"{view}.html"
    path.write_text(map_page(kg, view, "test data"), encoding="utf-8")
    return path


def assert_clean(v: Visit) -> None:
    assert v.external == []
    assert v.console_errors == []
    assert v.page_errors == []
    assert v.dialogs == []


def shown(v: Visit) -> tuple[set[str], set[tuple[str, str]]]:
    nodes = v.js("() => network.body.data.nodes.getIds()")
    edges = v.js("() => network.body.data.edges.get().map(e => [e.from, e.to])")
    return set(nodes), {tuple(sorted(e)) for e in edges}  # type: ignore[misc]


def node_point(v: Visit, node: str) -> tuple[float, float]:
    """Where a node is drawn, in page coordinates."""
    x, y = v.js(
        """id => { const p = network.canvasToDOM(network.getPositions([id])[id]);
                   const r = document.getElementById('map').getBoundingClientRect();
                   return [r.left + p.x, r.top + p.y]; }""",
        node,
    )
    return x, y


def click_node(v: Visit, node: str) -> None:
    v.page.mouse.click(*node_point(v, node))
    v.page.wait_for_function("id => window.thMap.selected === id", arg=node, timeout=20_000)


@pytest.fixture(scope="module")
def seed() -> KnowledgeGraph:
    return KnowledgeGraph.seed()


@pytest.fixture(scope="module")
def valid() -> KnowledgeGraph:
    kg = KnowledgeGraph()
    kg.load(load_records([VALID]))
    return kg


def test_seed_map_counts_match_networkx_and_it_makes_no_request(
    visit: Open, seed: KnowledgeGraph, tmp_path: Path, output_dir: Path
) -> None:
    g = bipartite_graph(seed)
    v = visit(write_map(tmp_path, seed))
    nodes, edges = shown(v)
    assert nodes == set(g.nodes)
    assert edges == {tuple(sorted(e)) for e in g.edges}
    counts = v.page.locator("#counts")
    assert counts.get_attribute("data-nodes") == str(g.number_of_nodes())
    assert counts.get_attribute("data-edges") == str(g.number_of_edges())
    assert counts.inner_text() == f"{len(g)} nodes · {g.number_of_edges()} links"
    assert v.page.locator("h1").inner_text() == "Partnership map: who took part in what"
    assert "legend" in v.page.content()
    assert "academia" in v.page.locator("#legend").inner_text()
    shot = output_dir / "seed-world-map.png"
    v.page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
    assert_clean(v)


def test_coparticipation_counts(visit: Open, valid: KnowledgeGraph, tmp_path: Path) -> None:
    g = coparticipation_graph(valid)
    v = visit(write_map(tmp_path, valid, "coparticipation"))
    nodes, edges = shown(v)
    assert nodes == set(g.nodes)
    assert len(edges) == g.number_of_edges() > 0
    assert_clean(v)


def test_search_jumps_to_and_selects_the_node(
    visit: Open, seed: KnowledgeGraph, tmp_path: Path
) -> None:
    g = bipartite_graph(seed)
    (tsuc,) = [
        n for n, a in g.nodes(data=True) if a["label"] == "Tajik State University of Commerce"
    ]
    v = visit(write_map(tmp_path, seed))
    v.page.fill("#search", "tajik state")
    v.page.press("#search", "Enter")
    v.page.wait_for_function("() => window.thMap.selected !== undefined", timeout=20_000)
    assert v.js("() => network.getSelectedNodes()") == [tsuc]
    assert v.page.locator("#found").inner_text() == "1 found"
    assert "Tajik State University of Commerce" in v.page.locator("#info").inner_text()
    v.page.fill("#search", "no such organisation")
    v.page.press("#search", "Enter")
    assert v.page.locator("#found").inner_text() == "not found"
    assert_clean(v)


def test_country_filter_hides_the_right_nodes(
    visit: Open, seed: KnowledgeGraph, tmp_path: Path
) -> None:
    g = bipartite_graph(seed)
    orgs = {n for n, a in g.nodes(data=True) if a["kind"] == "organisation"}
    tj = {n for n in orgs if g.nodes[n]["country"] == "TJ"}
    assert tj
    assert tj != orgs
    linked = {m for n in tj for m in g[n]}
    v = visit(write_map(tmp_path, seed))
    v.page.select_option("#f-country", "TJ")
    nodes, edges = shown(v)
    assert nodes == tj | linked
    assert edges == {tuple(sorted((a, b))) for a in tj for b in g[a]}
    assert v.page.locator("#counts").get_attribute("data-shown-nodes") == str(len(tj | linked))
    v.page.select_option("#f-country", "")
    assert shown(v)[0] == set(g.nodes)
    assert_clean(v)


def test_year_slider_shows_links_active_that_year(
    visit: Open, valid: KnowledgeGraph, tmp_path: Path
) -> None:
    # tests/fixtures/valid: p1 runs 2019–2020, p2 2021–2023, p3 2022 (20-projects.json).
    g = bipartite_graph(valid)
    assert {d["years"] for *_, d in g.edges(data=True)} >= {"2019-2020", "2021-2023"}
    v = visit(write_map(tmp_path, valid))
    before = shown(v)[1]
    v.page.uncheck("#all-years")
    for year in (2019, 2022):
        v.page.eval_on_selector(
            "#year",
            "(el, y) => { el.value = y; el.dispatchEvent(new Event('input')); }",
            year,
        )
        expected = {
            tuple(sorted((a, b)))
            for a, b, d in g.edges(data=True)
            if not d["years"] or _in(d["years"], year)
        }
        assert shown(v)[1] == expected
        assert expected != before
    v.page.check("#all-years")
    assert shown(v)[1] == before
    assert_clean(v)


def _in(years: str, year: int) -> bool:
    start, _, end = years.partition("-")
    return int(start) <= year <= int(end or start)


def test_clicking_a_node_shows_its_tooltip_and_partners(
    visit: Open, seed: KnowledgeGraph, tmp_path: Path
) -> None:
    g = bipartite_graph(seed)
    (ektu,) = [n for n, a in g.nodes(data=True) if a["short"] == "EKTU"]
    v = visit(write_map(tmp_path, seed))
    click_node(v, ektu)
    info = v.page.locator("#info")
    assert info.is_visible()
    text = info.inner_text()
    assert "D. Serikbayev East Kazakhstan Technical University" in text
    assert "Восточно-Казахстанский" in text  # names in all languages
    assert "university" in text
    assert "country: KZ" in text
    assert "source: " in text
    assert "paragraph" in text
    grey = v.js(
        "() => network.body.data.nodes.get().filter(n => n.color === '#e4e4e4').map(n => n.id)"
    )
    assert set(grey) == set(g.nodes) - set(g[ektu]) - {ektu}
    assert_clean(v)


XSS = ["<img src=x onerror=alert(1)>", "</script><script>alert(1)</script>"]


def test_hostile_names_are_shown_literally_and_never_run(visit: Open, tmp_path: Path) -> None:
    records: list[dict[str, Any]] = [
        {"kind": "organisation", "id": f"x{i}", "name": {"en": name}, "types": ["company"]}
        for i, name in enumerate(XSS)
    ]
    records.append({"kind": "project", "id": "p", "name": {"en": XSS[0]}, "start": "2020"})
    records += [
        {"kind": "participation", "agent": f"x{i}", "activity": "p", "role": "partner"}
        for i in range(len(XSS))
    ]
    data = tmp_path / "hostile.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    kg = KnowledgeGraph()
    kg.load(load_records([data]))
    v = visit(write_map(tmp_path, kg))
    assert v.js("() => document.querySelectorAll('img').length") == 0
    assert v.js("() => document.scripts.length") == 3  # data block, vis-network, the page
    g = bipartite_graph(kg)
    for name in XSS:
        (node,) = [
            n for n, a in g.nodes(data=True) if a["label"] == name and a["kind"] == "organisation"
        ]
        click_node(v, node)
        assert v.page.locator("#info").inner_text().splitlines()[0] == name
    titles = v.js("() => network.body.data.nodes.get().map(n => n.title.split('\\n')[0])")
    assert sorted(titles) == sorted([*XSS, XSS[0]])  # two organisations and the project
    assert_clean(v)


def test_the_harness_sees_external_requests_and_dialogs(visit: Open, tmp_path: Path) -> None:
    # A control: the same checks on a page that does fetch and alert must report both.
    page = tmp_path / "bad.html"
    page.write_text(
        '<img src="http://example.invalid/x.png"><script>window.thMap = {ready: true};'
        "alert(1)</script>",
        encoding="utf-8",
    )
    v = visit(page)
    assert v.external == ["http://example.invalid/x.png"]
    assert v.dialogs == ["1"]


def test_role_filter_keeps_links_in_that_role(
    visit: Open, valid: KnowledgeGraph, tmp_path: Path
) -> None:
    g = bipartite_graph(valid)
    links = {
        tuple(sorted((a, b)))
        for a, b, d in g.edges(data=True)
        if "coordinator" in d["roles"].split(";")
    }
    coordinators = {n for link in links for n in link if g.nodes[n]["kind"] == "organisation"}
    assert links
    assert links != {tuple(sorted(e)) for e in g.edges}
    v = visit(write_map(tmp_path, valid))
    v.page.select_option("#f-role", "coordinator")
    nodes, edges = shown(v)
    assert edges == links
    assert nodes == coordinators | {n for link in links for n in link}
    assert_clean(v)


def test_hovering_a_node_shows_its_names_in_a_tooltip(
    visit: Open, seed: KnowledgeGraph, tmp_path: Path
) -> None:
    g = bipartite_graph(seed)
    (giz,) = [n for n, a in g.nodes(data=True) if a["short"] == "GIZ"]
    v = visit(write_map(tmp_path, seed))
    v.page.mouse.move(*node_point(v, giz))
    v.page.wait_for_selector("div.vis-tooltip", state="visible", timeout=20_000)
    lines = v.page.inner_text("div.vis-tooltip").splitlines()
    assert lines[0] == g.nodes[giz]["label"]
    assert "also: GIZ" in lines
    assert_clean(v)


def test_sector_filter_keeps_organisations_active_in_that_sector(
    visit: Open, seed: KnowledgeGraph, tmp_path: Path
) -> None:
    # Worked out from the seed records: the activities with sector "agriculture"
    # (30-projects.yaml, 40-events.yaml) and the organisations taking part in them
    # (50-participations.yaml), matched to the map's nodes by their English names.
    def load(name: str) -> dict[str, Any]:
        return yaml.safe_load((seed_path() / name).read_text(encoding="utf-8"))

    acts = load("30-projects.yaml")["projects"] + load("40-events.yaml")["events"]
    farming = {a["id"] for a in acts if "agriculture" in a.get("sectors", [])}
    agents = {
        p["agent"]
        for p in load("50-participations.yaml")["participations"]
        if p["activity"] in farming
    }
    names = {
        o["name"]["en"] for o in load("10-organisations.yaml")["organisations"] if o["id"] in agents
    }
    assert len(names) >= 2
    g = bipartite_graph(seed)
    expected_orgs = {n for n, a in g.nodes(data=True) if a["label"] in names}
    assert len(expected_orgs) == len(names)
    v = visit(write_map(tmp_path, seed))
    v.page.select_option("#f-sector", "agriculture")
    nodes, edges = shown(v)
    assert {n for n in nodes if g.nodes[n]["kind"] == "organisation"} == expected_orgs
    assert edges == {tuple(sorted((a, b))) for a in expected_orgs for b in g[a]}
    assert_clean(v)
