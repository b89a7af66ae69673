"""``triplehelix load`` of JSON Lines/CSV sources and ``triplehelix unload``."""

from __future__ import annotations

import json
import re
from pathlib import Path

from cli_helpers import Cli


def count(run_cli: Cli, store: Path, sparql: str) -> int:
    code, out, err = run_cli("export", "--store", str(store), "--format", "nq")
    assert code == 0, err
    return len([line for line in out.splitlines() if re.search(sparql, line)])


def test_load_then_unload_a_source(run_cli: Cli, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "orgs.csv").write_text(
        "id,name.en,name.ru,types,country\n"
        "a,Alpha University,Альфа университет,university,KZ\n"
        "b,Beta GmbH,,company,DE\n",
        encoding="utf-8",
    )
    (data / "projects.jsonl").write_text(
        json.dumps({"kind": "project", "id": "p", "name": {"en": "P"}}) + "\n", encoding="utf-8"
    )
    (data / "participations.jsonl").write_text(
        "".join(json.dumps({"agent": a, "activity": "p", "role": "partner"}) + "\n" for a in "ab"),
        encoding="utf-8",
    )
    store = tmp_path / "kg"
    code, _, err = run_cli("load", str(data), "--store", str(store))
    assert code == 0, err
    assert "loaded 5 records from 3 file(s)" in err
    code, _, err = run_cli("load", str(data), "--store", str(store))
    assert code == 0
    assert " 0 new quads" in err
    assert "3 unchanged file(s) skipped" in err
    # two participation nodes, each in its row graph and in the default graph
    assert count(run_cli, store, r"ontology#Participation> <.*/line-\d+> \.$") == 2
    code, _, err = run_cli("unload", "participations.jsonl", "--store", str(store))
    assert code == 0, err
    assert re.search(r"unloaded participations.jsonl from .*: \d+ quads removed", err)
    assert count(run_cli, store, r"ontology#Participation>") == 0
    assert count(run_cli, store, "Альфа университет") == 1  # the organisations stay
    code, _, err = run_cli("unload", "participations.jsonl", "--store", str(store))
    assert code == 5
    assert "[no-source]" in err


def test_unload_from_a_missing_store_creates_nothing(run_cli: Cli, tmp_path: Path) -> None:
    code, _, err = run_cli("unload", "x.jsonl", "--store", str(tmp_path / "none"))
    assert code == 5
    assert "[no-store]" in err
    assert not (tmp_path / "none").exists()


def test_a_bad_row_in_a_big_file_is_located_and_nothing_is_written(
    run_cli: Cli, tmp_path: Path
) -> None:
    rows = [{"kind": "organisation", "id": "o0", "name": "X", "types": ["company"]}]
    lines = [json.dumps(r) for r in rows]
    lines += [json.dumps({"kind": "participation", "agent": "o0", "activity": "nope",
                          "role": "partner"}), "{oops"]  # fmt: skip
    bad = tmp_path / "mixed.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = run_cli("load", str(bad), "--store", str(tmp_path / "kg"))
    assert code == 3
    assert f"{bad}:2: activity:" in err
    assert "[unknown-reference]" in err
    assert f"{bad}:3:" in err
    assert "[malformed-json]" in err
    assert not (tmp_path / "kg").exists()
