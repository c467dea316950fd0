"""HTTP for the agent: one urllib3 pool, bounded reads, deadlines, counted bytes.

``HttpClient`` is what the agent talks through (metadata, objects, heartbeats,
the poke stream); tests count its requests and bytes. ``TufFetcher`` adapts it
to tuf's ``FetcherInterface`` and adds what ngclient does not do itself: a
conditional GET of ``timestamp.json`` (``If-None-Match`` with the ETag of the
last copy; on 304 the same bytes are handed to ngclient, which verifies them
as usual and sees "no new version"), and reading no byte past ngclient's
length limit of each file (a 50 MB ``timestamp.json`` is refused after 16 KiB).

Deadlines: urllib3's read timeout applies between two bytes, so a server that
drips a byte every few seconds holds a request for as long as it likes. Every
request therefore also has an overall deadline, ``deadline + size / min_rate``
seconds for a response of at most ``size`` bytes (headers included), and one
watchdog thread shuts the socket of a request past its deadline; the request
then fails with ``FetchError`` ("deadline") wherever it was (connecting,
waiting for headers, reading the body).
"""

from __future__ import annotations

import contextlib
import io
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

import urllib3
from tuf.api import exceptions as tuf_exceptions
from tuf.ngclient import FetcherInterface
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from kiosk.agent.errors import FetchError

if TYPE_CHECKING:
    from collections.abc import Generator, Iterator, Mapping

__all__ = ["HttpClient", "HttpResponse", "TufFetcher"]

#: Metadata and manifests are small; ngclient checks the exact limits itself.
TUF_MAX_BYTES = 8 * 1024 * 1024
_CHUNK = 64 * 1024
#: Seconds every request may take whatever its size (latency, headers, a slow start).
DEFAULT_DEADLINE = 20.0
#: Bytes per second below which a download is given up (a hall's worst uplink is faster).
DEFAULT_MIN_RATE = 32 * 1024


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """A finished response: status, headers, body (at most ``max_bytes + 1`` long)."""

    status: int
    headers: Mapping[str, str]
    body: bytes


class HttpClient:
    """A small, thread-safe HTTP client over one urllib3 pool.

    Args:
        connect_timeout: seconds to connect.
        read_timeout: seconds between bytes.
        deadline: seconds any request may take, plus its size at ``min_rate``.
        min_rate: bytes per second a download must keep up on average.
        retries: retries of connection errors and 502/503/504 (with backoff).
        user_agent: the User-Agent header.
        pool: a urllib3 pool to use (tests pass their own; deadlines need
            ``deadline_pool_classes`` in it).
    """

    def __init__(
        self,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        deadline: float = DEFAULT_DEADLINE,
        min_rate: float = DEFAULT_MIN_RATE,
        retries: int = 2,
        user_agent: str = "gongkai-kiosk",
        pool: urllib3.PoolManager | None = None,
    ) -> None:
        self.timeout = urllib3.Timeout(connect=connect_timeout, read=read_timeout)
        self.deadline = deadline
        self.min_rate = min_rate
        retry = urllib3.Retry(
            total=retries,
            connect=retries,
            # Once: a kept-alive connection the server (or a proxy between) closed just
            # as it was reused ends "without response"; a GET is safe to send again, on
            # a new connection, and the request's deadline bounds both tries. (urllib3
            # never retries once the body is being read.)
            read=1,
            redirect=3,
            status=retries,
            status_forcelist=(502, 503, 504),
            backoff_factor=0.2,
            backoff_max=2.0,
            raise_on_status=False,
            respect_retry_after_header=False,
        )
        self._retry = retry
        if pool is None:
            pool = urllib3.PoolManager(
                num_pools=4, maxsize=8, retries=retry, headers={"User-Agent": user_agent}
            )
            pool.pool_classes_by_scheme = deadline_pool_classes()
        self._pool = pool
        self._lock = threading.Lock()
        self.requests = 0
        self.bytes_received = 0

    def get(
        self, url: str, *, max_bytes: int, headers: Mapping[str, str] | None = None
    ) -> HttpResponse:
        """GET ``url``; read at most ``max_bytes + 1`` bytes of the body.

        A 304 is returned like a 200; any status of 400 or more is an error.
        The whole request must end within ``seconds_for(max_bytes)``.

        Raises:
            FetchError: no connection, a timeout, the deadline, or an HTTP error status.
        """
        with self._deadline(url, max_bytes) as deadline:
            response = self._opened(deadline, "GET", url, headers=headers, timeout=self.timeout)
            complete = False
            try:
                if response.status >= 400:
                    raise FetchError(
                        f"HTTP {response.status} for {url}", url=url, status=response.status
                    )
                body = bytearray()
                while len(body) <= max_bytes:  # never a byte past the limit's first
                    chunk = response.read(min(_CHUNK, max_bytes + 1 - len(body)))
                    if not chunk:
                        complete = not deadline.expired  # a cut socket also ends a body
                        break
                    body += chunk
                self._count(len(body))
                deadline.check()
                return HttpResponse(response.status, response.headers.copy(), bytes(body))
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                deadline.check()
                raise FetchError(f"download of {url} failed: {_reason(exc)}", url=url) from exc
            finally:
                _finish(response, reuse=complete)

    def seconds_for(self, size: int) -> float:
        """The deadline of a request whose response has at most ``size`` bytes."""
        return self.deadline + size / self.min_rate

    def post_json(self, url: str, payload: Any, *, headers: Mapping[str, str] | None = None) -> int:
        """POST a JSON body; return the status (the body is read and dropped).

        Raises:
            FetchError: no connection or a timeout.
        """
        status, _ = self.post_json_answer(url, payload, headers=headers)
        return status

    def post_json_answer(
        self, url: str, payload: Any, *, headers: Mapping[str, str] | None = None
    ) -> tuple[int, dict[str, str]]:
        """POST a JSON body; return the status and the answer's headers (lower-case names).

        Raises:
            FetchError: no connection or a timeout.
        """
        body = json.dumps(payload, ensure_ascii=False).encode()
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        with self._deadline(url, len(body) + _CHUNK) as deadline:
            response = self._opened(
                deadline,
                "POST",
                url,
                headers=all_headers,
                body=body,
                timeout=self.timeout,
                retries=False,
            )
            complete = False
            try:
                data = response.read(_CHUNK)
                complete = len(data) < _CHUNK and not deadline.expired
                self._count(len(data))
                deadline.check()
                answer = {name.lower(): value for name, value in response.headers.items()}
                return int(response.status), answer
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                deadline.check()
                raise FetchError(f"POST to {url} failed: {_reason(exc)}", url=url) from exc
            finally:
                _finish(response, reuse=complete)

    def stream(self, url: str, *, read_timeout: float) -> urllib3.BaseHTTPResponse:
        """Open a long-lived GET (server-sent events); the caller reads and closes it.

        Opening it (connecting, the status line and headers) has the deadline of
        a small request; the stream itself then has ``read_timeout`` between reads.

        Raises:
            FetchError: no connection, the deadline, or an HTTP error status.
        """
        timeout = urllib3.Timeout(connect=self.timeout.connect_timeout, read=read_timeout)
        with self._deadline(url, _CHUNK) as deadline:
            response = self._opened(
                deadline,
                "GET",
                url,
                headers={"Accept": "text/event-stream"},
                timeout=timeout,
                retries=False,
            )
            if deadline.expired:
                _finish(response, reuse=False)
                deadline.check()
        if response.status >= 400:
            _finish(response, reuse=False)
            raise FetchError(f"HTTP {response.status} for {url}", url=url, status=response.status)
        return response

    def count(self, size: int) -> None:
        """Count ``size`` bytes received outside ``get`` (the poke stream)."""
        self._count(size)

    def clear(self) -> None:
        """Drop pooled connections (after a fork, or when shutting down)."""
        self._pool.clear()

    def _opened(self, deadline: _Deadline, *args: Any, **kwargs: Any) -> urllib3.BaseHTTPResponse:
        """``_open``, its failure named as the deadline's when that was the cause."""
        try:
            return self._open(*args, **kwargs)
        except FetchError:
            deadline.check()
            raise

    def _open(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None,
        timeout: urllib3.Timeout,
        body: bytes | None = None,
        retries: bool | None = None,
    ) -> urllib3.BaseHTTPResponse:
        if not url.startswith(("http://", "https://")):
            raise FetchError(f"not an http(s) URL: {url}", url=url)
        with self._lock:
            self.requests += 1
        try:
            return self._pool.request(
                method,
                url,
                headers=dict(headers) if headers else None,
                body=body,
                preload_content=False,
                timeout=timeout,
                retries=self._retry if retries is None else retries,
            )
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise FetchError(f"cannot reach {url}: {_reason(exc)}", url=url) from exc

    def _count(self, size: int) -> None:
        with self._lock:
            self.bytes_received += size

    @contextlib.contextmanager
    def _deadline(self, url: str, size: int) -> Generator[_Deadline]:
        """Arm the watchdog for one request on this thread; disarm it afterwards."""
        seconds = self.seconds_for(size)
        deadline = _Deadline(url=url, seconds=seconds, at=time.monotonic() + seconds)
        _current.deadline = deadline
        _WATCHDOG.arm(deadline)
        try:
            yield deadline
        finally:
            _current.deadline = None
            _WATCHDOG.disarm(deadline)


class TufFetcher(FetcherInterface):
    """ngclient's fetcher over an ``HttpClient``: conditional timestamp.json, exact limits.

    ngclient gives every download its length limit (16 KiB for timestamp.json
    by default, the signed length of a target); this reads no further than
    that, and the request's deadline follows from it.

    Args:
        http: the client.
    """

    def __init__(self, http: HttpClient) -> None:
        self._http = http
        self._cached: dict[str, tuple[str, bytes]] = {}

    @contextlib.contextmanager
    def download_file(self, url: str, max_length: int) -> Iterator[IO[bytes]]:
        """Download ``url``, at most ``max_length`` bytes of it (one more is refused).

        Raises:
            tuf.api.exceptions.DownloadLengthMismatchError: the file is longer.
            tuf.api.exceptions.DownloadHTTPError: the server answered an error status.
            tuf.api.exceptions.DownloadError: any other failure (the deadline included).
        """
        data = self._get(url, max_length)
        if len(data) > max_length:
            raise tuf_exceptions.DownloadLengthMismatchError(
                f"{url} is longer than the allowed {max_length} bytes"
            )
        yield io.BytesIO(data)

    def _fetch(self, url: str) -> Iterator[bytes]:
        """Return the body of ``url`` in one chunk (for a caller that gives no limit).

        Raises:
            tuf.api.exceptions.DownloadHTTPError: the server answered an error status.
            tuf.api.exceptions.DownloadError: any other failure.
        """
        return iter([self._get(url, TUF_MAX_BYTES)])

    def _get(self, url: str, max_length: int) -> bytes:
        conditional = url.endswith("/timestamp.json")
        cached = self._cached.get(url) if conditional else None
        headers = {"If-None-Match": cached[0]} if cached else None
        try:
            response = self._http.get(url, max_bytes=max_length, headers=headers)
        except FetchError as exc:
            if exc.status is not None:
                raise tuf_exceptions.DownloadHTTPError(str(exc), exc.status) from exc
            raise tuf_exceptions.DownloadError(str(exc)) from exc
        if response.status == 304 and cached is not None:
            return cached[1]
        if response.status != 200:
            raise tuf_exceptions.DownloadHTTPError(
                f"HTTP {response.status} for {url}", response.status
            )
        etag = response.headers.get("ETag")
        if conditional and etag and len(response.body) <= max_length:
            self._cached[url] = (etag, response.body)
        return response.body


# --- deadlines ----------------------------------------------------------------------


@dataclass(eq=False, slots=True)
class _Deadline:
    """One request's deadline; the connection it runs on, once it has one."""

    url: str
    seconds: float
    at: float
    connection: HTTPConnection | None = None
    expired: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def attach(self, connection: HTTPConnection) -> None:
        """The request is being sent on ``connection``."""
        with self._lock:
            self.connection = connection
        if self.expired:
            self.cut()

    def cut(self) -> None:
        """Past the deadline: shut the socket, so whatever blocks on it returns at once."""
        self.expired = True
        with self._lock:
            sock = getattr(self.connection, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def check(self) -> None:
        """Raise ``FetchError`` if the deadline passed."""
        if self.expired:
            raise FetchError(
                f"deadline: {self.url} took longer than {self.seconds:.0f} s "
                "(the server is stalled or too slow)",
                url=self.url,
            )


class _Watchdog:
    """One daemon thread for the process: cuts every armed request past its deadline.

    An expired request stays armed until its thread disarms it, and is cut again
    every tick meanwhile (a retry on a new connection is cut too).
    """

    _TICK = 0.1

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._armed: set[_Deadline] = set()
        self._thread: threading.Thread | None = None

    def arm(self, deadline: _Deadline) -> None:
        with self._cond:
            self._armed.add(deadline)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="http-deadlines", daemon=True
                )
                self._thread.start()
            self._cond.notify()

    def disarm(self, deadline: _Deadline) -> None:
        with self._cond:
            self._armed.discard(deadline)

    def _run(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                due = [d for d in self._armed if d.at <= now]
                for deadline in due:
                    deadline.cut()
                waiting = [d.at for d in self._armed if d.at > now]
                if due:
                    timeout: float | None = self._TICK
                else:
                    timeout = min(waiting) - now if waiting else None
                self._cond.wait(timeout)


_WATCHDOG = _Watchdog()
_current = threading.local()


class _DeadlineConnection(HTTPConnection):
    """A connection that hands itself to the deadline of the request sent on it."""

    def request(self, *args: Any, **kwargs: Any) -> None:
        deadline: _Deadline | None = getattr(_current, "deadline", None)
        if deadline is not None:
            deadline.attach(self)
        super().request(*args, **kwargs)


class _DeadlineHTTPSConnection(HTTPSConnection):
    """``_DeadlineConnection`` over TLS."""

    def request(self, *args: Any, **kwargs: Any) -> None:
        deadline: _Deadline | None = getattr(_current, "deadline", None)
        if deadline is not None:
            deadline.attach(self)
        super().request(*args, **kwargs)


class _DeadlinePool(HTTPConnectionPool):
    ConnectionCls = _DeadlineConnection


class _DeadlineHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _DeadlineHTTPSConnection


def deadline_pool_classes() -> dict[str, type[HTTPConnectionPool]]:
    """Pool classes whose connections obey the request deadlines (for a PoolManager)."""
    return {"http": _DeadlinePool, "https": _DeadlineHTTPSPool}


def _finish(response: urllib3.BaseHTTPResponse, *, reuse: bool) -> None:
    """Hand the connection back for reuse if its body was read to the end, else close it."""
    if not reuse:
        response.close()
    response.release_conn()


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None)
    return str(reason or exc) or type(exc).__name__
