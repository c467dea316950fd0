"""A fault-injecting TCP proxy on loopback, between the kiosk agents and the publisher.

Every client connection gets its own upstream connection and two pump threads.
The faults act on the bytes the publisher sends back (where a kiosk is hurt)
and on the connections themselves:

* ``cut(count)``: close ``count`` open connections, picked at random (both
  sides), as a dropped link does (``cut()``: every one);
* ``refuse(seconds)``: close new connections at once for a while (network down);
* ``stall(seconds)``: forward nothing from the publisher for a while (in-flight
  requests hang: the agent's deadlines must end them);
* ``throttle(seconds, rate)``: forward the publisher's bytes at ``rate`` bytes/s;
* ``flip(count)``: flip one random bit in each of the next ``count`` chunks from
  the publisher (a corrupted transfer: the agent must refuse what does not verify).

Faults are proxy-wide and may overlap. ``FaultProxy.upstream`` may change (the
publisher restarted on another port). Thread-per-connection: a soak has a few
hundred connections at most.
"""

from __future__ import annotations

import contextlib
import random
import socket
import threading
import time
from dataclasses import dataclass, field

__all__ = ["FaultProxy", "ProxyStats"]

_CHUNK = 16 * 1024


@dataclass
class ProxyStats:
    """What went through the proxy."""

    connections: int = 0
    bytes_down: int = 0
    bytes_up: int = 0
    flipped: int = 0
    refused: int = 0
    cut: int = 0


@dataclass
class _Faults:
    refuse_until: float = 0.0
    stall_until: float = 0.0
    throttle_until: float = 0.0
    rate: float = 0.0
    flips: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class FaultProxy:
    """Listens on 127.0.0.1 (``port``); forwards to ``upstream`` (host, port).

    Args:
        upstream: where the publisher listens.
        rng: randomness for the flipped bits.
    """

    def __init__(self, upstream: tuple[str, int], *, rng: random.Random | None = None) -> None:
        self.upstream = upstream
        self.stats = ProxyStats()
        self._rng = rng or random.Random()
        self._faults = _Faults()
        self._open: dict[socket.socket, socket.socket] = {}  # client → upstream
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=256)
        self.port = self._listener.getsockname()[1]
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="proxy-accept", daemon=True)
        self._thread.start()

    # --- faults ---------------------------------------------------------------------

    def cut(self, count: int | None = None) -> int:
        """Close ``count`` open connections at random (None: all); return how many."""
        with self._lock:
            clients = list(self._open)
            if count is not None:
                clients = self._rng.sample(clients, min(count, len(clients)))
            pairs = [(client, self._open.pop(client)) for client in clients]
        for client, server in pairs:
            _close(client)
            _close(server)
        self.stats.cut += len(pairs)
        return len(pairs)

    def refuse(self, seconds: float) -> None:
        """Close new connections at once for ``seconds``."""
        self._faults.refuse_until = time.monotonic() + seconds

    def stall(self, seconds: float) -> None:
        """Forward nothing from upstream for ``seconds``."""
        self._faults.stall_until = time.monotonic() + seconds

    def throttle(self, seconds: float, rate: float) -> None:
        """Forward upstream's bytes at ``rate`` bytes per second for ``seconds``."""
        self._faults.rate = rate
        self._faults.throttle_until = time.monotonic() + seconds

    def flip(self, count: int = 1) -> None:
        """Flip a random bit in each of the next ``count`` chunks from upstream."""
        with self._faults.lock:
            self._faults.flips += count

    def heal(self) -> None:
        """End every fault in progress (open connections stay)."""
        self._faults.refuse_until = self._faults.stall_until = self._faults.throttle_until = 0
        with self._faults.lock:
            self._faults.flips = 0

    def stop(self) -> None:
        """Stop listening and close everything."""
        self._stopped.set()
        _close(self._listener)
        self.cut()
        self._thread.join(timeout=5)

    # --- the pumps ------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if time.monotonic() < self._faults.refuse_until:
                self.stats.refused += 1
                _close(client)
                continue
            threading.Thread(target=self._connect, args=(client,), daemon=True).start()

    def _connect(self, client: socket.socket) -> None:
        try:
            server = socket.create_connection(self.upstream, timeout=5)
        except OSError:
            _close(client)
            return
        server.settimeout(None)
        self.stats.connections += 1
        with self._lock:
            self._open[client] = server
        threading.Thread(
            target=self._pump, args=(client, server), kwargs={"down": False}, daemon=True
        ).start()
        self._pump(server, client, down=True)

    def _pump(self, source: socket.socket, sink: socket.socket, *, down: bool) -> None:
        try:
            while True:
                data = source.recv(_CHUNK)
                if not data:
                    break
                if down:
                    data = self._hurt(data)
                    self.stats.bytes_down += len(data)
                else:
                    self.stats.bytes_up += len(data)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._open.pop(sink if down else source, None)
            _close(source)
            _close(sink)

    def _hurt(self, data: bytes) -> bytes:
        """Apply the faults in force to one chunk from upstream (blocks while stalled)."""
        faults = self._faults
        while (wait := faults.stall_until - time.monotonic()) > 0:
            time.sleep(min(wait, 0.2))
        with faults.lock:
            flip = faults.flips > 0
            if flip:
                faults.flips -= 1
        if flip:
            hurt = bytearray(data)
            hurt[self._rng.randrange(len(hurt))] ^= 1 << self._rng.randrange(8)
            data = bytes(hurt)
            self.stats.flipped += 1
        if time.monotonic() < faults.throttle_until and faults.rate > 0:
            time.sleep(len(data) / faults.rate)
        return data


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()
