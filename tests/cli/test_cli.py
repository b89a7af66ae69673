"""The command line as users meet it: exit statuses, messages, stdout/stderr."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from cli_helpers import FIXTURES, ROOT, Cli
from triplehelix.cli.main import cli
from triplehelix.graph.store.local import KnowledgeGraph

VALID = FIXTURES / "valid"
INVALID = FIXTURES / "invalid"
# The front page and the page on the command line conventions (docs/cli.md).
README_AND_CLI_PAGE = "\n".join(
    (ROOT / page).read_text(encoding="utf-8") for page in ("README.md", "docs/cli.md")
)


@pytest.mark.parametrize("command", cli.list_commands(click.Context(cli)))
def test_every_command_has_help_with_examples_and_is_in_the_docs(
    run_cli: Cli, command: str
) -> None:
    code, out, _ = run_cli(command, "--help")
    assert code == 0
    assert "Examples:" in out
    assert f"triplehelix {command}" in README_AND_CLI_PAGE
    assert f"triplehelix {command} --help" in README_AND_CLI_PAGE


def test_version(run_cli: Cli) -> None:
    code, out, _ = run_cli("--version")
    assert code == 0
    assert re.match(r"triplehelix, version \d+\.\d+\.\d+", out)


def test_validate_valid(run_cli: Cli) -> None:
    code, out, err = run_cli("validate", str(VALID))
    assert (code, out) == (0, "")
    assert "valid: 22 records" in err


def test_validate_invalid_lists_every_problem_without_traceback(
    run_cli: Cli,
) -> None:
    code, out, err = run_cli(
        "validate", str(INVALID / "invalid-value.yaml"), str(INVALID / "unknown-field.yaml")
    )
    assert code == 3
    assert out == ""
    assert f"{INVALID / 'invalid-value.yaml'}:5: country: expected an ISO 3166-1" in err
    assert f"{INVALID / 'invalid-value.yaml'}:9: amount.value: expected a decimal" in err
    assert f"{INVALID / 'unknown-field.yaml'}:5: homepage: expected no such field" in err
    assert "Error: 3 problems in" in err
    assert "[invalid-data]" in err
    assert "Traceback" not in err


def test_traceback_on_request(run_cli: Cli) -> None:
    code, _, err = run_cli("--traceback", "validate", str(INVALID / "missing-field.yaml"))
    assert code == 3
    assert "Traceback" in err


def test_missing_file_is_exit_4(run_cli: Cli) -> None:
    code, _, err = run_cli("validate", "no/such/file.yaml")
    assert code == 4
    assert "no/such/file.yaml: no such file or folder [file-not-found]" in err


def test_shacl_warnings_are_shown_but_do_not_fail(run_cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "grants.yaml"
    path.write_text("- {id: g, number: X-1}\n")
    code, _, err = run_cli("validate", str(path))
    assert code == 0
    assert "warning" in err
    assert "schema:funder" in err


def test_shacl_violation_fails_with_the_record_location(run_cli: Cli, tmp_path: Path) -> None:
    # Well-formed records, a broken graph: B is part of a node that is a project, and
    # C of an organisation described nowhere (only a warning: an external reference).
    path = tmp_path / "mixed.yaml"
    path.write_text(
        "projects:\n"
        "  - {id: p, name: P, iri: 'https://w3id.org/triplehelix/id/project/p'}\n"
        "organisations:\n"
        "  - id: b\n"
        "    name: B\n"
        "    types: [company]\n"
        "    part_of: 'https://w3id.org/triplehelix/id/project/p'\n"
        "  - {id: c, name: C, types: [company], part_of: 'https://ror.org/02mhbdp94'}\n"
    )
    code, _, err = run_cli("validate", str(path))
    assert code == 3
    assert f"{path}:4: org:subOrganizationOf: An organisation can only be part of" in err
    assert f"{path}:8: org:subOrganizationOf: The parent organisation" in err
    assert "warning" in err


def test_load_is_idempotent_and_invalid_data_writes_nothing(run_cli: Cli, tmp_path: Path) -> None:
    store = tmp_path / "kg"
    code, _, err = run_cli("load", str(VALID), "--store", str(store))
    assert code == 0
    first = int(re.search(r"(\d+) new quads", err).group(1))  # type: ignore[union-attr]
    assert first > 0
    code, _, err = run_cli("load", str(VALID), "--store", str(store))
    assert code == 0
    assert " 0 new quads" in err
    code, before, _ = run_cli("export", "--store", str(store), "--format", "nq")
    code, _, err = run_cli("load", str(INVALID / "wrong-reference.yaml"), "--store", str(store))
    assert code == 3
    assert "nothing was written" in err
    _, after, _ = run_cli("export", "--store", str(store), "--format", "nq")
    assert sorted(after.splitlines()) == sorted(before.splitlines())


def test_a_failed_load_does_not_even_create_the_store(run_cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "extra.nt"
    bad.write_text("<http://x.example/a> <http://x.example/b> .\n")
    code, _, err = run_cli("load", str(VALID), str(bad), "--store", str(tmp_path / "kg"))
    assert code == 3
    assert f"{bad}:1: expected well-formed NT" in err
    assert not (tmp_path / "kg").exists()


def test_fifty_megabytes_of_anything_get_a_clear_error(run_cli: Cli, tmp_path: Path) -> None:
    big_yaml = tmp_path / "organisations.yaml"
    big_yaml.write_bytes(b"- {id: x, name: X, types: [company]}\n" * (50 * 2**20 // 36))
    big_binary = tmp_path / "dump.jsonl"
    big_binary.write_bytes(bytes(range(256)) * (50 * 2**20 // 256))
    code, _, err = run_cli("load", str(big_yaml), str(big_binary), "--store", str(tmp_path / "kg"))
    assert code == 3
    assert "[file-too-large]" in err
    assert "[not-text]" in err
    assert "Traceback" not in err
    assert not (tmp_path / "kg").exists()


def test_export_to_a_file_and_refuse_a_missing_folder(run_cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "world.ttl"
    code, out, _ = run_cli("export", "--format", "ttl", "-o", str(target))
    assert (code, out) == (0, "")
    assert "Tajik State University of Commerce" in target.read_text(encoding="utf-8")
    code, _, err = run_cli("export", "-o", str(tmp_path / "missing" / "x.ttl"))
    assert code == 2
    assert not (tmp_path / "missing").exists()
    assert "[bad-output]" in err


def test_stats_of_the_seed_world_as_json(run_cli: Cli) -> None:
    code, out, _ = run_cli("stats", "--format", "json")
    assert code == 0
    stats = json.loads(out)
    assert stats["location"] == "memory"
    assert stats["by_class"]["University"] == 2
    assert stats["by_country"] == {"KZ": 2, "TJ": 2, "DE": 1}
    assert stats["graphs"]["source records"] == 8


def test_stats_of_a_missing_store_is_exit_5(run_cli: Cli, tmp_path: Path) -> None:
    code, _, err = run_cli("stats", "--store", str(tmp_path / "nothing"))
    assert code == 5
    assert "[no-store]" in err


def test_a_store_in_use_is_exit_5(run_cli: Cli, tmp_path: Path) -> None:
    holder = KnowledgeGraph(tmp_path / "kg")
    try:
        code, _, err = run_cli("load", str(VALID), "--store", str(tmp_path / "kg"))
    finally:
        holder.close()
    assert code == 5
    assert "[store-unavailable]" in err


def test_map_to_stdout_is_one_self_contained_page(run_cli: Cli) -> None:
    code, out, _ = run_cli("map", "-o", "-")
    assert code == 0
    assert out.startswith("<!DOCTYPE html>")
    assert "Tajik State University of Commerce" in out
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", out)
    assert "@import" not in out


def test_demo_writes_store_and_map(run_cli: Cli, tmp_path: Path) -> None:
    code, out, err = run_cli("demo", "--out", str(tmp_path / "out"))
    assert code == 0, err
    assert (tmp_path / "out" / "partnership-map.html").stat().st_size > 10_000
    assert (tmp_path / "out" / "store").is_dir()
    assert "Promoting Innovation Through University Research" in out
    assert "map:" in err


def test_console_script_and_module_entry_point() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "triplehelix", "validate", str(INVALID / "duplicate-id.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 3
    assert "[duplicate-id]" in proc.stderr
    assert proc.stdout == ""
