"""Datasets beyond the vocabulary: the generated test graphs and the RDF Data Cube integrity checks."""
