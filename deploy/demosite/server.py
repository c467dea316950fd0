"""Serve a ``DemoSite`` over real HTTP on a local socket.

A small threaded server from the standard library: the demo site is a stand-in
for a county's web server in tests and demos, not a production service.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, ClassVar, Self

from demosite.app import DemoSite, Request, Response

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["DemoServer"]

_MAX_BODY = 64 * 1024


class DemoServer:
    """A ``DemoSite`` listening on ``host:port`` (port 0 picks a free one).

    Use as a context manager to run it in a background thread::

        with DemoServer(host="127.0.0.1", port=0, seed=2008) as server:
            urllib.request.urlopen(server.url + "/zwgk/ldxx/")

    Args:
        host: address to bind; 127.0.0.1 unless told otherwise.
        port: port to bind; 0 for any free port.
        seed: the demo county's seed.
        mutate: mutation rounds applied before serving.
        log: called with one line per request, or None for silence.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 8600,
        seed: int,
        mutate: int = 0,
        control_token: str | None = None,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self._httpd = ThreadingHTTPServer((host, port), _Handler)
        self._httpd.daemon_threads = True
        bound_host, bound_port = self._httpd.server_address[:2]
        host_text = bound_host.decode() if isinstance(bound_host, bytes) else bound_host
        self.url = f"http://{host_text}:{bound_port}"
        self.site = DemoSite(
            base_url=self.url, seed=seed, mutate=mutate, control_token=control_token
        )
        self._httpd.site = self.site  # type: ignore[attr-defined]
        self._httpd.log = log  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None

    def serve_forever(self) -> None:
        """Serve in this thread until ``shutdown`` (or Ctrl-C)."""
        try:
            self._httpd.serve_forever(poll_interval=0.2)
        finally:
            self._httpd.server_close()

    def shutdown(self) -> None:
        """Stop serving and close the socket."""
        self._httpd.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd.server_close()

    def __enter__(self) -> Self:
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()


class _Handler(BaseHTTPRequestHandler):
    server_version = "TRS-Demo/1.0"
    # Headers and body go out in two writes; without this, delayed ACKs cost 40 ms each.
    disable_nagle_algorithm = True
    sys_version = ""
    protocol_version = "HTTP/1.1"
    methods: ClassVar[frozenset[str]] = frozenset({"GET", "HEAD", "POST"})

    def do_GET(self) -> None:
        self._answer()

    def do_HEAD(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_BODY:
            self.send_error(413)
            return
        body = self.rfile.read(length) if length else b""
        site: DemoSite = self.server.site  # type: ignore[attr-defined]
        request = Request(self.command, self.path, dict(self.headers.items()), body)
        try:
            response = site.handle(request)
        except Exception as exc:  # noqa: BLE001 - a page bug must answer 500, not drop the socket
            self.log_error("error answering %s: %r", self.path, exc)
            response = Response(500, b"500 internal error\n", {"Content-Type": "text/plain"})
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        log = self.server.log  # type: ignore[attr-defined]
        if log is not None:
            log(f"{self.address_string()} {format % args}")
