"""Tests of peersupport.store: loading files into the embedded store."""
