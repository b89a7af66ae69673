"""Importers of real-world sources (CORDIS, ROR, any table) into the record models.

Each importer returns a ``RecordSet`` (loaded with ``KnowledgeGraph.load`` like any other
records) and a ``QualityReport``; ``resolve`` finds the same organisation across sources.
"""
