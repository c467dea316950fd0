"""The soak's fault proxy (bench/soakkit/proxy.py) does what each fault says, on loopback."""

from __future__ import annotations

import random
import socket
import threading
import time

import pytest
from soakkit.proxy import FaultProxy

PAYLOAD = bytes(range(256)) * 256  # 64 KiB


@pytest.fixture
def upstream():
    """A server that answers every connection's first bytes with PAYLOAD, then closes."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                client, _ = server.accept()
            except OSError:
                return
            with client:
                client.recv(100)
                client.sendall(PAYLOAD)

    threading.Thread(target=serve, daemon=True).start()
    yield server.getsockname()
    stop.set()
    server.close()


@pytest.fixture
def proxy(upstream):
    proxy = FaultProxy(upstream, rng=random.Random(7))
    yield proxy
    proxy.stop()


def _fetch(proxy: FaultProxy, timeout: float = 10) -> bytes:
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=timeout) as sock:
        sock.sendall(b"GET")
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data


def test_bytes_pass_unchanged_without_faults(proxy):
    assert _fetch(proxy) == PAYLOAD
    assert proxy.stats.bytes_down == len(PAYLOAD)


def test_a_flip_changes_exactly_one_bit(proxy):
    proxy.flip(1)
    data = _fetch(proxy)
    assert len(data) == len(PAYLOAD)
    diff = [a ^ b for a, b in zip(data, PAYLOAD, strict=True) if a != b]
    assert len(diff) == 1
    assert diff[0].bit_count() == 1
    assert _fetch(proxy) == PAYLOAD  # one flip, one chunk


def test_refused_connections_are_closed_at_once(proxy):
    proxy.refuse(0.5)
    assert _fetch(proxy) == b""
    time.sleep(0.6)
    assert _fetch(proxy) == PAYLOAD
    assert proxy.stats.refused == 1


def test_a_stall_holds_the_bytes_until_it_ends(proxy):
    proxy.stall(0.8)
    started = time.monotonic()
    assert _fetch(proxy) == PAYLOAD
    assert time.monotonic() - started >= 0.7


def test_a_throttle_slows_the_transfer_to_its_rate(proxy):
    proxy.throttle(10, rate=64 * 1024)  # 64 KiB at 64 KiB/s: about a second
    started = time.monotonic()
    assert _fetch(proxy) == PAYLOAD
    assert time.monotonic() - started >= 0.8


def test_a_cut_closes_open_connections(upstream):
    slow = FaultProxy(upstream)
    try:
        slow.stall(30)  # the reply is held in the proxy...
        with socket.create_connection(("127.0.0.1", slow.port), timeout=10) as sock:
            sock.sendall(b"GET")
            time.sleep(0.3)
            assert slow.cut() >= 1  # ...until the link is cut
            started = time.monotonic()
            assert sock.recv(65536) == b""
            assert time.monotonic() - started < 5
    finally:
        slow.heal()
        slow.stop()
