"""Virtuoso's bulk loader for ``peersupport load --to`` when Virtuoso runs on this machine: the
engine reads each file from the disk itself (``ld_add`` and ``rdf_loader_run``) instead of
receiving it over the Graph Store protocol. It was not faster in the one measurement made (10^6
triples of N-Triples into the tests' Virtuoso, 20,000 buffers: 16.1 s against 14.8 s for one
``PUT``), but it does not hold the file in an HTTP request. Also the ``virtuoso.ini`` of the
Virtuoso the tests and the benchmark start (``virtuoso_ini``).

The environment decides, as for the other engine settings (no command-line option):

- ``PEERSUPPORT_VIRTUOSO_ISQL=host:port``: Virtuoso's SQL port (``ServerPort`` in the
  ``[Parameters]`` of its ini, 1111 by default). Only when it is set, the engine is Virtuoso and the
  host is a loopback address (a file's path means the same file to Virtuoso only on this machine)
  is the bulk loader used; otherwise each file goes over the Graph Store protocol, and a line says
  why when the variable is set.
- ``PEERSUPPORT_ENGINE_USER`` and ``PEERSUPPORT_ENGINE_PASSWORD``: the same credentials as for the
  Graph Store (``sparql/engines.py``); the bulk loader needs Virtuoso's ``dba`` or a user granted
  its procedures. The password is handed to Virtuoso's ODBC driver only (``store/virtuoso_sql.py``),
  never to a command line, a log line or an error message.

For each file: Virtuoso is asked to list the file's folder, as its ``ld_dir`` does, so a folder
outside its ``DirsAllowed`` (``FA003``; Virtuoso also reads its temporary folder, ``TMPDIR`` of its
process or ``/tmp``), or one it does not see (another machine, a container),
sends that file over the Graph Store instead, with a line saying so; JSON-LD, which the bulk loader
does not read, too. Otherwise the graph is emptied (a changed file replaces its graph), the file's
entry in Virtuoso's load list replaced (``ld_add`` ignores a file the list already holds),
``rdf_loader_run()`` and ``checkpoint`` run, the loader's error for the file (its line) raised, and
the graph's triples compared with the file's distinct triples. ``rdf_loader_run`` also loads any
other file waiting in Virtuoso's load list.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from peersupport.store.loading import RDF_FORMATS
from peersupport.store.virtuoso_sql import SqlConnection, SqlError, driver, sql_string

ISQL_VARIABLE = "PEERSUPPORT_VIRTUOSO_ISQL"
_BULK_SUFFIXES = (".ttl", ".nt", ".rdf")  # JSON-LD is not among the bulk loader's formats
_LOOPBACK_NAMES = ("localhost", "localhost.localdomain")


class BulkLoadError(Exception):
    """Virtuoso's bulk loader failed on a file, or its SQL port refused us; never holds the password."""


@dataclass
class BulkLoader:
    """A session on Virtuoso's SQL port that loads files with its bulk loader."""

    connection: SqlConnection

    def refusal(self, path: Path) -> str | None:
        """Why ``path`` cannot be bulk-loaded (it then goes over the Graph Store), or None."""
        if path.suffix not in _BULK_SUFFIXES:
            return "JSON-LD is not read by Virtuoso's bulk loader"
        folder = path.resolve().parent
        try:
            rows = self.connection.execute(f"SELECT position({sql_string(path.name)}, "
                                           f"file_dirlist({sql_string(str(folder))}, 1))")
        except SqlError as error:
            if error.code == "FA003":
                return f"its folder {folder} is not in Virtuoso's DirsAllowed"
            return f"Virtuoso cannot list its folder {folder} ({error.message})"
        if rows[0][0] in ("0", None):
            return f"Virtuoso does not see it in {folder} (is it on another machine?)"
        return None

    def load(self, path: Path, iri: str) -> int:
        """Replace graph ``iri`` with the triples of ``path``; the triples the graph then holds."""
        file, graph = sql_string(str(path.resolve())), sql_string(iri)
        expected = distinct_triples(path, iri)
        try:
            self.connection.execute("log_enable(3, 1)")  # row by row: emptying a large graph is no huge transaction
            self.connection.execute(f"DELETE FROM DB.DBA.RDF_QUAD WHERE G = iri_to_id({graph}, 0)")
            self.connection.execute(f"DELETE FROM DB.DBA.LOAD_LIST WHERE ll_file = {file}")
            self.connection.execute(f"ld_add({file}, {graph})")
            self.connection.execute("rdf_loader_run()")
            self.connection.execute("checkpoint")
            errors = self.connection.execute(f"SELECT ll_error FROM DB.DBA.LOAD_LIST WHERE ll_file = {file}")
            counted = self.connection.execute(f"SELECT COUNT(*) FROM DB.DBA.RDF_QUAD WHERE G = iri_to_id({graph}, 0)")
        except SqlError as error:
            raise BulkLoadError(f"Virtuoso's bulk loader failed: {error.message}") from None
        if errors and errors[0][0]:
            raise BulkLoadError(f"Virtuoso's bulk loader could not read it: {errors[0][0].strip()}")
        count = int(counted[0][0])
        if count != expected:
            raise BulkLoadError(f"Virtuoso holds {count} triples in its graph after the bulk load, "
                                f"the file {expected} distinct triples")
        return count

    def close(self) -> None:
        self.connection.close()


def connect(engine_name: str, environ, progress) -> BulkLoader | None:
    """The bulk loader the environment asks for (see the module's docstring), or None; ``progress``
    is told why not when ``PEERSUPPORT_VIRTUOSO_ISQL`` is set but cannot be used."""
    address = environ.get(ISQL_VARIABLE, "").strip()
    if not address:
        return None
    fallback = "every file is sent with the Graph Store protocol"
    if engine_name != "virtuoso":
        progress(f"{ISQL_VARIABLE} is set but the engine is {engine_name}, not Virtuoso: {fallback}")
        return None
    host, _, port = address.rpartition(":")
    host = host.strip("[]")
    if not host or not port.isdigit():
        raise BulkLoadError(f"{ISQL_VARIABLE} is {address!r}: expected host:port (e.g. 127.0.0.1:1111)")
    if not _is_loopback(host):
        progress(f"{ISQL_VARIABLE} names {host}, not this machine (a loopback address): {fallback}")
        return None
    library = driver()
    if library is None:
        progress(f"Virtuoso's ODBC driver (virtodbc_r.so, Debian's libvirtodbc0) is not installed: {fallback}")
        return None
    user, password = environ.get("PEERSUPPORT_ENGINE_USER", ""), environ.get("PEERSUPPORT_ENGINE_PASSWORD", "")
    if not user:
        raise BulkLoadError(f"{ISQL_VARIABLE} is set: PEERSUPPORT_ENGINE_USER and PEERSUPPORT_ENGINE_PASSWORD "
                            "must name Virtuoso's dba (or a user granted its bulk loader)")
    try:
        connection = SqlConnection(library, host, int(port), user, password)
    except ValueError as error:
        progress(f"{error}: {fallback}")
        return None
    except SqlError as error:
        hint = " (check PEERSUPPORT_ENGINE_USER and PEERSUPPORT_ENGINE_PASSWORD)" if error.state == "28000" else ""
        raise BulkLoadError(f"Virtuoso's SQL port {host}:{port} ({ISQL_VARIABLE}) refused us: "
                            f"{error.message}{hint}") from None
    return BulkLoader(connection)


def distinct_triples(path: Path, iri: str) -> int:
    """How many distinct triples ``path`` holds (a graph holds each triple once); a file that does
    not parse is refused with its line and column."""
    try:
        with path.open("rb") as stream:
            quads = ox.parse(stream, format=RDF_FORMATS[path.suffix], base_iri=iri)
            return len({hash(quad.triple) for quad in quads})
    except SyntaxError as error:  # read here first, so that Virtuoso is never given a broken file
        raise BulkLoadError(f"cannot be read: {error}") from None


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def virtuoso_ini(folder: Path, isql_port: int, http_port: int, *, dirs_allowed: tuple[str, ...] = (),
                 buffers: int = 20000, dirty_buffers: int = 15000, http_threads: int = 8,
                 query_seconds: int = 60) -> str:
    """The ``virtuoso.ini`` of a throw-away Virtuoso with its database in ``folder``, listening on
    loopback only (SQL and HTTP), allowed to read ``folder`` and ``dirs_allowed``. The defaults are
    the tests'; ``buffers`` is 8 KiB pages (Virtuoso's guide: 340,000 and 250,000 dirty for 4 GB)."""
    allowed = ", ".join((".", str(folder)) + tuple(dirs_allowed))
    return f"""[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{isql_port}
DisableUnixSocket = 1
DirsAllowed = {allowed}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}
CheckpointInterval = 0
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = {http_threads}
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = {query_seconds}
"""
