"""The query worker holder's load, as the pool sees it: while the holder parses the store into
memory it sends its progress over the control socket (each call of ``store.progress.Display``'s
methods, one length-prefixed pickle each), then ``ready``, or ``failed`` with the LoadError's
text; the pool shows the progress and raises the error.
"""

from __future__ import annotations

import pickle
import socket
import struct

from peersupport.store.loading import LoadError
from peersupport.store.progress import Display


class Forward:
    """The holder's side: each Display method called on it is sent to the pool."""

    def __init__(self, control: socket.socket):
        self._control = control

    def __getattr__(self, method: str):
        return lambda *args: send(self._control, (method, *args))


def send(control: socket.socket, message: tuple) -> None:
    data = pickle.dumps(message)
    control.sendall(struct.pack("!i", len(data)) + data)


def follow(control: socket.socket, receive_exactly) -> None:
    """The pool's side: show the progress until the holder is ready. Raises LoadError when a file
    does not parse, RuntimeError when the holder stopped."""
    display = Display()
    while True:
        try:
            size = struct.unpack("!i", receive_exactly(control, 4))[0]
            method, *args = pickle.loads(receive_exactly(control, size))
        except (OSError, RuntimeError):
            raise RuntimeError("the query worker holder could not load the store") from None
        if method == "ready":
            return
        if method == "failed":
            raise LoadError(args[0])
        getattr(display, method)(*args)
