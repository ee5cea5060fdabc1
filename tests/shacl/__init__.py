"""Tests of peersupport.shacl: the engine against the W3C suite and against pySHACL, and the shapes graph."""
