"""Fixtures every test folder shares: the CLI run in process, real SPARQL servers, and a
config that is never the user's.

What test modules import by name stays in helper modules: ``cli_helpers`` (``run_main``,
``ROOT``, ``FIXTURES``, ``small_cordis``), ``oxigraph_server`` and ``virtuoso_server``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cli_helpers import Cli, Ran, run_main
from oxigraph_server import OxigraphServer
from virtuoso_server import VirtuosoServer, available


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    """``run_cli("load", path, "--store", dir)``: the CLI in process, and what it gave
    (``code, out, err``), its output taken from ``capsys``."""

    def run(*args: str) -> Ran:
        code = run_main(list(args))
        out, err = capsys.readouterr()
        return Ran(code, out, err)

    return run


@pytest.fixture
def no_user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Tests never read the machine's config file, endpoint or cap variables.

    The config file the CLI reads is the returned path (``tmp_path/config.toml``), absent
    until a test writes it. Modules that run the CLI against servers use it for every test
    (``pytestmark = pytest.mark.usefixtures("no_user_config")``).
    """
    path = tmp_path / "config.toml"
    monkeypatch.setenv("TRIPLEHELIX_CONFIG", str(path))
    monkeypatch.delenv("TRIPLEHELIX_ENDPOINT", raising=False)
    monkeypatch.delenv("TRIPLEHELIX_MAX_RESPONSE_MB", raising=False)
    return path


@pytest.fixture
def oxigraph(tmp_path: Path) -> Iterator[OxigraphServer]:
    """A fresh, empty Oxigraph server for one test (database in ``tmp_path/oxigraph``),
    stopped after it; tests may write to it, or kill it."""
    server = OxigraphServer(tmp_path / "oxigraph")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def oxigraph_module(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A fresh Oxigraph server shared by the tests of one module, for data loaded once and
    then read (a module whose tests write to it empties it first, as test_retract does)."""
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph") / "db")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def virtuoso(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[VirtuosoServer]:
    """A private Virtuoso shared by the tests of one module; skipped where it is not installed.

    Its ``ResultSetMaxRows`` is the module's ``VIRTUOSO_MAX_ROWS`` (Virtuoso's 10000 if none).
    """
    if not available():
        pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    max_rows = getattr(request.module, "VIRTUOSO_MAX_ROWS", 10_000)
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso") / "db", max_rows=max_rows)
    server.start()
    try:
        yield server
    finally:
        server.stop()
