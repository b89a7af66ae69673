"""The store option group, defined once, and the one place a command's store is opened.

``--store`` takes a folder or an ``http(s)://`` SPARQL endpoint URL; ``--endpoint`` is its
alias for a server (and ``TRIPLEHELIX_ENDPOINT`` the variable behind it); the connection
options (credentials, timeout, retries, answer size, union graph) apply to a server. An
explicit ``--store`` folder wins over the variable. The config file
(``$TRIPLEHELIX_CONFIG``, else ``$XDG_CONFIG_HOME/triplehelix/config.toml``) fills what
the options leave unset; its ``endpoint`` makes only a writing command (``load``,
``import``) without ``--store`` go remote. A password comes only from the environment
variable named by ``--password-env`` or from a prompt; it is never printed.

Which backend a location means is decided by ``graph.store.open.open_store``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.core import ParameterSource

from triplehelix.cli.output import err
from triplehelix.errors import UsageError
from triplehelix.graph.remote.client import MAX_RESPONSE_ENV
from triplehelix.graph.remote.graph import check_iri
from triplehelix.graph.store.open import is_url, open_store
from triplehelix.graph.store.protocol import Store
from triplehelix.graph.store.remote import RemoteStore

if TYPE_CHECKING:
    from triplehelix.graph.remote.write import PushReport

__all__ = [
    "CONFIG_KEYS",
    "config_path",
    "connection_options",
    "locate",
    "open_from",
    "open_remote",
    "read_config",
    "say_push",
    "store_options",
]

F = TypeVar("F", bound=Callable[..., Any])

DEFAULTS = {"timeout": 60.0, "retries": 3, "max_response_mb": 1024.0}
CONFIG_KEYS = frozenset(
    {"endpoint", "update_endpoint", "gsp_endpoint", "user", "password_env", "union_graph"}
    | set(DEFAULTS)
)

_ENDPOINT = click.option(
    "--endpoint",
    envvar="TRIPLEHELIX_ENDPOINT",
    default=None,
    help="A SPARQL 1.1 server: http://host:port (Oxigraph layout) or a query endpoint URL "
    "(the same as --store URL). Default: $TRIPLEHELIX_ENDPOINT when no --store is given.",
)
_CONNECTION = [
    click.option("--update-endpoint", default=None, help="SPARQL Update URL, if separate."),
    click.option("--gsp-endpoint", default=None, help="Graph Store Protocol URL, if any."),
    click.option("--user", default=None, help="User name (Basic or Digest auth)."),
    click.option(
        "--password-env",
        default=None,
        metavar="VAR",
        help="Environment variable holding the password (else a prompt when --user).",
    ),
]
_TIMEOUT = click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Deadline of each request to the server in seconds: connecting, the whole "
    "answer and every retry included [60].",
)
_LIMITS = [
    click.option(
        "--retries",
        type=click.IntRange(min=0),
        default=None,
        help="Retries on 5xx/no answer, within the --timeout deadline [3].",
    ),
    click.option(
        "--max-response-mb",
        type=click.FloatRange(min=0, min_open=True),
        default=None,
        metavar="MB",
        help="Largest answer read from the server in MiB; SPARQL JSON results up to a "
        "quarter of it [1024; $TRIPLEHELIX_MAX_RESPONSE_MB].",
    ),
    click.option(
        "--union-graph",
        default=None,
        metavar="IRI",
        help="Keep the union of the graphs in this graph and query it as the default "
        "graph (Virtuoso, whose default graph is a bag of every graph).",
    ),
]
STORE_HELP = (
    "A store folder, or a SPARQL 1.1 endpoint URL (http://host:port for Oxigraph's "
    "layout, or a query endpoint URL). Without it, read commands use the bundled seed world."
)
WRITE_HELP = "A store folder (created if missing), or a SPARQL 1.1 endpoint URL."


def _apply(func: F, options: Sequence[Callable[[Any], Any]]) -> F:
    for option in reversed(options):
        func = option(func)
    return func


def store_options(*, writes: bool = False, timeout: bool = True) -> Callable[[F], F]:
    """``--store`` (folder or URL), ``--endpoint`` and the connection options.

    ``timeout=False`` where the command has its own ``--timeout`` (``query``).
    """
    store = click.option(
        "--store",
        "store",
        default=None,
        metavar="DIR|URL",
        help=WRITE_HELP if writes else STORE_HELP,
    )
    options = [store, _ENDPOINT, *_CONNECTION, *([_TIMEOUT] if timeout else []), *_LIMITS]
    return lambda func: _apply(func, options)


def connection_options(func: F) -> F:
    """``--endpoint`` and the connection options, for commands whose ``--store`` is the
    local side of a copy (``push``, ``pull``) or that have none (``load-remote``)."""
    return _apply(func, [_ENDPOINT, *_CONNECTION, _TIMEOUT, *_LIMITS])


def locate(
    store: str | None, opts: dict[str, Any], *, writes: bool = False
) -> tuple[str | None, dict[str, Any] | None]:
    """Where a command goes: (a folder or None, None) or (an endpoint URL, its options).

    Pops the connection options from ``opts``. A command goes remote when ``--store`` is
    a URL or ``--endpoint`` is given, or ``TRIPLEHELIX_ENDPOINT`` is set and no ``--store``
    is; an explicit ``--store`` wins over the variable. The config file's ``endpoint``
    makes only a writing command (``writes``) without ``--store`` go remote.

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
    if is_url(store):
        endpoint, store = store, None
    if endpoint is None and store is None and writes:
        endpoint = read_config(config_path()).get("endpoint")
    if endpoint is None:
        remote_only = sorted(CONFIG_KEYS - {"endpoint", "timeout"})  # --timeout: local too
        stray = [f"--{k.replace('_', '-')}" for k in remote_only if given[k] is not None]
        if stray:
            raise UsageError(
                f"{', '.join(stray)} without --endpoint",
                code="no-endpoint",
                hint="give --store URL or --endpoint URL (or set TRIPLEHELIX_ENDPOINT and "
                "no --store)",
            )
        return store, None
    given["endpoint"] = endpoint
    return endpoint, given


def open_from(
    store: str | None,
    opts: dict[str, Any],
    *,
    writable: bool = False,
    writes: bool = False,
    on_push: Callable[[PushReport, str], None] | None = None,
) -> Store:
    """The store a command's options name (see :func:`locate`), opened by ``open_store``:
    a folder, a server, or the bundled seed world when neither is given."""
    location, given = locate(store, opts, writes=writes)
    if given is None:
        return open_store(location, writable=writable)
    return open_remote(given, writable=writable, on_push=on_push)


def open_remote(
    given: dict[str, Any],
    *,
    writable: bool = False,
    page_size: int = 5000,
    on_push: Callable[[PushReport, str], None] | None = None,
) -> RemoteStore:
    """A ``RemoteStore`` from the connection options; what they leave unset comes from the
    config file.

    Raises:
        UsageError: no endpoint, a password variable that is not set, bad sizes.
    """
    opts = dict(given)
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
    if opts["union_graph"] is not None:
        check_iri(opts["union_graph"])
    store = open_store(
        opts["endpoint"],
        writable=writable,
        update_endpoint=opts["update_endpoint"],
        gsp_endpoint=opts["gsp_endpoint"],
        user=opts["user"],
        password=_password(opts["user"], opts["password_env"]),
        timeout=opts["timeout"],
        retries=opts["retries"],
        max_response=int(_megabytes(opts["max_response_mb"], "max_response_mb") * 2**20),
        union_graph=opts["union_graph"],
        page_size=page_size,
        progress=_progress,
        on_push=on_push,
    )
    assert isinstance(store, RemoteStore)
    return store


def _password(user: str | None, var: str | None) -> str | None:
    if user is None:
        return None
    if var is None:
        return str(click.prompt(f"Password for {user}", hide_input=True))
    password = os.environ.get(var)
    if password is None:
        raise UsageError(
            f"the variable {var} is not set",
            code="no-password",
            hint=f"export {var}=… (the password is read from it, never printed)",
        )
    return password


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


def _progress(rows: int) -> None:
    """Progress of a long (paged) read, on stderr."""
    err.print(f"  read {rows:,} rows…", markup=False)


def say_push(report: PushReport, endpoint: str) -> None:
    """What a push wrote, on stderr (also for a push that failed halfway)."""
    err.print(
        f"wrote {len(report.written)} graph(s), {report.triples} triples, to {endpoint} "
        f"by {report.protocol}; {len(report.skipped)} already there",
        markup=False,
    )
    for name in report.written:
        err.print(f"  written: {name}", markup=False)
