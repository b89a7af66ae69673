"""SPARQL for people and scripts: check, bind, run, saved queries, results.

``check`` decides from a query's tokens (``tokens``) what it is and what is refused;
``bind`` turns parameters into terms; ``run.run_query`` runs a saved query or text with a
deadline; ``saved`` reads ``queries/*.rq``; ``results`` prints answers in every format.
"""
