"""What a source is (issue 13): two files are never one source; conflicting values are told.

A source is named by its path including the folder given on the command line, so
``load a/`` and ``load b/`` with an ``organisations.csv`` each are two sources; a folder
moved elsewhere keeps its names; the same bytes under another name are not loaded twice.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cli_helpers import Cli
from triplehelix.graph.store.local import KnowledgeGraph
from triplehelix.graph.views.stats import collect_stats

HEAD = "id,name.en,types,country\n"


def folder(root: Path, name: str, prefix: str, n: int = 10) -> Path:
    """A folder holding an ``organisations.csv`` of ``n`` organisations of its own."""
    path = root / name
    path.mkdir(parents=True)
    rows = "".join(f"{prefix}{i},{prefix.upper()} Org {i},company,KZ\n" for i in range(n))
    (path / "organisations.csv").write_text(HEAD + rows, encoding="utf-8")
    return path


def organisations(store: Path) -> int:
    with KnowledgeGraph(store, read_only=True) as kg:
        return kg.count_of("th:Organization")


def quads(store: Path) -> int:
    with KnowledgeGraph(store, read_only=True) as kg:
        return len(kg)


def graphs(store: Path) -> list[str]:
    with KnowledgeGraph(store, read_only=True) as kg:
        return kg.graph_names()


# --shacl loads in one transaction (KnowledgeGraph.load); without it, the bulk loader.
MODES = pytest.mark.parametrize("mode", [[], ["--shacl"]], ids=["bulk", "transactional"])


@MODES
def test_two_folders_with_a_file_of_the_same_name_are_two_sources(
    run_cli: Cli, tmp_path: Path, mode: list[str]
) -> None:
    a, b, store = folder(tmp_path, "a", "a"), folder(tmp_path, "b", "b"), tmp_path / "kg"
    assert run_cli("load", str(a), "--store", str(store), *mode)[0] == 0
    code, _, err = run_cli("load", str(b), "--store", str(store), *mode)
    assert code == 0, err
    assert "replaced" not in err
    assert organisations(store) == 20  # on main: 10 (b's replaced a's)


@MODES
def test_a_moved_copy_of_a_folder_is_the_same_sources(
    run_cli: Cli, tmp_path: Path, mode: list[str]
) -> None:
    a, store = folder(tmp_path, "a", "a"), tmp_path / "kg"
    assert run_cli("load", str(a), "--store", str(store), *mode)[0] == 0
    before = quads(store)
    moved = tmp_path / "elsewhere" / "deeper" / "a"
    shutil.copytree(a, moved)
    code, _, err = run_cli("load", str(moved), "--store", str(store), *mode)
    assert code == 0, err
    assert quads(store) == before


@MODES
def test_the_same_bytes_under_another_name_are_skipped(
    run_cli: Cli, tmp_path: Path, mode: list[str]
) -> None:
    a, store = folder(tmp_path, "a", "a"), tmp_path / "kg"
    assert run_cli("load", str(a), "--store", str(store), *mode)[0] == 0
    before = graphs(store)
    renamed = tmp_path / "renamed"
    shutil.copytree(a, renamed)
    code, _, err = run_cli("load", str(renamed), "--store", str(store), *mode)
    assert code == 0, err
    assert "renamed/organisations.csv: the same bytes are loaded as" in err
    assert "file-a.organisations-csv" in err
    assert graphs(store) == before  # only the run is recorded (in meta)
    assert organisations(store) == 10


def test_unload_by_base_name_when_unique_and_refused_when_ambiguous(
    run_cli: Cli, tmp_path: Path
) -> None:
    a, b, store = folder(tmp_path, "a", "a"), folder(tmp_path, "b", "b"), tmp_path / "kg"
    for data in (a, b):
        assert run_cli("load", str(data), "--store", str(store))[0] == 0
    code, _, err = run_cli("unload", "organisations.csv", "--store", str(store))
    assert code == 2
    assert "[ambiguous-source]" in err
    assert "a/organisations.csv" in err
    assert "b/organisations.csv" in err
    assert organisations(store) == 20
    code, _, err = run_cli("unload", "a/organisations.csv", "--store", str(store))
    assert code == 0, err
    assert organisations(store) == 10
    code, _, err = run_cli("unload", "organisations.csv", "--store", str(store))
    assert code == 0, err  # now only b's has that base name
    assert organisations(store) == 0


def test_a_source_can_be_named_explicitly(run_cli: Cli, tmp_path: Path) -> None:
    a, store = folder(tmp_path, "a", "a"), tmp_path / "kg"
    csv = str(a / "organisations.csv")
    code, _, err = run_cli("load", csv, "--source", "registry/orgs.csv", "--store", str(store))
    assert code == 0, err
    code, _, err = run_cli("unload", "registry/orgs.csv", "--store", str(store))
    assert code == 0, err
    code, _, err = run_cli("load", str(a), "--source", "x.csv", "--store", str(store))
    assert code == 0  # a folder of one file
    code, _, err = run_cli("load", csv, csv, "--source", "x.csv", "--store", str(store))
    assert code == 2
    assert "[source-not-single]" in err


def write_org(path: Path, name: str, country: str, founded: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    rec = {
        "kind": "organisation",
        "id": "x",
        "iri": "https://example.org/org/x",
        "name": {"en": name},
        "types": ["university"],
        "country": country,
        "established": founded,
    }
    path.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    return path


@MODES
def test_conflicting_values_are_reported_and_refused_with_strict(
    run_cli: Cli, tmp_path: Path, mode: list[str]
) -> None:
    store = tmp_path / "kg"
    write_org(tmp_path / "one" / "orgs.jsonl", "Alpha University", "KZ", 1950)
    write_org(tmp_path / "two" / "orgs.jsonl", "Alfa University", "DE", 1951)
    assert run_cli("load", str(tmp_path / "one"), "--store", str(store), *mode)[0] == 0
    before = quads(store)
    code, _, err = run_cli("load", str(tmp_path / "two"), "--store", str(store), "--strict")
    assert code == 3
    assert "[conflicting-value]" in err
    assert "two/orgs.jsonl:1: th:country" in err
    assert quads(store) == before  # nothing written
    code, _, err = run_cli("load", str(tmp_path / "two"), "--store", str(store), *mode)
    assert code == 0, err
    assert "Warning: 3 value(s) conflict with other sources" in err
    for told in ("skos:prefLabel@en: Alfa University (two/orgs.jsonl)", "Alpha University",
                 "(one/orgs.jsonl)", "th:country", "schema:foundingDate"):  # fmt: skip
        assert told in err
    with KnowledgeGraph(store, read_only=True) as kg:
        stats = collect_stats(kg)
    assert stats.by_country == {"KZ": 1, "DE": 1}  # counted under each country …
    assert (stats.organisations, stats.multi_country) == (1, 1)  # … but once in all
    code, out, _ = run_cli("stats", "--store", str(store))
    assert "all (distinct)" in out
    assert "of which under 2+ countries" in out


def test_values_that_agree_are_no_conflict(run_cli: Cli, tmp_path: Path) -> None:
    store = tmp_path / "kg"
    write_org(tmp_path / "one" / "orgs.jsonl", "Alpha University", "KZ", 1950)
    write_org(tmp_path / "two" / "orgs.jsonl", "Alpha University", "KZ", 1950)
    (tmp_path / "two" / "orgs.jsonl").write_text(
        (tmp_path / "two" / "orgs.jsonl").read_text() + "\n", encoding="utf-8"
    )  # other bytes, same facts
    for data in ("one", "two"):
        code, _, err = run_cli("load", str(tmp_path / data), "--store", str(store))
        assert code == 0, err
        assert "conflict" not in err
