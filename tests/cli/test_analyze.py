"""The analyze commands as users meet them: formats, filters, errors."""

from __future__ import annotations

import csv
import io
import json

import pytest

from cli_helpers import FIXTURES, Cli, run_main

VALID = FIXTURES / "valid"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("kg") / "kg"
    assert run_main(["load", str(VALID), "--store", str(path)]) == 0
    return str(path)


def test_summary_as_json(run_cli: Cli, store: str) -> None:
    code, out, _ = run_cli("analyze", "summary", "--store", store, "--format", "json")
    assert code == 0
    views = json.loads(out)["views"]
    assert views[0] == {
        "view": "coparticipation",
        "nodes": 3,
        "edges": 3,
        "density": 1.0,
        "components": 1,
        "largest_component": 3,
    }


def test_centrality_as_csv_with_a_filter(run_cli: Cli, store: str) -> None:
    code, out, _ = run_cli(
        "analyze",
        "centrality",
        "--store",
        store,
        "--country",
        "kz",
        "--measure",
        "degree",
        "--format",
        "csv",
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["organisation"], r["degree"]) for r in rows] == [
        ("Alpha University", "1"),
        ("Beta Steel", "1"),
    ]


def test_multi_table_csv_has_named_sections(run_cli: Cli, store: str) -> None:
    code, out, _ = run_cli("analyze", "mixing", "--store", store, "--format", "csv")
    assert code == 0
    assert out.startswith("# matrix\nsphere,academia,industry\nacademia,1,2\nindustry,2,0\n")
    assert "\n# assortativity\nattribute,r\nsphere,-0.5\ncountry,-0.5\n" in out


def test_synergy_by_year_and_brokerage_tables(run_cli: Cli, store: str) -> None:
    code, out, _ = run_cli(
        "analyze", "synergy", "--store", store, "--by", "year", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    # p1: U+I (alpha, beta), p2: U+I (alpha, beta, gamma), p3: U (gamma; delta is a funder)
    assert data["counts"] == [{"U": 1, "I": 0, "G": 0, "UI": 2, "UG": 0, "IG": 0, "UIG": 0, "N": 3}]
    assert [r["year"] for r in data["by_year"]] == [2019, 2021, 2022]
    code, out, _ = run_cli("analyze", "brokerage", "--store", store, "--format", "json")
    assert code == 0
    assert json.loads(out)["brokers"] == []  # a triangle has no open 2-path


def test_suggest_names_the_shared_partner(run_cli: Cli, store: str) -> None:
    # with funders, delta (p3 with gamma) is two steps from alpha through gamma (3 partners)
    code, out, _ = run_cli(
        "analyze",
        "suggest",
        "--store",
        store,
        "--org",
        "AU",
        "--include-funders",
        "--format",
        "json",
    )
    assert code == 0
    (row,) = json.loads(out)["suggestions"]
    assert (row["organisation"], row["shared_partners"]) == ("Delta Fund", "Gamma Institute")


def test_table_output_and_notes(run_cli: Cli) -> None:
    code, out, err = run_cli("analyze", "brokerage", "--include-events")
    assert code == 0
    assert "# Broker roles by helix sphere of the broker" in out
    assert "note: undirected ties count both ways" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["centrality", "--sector", "nowhere"],
            "no sector 'nowhere' in this graph [unknown-sector]",
        ),
        (["suggest", "--org", "nobody"], "no organisation 'nobody'"),
        (["summary", "--role", "boss"], "no participation role 'boss' [unknown-role]"),
    ],
)
def test_bad_values_are_usage_errors(run_cli: Cli, args: list[str], message: str) -> None:
    code, out, err = run_cli("analyze", *args)
    assert (code, out) == (2, "")
    assert message in err
    assert "Traceback" not in err


def test_the_measures_offered_are_the_library_s() -> None:
    """The CLI keeps the measure choices literal (importing the analytics would load
    networkx for --help); they must be exactly the library's list."""
    import click

    from triplehelix.cli.analyze import centrality
    from triplehelix.graph.analytics.centrality import MEASURES

    option = next(p for p in centrality.params if p.name == "measure")
    assert isinstance(option.type, click.Choice)
    assert tuple(option.type.choices) == MEASURES
