"""Limits on request bodies for every endpoint: 413 when the body is larger than the cap, whether
the client announces its length or streams it; 408 when it has not all arrived by the deadline
(a client trickling its upload must not hold a connection open for ever)."""

from __future__ import annotations

import time

import anyio
from starlette.requests import Request

from peersupport.errors import BodyTimeout, ServiceError, TooLarge
from peersupport.web.errors import error_response


class BodySizeLimit:
    def __init__(self, app, max_bytes: int, read_seconds: float = 30.0):
        self.app, self.max_bytes, self.read_seconds = app, max_bytes, read_seconds

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            return await _refuse(scope, send, self._too_large())
        received, deadline, started = 0, time.monotonic() + self.read_seconds, False

        async def limited_receive():
            nonlocal received
            remaining = deadline - time.monotonic()
            with anyio.move_on_after(max(remaining, 0)) as scope_:
                message = await receive()
            if scope_.cancelled_caught:
                raise _TooSlow()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge()
            return message

        async def tracking_send(message):
            nonlocal started
            started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _refuse(scope, send, self._too_large())
        except _TooSlow:
            if not started:
                await _refuse(scope, send, BodyTimeout(f"the request body did not arrive within {self.read_seconds:g} s"))

    def _too_large(self) -> TooLarge:
        return TooLarge(f"request body larger than the limit of {self.max_bytes} bytes")


async def _refuse(scope, send, error: ServiceError) -> None:
    """Answer with the service's error answer; the connection is closed, as the rest of the body
    may still be on its way."""
    error.headers["Connection"] = "close"
    response = error_response(Request(scope), error)

    async def nothing():
        return {"type": "http.disconnect"}

    await response(scope, nothing, send)


class _TooLarge(Exception):
    pass


class _TooSlow(Exception):
    pass
