"""Fixtures for the publisher tests: a scriptable loopback HTTP server and a fake clock.

``loopback`` is a real ``http.server`` on 127.0.0.1, port 0, in a thread. A test
scripts per-path replies, then asserts on what the server saw::

    loopback.script("/list", loopback.reply(503), loopback.reply(200, b"<html>…"))
    ... client.get(loopback.url("/list")) ...
    assert len(loopback.requests_to("/list")) == 2

A path's replies are served in turn and the last one repeats; unscripted paths
(robots.txt included) answer 404 with an empty body. Besides plain replies a
reply can ``"reset"`` (headers announce 100000 bytes, 100 are sent, the socket
is closed), be ``"slow"`` (wait ``delay`` seconds before answering) or be
``"unsized"`` (no Content-Length; the body ends when the connection closes).

A ``fallback`` (a function of the request, returning a ``Reply``) answers the
paths nothing is scripted for: ``tests/publisher/sitekit.py`` serves a whole fake
county site that way, and a test scripts faults on top of it and ``unscript``s
them when the site "recovers". ``exchanges`` records every request with the
reply it got, so a test can tell a 304 from a 200.
"""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

import pytest
from requests.structures import CaseInsensitiveDict

if TYPE_CHECKING:
    from collections.abc import Callable

_PROXY_VARIABLES = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
)


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()  # pairs, so Set-Cookie may repeat
    behaviour: str = "normal"  # "normal", "reset", "slow" or "unsized"
    delay: float = 0.0


@dataclass(frozen=True)
class Seen:
    method: str
    path: str  # with the query string
    headers: CaseInsensitiveDict[str]
    body: bytes


class ScriptedServer:
    """A loopback HTTP(S) server whose replies a test scripts per path."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.seen: list[Seen] = []
        self.exchanges: list[tuple[Seen, Reply]] = []
        self.fallback: Callable[[Seen], Reply] | None = None
        self.max_in_flight = 0
        self._routes: dict[str, list[Reply]] = {}
        self._in_flight = 0
        self._lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"scripted": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = False  # server_close() waits for the handlers
        if tls is not None:
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
        self.port = self._httpd.server_address[1]
        self.scheme = "https" if tls else "http"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    @staticmethod
    def reply(status: int = 200, body: bytes = b"", **options: object) -> Reply:
        return Reply(status, body, **options)  # type: ignore[arg-type]

    def script(self, path: str, *replies: Reply) -> None:
        with self._lock:
            self._routes[path] = list(replies)

    def unscript(self, *paths: str) -> None:
        """Forget the replies scripted for ``paths`` (the fallback answers again)."""
        with self._lock:
            for path in paths:
                self._routes.pop(path, None)

    def statuses_to(self, path: str) -> list[int]:
        """The status of every reply sent for ``path`` (query ignored), in order."""
        with self._lock:
            return [r.status for s, r in self.exchanges if s.path.split("?")[0] == path]

    def requests_to(self, path: str) -> list[Seen]:
        with self._lock:
            return [seen for seen in self.seen if seen.path.split("?")[0] == path]

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()

    def _arrive(self, seen: Seen) -> Reply:
        with self._lock:
            self.seen.append(seen)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            replies = self._routes.get(seen.path.split("?")[0])
            fallback = self.fallback
            if replies:
                reply: Reply | None = replies.pop(0) if len(replies) > 1 else replies[0]
            else:
                reply = None if fallback else Reply(404, b"", "text/plain")
        if reply is None and fallback is not None:
            try:
                reply = fallback(seen)
            except Exception as exc:  # noqa: BLE001 - a broken fake answers 500, visibly
                reply = Reply(500, repr(exc).encode(), "text/plain")
        assert reply is not None
        with self._lock:
            self.exchanges.append((seen, reply))
        return reply

    def _depart(self) -> None:
        with self._lock:
            self._in_flight -= 1


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 5  # an idle keep-alive connection ends by itself
    # Headers and body go out in separate writes; without this, delayed ACKs cost 40 ms each.
    disable_nagle_algorithm = True
    scripted: ScriptedServer

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Keep the test output quiet."""

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = CaseInsensitiveDict(dict(self.headers.items()))
        reply = self.scripted._arrive(Seen(self.command, self.path, headers, body))
        try:
            if reply.behaviour == "slow":
                time.sleep(reply.delay)
            self.scripted._depart()  # before answering, so a serialised client never overlaps
            self._answer(reply)
        except OSError:  # the client gave up (timeouts)
            self.close_connection = True

    def _answer(self, reply: Reply) -> None:
        self.send_response(reply.status)
        if reply.content_type is not None:
            self.send_header("Content-Type", reply.content_type)
        for name, value in reply.headers:
            self.send_header(name, value)
        if reply.behaviour == "reset":
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(reply.body[:100].ljust(100, b"x"))
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
        elif reply.behaviour == "unsized":
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(reply.body)
            self.close_connection = True
        else:
            if reply.status != 304:
                self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            if reply.status != 304:
                self.wfile.write(reply.body)


class FakeTime:
    """An injected clock and sleep: sleeping records the wait and advances the clock."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch):
    """Keep loopback requests off any proxy or CA bundle set in the environment."""
    for name in _PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture
def loopback():
    server = ScriptedServer()
    yield server
    server.stop()


@pytest.fixture
def fake_time():
    return FakeTime()


@pytest.fixture
def tls_loopback(tmp_path_factory):
    """The same server over HTTPS, with a self-signed certificate for 127.0.0.1."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a self-signed certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = ScriptedServer(tls=context)
    yield server
    server.stop()


@pytest.fixture
def county(loopback):
    """The fake county column of ``sitekit`` (8 notices, 5 a page) on the loopback server."""
    from .sitekit import CountySite  # noqa: PLC0415 - only sync tests need Django's models

    return CountySite(loopback)


@pytest.fixture
def kit(county, tmp_path):
    """The real sync engine on a temp home, aimed at ``county``."""
    from .sitekit import SyncKit  # noqa: PLC0415

    return SyncKit(county, tmp_path)
