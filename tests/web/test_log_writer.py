"""Log lines written by the writer thread (``peersupport.logs``): the same lines as written
directly, with the message made when logged, the traceback formatted as each format does, all
of them written when the writer stops, and a forked child writing its own."""

import io
import json
import logging
import os

import pytest

from peersupport import logs


@pytest.fixture
def configured():
    """``logs.configure`` for one test; the loggers as they were afterwards (pytest's capture)."""
    loggers = [logging.getLogger(name) for name in ("peersupport", "uvicorn", "uvicorn.error")]
    saved = [(logger.handlers[:], logger.level, logger.propagate) for logger in loggers]
    yield logs.configure
    logs.stop_writer()
    for logger, (handlers, level, propagate) in zip(loggers, saved):
        logger.handlers[:], logger.level, logger.propagate = handlers, level, propagate


def test_a_json_line_has_its_fields_and_the_message_as_it_was_when_logged(configured):
    stream = io.StringIO()
    configured("info", "json", stream)
    status = [200]
    logging.getLogger("peersupport.access").info("%s %s", "GET", status, extra={"request_id": "r-1", "ms": 0.5})
    status.append(500)  # changed after the call: the line says what was logged
    logs.stop_writer()
    [line] = [json.loads(text) for text in stream.getvalue().splitlines()]
    assert {key: line[key] for key in ("level", "logger", "message", "request_id", "ms")} == \
        {"level": "info", "logger": "peersupport.access", "message": "GET [200]", "request_id": "r-1", "ms": 0.5}


def test_a_traceback_is_formatted_by_each_format(configured):
    for log_format in ("json", "text"):
        stream = io.StringIO()
        configured("info", log_format, stream)
        try:
            1 / 0
        except ZeroDivisionError:
            logging.getLogger("peersupport.sparql.pool").exception("the query failed")
        logs.stop_writer()
        written = stream.getvalue()
        if log_format == "json":
            line = json.loads(written)
            assert line["message"] == "the query failed"
            assert line["exception"].startswith("Traceback") and line["exception"].endswith("ZeroDivisionError: division by zero")
        else:
            assert "ERROR   peersupport.sparql.pool: the query failed\nTraceback" in written
            assert written.rstrip().endswith("ZeroDivisionError: division by zero")


def test_lines_keep_their_order_and_a_level_below_the_setting_is_not_written(configured):
    stream = io.StringIO()
    configured("warning", "text", stream)
    log = logging.getLogger("peersupport.web")
    for n in range(200):
        log.warning("line %d", n)
    log.info("not written")
    logs.stop_writer()
    assert [text.split(": ", 1)[1] for text in stream.getvalue().splitlines()] == [f"line {n}" for n in range(200)]


def test_a_forked_child_writes_its_own_lines(configured, tmp_path):
    path = tmp_path / "log.txt"
    with path.open("a") as stream:
        configured("info", "text", stream)
        pid = os.fork()
        if pid == 0:
            try:
                logging.getLogger("peersupport.sparql.pool").info("from the child")
            finally:
                os._exit(0)
        assert os.waitpid(pid, 0)[1] == 0
        logs.stop_writer()
    assert path.read_text().rstrip().endswith("INFO    peersupport.sparql.pool: from the child")
