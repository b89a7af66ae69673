"""The graph filters shared by commands that build NetworkX views (analyze, export)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from triplehelix.graph.views.network import SPHERE_ORDER, Filters

SPHERES = list(SPHERE_ORDER[:-1])
"""The helix spheres a filter may name (not ``other``: organisations of no known sphere)."""

__all__ = ["SPHERES", "filter_options", "filters_from"]

F = TypeVar("F", bound=Callable[..., Any])

_OPTIONS = [
    click.option("--year-from", type=int, default=None, help="Activities active in or after it."),
    click.option("--year-to", type=int, default=None, help="Activities active in or before it."),
    click.option(
        "--sector",
        "sectors",
        multiple=True,
        help="Activities in this sector or a narrower one (repeatable).",
    ),
    click.option(
        "--country",
        "countries",
        multiple=True,
        help="Organisations of this ISO country code (repeatable).",
    ),
    click.option(
        "--sphere",
        "spheres",
        multiple=True,
        type=click.Choice(SPHERES),
        help="Organisations of this helix sphere (repeatable).",
    ),
    click.option(
        "--programme",
        "programmes",
        multiple=True,
        help="Activities under this programme: IRI, acronym or name (repeatable).",
    ),
    click.option(
        "--role",
        "roles",
        multiple=True,
        help="Participations in this role, e.g. coordinator (repeatable).",
    ),
    click.option("--include-events", is_flag=True, help="Events tie their participants too."),
    click.option(
        "--include-funders",
        is_flag=True,
        help="Funder and implementer participations tie partners too.",
    ),
]


def filter_options(function: F) -> F:
    """Add the filter options (applied before projecting) to a click command."""
    for option in reversed(_OPTIONS):
        function = option(function)
    return function


def filters_from(options: dict[str, Any]) -> Filters:
    """The Filters named by the options of :func:`filter_options` (other keys ignored).

    >>> filters_from({"year_from": 2020, "countries": ("KZ",), "fmt": "csv"}).countries
    ('KZ',)
    """
    fields = (
        "year_from",
        "year_to",
        "include_events",
        "include_funders",
        "sectors",
        "countries",
        "spheres",
        "programmes",
        "roles",
    )
    values = {k: options[k] for k in fields if k in options}
    for key in ("sectors", "countries", "spheres", "programmes", "roles"):
        if key in values:
            values[key] = tuple(values[key])
    if "countries" in values:
        values["countries"] = tuple(c.upper() for c in values["countries"])
    return Filters(**values)
