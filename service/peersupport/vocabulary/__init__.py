"""The vocabulary: its graph, the JSON-LD context, its documentation, OWL reasoning (HermiT) and
the pitfall checks of ``peersupport check``."""
