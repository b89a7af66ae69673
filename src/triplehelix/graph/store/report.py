"""What a write reports: the ``LoadReport`` of a load and the ``Conflict`` values it found.

Kept apart from the store and the conflict check so that the ``Store`` protocol can name
them without importing either.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from triplehelix.errors import Problem
from triplehelix.ontology.namespace import RDF_TYPE

__all__ = ["Conflict", "LoadReport", "short_property"]

TH = "https://w3id.org/triplehelix/ontology#"


@dataclass(frozen=True, slots=True)
class Conflict:
    """One IRI with different values for one property from two sources."""

    iri: str
    prop: str
    lang: str
    new: tuple[str, ...]
    source: str  # the source being loaded
    old: tuple[str, ...]
    other: str  # the source that already says otherwise
    line: int | None = None

    def __str__(self) -> str:
        tag = f"@{self.lang}" if self.lang else ""
        return (
            f"{self.iri} {short_property(self.prop)}{tag}: {' | '.join(self.new)} "
            f"({self.source}) ≠ {' | '.join(self.old)} ({self.other})"
        )

    def problem(self) -> Problem:
        """The conflict as a problem of the source being loaded (``--strict``)."""
        tag = f"@{self.lang}" if self.lang else ""
        return Problem(
            self.source,
            self.line,
            short_property(self.prop) + tag,
            "conflicting-value",
            f"the value {self.other} states for {self.iri}: {' | '.join(self.old)}",
            " | ".join(self.new),
        )


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What a load did."""

    records: int
    rdf_files: int
    quads_before: int
    quads_after: int
    graphs: int
    run: str
    moved: dict[str, str] = field(default_factory=dict)
    """Sources skipped: already loaded under another name (name → that document)."""
    conflicts: list[Conflict] = field(default_factory=list)
    """Values that other sources state otherwise (``graph.store.conflicts``)."""
    dropped: list[str] = field(default_factory=list)
    """Graphs of rows a changed file no longer has, dropped from a server."""

    @property
    def added(self) -> int:
        """Quads that were not in the store before."""
        return self.quads_after - self.quads_before


def short_property(prop: str) -> str:
    """A property IRI as a short name for messages.

    >>> short_property("http://www.w3.org/2004/02/skos/core#prefLabel")
    'skos:prefLabel'
    >>> short_property(RDF_TYPE)
    'a'
    """
    for ns, prefix in (
        (TH, "th:"),
        ("http://www.w3.org/2004/02/skos/core#", "skos:"),
        ("https://schema.org/", "schema:"),
        ("http://purl.org/dc/terms/", "dcterms:"),
        (RDF_TYPE, "a"),
    ):
        if prop.startswith(ns):
            return prefix + prop[len(ns) :]
    return f"<{prop}>"
