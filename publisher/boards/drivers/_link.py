"""Byte links to Onbon controllers (TCP or serial) and one request/reply exchange.

The drivers build frames; this module only moves bytes and turns every
transport failure into :class:`BoardUnreachableError`.  A link opens lazily on
the first exchange and is dropped after any failure, so the next push
reconnects.  There are no retries or sleeps here: back-off is the pusher's job.
"""

from __future__ import annotations

import socket
import time
from typing import TYPE_CHECKING, Protocol

import serial

from publisher.boards.drivers.base import BoardRejectedError, BoardUnreachableError
from publisher.boards.drivers.onbon_framing import ACK_GROUP, FrameError, FrameSplitter

if TYPE_CHECKING:
    from collections.abc import Callable

    from publisher.boards.drivers.onbon_framing import Reply

ONBON_TCP_PORT = 5005
_READ_CHUNK = 4096


class ByteLink(Protocol):
    """A bidirectional byte pipe to one controller."""

    def open(self, timeout: float) -> None:
        """Connect; raise OSError or serial.SerialException on failure."""
        ...

    def write(self, data: bytes) -> None:
        """Send all of ``data``."""
        ...

    def read(self, timeout: float) -> bytes:
        """Return some bytes, ``b""`` on timeout; raise ConnectionError at end of stream."""
        ...

    def close(self) -> None:
        """Drop the connection; safe to call twice."""
        ...


class TcpLink:
    """TCP client to a controller in "client mode" (the controller listens)."""

    def __init__(self, host: str, port: int = ONBON_TCP_PORT) -> None:
        self.host = host
        self.port = port
        self._sock: socket.socket | None = None

    def __repr__(self) -> str:
        return f"tcp://{self.host}:{self.port}"

    def open(self, timeout: float) -> None:
        """Connect with ``timeout`` seconds for the handshake."""
        self._sock = socket.create_connection((self.host, self.port), timeout=timeout)
        # Frames are small and answered one at a time: do not let Nagle hold them.
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def write(self, data: bytes) -> None:
        """Send all bytes."""
        self._require().sendall(data)

    def read(self, timeout: float) -> bytes:
        """Read what has arrived within ``timeout``."""
        sock = self._require()
        sock.settimeout(max(timeout, 0.001))
        try:
            data = sock.recv(_READ_CHUNK)
        except TimeoutError:
            return b""
        if not data:
            raise ConnectionResetError("controller closed the connection")
        return data

    def close(self) -> None:
        """Close the socket."""
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def _require(self) -> socket.socket:
        if self._sock is None:
            raise ConnectionError("link not open")
        return self._sock


class SerialLink:
    """RS-232/485 (8N1) via pyserial; ``url`` is a device path or a pyserial URL."""

    def __init__(self, url: str, baud: int = 9600) -> None:
        self.url = url
        self.baud = baud
        self._port: serial.Serial | None = None

    def __repr__(self) -> str:
        return f"serial {self.url} @ {self.baud}"

    def open(self, timeout: float) -> None:
        """Open the port (``serial_for_url`` also accepts ``loop://`` and pty paths)."""
        self._port = serial.serial_for_url(
            self.url, baudrate=self.baud, bytesize=8, parity="N", stopbits=1, timeout=timeout
        )
        # A late reply to an earlier, timed-out request must not answer this one.
        self._port.reset_input_buffer()

    def write(self, data: bytes) -> None:
        """Send all bytes and wait until they left the UART."""
        port = self._require()
        port.write(data)
        port.flush()

    def read(self, timeout: float) -> bytes:
        """Read what has arrived within ``timeout``."""
        port = self._require()
        port.timeout = max(timeout, 0.001)
        first = port.read(1)
        if not first:
            return b""
        return bytes(first) + bytes(port.read(port.in_waiting))

    def close(self) -> None:
        """Close the port."""
        if self._port is not None:
            self._port.close()
            self._port = None

    def _require(self) -> serial.Serial:
        if self._port is None:
            raise ConnectionError("link not open")
        return self._port


def link_for(address: str, *, baud: int = 9600) -> ByteLink:
    """The link an Onbon board's ``address`` names.

    ``/dev/...`` paths and pyserial URLs (``loop://``, ``rfc2217://…``) are
    serial; anything else is ``host[:port]`` over TCP (port 5005 by default).
    """
    if address.startswith("/") or "://" in address:
        return SerialLink(address, baud)
    host, sep, port = address.rpartition(":")
    if not sep:
        return TcpLink(address)
    return TcpLink(host.strip("[]"), int(port))


class Exchanger:
    """Sends one frame and waits for one reply frame over a lazily opened link.

    ``clock`` is injectable so tests can reason about deadlines.
    """

    def __init__(
        self,
        link: ByteLink,
        *,
        timeout: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.link = link
        self.timeout = timeout
        self._clock = clock
        self._open = False

    def exchange(self, frame: bytes) -> bytes:
        """Send ``frame``; return the first complete reply frame.

        Raises:
            BoardUnreachableError: connect refused or timed out, connection
                reset or closed, or no complete reply within ``timeout``.
        """
        try:
            if not self._open:
                self.link.open(self.timeout)
                self._open = True
            self.link.write(frame)
            return self._read_reply()
        except BoardUnreachableError:
            self.close()
            raise
        except (OSError, serial.SerialException) as exc:
            self.close()
            raise BoardUnreachableError(f"{self.link!r}: {_describe(exc)}") from exc

    def acknowledged(
        self, frame: bytes, parse_reply: Callable[[bytes], Reply], board_id: str
    ) -> None:
        """Send an Onbon ``frame`` and return once the card ACKs it (K and G6 alike).

        Raises:
            BoardUnreachableError: no reply, a garbled one, or a frame that is not
                an ACK or NACK (an echo on a serial loop, another device).
            BoardRejectedError: the card answered NACK; ``code`` is its error number.
        """
        raw = self.exchange(frame)
        try:
            reply = parse_reply(raw)
        except FrameError as exc:
            self.close()
            raise BoardUnreachableError(f"board {board_id}: garbled reply ({exc})") from exc
        if reply.group != ACK_GROUP:
            self.close()
            raise BoardUnreachableError(
                f"board {board_id}: unexpected reply "
                f"{reply.group:02X} {reply.cmd:02X}, not an ACK or NACK"
            )
        if not reply.ok:
            raise BoardRejectedError(
                f"board {board_id} refused the update: error {reply.error}, {reply.meaning}",
                code=reply.error,
            )

    def close(self) -> None:
        """Drop the link; the next exchange reconnects."""
        self._open = False
        self.link.close()

    def _read_reply(self) -> bytes:
        splitter = FrameSplitter()
        deadline = self._clock() + self.timeout
        while True:
            left = deadline - self._clock()
            if left <= 0:
                raise BoardUnreachableError(f"{self.link!r}: no reply within {self.timeout:g} s")
            frames = splitter.feed(self.link.read(left))
            if frames:
                return frames[0]


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the controller on and is this its address?)"
    if isinstance(exc, TimeoutError):
        return "timed out connecting"
    if isinstance(exc, ConnectionResetError):
        return "connection reset by the controller"
    return str(exc) or type(exc).__name__
