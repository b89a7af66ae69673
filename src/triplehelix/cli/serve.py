"""The ``serve`` command: a read-only SPARQL endpoint on the loopback interface."""

from __future__ import annotations

import signal
from pathlib import Path
from types import FrameType

import click

from triplehelix.cli.common import help_text
from triplehelix.cli.output import err
from triplehelix.errors import UsageError
from triplehelix.graph.store.open import is_url
from triplehelix.graph.store.serve import Endpoint

__all__ = ["serve"]


@click.command(
    help=help_text(
        "Serve an on-disk store as a read-only SPARQL 1.1 Protocol endpoint (/query, GET and "
        "POST, content negotiation) with a query page at /. Oxigraph answers; updates and "
        "SERVICE get 403, a query over --timeout gets 504, an answer over --max-mb gets 507. "
        "The project prefixes are predeclared. Ctrl-C stops it.",
        "triplehelix serve --store kg --port 7878",
        "curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?s a th:Project }' "
        "http://127.0.0.1:7878/query",
    )
)
@click.option(
    "--store",
    "store",
    required=True,
    metavar="DIR",
    help="On-disk store folder (triplehelix load … --store DIR); a server is served already.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True)
@click.option(
    "--timeout", type=click.FloatRange(min=1), default=60.0, show_default=True, help="Seconds."
)
@click.option(
    "--max-mb",
    type=click.FloatRange(min=0.001),
    default=50.0,
    show_default=True,
    help="Largest answer sent, in MiB.",
)
@click.option(
    "--backend-max-mb",
    type=click.IntRange(min=0),
    default=None,
    help="Memory Oxigraph may allocate, in MiB (RLIMIT_DATA; its thread stacks are allowed "
    "on top); a query that needs more gets 503. Default: half the machine's memory, 1024 "
    "to 16384. 0: no cap; else at least 512.",
)
def serve(
    store: str, host: str, port: int, timeout: float, max_mb: float, backend_max_mb: int | None
) -> None:
    if is_url(store):
        raise UsageError(
            f"{store}: serve works on a local store folder only",
            code="serve-needs-folder",
            hint="a SPARQL server answers queries itself; give --store DIR to serve a folder",
        )
    endpoint = Endpoint(
        Path(store),
        host=host,
        port=port,
        timeout=timeout,
        max_bytes=int(max_mb * 2**20),
        backend_mb=backend_max_mb,
    )
    signal.signal(signal.SIGTERM, _stop)  # `kill PID` stops Oxigraph too
    endpoint.start()
    err.print(
        f"SPARQL endpoint {endpoint.url} (read-only; query page at "
        f"http://{endpoint.host}:{endpoint.port}/) — Ctrl-C stops it",
        markup=False,
    )
    try:
        endpoint.serve_forever()
    except (KeyboardInterrupt, SystemExit):
        err.print("stopping", markup=False)
    finally:
        endpoint.stop()


def _stop(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)
