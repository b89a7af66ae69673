"""Commands for a remote SPARQL 1.1 server: push, pull, load-remote.

The endpoint comes from ``--endpoint`` or the ``TRIPLEHELIX_ENDPOINT`` variable. A password
comes only from the environment variable named by ``--password-env`` or from a prompt; it is
never printed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click
from click.core import ParameterSource

from triplehelix.cli.common import help_text, stdin_format_option
from triplehelix.cli.output import err
from triplehelix.errors import InvalidDataError, UsageError

if TYPE_CHECKING:
    from triplehelix.graph.remote.client import SparqlClient
    from triplehelix.graph.remote.write import PushReport
    from triplehelix.graph.store.local import KnowledgeGraph

__all__ = ["load_remote", "pull", "push"]

F = TypeVar("F", bound=Callable[..., Any])


_ENDPOINT = click.option(
    "--endpoint",
    envvar="TRIPLEHELIX_ENDPOINT",
    default=None,
    help="Server URL: http://host:port (Oxigraph layout) or a query endpoint URL. "
    "Default: $TRIPLEHELIX_ENDPOINT, else `endpoint` in the config file.",
)
_USER = click.option("--user", default=None, help="User name (Basic or Digest auth).")
_PASSWORD_ENV = click.option(
    "--password-env",
    default=None,
    metavar="VAR",
    help="Environment variable holding the password (else a prompt when --user).",
)
_TIMEOUT = click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Deadline of each request to the server in seconds: connecting, the whole "
    "answer and every retry included [60].",
)
_RETRIES = click.option(
    "--retries",
    type=click.IntRange(min=0),
    default=None,
    help="Retries on 5xx/no answer, within the --timeout deadline [3].",
)
_MAX_RESPONSE = click.option(
    "--max-response-mb",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    metavar="MB",
    help="Largest answer read from the server in MiB; SPARQL JSON results up to a "
    "quarter of it [1024; $TRIPLEHELIX_MAX_RESPONSE_MB].",
)
_UNION = click.option(
    "--union-graph",
    default=None,
    metavar="IRI",
    help="Keep the union of the graphs in this graph and query it as the default "
    "graph (Virtuoso, whose default graph is a bag of every graph).",
)


def _apply(func: F, options: Sequence[Callable[[Any], Any]]) -> F:
    for option in reversed(options):
        func = option(func)
    return func


def endpoint_options(func: F) -> F:
    """The options every remote command shares."""
    return _apply(
        func,
        [
            _ENDPOINT,
            click.option("--update-endpoint", default=None, help="SPARQL Update URL, if separate."),
            click.option("--gsp-endpoint", default=None, help="Graph Store Protocol URL, if any."),
            _USER,
            _PASSWORD_ENV,
            _TIMEOUT,
            _RETRIES,
            _MAX_RESPONSE,
            _UNION,
        ],
    )


def read_endpoint_options(*, timeout: bool = True) -> Callable[[F], F]:
    """The connection options of the read commands (``query``, ``map``, ``analyze``): those
    of :func:`endpoint_options` without the write-only endpoints. ``timeout=False`` where
    the command has its own ``--timeout`` (``query``)."""
    endpoint = click.option(
        "--endpoint",
        envvar="TRIPLEHELIX_ENDPOINT",
        default=None,
        help="Read a SPARQL 1.1 server's graph instead of a local store: http://host:port "
        "(Oxigraph layout) or a query endpoint URL. Default: $TRIPLEHELIX_ENDPOINT when "
        "no --store is given.",
    )
    timeouts = [_TIMEOUT] if timeout else []
    options = [endpoint, _USER, _PASSWORD_ENV, *timeouts, _RETRIES, _MAX_RESPONSE, _UNION]
    return lambda func: _apply(func, options)


DEFAULTS = {"timeout": 60.0, "retries": 3, "max_response_mb": 1024.0}
CONFIG_KEYS = frozenset(
    {"endpoint", "update_endpoint", "gsp_endpoint", "user", "password_env", "union_graph"}
    | set(DEFAULTS)
)


def config_path() -> Path:
    """``$TRIPLEHELIX_CONFIG``, else ``$XDG_CONFIG_HOME/triplehelix/config.toml``."""
    if os.environ.get("TRIPLEHELIX_CONFIG"):
        return Path(os.environ["TRIPLEHELIX_CONFIG"])
    home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(home) / "triplehelix" / "config.toml"


def read_config(path: Path) -> dict[str, Any]:
    """The ``[remote]`` table of a TOML config file (empty if there is no file).

    Raises:
        UsageError: the file does not parse, has unknown keys, or holds a password.
    """
    import tomllib

    if not path.is_file():
        return {}
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("remote", {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: not valid TOML: {exc}", code="bad-config") from exc
    if "password" in table:
        raise UsageError(
            f"{path}: [remote] holds a password",
            code="password-in-config",
            hint='name an environment variable instead: password_env = "VAR"',
        )
    unknown = sorted(set(table) - CONFIG_KEYS)
    if unknown:
        raise UsageError(
            f"{path}: [remote] has unknown key(s): {', '.join(unknown)}",
            code="bad-config",
            hint=f"known keys: {', '.join(sorted(CONFIG_KEYS))}",
        )
    return dict(table)


def make_client(**opts: Any) -> SparqlClient:
    """A client from the shared options; what they leave unset comes from the config file."""
    from triplehelix.graph.remote.client import MAX_RESPONSE_ENV, Endpoints, SparqlClient

    config = read_config(config_path())
    if opts.get("max_response_mb") is None and os.environ.get(MAX_RESPONSE_ENV):
        opts["max_response_mb"] = _megabytes(os.environ[MAX_RESPONSE_ENV], MAX_RESPONSE_ENV)
    for key in CONFIG_KEYS:
        if opts.get(key) is None:
            opts[key] = config.get(key, DEFAULTS.get(key))
    if opts["endpoint"] is None:
        raise UsageError(
            "no endpoint",
            code="no-endpoint",
            hint=f"give --endpoint URL, set TRIPLEHELIX_ENDPOINT, or endpoint in {config_path()}",
        )

    password = None
    if opts["user"] is not None:
        var = opts["password_env"]
        if var is not None:
            password = os.environ.get(var)
            if password is None:
                raise UsageError(
                    f"the variable {var} is not set",
                    code="no-password",
                    hint=f"export {var}=… (the password is read from it, never printed)",
                )
        else:
            password = click.prompt(f"Password for {opts['user']}", hide_input=True)
    ends = Endpoints.of(opts["endpoint"], opts["update_endpoint"], opts["gsp_endpoint"])
    if opts["union_graph"] is not None:
        from triplehelix.graph.remote.graph import check_iri

        check_iri(opts["union_graph"])
    return SparqlClient(
        ends,
        opts["user"],
        password,
        timeout=opts["timeout"],
        retries=opts["retries"],
        max_response=int(_megabytes(opts["max_response_mb"], "max_response_mb") * 2**20),
        union_graph=opts["union_graph"],
    )


def _megabytes(value: object, where: str) -> float:
    """A positive size in MiB from the environment or the config file.

    Raises:
        UsageError: not a positive number.
    """
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = 0.0
    if not number > 0 or number == float("inf"):
        raise UsageError(
            f"{where}: {value!r} is not a size in MiB",
            code="bad-max-response",
            hint="give a positive number, e.g. 1024",
        )
    return number


def remote_source(
    store: Path | None, opts: dict[str, Any], *, connect: bool = True, writes: bool = False
) -> SparqlClient | None:
    """The client a read or import command uses, or None for the local ``store``.

    Pops the connection options from ``opts``. A command goes remote when ``--endpoint`` is
    given, or ``TRIPLEHELIX_ENDPOINT`` is set and no ``--store`` is; an explicit ``--store``
    wins over the variable. The config file's ``endpoint`` makes only a writing command
    (``writes``: ``import``, as ``load``) without ``--store`` go remote; its other keys
    apply once a command does. ``connect=False`` (a dry run) only checks and pops them.

    Raises:
        UsageError: both ``--store`` and ``--endpoint`` given, or a connection option
            without an endpoint.
    """
    given = {k: opts.pop(k, None) for k in ("endpoint", *sorted(CONFIG_KEYS - {"endpoint"}))}
    endpoint = given["endpoint"]
    ctx = click.get_current_context(silent=True)
    from_env = (
        ctx is not None and ctx.get_parameter_source("endpoint") is ParameterSource.ENVIRONMENT
    )
    if endpoint is not None and store is not None:
        if not from_env:
            raise UsageError("give --store or --endpoint, not both", code="bad-source")
        endpoint = None  # an explicit --store wins over $TRIPLEHELIX_ENDPOINT
    if endpoint is None and store is None and writes:
        endpoint = read_config(config_path()).get("endpoint")
    if endpoint is None:
        remote_only = sorted(CONFIG_KEYS - {"endpoint", "timeout"})  # --timeout: local too
        stray = [f"--{k.replace('_', '-')}" for k in remote_only if given[k] is not None]
        if stray:
            raise UsageError(
                f"{', '.join(stray)} without --endpoint",
                code="no-endpoint",
                hint="give --endpoint URL (or set TRIPLEHELIX_ENDPOINT and no --store)",
            )
        return None
    if not connect:
        return None
    given["endpoint"] = endpoint
    return make_client(**given)


def open_remote(endpoint: str | SparqlClient, timeout: float = 60.0) -> KnowledgeGraph:
    """A RemoteGraph on ``endpoint`` (a URL or a client) for code written against
    ``KnowledgeGraph`` (it has the same read interface: ``select``, ``ask``, ``query``,
    ``store.query``; duck typing)."""
    from triplehelix.graph.remote.client import Endpoints, SparqlClient
    from triplehelix.graph.remote.graph import RemoteGraph

    if isinstance(endpoint, str):
        endpoint = SparqlClient(Endpoints.of(endpoint), timeout=timeout)
    return cast("KnowledgeGraph", RemoteGraph(endpoint, progress=_progress))


def _progress(rows: int) -> None:
    """Progress of a long (paged) read, on stderr."""
    err.print(f"  read {rows:,} rows…", markup=False)


def _shared(opts: dict[str, Any]) -> dict[str, Any]:
    keys = ("endpoint", "update_endpoint", "gsp_endpoint", "user", "password_env")
    more = ("timeout", "retries", "max_response_mb", "union_graph")
    return {k: opts.pop(k) for k in (*keys, *more)}


def _say(report: PushReport, endpoint: str) -> None:
    err.print(
        f"wrote {len(report.written)} graph(s), {report.triples} triples, to {endpoint} "
        f"by {report.protocol}; {len(report.skipped)} already there",
        markup=False,
    )
    for name in report.written:
        err.print(f"  written: {name}", markup=False)


def push_kg(kg: Any, client: SparqlClient, replace: bool = False, pack: int | None = None) -> None:
    """Push a store's named graphs (``push``, ``load --endpoint``, ``import --endpoint``)
    and say which were written, also when the push failed halfway."""
    from triplehelix.graph.remote.client import HttpError
    from triplehelix.graph.remote.write import push_store

    try:
        report = push_store(kg, client, replace=replace, pack=pack)
    except HttpError as exc:
        partial = getattr(exc, "report", None)
        if partial is not None and partial.written:
            _say(partial, client.endpoints.query)
        raise
    _say(report, client.endpoints.query)


@click.command(
    help=help_text(
        "Copy an on-disk store's named graphs (records, meta, ontology, vocabulary) to a "
        "SPARQL 1.1 server, one graph at a time: each is whole or absent, and the server's "
        "default graph holds their union. Re-run to finish an interrupted push.",
        "triplehelix push --store kg --endpoint http://127.0.0.1:7878",
        "TRIPLEHELIX_ENDPOINT=http://127.0.0.1:7878 triplehelix push --store kg --replace",
    )
)
@click.option(
    "--store",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="The store folder to copy.",
)
@click.option("--replace", is_flag=True, help="Rewrite graphs that look complete already.")
@click.option(
    "--pack",
    type=click.IntRange(min=0),
    default=None,
    help="Graphs up to this many triples go several to one Update request (default 500; "
    "0: one Graph Store request per graph, faster on Virtuoso).",
)
@endpoint_options
def push(store: Path, replace: bool, pack: int | None, **opts: Any) -> None:
    from triplehelix.graph.store.local import KnowledgeGraph

    client = make_client(**_shared(opts))
    kg = KnowledgeGraph(store, read_only=True)
    push_kg(kg, client, replace, pack)


@click.command(
    help=help_text(
        "Copy named graphs from a SPARQL 1.1 server into an on-disk store (created if "
        "missing), reading in pages and checking each graph's count.",
        "triplehelix pull --endpoint http://127.0.0.1:7878 --store copy",
        "triplehelix pull --endpoint URL --store copy --graph https://w3id.org/triplehelix/meta",
        "triplehelix pull --endpoint URL --list",
    )
)
@click.option("--store", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--graph", "graphs", multiple=True, help="Graph IRI to copy (repeatable).")
@click.option("--list", "list_", is_flag=True, help="Only list the server's graphs.")
@click.option("--page-size", type=int, default=5000, show_default=True, help="Rows per page.")
@endpoint_options
def pull(
    store: Path | None, graphs: Sequence[str], list_: bool, page_size: int, **opts: Any
) -> None:
    from triplehelix.graph.remote.graph import RemoteGraph
    from triplehelix.graph.remote.write import pull_graphs
    from triplehelix.graph.store.local import KnowledgeGraph

    remote = RemoteGraph(make_client(**_shared(opts)), page_size=page_size, progress=_progress)
    if list_:
        for name, n in sorted(remote.graph_sizes().items()):
            click.echo(f"{n}\t{name}")
        return
    if store is None:
        raise UsageError("pull needs --store DIR (or --list)", code="missing-store")
    with KnowledgeGraph(store) as kg:
        report = pull_graphs(remote, kg, graphs or None)
    total = sum(report.graphs.values())
    err.print(f"pulled {len(report.graphs)} graph(s), {total} triples, into {store}", markup=False)


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
@endpoint_options
def load_remote(data: Sequence[str], shacl: bool, stdin_format: str | None, **opts: Any) -> None:
    write_records_remote(data, shacl, stdin_format, opts)


def write_records_remote(
    data: Sequence[str], shacl: bool, stdin_format: str | None, opts: dict[str, Any]
) -> None:
    """What ``load-remote`` and ``load --endpoint`` do: validate, then push graph by graph."""
    from triplehelix.data.loader import load_records
    from triplehelix.graph.store.local import KnowledgeGraph

    client = make_client(**_shared(opts))
    rs = load_records(data, stdin_format=stdin_format)
    if shacl:
        from triplehelix.graph.views.checks import check_graph

        check = check_graph(rs)
        if check.violations:
            raise InvalidDataError(check.violations)
    kg = KnowledgeGraph()  # in memory: the records become graphs exactly as in `load`
    kg.load(rs)
    push_kg(kg, client)
    from triplehelix.graph.remote.sources import drop_vanished

    gone = drop_vanished(kg, client)  # rows a changed file no longer has, as `load` does
    if gone:
        err.print(f"dropped {len(gone)} graph(s) of rows no longer in the files", markup=False)
