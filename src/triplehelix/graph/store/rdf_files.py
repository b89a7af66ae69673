"""RDF files loaded as they are: each file's triples in the file's own source graph.

An RDF file given alongside records (``load data/ extra.ttl``) is one source, like a
record file: its document (``…/source/file-KEY``, ``data.sources``) is described in
``meta``, its triples go to the graph ``…/content`` of that document (quads keep their
graphs), and every triple is also in the default graph, the union of all graphs.
"""

from __future__ import annotations

import pyoxigraph as ox

from triplehelix.data.formats import RDF_FORMATS
from triplehelix.data.iris import Minter
from triplehelix.data.readers import SourceFile
from triplehelix.data.sources import base_name
from triplehelix.errors import InvalidDataError, Problem
from triplehelix.graph.rdf.terms import literal
from triplehelix.ontology.namespace import GRAPH_META, RDF_TYPE

__all__ = ["in_union", "rdf_file_nquads"]


def rdf_file_nquads(src: SourceFile, minter: Minter, run: str) -> str:
    """An RDF file as N-Quads: triples in the file's own source graph, quads as they are.

    Raises:
        InvalidDataError: the file does not parse (``malformed-rdf``).
    """
    doc = minter.file_document(src.name)
    graph = ox.NamedNode(f"{doc}/content")
    fmt = RDF_FORMATS[src.fmt]
    try:
        quads = [
            q
            if not isinstance(q.graph_name, ox.DefaultGraph)
            else ox.Quad(q.subject, q.predicate, q.object, graph)
            for q in ox.parse(src.content, fmt, base_iri=f"{doc}/")
        ]
    except SyntaxError as exc:
        line = getattr(exc, "lineno", None)
        raise InvalidDataError(
            [
                Problem(
                    src.name,
                    line,
                    None,
                    "malformed-rdf",
                    f"well-formed {src.fmt.upper()}",
                    str(exc.msg),
                )
            ]
        ) from exc
    name = base_name(src.name)
    th = "https://w3id.org/triplehelix/ontology#"
    head = [
        (f"<{doc}>", f"<{RDF_TYPE}>", f"<{th}SourceDocument>"),
        (f"<{doc}>", "<http://purl.org/dc/terms/title>", literal(name, lang="en")),
        (f"<{doc}>", "<http://purl.org/dc/terms/identifier>", literal(src.name)),
        (f"<{graph.value}>", f"<{RDF_TYPE}>", f"<{th}SourceRecord>"),
        (f"<{graph.value}>", "<http://purl.org/dc/terms/isPartOf>", f"<{doc}>"),
        (f"<{graph.value}>", "<http://www.w3.org/ns/prov#wasGeneratedBy>", f"<{run}>"),
        (f"<{run}>", "<http://www.w3.org/ns/prov#used>", f"<{doc}>"),
    ]
    meta = "".join(f"{s} {p} {o} <{GRAPH_META}> .\n{s} {p} {o} .\n" for s, p, o in head)
    quads.extend([in_union(q) for q in quads])
    body = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    return meta + body.decode("utf-8")


def in_union(quad: ox.Quad) -> ox.Quad:
    """The quad's triple in the default graph, which holds the union of all graphs.

    >>> s, p, g = ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.NamedNode("urn:g")
    >>> in_union(ox.Quad(s, p, ox.Literal("o"), g)).graph_name
    <DefaultGraph>
    """
    return ox.Quad(quad.subject, quad.predicate, quad.object, ox.DefaultGraph())
