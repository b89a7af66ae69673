"""Writing RDF safely: what RDF/XML cannot hold (the format list is ``data.formats``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from triplehelix.safe_text import xml_text

__all__ = ["xml_safe"]


def xml_safe(triples: Iterable[ox.Triple]) -> Iterator[ox.Triple]:
    """The triples with every literal XML 1.0 can hold (RDF/XML output stays well-formed).

    A literal's characters that XML cannot hold (NUL, ESC and the other C0 controls but
    tab and line breaks) become U+FFFD; N-Triples, Turtle and TriG escape them instead.

    >>> t = ox.Triple(ox.NamedNode("http://a"), ox.NamedNode("http://b#p"), ox.Literal("x\\0"))
    >>> next(xml_safe([t])).object.value == "x\\ufffd"
    True
    """
    for t in triples:
        o = t.object
        if isinstance(o, ox.Literal):
            clean = xml_text(o.value)
            if clean != o.value:
                if o.language:
                    o = ox.Literal(clean, language=o.language)
                else:
                    o = ox.Literal(clean, datatype=o.datatype)
                t = ox.Triple(t.subject, t.predicate, o)
        yield t
