"""``triplehelix serve`` as a process: it starts, answers, and stops Oxigraph on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from cli_helpers import run_main
from triplehelix import KnowledgeGraph, load_records, seed_path
from triplehelix.graph.store.backend import free_port


def test_serve_answers_and_stops_its_oxigraph(tmp_path: Path) -> None:
    store = tmp_path / "kg"
    with KnowledgeGraph(store) as kg:
        kg.load(load_records([seed_path()]))
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "triplehelix", "serve", "--store", str(store), "--port", str(port)],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        banner = proc.stderr.readline()
        assert f"http://127.0.0.1:{port}/query" in banner
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        assert len(children) == 1  # the Oxigraph server
        query = urllib.parse.quote("ASK { ?o a th:University }")
        url = f"http://127.0.0.1:{port}/query?query={query}"
        request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert b'"boolean":true' in response.read()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        deadline = time.monotonic() + 10
        while Path(f"/proc/{children[0]}").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not Path(f"/proc/{children[0]}").exists() or _zombie(children[0])
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()


def _zombie(pid: str) -> bool:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def test_serve_needs_a_store(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run_main(["serve", "--store", str(tmp_path / "none"), "--port", "0"]) == 5
    assert "[no-store]" in capsys.readouterr().err


pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self"), reason="reads /proc")
