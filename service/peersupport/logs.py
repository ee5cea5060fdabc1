"""Logging with the standard library: one set-up for the service and the commands, as text for
a terminal or as one JSON object per line for a log collector.

Modules log to ``logging.getLogger(__name__)``; fields given as ``extra={...}`` (the access log's
request id, method, path, status, time) become keys of the JSON object, and are written after
the message in text.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone

# The attributes every LogRecord has; anything else on a record came from ``extra``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName", "color_message"}


def _extra(record: logging.LogRecord) -> dict:
    return {key: value for key, value in vars(record).items() if key not in _STANDARD}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
                 "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage(),
                 **_extra(record)}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self):
        super().__init__("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        extra = _extra(record)
        return text + ("  " + " ".join(f"{key}={value}" for key, value in extra.items()) if extra else "")


class _IllTypedLiterals(logging.Filter):
    """rdflib logs a warning with a traceback for every literal whose lexical form does not fit its
    datatype (``"abc"^^xsd:integer``); the shapes report each such value as unreadable, naming it,
    so the traceback on the terminal or in the log says nothing more and reads as a crash."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to convert Literal lexical form to value")


def quiet_ill_typed_literals() -> None:
    logger = logging.getLogger("rdflib.term")
    if not any(isinstance(f, _IllTypedLiterals) for f in logger.filters):
        logger.addFilter(_IllTypedLiterals())


def configure(level: str = "info", log_format: str = "text", stream=None) -> None:
    """Send the package's log lines (and uvicorn's own) to ``stream`` (standard error)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    for name in ("peersupport", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level.upper())
        logger.propagate = False
