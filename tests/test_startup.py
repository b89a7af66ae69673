"""What starting up imports: the heavy libraries only on the paths that use them.

Each case runs in a fresh interpreter (the test process has imported everything) and
reports ``sys.modules`` after it. No timing is asserted here; ``benchmarks/bench_startup.py``
measures the seconds.
"""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import triplehelix
from triplehelix.data.loader import load_records, seed_path
from triplehelix.graph.store.local import KnowledgeGraph

HEAVY = ("networkx", "numpy", "pyshacl", "pyvis", "scipy")
COMMAND_MODULES = {
    "triplehelix.cli.analyze",
    "triplehelix.cli.export",
    "triplehelix.cli.importing",
    "triplehelix.cli.info",
    "triplehelix.cli.mapping",
    "triplehelix.cli.query",
    "triplehelix.cli.records",
    "triplehelix.cli.serve",
}
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def loaded_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``code``."""
    script = textwrap.dedent(code) + textwrap.dedent(
        """
        import json, sys
        print("\\n" + json.dumps(sorted(sys.modules)))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(out.stdout.rstrip().splitlines()[-1]))


def cli_run(*args: str) -> str:
    """Code running ``triplehelix ARGS`` in process, as the console script does."""
    return textwrap.dedent(
        f"""
        from triplehelix.cli.main import main
        try:
            main({list(args)!r})
        except SystemExit as exc:
            assert exc.code in (0, None), exc.code
        """
    )


def heavy_in(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("startup") / "store"
    kg = KnowledgeGraph(path)
    kg.load(load_records([seed_path()]))
    kg.close()
    return path


def test_import_triplehelix_loads_nothing_behind_the_public_names() -> None:
    modules = loaded_after("import triplehelix")
    assert sorted(m for m in modules if m.startswith("triplehelix")) == [
        "triplehelix",
        "triplehelix._version",
    ]
    assert not heavy_in(modules)
    assert "pydantic" not in modules
    assert "rdflib" not in modules


def test_a_public_name_loads_what_it_needs_only() -> None:
    modules = loaded_after("import triplehelix; triplehelix.coparticipation_graph")
    assert "triplehelix.graph.views.network" in modules
    assert not heavy_in(modules)  # networkx comes with the first graph built


def test_help_imports_no_command_module_and_no_heavy_library() -> None:
    modules = loaded_after("import triplehelix.cli.main\n" + cli_run("--help"))
    assert not heavy_in(modules)
    assert not modules & COMMAND_MODULES
    assert "rdflib" not in modules
    assert "pydantic" not in modules


def test_query_help_imports_the_query_command_only() -> None:
    modules = loaded_after(cli_run("query", "--help"))
    assert not heavy_in(modules)
    assert modules & COMMAND_MODULES == {"triplehelix.cli.query"}


def test_query_on_a_store_imports_no_heavy_library(small_store: Path) -> None:
    modules = loaded_after(cli_run("query", COUNT, "--store", str(small_store)))
    assert not heavy_in(modules)
    assert modules & COMMAND_MODULES == {"triplehelix.cli.query"}


def test_query_on_the_seed_imports_no_heavy_library() -> None:
    # Loading the seed validates the records (pydantic) and maps them to quads (rdflib's
    # namespaces); SHACL (pySHACL) runs only on `validate`/`load --check`.
    modules = loaded_after(cli_run("query", "ASK {}"))
    assert not heavy_in(modules)
    assert {"pydantic", "rdflib", "triplehelix.data.models"} <= modules


def test_the_paths_that_use_a_heavy_library_still_get_it(small_store: Path) -> None:
    """The footprint tests above would pass if nothing loaded at all: here is the contrast."""
    graphml = cli_run("export", "--format", "graphml", "--store", str(small_store), "-o", "-")
    assert "networkx" in loaded_after(graphml)
    check = "import triplehelix as th; th.check_graph(th.load_records([th.seed_path()]))"
    assert "pyshacl" in loaded_after(check)


def test_every_public_name_resolves_to_the_module_the_type_checker_sees() -> None:
    """``__init__``'s ``if TYPE_CHECKING:`` imports, ``__all__`` and the lazy lookup agree."""
    tree = ast.parse(Path(triplehelix.__file__).read_text(encoding="utf-8"))
    block = next(n for n in tree.body if isinstance(n, ast.If))
    typed = {
        alias.name: node.module
        for node in block.body
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }
    assert set(typed) == set(triplehelix.__all__) - {"__version__"}
    for name, module in typed.items():
        assert getattr(triplehelix, name) is getattr(importlib.import_module(module), name)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        triplehelix.nothing  # type: ignore[attr-defined]  # noqa: B018
