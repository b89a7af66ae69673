"""The store: one ``Store`` protocol (``protocol``), two backends (``local``: embedded
Oxigraph, with the bulk loader in ``bulk``; ``remote``: a SPARQL 1.1 server), and
``open.open_store`` to pick one. What a source is and how it is replaced lives in
``sources``; the one rule of removal (a source's graphs go, and the union facts only they
state) in ``retract``; conflicting values in ``conflicts``; the read-only endpoint in
``serve``.

This package module imports nothing, so that ``graph.remote`` (below the store backends)
can use ``retract`` without loading the backends.
"""
