"""Virtuoso's SQL port (the one ``isql`` talks to), reached through the ODBC driver Debian installs
with Virtuoso (``libvirtodbc0``: ``virtodbc_r.so``), called directly with ``ctypes``: no ODBC
driver manager and no Python ODBC package are needed.

Why not run ``isql-vt``: it takes the password on its command line, where ``ps`` shows it to every
user of the machine; here it goes from the environment to the driver and nowhere else (no error
message or log line holds it).

Only what the bulk loader needs: statements as text, answers as rows of strings (or None).
"""

from __future__ import annotations

import ctypes
import glob

_DRIVERS = ("/usr/lib/*/odbc/virtodbc_r.so", "/usr/lib/odbc/virtodbc_r.so",
            "/usr/local/virtuoso-opensource/lib/virtodbc_r.so", "/opt/virtuoso-opensource/lib/virtodbc_r.so")
_ENV, _DBC, _STMT = 1, 2, 3  # SQL_HANDLE_*
_OK = (0, 1, 100)  # SQL_SUCCESS, SQL_SUCCESS_WITH_INFO, SQL_NO_DATA
_CHAR, _NULL_DATA = 1, -1  # SQL_C_CHAR, SQL_NULL_DATA
_CELL = 65536  # the longest value read back; the loader reads counts and error messages only


class SqlError(Exception):
    """Virtuoso refused a statement or the login; ``state`` is the SQLSTATE, ``code`` Virtuoso's
    own (``FA003``, ``CL034``…) where its message starts with one."""

    def __init__(self, state: str, message: str):
        self.state = state
        self.message = message.rsplit("]", 1)[-1].strip()  # without the driver's [OpenLink][…] prefixes
        self.code = self.message.split(":", 1)[0] if ":" in self.message[:8] else ""
        super().__init__(self.message)


def driver() -> str | None:
    """The path of Virtuoso's ODBC driver on this machine, or None."""
    for pattern in _DRIVERS:
        found = sorted(glob.glob(pattern))
        if found:
            return found[0]
    return None


class SqlConnection:
    """One session on Virtuoso's SQL port, in autocommit mode."""

    def __init__(self, library: str, host: str, port: int, user: str, password: str):
        self._lib = ctypes.CDLL(library)
        for name in ("SQLAllocHandle", "SQLSetEnvAttr", "SQLDriverConnect", "SQLExecDirect", "SQLNumResultCols",
                     "SQLFetch", "SQLGetData", "SQLGetDiagRec", "SQLFreeHandle", "SQLDisconnect"):
            getattr(self._lib, name).restype = ctypes.c_short
        self._env, self._dbc = ctypes.c_void_p(), ctypes.c_void_p()
        self._check(self._lib.SQLAllocHandle(_ENV, None, ctypes.byref(self._env)), _ENV, self._env)
        self._lib.SQLSetEnvAttr(self._env, 200, ctypes.c_void_p(3), 0)  # SQL_ATTR_ODBC_VERSION: 3
        self._check(self._lib.SQLAllocHandle(_DBC, self._env, ctypes.byref(self._dbc)), _ENV, self._env)
        if ";" in user + password:
            raise ValueError("a user name or password holding ';' cannot be given to Virtuoso's ODBC driver")
        text = f"HOST={host}:{port};UID={user};PWD={password}".encode()
        out, length = ctypes.create_string_buffer(1024), ctypes.c_short()
        try:
            self._check(self._lib.SQLDriverConnect(self._dbc, None, text, len(text), out, 1024,
                                                   ctypes.byref(length), 0), _DBC, self._dbc)
        except SqlError:
            self._free()
            raise
        finally:
            ctypes.memset(out, 0, 1024)  # the driver copies the connection string, password included, back into it
        self._connected = True

    def execute(self, statement: str) -> list[tuple[str | None, ...]]:
        """The rows ``statement`` answers (none for a statement that is not a query)."""
        stmt = ctypes.c_void_p()
        self._check(self._lib.SQLAllocHandle(_STMT, self._dbc, ctypes.byref(stmt)), _DBC, self._dbc)
        try:
            text = statement.encode()
            self._check(self._lib.SQLExecDirect(stmt, text, len(text)), _STMT, stmt)
            columns = ctypes.c_short()
            self._check(self._lib.SQLNumResultCols(stmt, ctypes.byref(columns)), _STMT, stmt)
            rows = []
            while columns.value and (status := self._lib.SQLFetch(stmt)) != 100:
                self._check(status, _STMT, stmt)
                rows.append(tuple(self._cell(stmt, column) for column in range(1, columns.value + 1)))
            return rows
        finally:
            self._lib.SQLFreeHandle(_STMT, stmt)

    def close(self) -> None:
        if getattr(self, "_connected", False):
            self._lib.SQLDisconnect(self._dbc)
            self._connected = False
        self._free()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _cell(self, stmt, column: int) -> str | None:
        buffer, indicator = ctypes.create_string_buffer(_CELL), ctypes.c_int64(0)
        self._check(self._lib.SQLGetData(stmt, column, _CHAR, buffer, _CELL, ctypes.byref(indicator)), _STMT, stmt)
        # A driver built with a 32-bit SQLLEN writes only the low half of the indicator.
        if indicator.value in (_NULL_DATA, 0xFFFFFFFF):
            return None
        return buffer.value.decode("utf-8", errors="replace")

    def _check(self, status: int, kind: int, handle) -> None:
        if status in _OK:
            return
        state, native = ctypes.create_string_buffer(6), ctypes.c_int()
        message, length = ctypes.create_string_buffer(2048), ctypes.c_short()
        self._lib.SQLGetDiagRec(kind, handle, 1, state, ctypes.byref(native), message, 2048, ctypes.byref(length))
        raise SqlError(state.value.decode(errors="replace"), message.value.decode(errors="replace"))

    def _free(self) -> None:
        if self._dbc:
            self._lib.SQLFreeHandle(_DBC, self._dbc)
            self._dbc = ctypes.c_void_p()
        if self._env:
            self._lib.SQLFreeHandle(_ENV, self._env)
            self._env = ctypes.c_void_p()


def sql_string(text: str) -> str:
    """``text`` as a Virtuoso SQL string literal (where the backslash escapes too)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"
