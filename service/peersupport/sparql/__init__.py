"""SPARQL: checking a request's text, content negotiation, result serialisation, the worker pool,
the remote endpoint, the result cache, the protocol router and the catalogue of research questions."""
