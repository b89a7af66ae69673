"""The README and docs/ cannot drift: the tour runs, links resolve, the public API is as said."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

import triplehelix
from cli_helpers import ROOT, run_main
from triplehelix.errors import ExitStatus

README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = ROOT / "docs"
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


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


def test_readme_is_a_front_page() -> None:
    assert len(README.splitlines()) <= 300, "topics belong in docs/, linked from the README"


def test_readme_exit_statuses_are_the_programs() -> None:
    table = README.split("### Exit status\n", 1)[1].split("\n## ", 1)[0]
    statuses = [int(s) for s in re.findall(r"^\| (\d+) \|", table, re.M)]
    assert statuses == [int(s) for s in ExitStatus]


def _outside_fences(page: Path) -> str:
    """The page without its fenced code blocks (where `# comment` is no heading)."""
    return re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.S | re.M)


def _anchors(page: Path) -> set[str]:
    """GitHub's heading ids: lower case, punctuation dropped, spaces to hyphens, -1 on repeats."""
    anchors: set[str] = set()
    for heading in re.findall(r"^#+ (.+)$", _outside_fences(page), re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        n, anchor = 0, slug
        while anchor in anchors:
            n += 1
            anchor = f"{slug}-{n}"
        anchors.add(anchor)
    return anchors


def _links(page: Path) -> list[str]:
    """The targets of the page's [text](target) links, code spans left out."""
    prose = re.sub(r"`[^`\n]*`", "", _outside_fences(page))
    return re.findall(r"\]\(([^)\s]+)\)", prose)


def _resolves(page: Path, link: str) -> bool:
    """A relative link names a file of the repository (and, in a page, one of its headings)."""
    path, _, anchor = link.partition("#")
    target = (page.parent / path).resolve() if path else page.resolve()
    if not target.is_relative_to(ROOT.resolve()) or not target.exists():
        return False
    return not (anchor and target.suffix == ".md") or anchor in _anchors(target)


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_relative_links_resolve(page: Path) -> None:
    links = [link for link in _links(page) if not re.match(r"[a-z][a-z0-9+.-]*:", link)]
    assert [link for link in links if not _resolves(page, link)] == []  # https: etc. left out


def test_pages_are_linked_from_the_readme() -> None:
    linked = {(ROOT / link.partition("#")[0]).resolve() for link in _links(ROOT / "README.md")}
    assert {p.resolve() for p in DOCS.glob("*.md")} <= linked
    assert (DOCS / "security.md").resolve() in linked


def test_the_link_checker_sees_links_and_anchors() -> None:
    assert "docs/performance.md#big-inputs" in _links(ROOT / "README.md")
    assert {"big-inputs", "loading-make-bench", "remote-stores"} <= _anchors(
        DOCS / "performance.md"
    )
    assert _resolves(DOCS / "maps.md", "querying.md#querying")
    for broken in ("nope.md", "querying.md#nope", "#nope", "../../../etc/hostname"):
        assert not _resolves(DOCS / "maps.md", broken), broken
