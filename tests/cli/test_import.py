"""``triplehelix import cordis|ror`` and ``triplehelix resolve`` as users run them."""

from __future__ import annotations

import csv
import json
import re
import shlex
import shutil
from pathlib import Path

import pytest

from cli_helpers import FIXTURES, ROOT, Cli, run_main
from cli_helpers import small_cordis as cordis_sample

ROR = FIXTURES / "ror" / "ror_records_v2.json"


@pytest.fixture
def small_cordis(tmp_path: Path) -> Path:
    """The first 300 rows of the H2020 sample and the names of their organisations."""
    return cordis_sample(tmp_path / "cordis", 300)


def test_import_cordis_report_and_idempotence(
    run_cli: Cli, small_cordis: Path, tmp_path: Path
) -> None:
    store, report = tmp_path / "kg", tmp_path / "report.json"
    code, out, err = run_cli(
        "import",
        "cordis",
        str(small_cordis),
        "--store",
        str(store),
        "--report",
        str(report),
    )
    assert code == 0, err
    with (small_cordis / "h2020.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["created"]["participation"] == len(rows)
    assert data["created"]["project"] == len({r["rcn"] for r in rows})
    assert data["created"]["organisation"] == len({r["pic"] for r in rows}) + 1  # + the EC
    na = sum(1 for r in rows if r["contribution"] == "NA")
    assert data["missing"] == ({"h2020.csv: contribution": na} if na else {})
    assert f"missing\th2020.csv: contribution\t{na}" in out or not na
    assert "new quads" in err
    code, _, err = run_cli("import", "cordis", str(small_cordis), "--store", str(store))
    assert code == 0
    assert ": 0 new quads" in err


def test_dry_run_writes_nothing(run_cli: Cli, small_cordis: Path, tmp_path: Path) -> None:
    code, out, err = run_cli("import", "cordis", str(small_cordis), "--dry-run")
    assert code == 0
    assert "dry run" in err
    assert "created\tparticipation\t300" in out
    assert not (tmp_path / "kg").exists()


def test_usage_and_input_errors(run_cli: Cli, tmp_path: Path) -> None:
    code, _, err = run_cli("import", "ror", str(ROR))
    assert code == 2
    assert "[no-store]" in err
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    code, _, err = run_cli("import", "cordis", str(other), "--dry-run")
    assert code == 4
    assert "[unknown-layout]" in err
    assert "Traceback" not in err


def test_import_both_then_resolve_accept_and_undo(
    run_cli: Cli, small_cordis: Path, tmp_path: Path
) -> None:
    store = str(tmp_path / "kg")
    assert run_cli("import", "cordis", str(small_cordis), "--store", store)[0] == 0
    assert run_cli("import", "ror", str(ROR), "--store", store)[0] == 0
    code, out, err = run_cli("resolve", "--store", store, "--format", "json")
    assert code == 0, err
    candidates = json.loads(out)
    assert candidates
    assert all(c["basis"] == "name" for c in candidates)
    # --apply merges identifier matches only: name candidates stay open
    code, out, err = run_cli("resolve", "--store", store, "--apply", "--format", "json")
    assert code == 0
    assert len(json.loads(out)) == len(candidates)
    first = candidates[0]["id"]
    code, out, err = run_cli(
        "resolve",
        "--store",
        store,
        "--accept",
        first,
        "--by",
        "Reviewer",
        "--format",
        "json",
    )
    assert code == 0
    assert "merged 1 pair" in err
    assert first not in {c["id"] for c in json.loads(out)}
    code, out, _ = run_cli("resolve", "--store", store, "--merged", "--format", "json")
    [merge] = json.loads(out)
    assert (merge["d"], merge["who"]) == (first, "Reviewer")
    code, _, err = run_cli("resolve", "--store", store, "--undo", first)
    assert code == 0
    assert f"undone merge {first}" in err
    code, out, _ = run_cli("resolve", "--store", store, "--merged", "--format", "json")
    assert json.loads(out) == []
    code, _, err = run_cli("resolve", "--store", store, "--accept", "nope")
    assert code == 2
    assert "[no-such-candidate]" in err


def test_importing_page_example_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    section = (ROOT / "docs" / "importing.md").read_text(encoding="utf-8")
    assert section.startswith("# Importing real data\n")
    block = re.search(r"```console\n(.*?)```", section, re.S)
    assert block
    commands = [c for c in block.group(1).splitlines() if c.startswith("triplehelix ")]
    for sub in ("cordis", "ror"):
        shutil.copytree(FIXTURES / sub, tmp_path / "tests" / "fixtures" / sub)
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    statuses = [(c, run_main(shlex.split(c)[1:])) for c in commands]
    assert statuses == [(c, 0) for c in commands]
    err = capsys.readouterr().err
    assert "merged 1 pair" in err
    assert "undone merge 2524302f70" in err
    report = json.loads((tmp_path / "cordis-report.json").read_text(encoding="utf-8"))
    excerpt = re.search(r"On the CORDIS sample:\n\n```\n(.*?)```", section, re.S)
    assert excerpt
    for line in excerpt.group(1).splitlines():
        what, item, number = line.split()[:3]
        key = {"created": "created", "missing": "missing", "anomaly": "anomaly_counts"}[what]
        if what == "missing":
            item, number = f"{item} {number}", line.split()[3]
        assert report[key][item] == int(number), line
    assert (tmp_path / "central-asia.html").stat().st_size > 0


def test_import_csv_dry_run_shows_the_records(run_cli: Cli, tmp_path: Path) -> None:
    table = FIXTURES / "cordis" / "Stacked_by_activityType.csv"
    mapping = ROOT / "examples" / "mapping" / "cordis-organisations.yaml"
    code, out, err = run_cli("import", "csv", str(table), "--mapping", str(mapping), "--dry-run")
    assert code == 0, err
    with table.open(encoding="utf-8", newline="") as f:
        first = next(csv.DictReader(f, delimiter=";"))
    assert f"organisation\tpic-{first['orgId']}\thttps://w3id.org/triplehelix/id/org/pic-" in out
    assert "would create (1731 records, first 20)" in out
    assert "nothing was written" in err
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: organisation\ncolumns: {name: name.en, country: country}\n")
    code, _, err = run_cli("import", "csv", str(table), "--mapping", str(bad), "--dry-run")
    assert code == 3
    assert "column 'country' (country): expected an ISO 3166-1" in err
