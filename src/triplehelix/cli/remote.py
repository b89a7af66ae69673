"""Commands for a remote SPARQL 1.1 server: push, pull, load-remote.

The connection options and the endpoint (``--endpoint``, ``TRIPLEHELIX_ENDPOINT``, the config
file) are the shared ones of every command (``cli.stores``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from triplehelix.cli.common import help_text, stdin_format_option
from triplehelix.cli.output import err
from triplehelix.cli.stores import connection_options, locate, open_remote, say_push
from triplehelix.errors import InvalidDataError, UsageError
from triplehelix.graph.remote.client import HttpError
from triplehelix.graph.store.local import LocalStore
from triplehelix.graph.store.open import is_url
from triplehelix.graph.store.remote import RemoteStore

__all__ = ["load_remote", "pull", "push", "push_kg", "remote_of", "write_records"]


def remote_of(
    opts: dict[str, Any], *, page_size: int = 5000, writable: bool = False
) -> RemoteStore:
    """The server the connection options name (an endpoint is required).

    Raises:
        UsageError: no endpoint (``no-endpoint``).
    """
    _, given = locate(None, opts, writes=True)  # the config file's endpoint too
    if given is None:
        raise UsageError(
            "no endpoint",
            code="no-endpoint",
            hint="give --endpoint URL, set TRIPLEHELIX_ENDPOINT, or endpoint in the config file",
        )
    return open_remote(given, page_size=page_size, writable=writable, on_push=say_push)


def local_folder(store: str | None) -> Path | None:
    """``--store`` of ``push`` and ``pull``: the local side, a folder.

    Raises:
        UsageError: a URL (``bad-source``).
    """
    if store is not None and is_url(store):
        raise UsageError(
            f"{store}: --store of push and pull is the local store folder",
            code="bad-source",
            hint="name the server with --endpoint URL",
        )
    return None if store is None else Path(store)


def push_kg(
    kg: LocalStore, remote: RemoteStore, replace: bool = False, pack: int | None = None
) -> None:
    """Push a store's named graphs (``push``, ``import`` to a server) and say which were
    written, also when the push failed halfway."""
    from triplehelix.graph.remote.write import push_store

    try:
        report = push_store(kg, remote.client, replace=replace, pack=pack)
    except HttpError as exc:
        partial = getattr(exc, "report", None)
        if partial is not None and partial.written:
            say_push(partial, remote.location)
        raise
    say_push(report, remote.location)


@click.command(
    help=help_text(
        "Copy an on-disk store's named graphs (records, meta, ontology, vocabulary) to a "
        "SPARQL 1.1 server, one graph at a time: each is whole or absent, and the server's "
        "default graph holds their union. Re-run to finish an interrupted push.",
        "triplehelix push --store kg --endpoint http://127.0.0.1:7878",
        "TRIPLEHELIX_ENDPOINT=http://127.0.0.1:7878 triplehelix push --store kg --replace",
    )
)
@click.option("--store", required=True, metavar="DIR", help="The store folder to copy.")
@click.option("--replace", is_flag=True, help="Rewrite graphs that look complete already.")
@click.option(
    "--pack",
    type=click.IntRange(min=0),
    default=None,
    help="Graphs up to this many triples go several to one Update request (default 500; "
    "0: one Graph Store request per graph, faster on Virtuoso).",
)
@connection_options
def push(store: str, replace: bool, pack: int | None, **opts: Any) -> None:
    folder = local_folder(store)
    assert folder is not None
    remote = remote_of(opts, writable=True)
    with LocalStore(folder, read_only=True) as kg:
        push_kg(kg, remote, replace, pack)


@click.command(
    help=help_text(
        "Copy named graphs from a SPARQL 1.1 server into an on-disk store (created if "
        "missing), reading in pages and checking each graph's count.",
        "triplehelix pull --endpoint http://127.0.0.1:7878 --store copy",
        "triplehelix pull --endpoint URL --store copy --graph https://w3id.org/triplehelix/meta",
        "triplehelix pull --endpoint URL --list",
    )
)
@click.option("--store", default=None, metavar="DIR", help="The store folder to copy into.")
@click.option("--graph", "graphs", multiple=True, help="Graph IRI to copy (repeatable).")
@click.option("--list", "list_", is_flag=True, help="Only list the server's graphs.")
@click.option("--page-size", type=int, default=5000, show_default=True, help="Rows per page.")
@connection_options
def pull(
    store: str | None, graphs: Sequence[str], list_: bool, page_size: int, **opts: Any
) -> None:
    from triplehelix.graph.remote.pull import pull_graphs

    folder = local_folder(store)
    remote = remote_of(opts, page_size=page_size)
    if list_:
        for name, n in sorted(remote.graph_sizes().items()):
            click.echo(f"{n}\t{name}")
        return
    if folder is None:
        raise UsageError("pull needs --store DIR (or --list)", code="missing-store")
    with LocalStore(folder) as kg:
        report = pull_graphs(remote, kg, graphs or None)
    total = sum(report.graphs.values())
    err.print(f"pulled {len(report.graphs)} graph(s), {total} triples, into {folder}", markup=False)


@click.command(
    name="load-remote",
    help=help_text(
        "Validate records (and RDF files) and write them to a SPARQL 1.1 server, graph by "
        "graph, as `load` writes them to a store. Invalid data writes nothing.",
        "triplehelix load-remote data/ --endpoint http://127.0.0.1:7878",
        "triplehelix load-remote data/ --endpoint URL --user me --password-env TH_PASSWORD",
    ),
)
@click.argument("data", nargs=-1, required=True)
@click.option("--shacl", is_flag=True, help="Refuse data that breaks the SHACL shapes.")
@stdin_format_option
@click.option(
    "--source",
    "source",
    default=None,
    metavar="NAME",
    help="The source name of a single input (default: its path with the folder given).",
)
@connection_options
def load_remote(
    data: Sequence[str], shacl: bool, stdin_format: str | None, source: str | None, **opts: Any
) -> None:
    write_records(remote_of(opts, writable=True), data, shacl, stdin_format, source)


def write_records(
    store: RemoteStore,
    data: Sequence[str],
    shacl: bool,
    stdin_format: str | None,
    source: str | None = None,
) -> None:
    """What ``load-remote`` and ``load`` to a server do: validate, then write the sources
    graph by graph (``RemoteStore.write_sources``)."""
    from triplehelix.data.loader import load_records

    rs = load_records(data, stdin_format=stdin_format, source=source)
    if shacl:
        from triplehelix.graph.views.checks import check_graph

        check = check_graph(rs)
        if check.violations:
            raise InvalidDataError(check.violations)
    report = store.write_sources(rs)
    if report.dropped:
        err.print(
            f"dropped {len(report.dropped)} graph(s) of rows no longer in the files", markup=False
        )
