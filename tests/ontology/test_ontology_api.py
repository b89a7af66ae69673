"""The public functions of triplehelix.ontology."""

from __future__ import annotations

import os
import subprocess
import sys
import warnings

from rdflib import RDF, SKOS, Dataset, Graph, URIRef

import triplehelix.ontology as ontology
from triplehelix.ontology import (
    GRAPH_ONTOLOGY,
    GRAPH_VOCAB,
    TH,
    namespace,
    ontology_nquads,
    report,
    tbox_graph,
    vocab_graph,
)


def test_all_is_sorted_and_complete() -> None:
    own = {
        name
        for name in dir(ontology)
        if not name.startswith("_")
        and getattr(getattr(ontology, name), "__module__", "").startswith(ontology.__name__)
    }
    # isort-style order, as ruff's RUF022 keeps it: CONSTANTS, then Classes, then functions.
    kind = {True: 0, False: 1}
    assert ontology.__all__ == sorted(
        ontology.__all__, key=lambda n: (kind[n.isupper()] if n[0].isupper() else 2, n)
    )
    assert own <= set(ontology.__all__)
    assert set(namespace.__all__) | (set(report.__all__) - {"read_report"}) <= set(ontology.__all__)
    assert all(hasattr(ontology, name) for name in ontology.__all__)


def test_returned_graphs_are_copies() -> None:
    first = tbox_graph()
    first.remove((None, None, None))
    assert len(first) == 0
    assert (TH.Agent, RDF.type, None) in tbox_graph()


def test_nquads_put_tbox_and_vocab_in_their_graphs() -> None:
    text = ontology_nquads()
    assert text == ontology_nquads()
    assert text.endswith("\n")
    assert "_:" not in text
    dataset = Dataset()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"rdflib\.")
        dataset.parse(data=text, format="nquads")
    graphs = {str(g.identifier): g for g in dataset.graphs() if len(g)}
    assert set(graphs) == {str(GRAPH_ONTOLOGY), str(GRAPH_VOCAB)}
    assert len(graphs[str(GRAPH_ONTOLOGY)]) == len(tbox_graph())
    assert len(graphs[str(GRAPH_VOCAB)]) == len(vocab_graph())
    assert (TH.Grant, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) in graphs[
        str(GRAPH_ONTOLOGY)
    ]
    assert (None, SKOS.inScheme, None) in graphs[str(GRAPH_VOCAB)]


def test_import_has_no_side_effects() -> None:
    code = (
        "import triplehelix.ontology as o\n"
        "caches = [o._tbox, o._vocab, o._shapes, o._align, o.ontology_nquads]\n"
        "assert all(c.cache_info().currsize == 0 for c in caches)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    subprocess.run([sys.executable, "-W", "error", "-c", code], check=True, env=env)


def test_graphs_bind_project_prefixes() -> None:
    graph: Graph = vocab_graph()
    prefixes = dict(graph.namespaces())
    assert str(prefixes["role"]) == "https://w3id.org/triplehelix/vocab/role/"
    assert str(prefixes["th"]) == "https://w3id.org/triplehelix/ontology#"
