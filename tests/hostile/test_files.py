"""Files, pipes and stores (issue 12, items 12–14): every probe as a user runs it.

Commands run as real processes where the probe needs one (a FIFO that would block, a
closed pipe, a full device, a file size limit, a kill -9), with a hard timeout each.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest

from cli_helpers import FIXTURES, ROOT, run_main
from graph.store.test_bulk_crash import child, write_data
from triplehelix.graph.store import bulk
from triplehelix.graph.store.local import KnowledgeGraph

ROR = FIXTURES / "ror" / "ror_records_v2.json"
MAPPING = ROOT / "examples" / "mapping" / "cordis-organisations.yaml"
DEADLINE = 120  # seconds: generous, a hang is what these tests catch
RUN = "https://w3id.org/triplehelix/id/run/"
META = "https://w3id.org/triplehelix/graph/meta"


def th(
    *args: str,
    cwd: Path | None = None,
    stdout: int | object = subprocess.PIPE,
    limits: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``triplehelix ARGS`` in a child process, with a deadline."""
    return subprocess.run(
        [sys.executable, "-m", "triplehelix", *args],
        cwd=cwd,
        stdout=stdout,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        timeout=DEADLINE,
        preexec_fn=limits,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )


def clean_error(proc: subprocess.CompletedProcess[str], status: int, code: str) -> None:
    """The process ended with ``status`` and one ``Error: … [code]`` line, no traceback."""
    assert proc.returncode == status, proc.stderr
    assert f"[{code}]" in proc.stderr
    assert [ln for ln in proc.stderr.splitlines() if ln.startswith("Error:")] != []
    assert "Traceback" not in proc.stderr
    assert "internal" not in proc.stderr


# -- 12a, 14c: validate and load read CSV alike ---------------------------------------------


def test_load_refuses_a_csv_header_over_the_field_limit_as_validate_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "organisations.csv"
    data.write_text("id," + "x" * 140_000 + "\na,b\n", encoding="utf-8")
    problem = "expected a header row, found field larger than field limit (131072)"
    assert run_main(["validate", str(data)]) == 3
    assert f"organisations.csv:1: {problem} [malformed-csv]" in capsys.readouterr().err
    assert run_main(["load", str(data), "--store", str(tmp_path / "kg")]) == 3
    err = capsys.readouterr().err
    assert f"organisations.csv:1: {problem} [malformed-csv]" in err
    assert "internal" not in err
    assert not (tmp_path / "kg").exists()


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_load_names_the_line_of_a_bad_byte_as_validate_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    data = tmp_path / f"organisations{suffix}"
    if suffix == ".csv":
        rows = [b"id,name.en,types,country", b"o1,One,company,DE", b"o2,Tw\xff,company,DE"]
    else:
        rows = [b'{"id": "o1", "name": {"en": "One"}}', b'{"id": "o2", "name": {"en": "\xff"}}']
    data.write_bytes(b"\n".join(rows) + b"\n")
    line = len(rows)
    for command in (["validate"], ["load", "--store", str(tmp_path / "kg")]):
        assert run_main([*command, str(data)]) == 3
        err = capsys.readouterr().err
        assert f"organisations{suffix}:{line}: expected UTF-8 text" in err, (command, err)
        assert "[bad-encoding]" in err


# -- 13: FIFOs and devices are refused, not read ----------------------------------------------


def _readers(name: str) -> list[list[str]]:
    """Every command that reads a named input file, with ``name`` as that file."""
    return [
        ["validate", name],
        ["load", name, "--store", "kg"],
        ["import", "csv", name, "--mapping", str(MAPPING), "--dry-run"],
        ["import", "csv", str(FIXTURES / "cordis" / "h2020.csv"), "--mapping", name, "--dry-run"],
        ["import", "cordis", name, "--dry-run"],
        ["import", "ror", name, "--dry-run"],
    ]


def _small_memory() -> None:
    """Without the fix, /dev/zero is read until memory runs out: make that quick."""
    resource.setrlimit(resource.RLIMIT_DATA, (2 * 2**30, 2 * 2**30))


@pytest.mark.parametrize("kind", ["fifo", "dev-zero"])
def test_a_fifo_or_a_device_is_refused_not_read(tmp_path: Path, kind: str) -> None:
    name = "organisations.csv"
    if kind == "fifo":
        os.mkfifo(tmp_path / name)  # nobody ever writes: a reader would block forever
        what = "a FIFO (named pipe), not a regular file"
    else:
        (tmp_path / name).symlink_to("/dev/zero")
        what = "a character device, not a regular file"
    for args in _readers(name):
        proc = th(*args, cwd=tmp_path, limits=_small_memory)
        clean_error(proc, 4, "not-a-file")
        assert f"{name}: {what}" in proc.stderr
    assert not (tmp_path / "kg").exists()


def test_a_fifo_inside_a_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "organisations.csv").write_text("id,name.en\no1,One\n", encoding="utf-8")
    os.mkfifo(folder / "projects.jsonl")
    for args in (["validate", "data"], ["load", "data", "--store", "kg"]):
        clean_error(th(*args, cwd=tmp_path), 4, "not-a-file")


def test_standard_input_stays_allowed(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "triplehelix", "validate", "-", "--stdin-format", "jsonl"],
        input='{"id": "o1", "kind": "organisation", "name": {"en": "One"}, "types": ["company"]}\n',
        capture_output=True,
        text=True,
        timeout=DEADLINE,
    )
    assert proc.returncode == 0, proc.stderr


# -- 12b: a full disk or a size limit is a clear error, and leaves no partial file ---------

STDOUT_WRITERS = [
    ["export", "--format", "nt"],
    ["export", "--format", "graphml"],
    ["export", "--format", "csv"],
    ["query", "SELECT * WHERE { ?s ?p ?o }", "--format", "csv"],
    ["query", "--list"],
    ["stats"],
    ["analyze", "centrality"],
    ["map", "-o", "-"],
]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", STDOUT_WRITERS, ids=lambda a: " ".join(a[:2]))
def test_stdout_on_a_full_device_is_a_clear_error(args: list[str]) -> None:
    with open("/dev/full", "w") as full:
        proc = th(*args, stdout=full)
    clean_error(proc, 4, "write-failed")
    assert "Error: standard output: cannot write: No space left on device" in proc.stderr
    assert "Exception ignored" not in proc.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args", [["export", "--format", "trig"], ["export", "--format", "gexf"], ["map"]]
)
def test_output_file_on_a_full_device_is_a_clear_error(args: list[str]) -> None:
    proc = th(*args, "-o", "/dev/full")
    clean_error(proc, 4, "write-failed")
    assert "Error: /dev/full: cannot write: No space left on device" in proc.stderr


def _file_size_limit() -> None:
    """A small file size limit: a write past it fails (EFBIG) as on a full disk."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (512, 512))


@pytest.mark.parametrize(
    ("args", "target"),
    [
        (["export", "--format", "nq", "-o", "out/world.nq"], "out/world.nq"),
        (["export", "--format", "graphml", "-o", "out/partners.graphml"], "out/partners.graphml"),
        (["map", "-o", "out/map.html"], "out/map.html"),
        (["export", "--format", "neo4j-csv", "-o", "out"], "out/nodes.csv"),
        (
            ["import", "ror", str(ROR), "--dry-run", "--report", "out/report.json"],
            "out/report.json",
        ),
    ],
    ids=["nq", "graphml", "map", "neo4j-csv", "report"],
)
def test_a_write_that_fails_leaves_no_partial_file(
    tmp_path: Path, args: list[str], target: str
) -> None:
    (tmp_path / "out").mkdir()
    older = tmp_path / target
    older.write_text("the older file\n", encoding="utf-8")
    proc = th(*args, cwd=tmp_path, limits=_file_size_limit)
    clean_error(proc, 4, "write-failed")
    assert "File too large" in proc.stderr
    assert older.read_text(encoding="utf-8") == "the older file\n"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [older.name]


def test_a_written_file_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    target = tmp_path / "world.trig"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    assert run_main(["export", "-o", str(target)]) == 0
    assert target.stat().st_mode & 0o777 == 0o640
    assert target.read_text(encoding="utf-8").startswith("@prefix")
    assert [p.name for p in tmp_path.iterdir()] == ["world.trig"]


# -- 12c: a reader that goes away ends the writer quietly -------------------------------------


def test_export_into_head_ends_quietly() -> None:
    """``triplehelix export --format nq --with-ontology | head -1`` (257 KB: many times a
    pipe's buffer, so the writer meets the closed pipe)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "triplehelix", "export", "--format", "nq", "--with-ontology"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    assert proc.stderr is not None
    assert proc.stdout.readline().startswith(b"<")
    proc.stdout.close()  # as head does once it has its line
    status = proc.wait(timeout=DEADLINE)
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert status in (0, 141), err
    assert err == ""


@pytest.mark.parametrize("args", STDOUT_WRITERS, ids=lambda a: " ".join(a[:2]))
def test_a_pipe_closed_before_the_first_write_ends_quietly(args: list[str]) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before anything is written
    try:
        proc = th(*args, stdout=write)
    finally:
        os.close(write)
    assert proc.returncode in (0, 141), proc.stderr
    assert proc.stderr == ""


# -- 14: stores ----------------------------------------------------------------------------------


def test_a_failed_import_leaves_no_new_store(tmp_path: Path) -> None:
    table = tmp_path / "h2020.csv"
    table.write_text("rcn,id,acronym\n1,2,X\n", encoding="utf-8")  # no CORDIS layout
    proc = th("import", "cordis", str(table), "--store", "kg", cwd=tmp_path)
    clean_error(proc, 4, "unknown-layout")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["h2020.csv"]


def test_a_failed_load_leaves_no_new_store(tmp_path: Path) -> None:
    assert run_main(["load", str(FIXTURES / "invalid"), "--store", str(tmp_path / "kg")]) == 3
    assert not (tmp_path / "kg").exists()


def test_load_refuses_a_folder_of_other_files(tmp_path: Path) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n", encoding="utf-8")
    for args in (
        ["load", str(FIXTURES / "valid"), "--store", "papers"],
        ["import", "ror", str(ROR), "--store", "papers"],
    ):
        clean_error(th(*args, cwd=tmp_path), 5, "not-a-store")
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()  # an empty folder may become a store
    assert run_main(["load", str(FIXTURES / "valid"), "--store", str(empty)]) == 0
    assert (empty / "CURRENT").exists()


def _started(store: Path) -> list[str]:
    raw = ox.Store.read_only(str(store))
    query = (
        f"SELECT ?t WHERE {{ GRAPH <{META}> {{ ?run <http://www.w3.org/ns/prov#startedAtTime> ?t"
        f" FILTER(STRSTARTS(STR(?run), '{RUN}')) }} }}"
    )
    result = raw.query(query)
    assert isinstance(result, ox.QuerySolutions)
    return [row["t"].value for row in result]


def test_a_rerun_after_a_kill_records_its_start_time(tmp_path: Path) -> None:
    data, store = write_data(tmp_path / "data"), tmp_path / "kg"
    proc = child(data, store, kill_at=5)  # dies in the participations, as in test_bulk_crash
    proc.communicate(timeout=DEADLINE)
    assert proc.returncode == -9
    kg = KnowledgeGraph(store)  # rolls the partial source back
    report = bulk.write(kg, bulk.prepare([data]))
    kg.close()
    assert report.skipped == 1
    assert len(_started(store)) == 1


def test_a_store_in_a_missing_folder_is_a_clear_error(
    tmp_path: Path, run_cli: Callable[..., tuple[int, str, str]]
) -> None:
    """Issue 14 item 8: ``--store a/b`` with ``a/`` missing said "is another triplehelix
    process using it?"; it names the missing folder now, and creates nothing."""
    store = tmp_path / "missing" / "kg"
    code, _, err = run_cli("load", str(FIXTURES / "valid"), "--store", str(store))
    assert code == 5
    assert f"{tmp_path / 'missing'}: no such folder [no-parent-folder]" in err
    assert "another triplehelix process" not in err
    assert not (tmp_path / "missing").exists()
