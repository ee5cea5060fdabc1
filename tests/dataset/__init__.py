"""Tests of peersupport.dataset and the bundled 2012 consultation: Data Cubes, the generator."""
