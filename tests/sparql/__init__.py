"""Tests of peersupport.sparql: the protocol, execution, the pool, the remote endpoint, the cache, the catalogue."""
