"""Peer-support vocabulary, shapes and service.

The package's import name is ``peersupport``. Modules, one concept each:
``resources`` (where the shipped files are), ``vocab`` (the ontology graph and what is derived
from it: JSON-LD context, HTML docs), ``reason`` (OWL reasoning with HermiT), ``cli``.
"""

__version__ = "0.1.0"

NAMESPACE = "https://w3id.org/peer-support/"
