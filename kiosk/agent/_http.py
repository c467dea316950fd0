"""HTTP for the agent: one urllib3 pool, bounded reads, counted bytes.

``HttpClient`` is what the agent talks through (metadata, objects, heartbeats,
the poke stream); tests count its requests and bytes. ``TufFetcher`` adapts it
to tuf's ``FetcherInterface`` and adds what ngclient does not do itself: a
conditional GET of ``timestamp.json`` (``If-None-Match`` with the ETag of the
last copy; on 304 the same bytes are handed to ngclient, which verifies them
as usual and sees "no new version").
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import urllib3
from tuf.api import exceptions as tuf_exceptions
from tuf.ngclient import FetcherInterface

from kiosk.agent.errors import FetchError

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

__all__ = ["HttpClient", "HttpResponse", "TufFetcher"]

#: Metadata and manifests are small; ngclient checks the exact limits itself.
TUF_MAX_BYTES = 8 * 1024 * 1024
_CHUNK = 64 * 1024


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
        retries: retries of connection errors and 502/503/504 (with backoff).
        user_agent: the User-Agent header.
        pool: a urllib3 pool to use (tests pass their own).
    """

    def __init__(
        self,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        retries: int = 2,
        user_agent: str = "gongkai-kiosk",
        pool: urllib3.PoolManager | None = None,
    ) -> None:
        self.timeout = urllib3.Timeout(connect=connect_timeout, read=read_timeout)
        retry = urllib3.Retry(
            total=retries,
            connect=retries,
            read=0,
            redirect=3,
            status=retries,
            status_forcelist=(502, 503, 504),
            backoff_factor=0.2,
            backoff_max=2.0,
            raise_on_status=False,
            respect_retry_after_header=False,
        )
        self._retry = retry
        self._pool = pool or urllib3.PoolManager(
            num_pools=4, maxsize=8, retries=retry, headers={"User-Agent": user_agent}
        )
        self._lock = threading.Lock()
        self.requests = 0
        self.bytes_received = 0

    def get(
        self, url: str, *, max_bytes: int, headers: Mapping[str, str] | None = None
    ) -> HttpResponse:
        """GET ``url``; read at most ``max_bytes + 1`` bytes of the body.

        A 304 is returned like a 200; any status of 400 or more is an error.

        Raises:
            FetchError: no connection, a timeout, or an HTTP error status.
        """
        response = self._open("GET", url, headers=headers, timeout=self.timeout)
        complete = False
        try:
            if response.status >= 400:
                raise FetchError(
                    f"HTTP {response.status} for {url}", url=url, status=response.status
                )
            body = bytearray()
            for chunk in response.stream(_CHUNK):
                body += chunk
                if len(body) > max_bytes:
                    break
            else:
                complete = True
            self._count(len(body))
            return HttpResponse(response.status, response.headers.copy(), bytes(body))
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise FetchError(f"download of {url} failed: {_reason(exc)}", url=url) from exc
        finally:
            _finish(response, reuse=complete)

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
        response = self._open(
            "POST", url, headers=all_headers, body=body, timeout=self.timeout, retries=False
        )
        complete = False
        try:
            data = response.read(_CHUNK)
            complete = len(data) < _CHUNK
            self._count(len(data))
            answer = {name.lower(): value for name, value in response.headers.items()}
            return int(response.status), answer
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise FetchError(f"POST to {url} failed: {_reason(exc)}", url=url) from exc
        finally:
            _finish(response, reuse=complete)

    def stream(self, url: str, *, read_timeout: float) -> urllib3.BaseHTTPResponse:
        """Open a long-lived GET (server-sent events); the caller reads and closes it.

        Raises:
            FetchError: no connection, or an HTTP error status.
        """
        timeout = urllib3.Timeout(connect=self.timeout.connect_timeout, read=read_timeout)
        response = self._open(
            "GET", url, headers={"Accept": "text/event-stream"}, timeout=timeout, retries=False
        )
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


class TufFetcher(FetcherInterface):
    """ngclient's fetcher over an ``HttpClient``, with a conditional GET of timestamp.json.

    Args:
        http: the client.
    """

    def __init__(self, http: HttpClient) -> None:
        self._http = http
        self._cached: dict[str, tuple[str, bytes]] = {}

    def _fetch(self, url: str) -> Iterator[bytes]:
        """Return the body of ``url`` in one chunk.

        Raises:
            tuf.api.exceptions.DownloadHTTPError: the server answered an error status.
            tuf.api.exceptions.DownloadError: any other failure.
        """
        conditional = url.endswith("/timestamp.json")
        cached = self._cached.get(url) if conditional else None
        headers = {"If-None-Match": cached[0]} if cached else None
        try:
            response = self._http.get(url, max_bytes=TUF_MAX_BYTES, headers=headers)
        except FetchError as exc:
            if exc.status is not None:
                raise tuf_exceptions.DownloadHTTPError(str(exc), exc.status) from exc
            raise tuf_exceptions.DownloadError(str(exc)) from exc
        if response.status == 304 and cached is not None:
            return iter([cached[1]])
        if response.status != 200:
            raise tuf_exceptions.DownloadHTTPError(
                f"HTTP {response.status} for {url}", response.status
            )
        etag = response.headers.get("ETag")
        if conditional and etag:
            self._cached[url] = (etag, response.body)
        return iter([response.body])


def _finish(response: urllib3.BaseHTTPResponse, *, reuse: bool) -> None:
    """Hand the connection back for reuse if its body was read to the end, else close it."""
    if not reuse:
        response.close()
    response.release_conn()


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None)
    return str(reason or exc) or type(exc).__name__
