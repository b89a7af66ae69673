"""Shared fixtures for the ontology tests."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from rdflib import Dataset, Graph

from cli_helpers import FIXTURES
from triplehelix.ontology import shapes_graph, tbox_graph, vocab_graph

SHACL = FIXTURES / "shacl"


@pytest.fixture(scope="session")
def tbox() -> Graph:
    return tbox_graph()


@pytest.fixture(scope="session")
def vocab() -> Graph:
    return vocab_graph()


@pytest.fixture(scope="session")
def shapes() -> Graph:
    return shapes_graph()


def load_trig(path: Path) -> Dataset:
    """Parse a TriG file; rdflib 7.6's Dataset.parse itself calls a deprecated API."""
    dataset = Dataset()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"rdflib\.")
        dataset.parse(path, format="trig")
    return dataset
