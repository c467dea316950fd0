"""Deadlines in the agent (issue 12, section 2): a stalled or dripping publisher cannot hang it.

Each case is one reproduced failure, against a misbehaving server on loopback
(``Misbehaving``: a raw socket server, so it can drip headers too). Before the
fix a drip of one byte every few seconds held a refresh for hours (urllib3's
read timeout applies between bytes), heartbeats stopped with it, and a 50 MB
``timestamp.json`` was read to 8 MB before the 16 KiB limit refused it.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import threading
import time
from typing import TYPE_CHECKING

import pytest

from kiosk.agent import FetchError, VerificationError, state_load

from .repokit import TOKEN

if TYPE_CHECKING:
    from collections.abc import Callable

#: The test's deadlines: every request may take 1 s plus its size at MIN_RATE
#: (a 512 KB root.json, ngclient's limit, 0.5 s more).
DEADLINE = 1.0
MIN_RATE = 1_000_000


class Misbehaving:
    """A loopback HTTP server that answers heartbeats and misbehaves on some paths.

    ``behaviour(path, wfile, stop)`` writes whatever it likes for a GET of a path
    that contains ``where``; every other path is served from ``folder`` properly
    (a good publisher), so a kiosk can first activate.
    """

    def __init__(self, folder) -> None:
        self.folder = folder
        self.heartbeats = 0
        self.behaviour: Callable | None = None
        self.where = "/repo/"
        self.stopping = threading.Event()
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                with contextlib.suppress(OSError):
                    while not outer.stopping.is_set() and outer._one(self.rfile, self.wfile):
                        pass

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

            def handle_error(self, request, client_address) -> None:
                """A client that gave up is the point of these tests."""

        self._server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def _one(self, rfile, wfile) -> bool:
        line = rfile.readline(8192)
        if not line:
            return False
        method, path, _ = line.decode("latin-1").split(" ", 2)
        length = 0
        while (header := rfile.readline(8192)) not in {b"\r\n", b"\n", b""}:
            name, _, value = header.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        rfile.read(length)
        if method == "POST":
            self.heartbeats += 1
            wfile.write(b"HTTP/1.1 204 No Content\r\n\r\n")
            return True
        if self.where in path and self.behaviour is not None:
            self.behaviour(path, wfile, self.stopping)
            return False
        target = self.folder / path.removeprefix("/repo/")
        if path.startswith("/repo/") and ".." not in path and target.is_file():
            body = target.read_bytes()
            wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        else:
            wfile.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
        return True


def drip_body(every: float) -> Callable:
    """Headers at once, then the body a byte at a time."""

    def behave(_path, wfile, stop) -> None:
        wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 4000\r\n\r\n")
        while not stop.wait(every):
            wfile.write(b"{")
            wfile.flush()

    return behave


def drip_headers(every: float) -> Callable:
    """The status line, then a header line every ``every`` seconds, forever."""

    def behave(_path, wfile, stop) -> None:
        wfile.write(b"HTTP/1.1 200 OK\r\n")
        while not stop.wait(every):
            wfile.write(b"X-Slow: 1\r\n")
            wfile.flush()

    return behave


def silent(_path, _wfile, stop) -> None:
    """Accept the request and never answer."""
    stop.wait(60)


def huge_timestamp(path, wfile, stop) -> None:
    """A 50 MB timestamp.json, streamed."""
    size = 50 * 1024 * 1024
    wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % size)
    chunk = b" " * 65536
    for _ in range(size // len(chunk)):
        if stop.is_set():
            return
        wfile.write(chunk)


@pytest.fixture
def misbehaving(publisher):
    servers: list[Misbehaving] = []

    def make() -> Misbehaving:
        server = Misbehaving(publisher.repo_v1)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


def _refresh_within(agent, seconds: float):
    """Refresh on a thread; the report, or fail if it is still running after ``seconds``."""
    reports = []
    worker = threading.Thread(target=lambda: reports.append(agent.refresh()), daemon=True)
    started = time.monotonic()
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"the refresh was still running after {seconds} s"
    return reports[0], time.monotonic() - started


@pytest.mark.parametrize(
    "behaviour",
    [drip_body(0.2), drip_headers(0.2), silent],
    ids=["a body dripped a byte at a time", "headers dripped a line at a time", "no answer"],
)
def test_a_stalled_or_dripping_timestamp_fails_the_refresh_by_its_deadline(
    misbehaving, new_home, make_agent, behaviour
):
    server = misbehaving()
    server.where = "/timestamp.json"  # root.json is served (no newer root: 404)
    server.behaviour = behaviour
    agent = make_agent(
        server.url, new_home(), deadline=DEADLINE, min_rate=MIN_RATE, read_timeout=30.0
    )
    report, seconds = _refresh_within(agent, 15)
    assert report.result == "failed"
    assert isinstance(report.error, FetchError)
    assert "deadline" in str(report.error)
    # timestamp.json's 16 KiB at MIN_RATE add nothing; nothing more is tried after it.
    assert seconds < DEADLINE + 3
    assert state_load(agent.home.state).last_error_kind == "fetch"


def test_a_dripped_object_fails_by_its_deadline_and_active_stays(
    misbehaving, new_home, make_agent, publisher
):
    server = misbehaving()
    agent = make_agent(server.url, new_home(), deadline=DEADLINE, min_rate=MIN_RATE)
    assert agent.refresh().result == "activated"
    before = (agent.home.active).readlink()
    server.folder = publisher.repo_v2  # v2 is signed; its objects drip
    server.where = "/repo/objects/"
    server.behaviour = drip_body(0.2)
    report, seconds = _refresh_within(agent, 15)
    assert report.result == "failed"
    assert "deadline" in str(report.error)
    assert seconds < 8
    assert (agent.home.active).readlink() == before


def test_a_huge_timestamp_is_not_read_past_its_limit(misbehaving, new_home, make_agent):
    server = misbehaving()
    server.where = "/timestamp.json"
    server.behaviour = huge_timestamp
    agent = make_agent(server.url, new_home())
    report, _ = _refresh_within(agent, 30)
    assert report.result == "failed"
    assert isinstance(report.error, VerificationError)
    # ngclient's limit for timestamp.json is 16 KiB: one byte past it is enough to refuse.
    assert agent.http.bytes_received <= 16 * 1024 + 1


def test_heartbeats_keep_coming_while_a_refresh_is_stuck(misbehaving, new_home, make_agent):
    server = misbehaving()
    home = new_home()
    first = make_agent(server.url, home)
    assert first.refresh().result == "activated"
    server.where = "/timestamp.json"
    server.behaviour = drip_body(0.5)  # every refresh from now on drips until its deadline
    agent = make_agent(
        server.url, home, token=TOKEN, deadline=30.0, heartbeat_interval=0.2, pokes=False
    )
    refreshing = threading.Event()
    original = agent.refresh

    def recording():
        refreshing.set()
        return original()

    agent.refresh = recording
    loop = threading.Thread(target=agent.run_forever, daemon=True)
    loop.start()
    try:
        assert refreshing.wait(5)
        beats = server.heartbeats
        time.sleep(2.0)  # the refresh is stuck in its 30 s deadline all this time
        assert server.heartbeats - beats >= 5
    finally:
        agent.stop()
        server.stop()  # cuts the drip: the refresh ends, the loop returns
        loop.join(timeout=40)
    assert not loop.is_alive()


def test_a_heartbeat_to_a_silent_publisher_ends_by_its_deadline(misbehaving, new_home, make_agent):
    server = misbehaving()
    agent = make_agent(server.url, new_home(), token=TOKEN, deadline=DEADLINE, min_rate=MIN_RATE)
    # A server that accepts and never answers a POST.
    with socket.create_server(("127.0.0.1", 0)) as quiet:
        url = f"http://127.0.0.1:{quiet.getsockname()[1]}/api/devices/heartbeat"
        started = time.monotonic()
        with pytest.raises(FetchError, match="deadline"):
            agent.http.post_json(url, {"applied_version": None})
        assert time.monotonic() - started < DEADLINE + 2


def test_a_kept_alive_connection_closed_as_it_is_reused_is_tried_again():
    # The soak's most common failure: the publisher (or a proxy between) closes an idle
    # keep-alive connection just as the agent sends its next request on it. The request
    # ends "without response"; a GET is sent again on a new connection.
    from kiosk.agent._http import HttpClient  # noqa: PLC0415 - the unit under test

    served = []

    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            for number in range(2):
                if not self.rfile.readline():
                    return
                while self.rfile.readline() not in {b"\r\n", b""}:
                    pass
                if served and number == 1:  # the reused connection: drop it, unanswered
                    return
                served.append(number)
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")

    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler) as server:
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/repo/metadata/timestamp.json"
        http = HttpClient(deadline=DEADLINE)
        assert http.get(url, max_bytes=100).body == b"ok"
        assert http.get(url, max_bytes=100).body == b"ok"  # refused unanswered, then again
        assert http.requests == 2  # the retry is urllib3's, inside one request
        server.shutdown()
