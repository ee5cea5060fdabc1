"""What can go wrong, as types: raised where the problem is found, turned into an HTTP answer
in one place (``peersupport.web.errors``) and into a message and exit code by the CLI.

Each error carries its HTTP status, a short title, the message (``str(error)``, written for the
person who sent the request: what went wrong) and a hint (what to do about it). They hold only
strings and numbers, so a query worker can send one back through a pipe.
"""

from __future__ import annotations


class ServiceError(Exception):
    """A request the service cannot answer as asked. Subclasses fix the status and title."""

    status = 500
    title = "Something went wrong"
    hint = ""

    def __init__(self, message: str, hint: str | None = None, headers: dict[str, str] | None = None,
                 title: str | None = None):
        super().__init__(message)
        self.message = message
        if hint is not None:
            self.hint = hint
        if title is not None:
            self.title = title
        self.headers = headers or {}

    def __reduce__(self):
        return (_rebuild, (type(self), self.__dict__))


def _rebuild(cls, state):
    error = cls.__new__(cls)
    Exception.__init__(error, state["message"])
    error.__dict__.update(state)
    return error


class BadRequest(ServiceError):
    """A request that cannot be used as sent. ``key`` and ``values``, where set, name the message's
    wording in ``validation/messages.py`` so a page can say it in its own language (``hint_key``
    the hint's); ``message`` and ``hint`` are the English."""

    status, title = 400, "Bad request"
    key: str | None = None
    values: dict | None = None
    hint_key: str | None = None


class InputError(BadRequest, ValueError):
    """Input that cannot be read, with the line and column where the reader gives them."""

    title = "Cannot read the data"
    hint = "Correct the data at the place named and send it again."

    def __init__(self, message: str, line: int | None = None, column: int | None = None, hint: str | None = None,
                 *, key: str | None = None, values: dict | None = None, hint_key: str | None = None):
        where = f"line {line}" + (f", column {column}" if column is not None else "") + ": " if line else ""
        super().__init__(where + message, hint)
        self.line, self.column = line, column
        self.located = bool(line)  # the message begins with its line and column
        if key is not None:
            self.key, self.values = key, values or {}
        if hint_key is not None:
            self.hint_key = hint_key


class Refused(ServiceError):
    status, title = 403, "Refused"


class NotFound(ServiceError):
    status, title = 404, "Not found"


class NotAcceptable(ServiceError):
    status, title = 406, "Not available in the format asked for"
    hint = "Ask for one of the formats named (Accept header or format parameter)."


class BodyTimeout(ServiceError):
    status, title = 408, "The request took too long to arrive"
    hint = "Send the request again on a faster connection, or send less."


class TooLarge(ServiceError):
    status, title = 413, "Too large"
    hint = "Send less at a time: split the file, or ask a narrower question."


class AnswerTooLarge(ServiceError):
    """An answer larger than the service sends (``PEERSUPPORT_MAX_RESULT_BYTES``)."""
    status, title = 413, "Answer too large"


class UnsupportedFormat(ServiceError):
    status, title = 415, "Unsupported format"


class UpstreamFailure(ServiceError):
    status, title = 502, "The SPARQL engine behind this service failed"
    hint = "Try again later; if it goes on, tell the service's operators."


class EngineUnavailable(UpstreamFailure):
    """The engine did not answer at all (down, unreachable), as opposed to answering badly (502):
    503 with ``Retry-After``, as an engine being restarted is soon back."""
    status, title = 503, "The SPARQL engine behind this service does not answer"
    hint = "Try again in a moment; if it goes on, tell the service's operators."
    retry_after = 5  # seconds

    def __init__(self, message: str, hint: str | None = None, headers: dict[str, str] | None = None,
                 title: str | None = None):
        super().__init__(message, hint, {"Retry-After": str(self.retry_after), **(headers or {})}, title)


class Timeout(ServiceError):
    status, title = 503, "Stopped at the time limit"
    hint = "Ask a narrower question (fewer patterns, a LIMIT), or run it on your own copy of the data."


class Busy(ServiceError):
    status, title = 503, "Busy"
    hint = "Try again in a moment."


class InternalError(ServiceError):
    status, title = 500, "Internal error"
    hint = "Try again; if it goes on, tell the service's operators."
