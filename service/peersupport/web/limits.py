"""Limits on request bodies for every endpoint: 413 when the body is larger than the cap, whether
the client announces its length or streams it; 408 when it has not all arrived by the deadline
(a client trickling its upload must not hold a connection open for ever)."""

from __future__ import annotations

import time

import anyio


class BodySizeLimit:
    def __init__(self, app, max_bytes: int, read_seconds: float = 30.0):
        self.app, self.max_bytes, self.read_seconds = app, max_bytes, read_seconds

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            return await _refuse(send, 413, f"request body larger than the limit of {self.max_bytes} bytes")
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
                await _refuse(send, 413, f"request body larger than the limit of {self.max_bytes} bytes")
        except _TooSlow:
            if not started:
                await _refuse(send, 408, f"the request body did not arrive within {self.read_seconds:g} s")


async def _refuse(send, status: int, message: str) -> None:
    body = (message + "\n").encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


class _TooSlow(Exception):
    pass
