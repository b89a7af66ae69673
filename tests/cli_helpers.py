"""Shared test helpers: where things are, and the CLI run in process (see conftest.py)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import NamedTuple, Protocol

from triplehelix.cli.main import main

ROOT = Path(__file__).resolve().parent.parent  # the repository
FIXTURES = ROOT / "tests" / "fixtures"


def run_main(args: list[str]) -> int:
    """Run the CLI entry point in process; its exit status (0 when it returns normally)."""
    try:
        main(args)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0


class Ran(NamedTuple):
    """What one in-process CLI run gave: exit status, stdout, stderr."""

    code: int
    out: str
    err: str


class Cli(Protocol):
    """The ``run_cli`` fixture (conftest.py): ``run_cli("load", path)`` runs ``triplehelix``."""

    def __call__(self, *args: str) -> Ran: ...


def small_cordis(folder: Path, rows: int) -> Path:
    """The first ``rows`` rows of the H2020 sample and the names of their organisations,
    written into ``folder`` (created)."""
    folder.mkdir()
    src = FIXTURES / "cordis"
    with (src / "h2020.csv").open(encoding="utf-8", newline="") as f:
        lines = f.readlines()[: rows + 1]
    (folder / "h2020.csv").write_text("".join(lines), encoding="utf-8")
    pics = {row["pic"] for row in csv.DictReader(lines)}
    with (src / "Stacked_by_activityType.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter=";")
        names = [r for r in reader if r["orgId"] in pics]
        header = reader.fieldnames or []
    with (folder / "names.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, header, delimiter=";", quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows(names)
    return folder
