"""SHACL: the set-at-a-time engine (shapes compiled to SPARQL over pyoxigraph), its constraint
components, its SPARQL rewriting, and pySHACL as the reference fallback."""
