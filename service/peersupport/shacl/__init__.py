"""SHACL: the set-at-a-time engine (shapes compiled to SPARQL over pyoxigraph), its constraint
components, its SPARQL rewriting, and pySHACL as the reference fallback.

``model`` the shared types · ``terms`` rdflib and Oxigraph terms, terms and paths as SPARQL ·
``engine`` compiling shapes and running a validation · ``components`` the constraint checkers ·
``rewriting`` SHACL-SPARQL queries made set-at-a-time. The fallback to pySHACL is chosen in
``peersupport.validation.validate``.
"""
