"""RDF serialisation formats by their CLI names: one list, read by the loaders and writers.

>>> RDF_FORMATS["ttl"] == ox.RdfFormat.TURTLE, sorted(QUAD_FORMATS)
(True, ['jsonld', 'nq', 'trig'])
"""

from __future__ import annotations

import pyoxigraph as ox

__all__ = ["QUAD_FORMATS", "RDF_FORMATS"]

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
QUAD_FORMATS = frozenset({"nq", "trig", "jsonld"})
"""Formats that keep named graphs (provenance); the others merge them."""
