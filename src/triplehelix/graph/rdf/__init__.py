"""Records → RDF: the mapping to N-Quads text, its terms, the ``meta`` graph, JSON-LD.

``mapping.build_nquads`` maps a validated record set (``Emitter`` does it chunk by chunk
for the bulk loader); ``terms`` writes N-Triples terms; ``meta`` describes documents,
source records and the ingest run; ``jsonld`` compacts with the bundled context;
``formats.xml_safe`` keeps RDF/XML well-formed.
"""
