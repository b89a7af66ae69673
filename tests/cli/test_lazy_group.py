"""The lazy command group: the same commands and the same ``--help`` as an eager group."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from triplehelix.cli.main import COMMANDS, LazyGroup, cli


def test_every_entry_names_a_command_whose_help_opens_with_its_summary() -> None:
    ctx = click.Context(cli)
    for name, lazy in COMMANDS.items():
        command = cli.get_command(ctx, name)
        assert isinstance(command, click.Command), name
        assert command.name == name
        assert lazy.summary == command.get_short_help_str(limit=10**6), name


@pytest.mark.parametrize("width", [60, 80, 100, 140])
def test_the_command_list_is_what_click_writes_from_the_loaded_commands(width: int) -> None:
    ctx = click.Context(cli)
    ours, clicks = click.HelpFormatter(width=width), click.HelpFormatter(width=width)
    cli.format_commands(ctx, ours)
    click.Group.format_commands(cli, ctx, clicks)  # loads every command first
    assert ours.getvalue() == clicks.getvalue()
    assert "query " in ours.getvalue()


def test_an_unknown_command_is_a_usage_error_with_a_suggestion() -> None:
    group = LazyGroup(commands={})
    assert group.get_command(click.Context(group), "nothing") is None
    result = CliRunner().invoke(cli, ["qurey"])
    assert result.exit_code == 2
    assert "No such command 'qurey'" in result.output
    assert "Did you mean 'query'?" in result.output
