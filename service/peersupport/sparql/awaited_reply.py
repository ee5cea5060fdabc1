"""Awaiting a query worker's reply on the event loop (``QueryPool.execute_async``): the loop
watches the worker's pipe, so a small query costs no thread hop, which costs more than the query.

uvloop (which uvicorn runs when installed) leaves a watched descriptor non-blocking (libuv's
``uv_poll_init`` sets ``O_NONBLOCK`` and nothing clears it): a blocking ``recv`` of a reply that
arrives in parts (a large answer, or one written while the worker was descheduled between the
length and the bytes) then failed half-way with ``BlockingIOError``, which the pool took for a
dead worker (a 503, the worker replaced) under concurrent heavy queries. So the descriptor is made
blocking again once watched, a reply is read on the loop only when all of it has arrived, and
else on a thread, where waiting for the rest holds up nothing.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import socket
import struct
import termios
from multiprocessing.connection import Connection


async def await_reply(connection: Connection, timeout: float) -> tuple[bool, object]:
    """(True, the reply) once the worker answers, (False, None) past ``timeout`` seconds; raises
    what ``Connection.recv`` raises (EOFError, OSError) when the worker is gone."""
    loop = asyncio.get_running_loop()
    descriptor = connection.fileno()
    readable = loop.create_future()
    loop.add_reader(descriptor, lambda: readable.done() or readable.set_result(None))
    try:
        await asyncio.wait_for(readable, timeout)
    except asyncio.TimeoutError:
        return False, None
    finally:
        loop.remove_reader(descriptor)
        os.set_blocking(descriptor, True)
    if whole_message_waiting(descriptor):
        return True, connection.recv()
    import anyio

    return True, await anyio.to_thread.run_sync(connection.recv)


def whole_message_waiting(descriptor: int) -> bool:
    """Whether a whole message of ``multiprocessing.connection`` (a 4-byte length, or -1 and an
    8-byte length, then the bytes) is waiting on the socket ``descriptor``, so that reading it
    cannot block."""
    waiting = struct.unpack("i", fcntl.ioctl(descriptor, termios.FIONREAD, b"\0" * 4))[0]
    if waiting < 4:
        return False
    peek = socket.socket(fileno=descriptor)
    try:
        header = peek.recv(12, socket.MSG_PEEK | socket.MSG_DONTWAIT)
    except BlockingIOError:
        return False
    finally:
        peek.detach()  # the descriptor stays the connection's
    size = struct.unpack("!i", header[:4])[0]
    if size != -1:
        return waiting >= 4 + size
    return len(header) == 12 and waiting >= 12 + struct.unpack("!Q", header[4:])[0]
