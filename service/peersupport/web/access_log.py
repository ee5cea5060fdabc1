"""The access log: one line per request (method, path, status, milliseconds, request id, which
store answered and whether from the result cache), and a request id for every request.

The id is the client's ``X-Request-Id`` when it sends a short plain one (a proxy in front may
set it), else a new one; it is sent back in ``X-Request-Id``, put in error answers, and kept in
the request's state for the error handler.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

log = logging.getLogger("peersupport.access")
_CLIENT_ID = re.compile(rb"[A-Za-z0-9._-]{1,64}")


class AccessLog:
    def __init__(self, app, store: str):
        self.app, self.store = app, store

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        given = dict(scope.get("headers") or []).get(b"x-request-id", b"")
        request_id = given.decode() if _CLIENT_ID.fullmatch(given) else uuid.uuid4().hex[:16]
        scope.setdefault("state", {})["request_id"] = request_id
        started, answer = time.perf_counter(), {"status": 500, "cache": None}

        async def send_logged(message):
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
                headers = list(message.get("headers") or [])
                answer["cache"] = next((v.decode() for k, v in headers if k.lower() == b"x-cache"), None)
                message = {**message, "headers": headers + [(b"x-request-id", request_id.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, send_logged)
        finally:
            milliseconds = round((time.perf_counter() - started) * 1000, 1)
            path = scope.get("path", "")
            log.info("%s %s %s %.1f ms", scope.get("method"), path, answer["status"], milliseconds,
                     extra={"request_id": request_id, "method": scope.get("method"), "path": path,
                            "status": answer["status"], "ms": milliseconds, "store": self.store,
                            "cache": answer["cache"]})
