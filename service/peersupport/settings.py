"""Every setting of the service, once: its name, default, environment variable and help text.

``peersupport serve`` makes one option per row (``--max-rows``), its ``--help`` and the README's
settings table are written from this table (a test checks the README against it), and
``Settings.load`` reads a value from, in order: the command line, the environment, the default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from peersupport.sparql.engines import NAMES as ENGINE_NAMES


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str
    choices: tuple[str, ...] = ()
    metavar: str | None = None
    env_name: str | None = None  # where it differs from PEERSUPPORT_<NAME>

    @property
    def env(self) -> str:
        return self.env_name or "PEERSUPPORT_" + self.name.upper()

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    def read(self, text: str) -> Any:
        """The value written as ``text`` (in the environment or on the command line)."""
        try:
            value = self.parse(text)
        except ValueError:
            raise SettingError(f"{self.flag} / {self.env} is {text!r}, not {_KINDS.get(type(self.default), 'valid')}") from None
        if self.choices and value not in self.choices:
            raise SettingError(f"{self.flag} / {self.env} is {text!r}: use one of {', '.join(self.choices)}")
        return value


class SettingError(ValueError):
    """A setting whose value cannot be used; the message names it and says what it takes."""


_KINDS = {int: "a whole number of 0 or more", float: "a number of 0 or more"}


def _paths(text: str) -> tuple[Path, ...]:
    return tuple(Path(part) for part in text.split(os.pathsep) if part)


def _positive(kind):
    def parse(text: str):
        value = kind(text)
        if value < 0:
            raise ValueError(text)
        return value

    return parse


TABLE: tuple[Setting, ...] = (
    Setting("host", "127.0.0.1", "the address to listen on"),
    Setting("port", 8000, "the port to listen on", _positive(int)),
    Setting("store", Path("store"), "the folder of the embedded store (made and filled on first start)", Path, metavar="DIR"),
    Setting("data", (), f"also serve these RDF files, or every RDF file in these folders, as local/… graphs "
                        f"(repeat the option; in the environment, separate with {os.pathsep!r})", _paths, metavar="PATH"),
    Setting("query_store", "memory", "answer queries from an in-memory copy of the store (faster) or from the store on "
                                     "disk (for data larger than memory)", choices=("memory", "disk")),
    Setting("timeout", 10.0, "query time limit in seconds", _positive(float), metavar="SECONDS",
            env_name="PEERSUPPORT_QUERY_TIMEOUT"),
    Setting("max_rows", 10_000, "the most rows (or triples) an answer holds; the rest is cut off, and the answer says so",
            _positive(int)),
    Setting("max_result_bytes", 64 * 1024 * 1024, "the largest answer sent, in bytes; a larger one is refused (413), "
                                                   "naming this cap", _positive(int)),
    Setting("workers", 4, "query worker processes: how many queries run at once", _positive(int),
            env_name="PEERSUPPORT_QUERY_WORKERS"),
    Setting("worker_memory_mb", 2048.0, "memory a query worker may take beyond the store it shares, in MiB (0: no "
                                        "limit); a query needing more stops its worker, which is replaced, and gets 503",
            _positive(float)),
    Setting("result_cache_mb", 64.0, "memory for answers kept for repeated queries, in MiB (0: no cache)", _positive(float)),
    Setting("max_body_bytes", 11 * 1024 * 1024, "the largest request body accepted (uploads, POSTed queries)", _positive(int)),
    Setting("body_seconds", 30.0, "how long a request body may take to arrive", _positive(float), metavar="SECONDS"),
    Setting("validation_slots", 2, "how many validations run at once (the others wait their turn)", _positive(int)),
    Setting("validation_seconds", 60.0, "time limit of one validation in seconds (0: none); a validation past it is "
                                         "stopped, its slot freed, and answered 503 naming this limit", _positive(float),
            metavar="SECONDS"),
    Setting("remote_batch", 5000, "nodes validated at a time when validating a graph of a SPARQL engine (validate "
                                  "--endpoint): local memory holds one batch (0: the graphs read whole)", _positive(int),
            metavar="NODES"),
    Setting("sparql_endpoint", None, "answer queries from this remote SPARQL endpoint instead of the embedded store",
            metavar="URL"),
    Setting("sparql_engine", "auto", "the engine behind --sparql-endpoint, which sets how queries are sent to it "
                                     "(auto: told from its answers)",
            choices=("auto",) + ENGINE_NAMES),
    Setting("log_level", "info", "the least important log lines shown", choices=("debug", "info", "warning", "error")),
    Setting("log_format", "text", "log lines as text, or as one JSON object per line", choices=("text", "json")),
)
BY_NAME = {setting.name: setting for setting in TABLE}


def from_environment(name: str, environ: dict[str, str] | None = None) -> Any:
    """One setting's value for a command that has no option for it: the environment's, else the
    default. Raises SettingError naming a value that cannot be read."""
    setting = BY_NAME[name]
    text = (os.environ if environ is None else environ).get(setting.env, "").strip()
    return setting.read(text) if text else setting.default


class Settings:
    """The value of every setting in ``TABLE`` as an attribute (``settings.max_rows``), and
    ``files``: (graph name, file) of everything the embedded store serves."""

    def __init__(self, **values):
        unknown = set(values) - set(BY_NAME)
        if unknown:
            raise TypeError(f"no setting {sorted(unknown)[0]!r}")
        for setting in TABLE:
            setattr(self, setting.name, values.get(setting.name, setting.default))
        from peersupport.store.loading import extra_files, project_files

        try:
            self.files = project_files() + (extra_files(list(self.data)) if self.data else [])
        except ValueError as error:
            raise SettingError(f"{BY_NAME['data'].flag}: {error}") from None

    @classmethod
    def load(cls, environ: dict[str, str] | None = None, **given) -> "Settings":
        """Settings from ``given`` values (None: not given), else the environment, else the defaults.
        Raises SettingError naming a value that cannot be read."""
        environ = os.environ if environ is None else environ
        values = {}
        for setting in TABLE:
            if given.get(setting.name) is not None:
                values[setting.name] = given[setting.name]
            elif environ.get(setting.env):
                values[setting.name] = setting.read(environ[setting.env])
        return cls(**values)

    @property
    def in_memory(self) -> bool:
        return self.query_store == "memory"

    @property
    def result_cache_bytes(self) -> int:
        return int(self.result_cache_mb * 1024 * 1024)


def markdown_table() -> str:
    """The settings as the README shows them."""
    lines = ["| option | environment | default | what it sets |", "|---|---|---|---|"]
    for setting in TABLE:
        default = "none" if setting.default in (None, ()) else f"`{setting.default}`"
        choices = f" (`{'`, `'.join(setting.choices)}`)" if setting.choices else ""
        lines.append(f"| `{setting.flag}` | `{setting.env}` | {default} | {setting.help}{choices} |")
    return "\n".join(lines) + "\n"
