"""The "Querying" page's transcripts (docs/querying.md) are what the program prints."""

from __future__ import annotations

import re
import shlex

import pytest

from cli_helpers import ROOT, run_main

PAGE = (ROOT / "docs" / "querying.md").read_text(encoding="utf-8")


def transcripts() -> list[tuple[str, list[str], int]]:
    assert PAGE.startswith("# Querying\n")
    found = []
    for block in re.findall(r"```text\n(.*?)```", PAGE, re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, *output = chunk.rstrip("\n").split("\n")
            status = 0
            if output and (m := re.fullmatch(r"\[exit status (\d+)\]", output[-1])):
                status = int(m.group(1))
                output = output[:-1]
            found.append((command, output, status))
    return found


def test_the_section_has_transcripts() -> None:
    commands = [c for c, _, _ in transcripts()]
    assert len(commands) >= 5
    assert any("--saved" in c for c in commands)
    assert "triplehelix serve --store" in PAGE


@pytest.mark.parametrize(("command", "output", "status"), transcripts())
def test_transcript(
    capsys: pytest.CaptureFixture[str], command: str, output: list[str], status: int
) -> None:
    args = shlex.split(command)
    assert args[0] == "triplehelix"
    assert run_main(args[1:]) == status
    out, err = capsys.readouterr()
    assert (out + err).rstrip("\n").split("\n") == output
