"""The real engines of ``tests/engines.py`` as fixtures of every SPARQL test module, registered
here once so that each engine starts once per session (imported into each module, a session
fixture would start once per module)."""

from ..engines import oxigraph_server, virtuoso  # noqa: F401 (fixtures)
