"""The Analysing and Exporting pages' outputs (docs/) are what the program prints."""

from __future__ import annotations

import re
import shlex

import pytest

from cli_helpers import ROOT, run_main

DOCS = ROOT / "docs"
# Only these two pages: other pages' transcripts are checked by their own tests.
SECTIONS = "\n".join(
    (DOCS / page).read_text(encoding="utf-8") for page in ("analysing.md", "exporting.md")
)
EXAMPLES = re.findall(r"```text\n\$ (triplehelix [^\n]+)\n(.*?)```", SECTIONS, re.S)


def test_the_pages_show_outputs_of_analyze_and_export() -> None:
    commands = [command.split()[1] for command, _ in EXAMPLES]
    assert {"analyze", "export"} <= set(commands)
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize(("command", "output"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_page_output_is_what_the_program_prints(
    capsys: pytest.CaptureFixture[str], command: str, output: str
) -> None:
    capsys.readouterr()
    assert run_main(shlex.split(command)[1:]) == 0
    assert capsys.readouterr().out == output
