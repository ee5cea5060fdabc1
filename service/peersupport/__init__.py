"""Peer-support vocabulary, shapes and service.

The package's import name is ``peersupport``. Subpackages, one concept each: ``sparql``,
``shacl``, ``validation``, ``vocabulary``, ``store``, ``dataset``, ``web`` (the README's
Architecture section maps them). At the top only what ties them together: ``cli``,
``settings``, ``errors``, ``logs``, ``resources``.
"""

__version__ = "0.1.0"

NAMESPACE = "https://w3id.org/peer-support/"


def _quiet_third_party_logs() -> None:
    from peersupport.logs import quiet_ill_typed_literals

    quiet_ill_typed_literals()


_quiet_third_party_logs()  # before any module parses data: library, CLI and service alike
