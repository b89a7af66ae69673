"""The README cannot drift: its tour runs, and the public API is what it says."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

import triplehelix
from cli_helpers import run_main

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def tour_commands() -> list[str]:
    block = re.search(r"```console\n(.*?)```", README, re.S)
    assert block, "the README has a ```console tour"
    return [line for line in block.group(1).splitlines() if line.startswith("triplehelix ")]


def test_readme_shows_the_two_commands_first() -> None:
    first_block = re.search(r"```\n(.*?)```", README, re.S)
    assert first_block
    lines = [ln.split("#")[0].strip() for ln in first_block.group(1).splitlines()]
    assert lines == ["make demo", "make test"]


def test_readme_tour_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(ROOT / "tests" / "fixtures", tmp_path / "tests" / "fixtures")
    monkeypatch.chdir(tmp_path)
    statuses = []
    for command in tour_commands():
        statuses.append((command, run_main(shlex.split(command)[1:])))
    expected = [(c, 3 if "fixtures/invalid" in c else 0) for c in tour_commands()]
    assert statuses == expected
    err = capsys.readouterr().err
    assert "0 new quads" in err
    assert (tmp_path / "kg.trig").stat().st_size > 0
    assert (tmp_path / "partners.html").stat().st_size > 0


def test_readme_error_example_is_what_the_program_says(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    block = re.search(r"exit status 3:\n\n```\n(.*?)```", README, re.S)
    assert block
    assert run_main(["validate", "tests/fixtures/invalid/invalid-value.yaml"]) == 3
    err = capsys.readouterr().err
    for line in block.group(1).splitlines():
        assert line in err


def test_public_api_is_complete_and_sorted() -> None:
    public = {n for n in dir(triplehelix) if not n.startswith("_")} - {
        "cli",
        "data",
        "errors",
        "graph",
        "ontology",
        "safe_text",
    }
    assert set(triplehelix.__all__) - {"__version__"} == public
    assert triplehelix.__all__ == sorted(triplehelix.__all__)
