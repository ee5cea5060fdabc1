"""SPARQL: checking a request's text, content negotiation, result serialisation, the worker pool,
the remote endpoint, the result cache, the protocol router and the catalogue of research questions.

``tokens`` the one SPARQL tokenizer · ``text`` what a request's text asks for · ``jobs`` the job,
reply and executor types · ``execution`` running a query and serialising its result (``results``,
``negotiation``) · ``pool`` worker processes · ``remote`` another endpoint · ``cache`` repeated
answers · ``protocol`` the /sparql router · ``catalogue`` and ``catalogue_router`` the named queries.
"""
