"""Logging with the standard library: one set-up for the service and the commands, as text for
a terminal or as one JSON object per line for a log collector.

Modules log to ``logging.getLogger(__name__)``; fields given as ``extra={...}`` (the access log's
request id, method, path, status, time) become keys of the JSON object, and are written after
the message in text.

Lines are written by a thread of their own (``logging.handlers.QueueListener``): the thread that
logs only hands the record over, so a request's access line is not formatted, written and
flushed on the event loop between answers (measured: 0.1 ms of the 0.45 ms a small request took
over HTTP, and the stalls of a flushed write, in its 90th percentile). The queue is emptied when
the process exits; a forked child writes its lines itself.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import queue
import sys
from logging.handlers import QueueHandler, QueueListener
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


_LOGGERS = ("peersupport", "uvicorn", "uvicorn.error")
_writer: dict = {}  # the running listener and the handler it writes with


class _Handoff(QueueHandler):
    """Hands a record to the writer thread with its message made (its arguments as they are
    now); the traceback is left to the formatter, which writes it in its own way."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        record.msg, record.args = record.getMessage(), None
        return record


def stop_writer() -> None:
    """Write what is queued, and stop the writer thread (at exit, or to read what was written)."""
    listener = _writer.pop("listener", None)
    if listener is not None:
        listener.stop()


def _write_directly() -> None:
    """In a forked child, which has no writer thread: its loggers write themselves."""
    _writer.pop("listener", None)
    handler = _writer.get("handler")
    if handler is not None:
        for name in _LOGGERS:
            logging.getLogger(name).handlers[:] = [handler]


atexit.register(stop_writer)
os.register_at_fork(after_in_child=_write_directly)


def configure(level: str = "info", log_format: str = "text", stream=None) -> None:
    """Send the package's log lines (and uvicorn's own) to ``stream`` (standard error), through
    the writer thread."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    stop_writer()
    listener = QueueListener(queue.SimpleQueue(), handler)
    listener.start()
    _writer.update(listener=listener, handler=handler)
    handoff = _Handoff(listener.queue)
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        logger.handlers[:] = [handoff]
        logger.setLevel(level.upper())
        logger.propagate = False
