"""Opening a store: a folder (``LocalStore``), a SPARQL endpoint URL (``RemoteStore``), or
the bundled seed world in memory; ``open_store`` is the one place that decides.

>>> with open_store(None) as kg:
...     kg.count_of("th:Organization") > 5
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from triplehelix.errors import UsageError
from triplehelix.graph.remote.client import Endpoints, SparqlClient
from triplehelix.graph.store.local import LocalStore
from triplehelix.graph.store.protocol import Store
from triplehelix.graph.store.remote import RemoteStore

__all__ = ["is_url", "open_store"]

STORE_OPTIONS = frozenset({"page_size", "progress", "check_cap", "on_push"})
"""Options of ``open_store`` that go to the ``RemoteStore``; the others go to its client."""


def is_url(location: str | Path | None) -> bool:
    """Whether a store location is a SPARQL endpoint URL rather than a folder.

    >>> is_url("http://127.0.0.1:7878"), is_url("kg"), is_url(None)
    (True, False, False)
    """
    return isinstance(location, str) and location.startswith(("http://", "https://"))


def open_store(location: str | Path | None, *, writable: bool = False, **connection: Any) -> Store:
    """The store at ``location``: a folder, an ``http(s)://`` SPARQL endpoint, or None.

    Args:
        location: a store folder (a ``LocalStore``; created only when ``writable``), a
            server URL (a ``RemoteStore``: ``http://host:port`` is Oxigraph's layout, a URL
            with a path is the query endpoint), or None for the bundled seed world in memory.
        writable: open for writing.
        connection: for a URL only: ``update_endpoint``, ``gsp_endpoint``, ``user``,
            ``password``, ``timeout``, ``retries``, ``max_response`` (bytes),
            ``union_graph`` (the ``SparqlClient``'s options); ``page_size``, ``progress``,
            ``check_cap``, ``on_push`` (the ``RemoteStore``'s).

    Raises:
        StoreError: no store in the folder (``no-store``) and not ``writable``, or it
            cannot be opened.
        UsageError: connection options for a folder (``bad-option``), a bad URL.
    """
    if is_url(location):
        assert isinstance(location, str)
        store_options = {k: v for k, v in connection.items() if k in STORE_OPTIONS}
        client_options = {k: v for k, v in connection.items() if k not in STORE_OPTIONS}
        update = client_options.pop("update_endpoint", None)
        gsp = client_options.pop("gsp_endpoint", None)
        client = SparqlClient(Endpoints.of(location, update, gsp), **client_options)
        return RemoteStore(client, writable=writable, **store_options)
    if connection:
        raise UsageError(
            f"connection options for a store folder: {', '.join(sorted(connection))}",
            code="bad-option",
            hint="they apply to an http(s):// endpoint URL",
        )
    if location is None:
        return LocalStore.seed()
    return LocalStore(location, read_only=not writable)
