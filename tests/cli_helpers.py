"""Shared test helpers."""

from __future__ import annotations

from triplehelix.cli.main import main


def run_main(args: list[str]) -> int:
    """Run the CLI entry point in process; its exit status (0 when it returns normally)."""
    try:
        main(args)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0
