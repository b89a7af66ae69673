"""query, map and analyze take the connection options of push/pull (real Oxigraph server).

Where the endpoint comes from: ``--endpoint``, else ``TRIPLEHELIX_ENDPOINT`` when no
``--store`` is given (an explicit ``--store`` wins over the variable); the config file's
other keys apply once a read command goes remote.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cli_helpers import Cli, run_main
from oxigraph_server import OxigraphServer
from triplehelix.data.loader import seed_path
from triplehelix.graph.store.backend import free_port

pytestmark = pytest.mark.usefixtures("no_user_config")

SECRET = "s3cret-do-not-print"
PARTNERS = ["query", "--saved", "partners-of", "--param", "org=ektu", "--format", "csv"]


@pytest.fixture(scope="module")
def loaded(oxigraph_module: OxigraphServer) -> OxigraphServer:
    """An Oxigraph server holding the seed world."""
    assert run_main(["load-remote", str(seed_path()), "--endpoint", oxigraph_module.url]) == 0
    return oxigraph_module


def test_the_endpoint_from_the_environment_serves_query_map_and_analyze(
    loaded: OxigraphServer,
    tmp_path: Path,
    run_cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    no_user_config: Path,
) -> None:
    _, local, _ = run_cli(*PARTNERS)
    _, local_summary, _ = run_cli("analyze", "summary", "--format", "json")
    monkeypatch.setenv("TRIPLEHELIX_ENDPOINT", loaded.url)
    monkeypatch.setenv("TH_PW", SECRET)
    # the config file's other keys apply once the command goes remote
    no_user_config.write_text('[remote]\nuser = "me"\npassword_env = "TH_PW"\nretries = 0\n')
    code, far, err = run_cli(*PARTNERS, "--timeout", "30")
    assert code == 0, err
    assert len(local.splitlines()) > 1
    assert sorted(far.splitlines()) == sorted(local.splitlines())
    code, summary, err = run_cli("analyze", "summary", "--format", "json")
    assert code == 0, err
    assert summary == local_summary
    page = tmp_path / "m.html"
    code, _, err = run_cli("map", "--focus", "ektu", "-o", str(page), "--timeout", "30")
    assert code == 0, err
    assert f"data: {loaded.url}/query" in page.read_text(encoding="utf-8")
    assert SECRET not in far + summary + err + page.read_text(encoding="utf-8")


def test_an_explicit_store_wins_over_the_environment_variable(
    tmp_path: Path, run_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "kg"
    assert run_cli("load", str(seed_path()), "--store", str(store))[0] == 0
    _, local, _ = run_cli(*PARTNERS, "--store", str(store))
    monkeypatch.setenv("TRIPLEHELIX_ENDPOINT", f"http://127.0.0.1:{free_port()}")  # nobody
    code, out, err = run_cli(*PARTNERS, "--store", str(store))
    assert (code, out) == (0, local), err
    code, _, err = run_cli("analyze", "mixing", "--store", str(store))
    assert code == 0, err
    # without --store, the variable sends the command to the (dead) server: it says so
    code, _, err = run_cli(*PARTNERS, "--retries", "0")
    assert code == 5
    assert "no answer" in err
    assert "[endpoint-error]" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "args",
    [
        ["query", "ASK { ?s ?p ?o }", "--union-graph", "urn:u"],
        ["map", "-o", "-", "--user", "me"],
        ["analyze", "summary", "--retries", "2"],
    ],
)
def test_connection_options_without_an_endpoint_are_refused(run_cli: Cli, args: list[str]) -> None:
    code, _, err = run_cli(*args)
    assert code == 2
    assert "without --endpoint [no-endpoint]" in err


def test_an_explicit_endpoint_with_a_store_is_refused(tmp_path: Path, run_cli: Cli) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    for args in (PARTNERS, ["map", "-o", "-"]):
        code, _, err = run_cli(*args, "--store", str(tmp_path), "--endpoint", dead)
        assert code == 2
        assert "give --store or --endpoint, not both [bad-source]" in err


def test_read_commands_list_the_connection_options_in_their_help(
    run_cli: Cli,
) -> None:
    for args in (["query"], ["map"], ["analyze", "brokerage"]):
        code, out, _ = run_cli(*args, "--help")
        assert code == 0
        for option in ("--endpoint", "--user", "--password-env", "--timeout", "--union-graph"):
            assert re.search(rf"{option}\b", out), (args, option)
