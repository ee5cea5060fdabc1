"""Tests of peersupport.vocabulary: the vocabulary files, JSON-LD context, mappings, reasoning, pitfalls."""
