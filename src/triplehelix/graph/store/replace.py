"""Re-importing a changed source replaces what the previous import of it said.

An import's facts sit in the named graphs of its source records (rows, ROR records), and
those records are ``dcterms:isPartOf`` the source documents the importer names (in the
``meta`` graph). The replace policy is ``graph.store.sources.replace_documents``: an
unchanged import changes nothing; a changed one first drops the documents' earlier graphs
(the rule of ``graph.store.retract``), so that no stale fact survives.
"""

from __future__ import annotations

from triplehelix.data.iris import BASE, Minter
from triplehelix.data.loader import RecordSet
from triplehelix.data.models import Document
from triplehelix.graph.rdf.mapping import run_key
from triplehelix.graph.store.retract import Target
from triplehelix.graph.store.sources import replace_documents

__all__ = ["imported_documents", "replace_sources"]


def imported_documents(rs: RecordSet, *, base: str = BASE) -> list[str]:
    """The IRIs of the source documents an import names (its ``Document`` records).

    >>> imported_documents(RecordSet())
    []
    """
    minter = Minter(base)
    return [minter.mint(d) for d in rs.records if isinstance(d, Document)]


def replace_sources(kg: Target, rs: RecordSet, *, base: str = BASE) -> list[str]:
    """Drop the earlier import of the documents in ``rs`` if their content changed.

    Returns:
        The graphs dropped (none when the same files were imported before, or never).

    >>> from triplehelix.graph.store.local import KnowledgeGraph
    >>> replace_sources(KnowledgeGraph(), RecordSet())
    []
    """
    run = f"{base}id/run/{run_key(rs.files)}"
    return replace_documents(kg, imported_documents(rs, base=base), run)
