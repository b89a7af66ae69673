"""NetworkX views of the store, statistics and graph checks.

``network`` builds the co-participation, bipartite and full views with SPARQL SELECTs
(literals never become nodes); ``stats`` counts; ``checks`` runs the SHACL shapes.
"""
