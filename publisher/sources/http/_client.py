"""The polite client: one per sync run, the sync's only way onto the network."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import warnings
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Self, TypeVar
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import InsecureRequestWarning, MaxRetryError
from urllib3.util.retry import Retry

from publisher.sources.errors import FetchError, ResponseTooLargeError
from publisher.sources.http._config import product_token
from publisher.sources.http._judge import check_declared_length, judge
from publisher.sources.http._messages import (
    Download,
    Response,
    Validators,
    media_type,
    validators_in,
)
from publisher.sources.http._retry import (
    NETWORK_ERRORS,
    BodyInterruptedError,
    PoliteRetry,
    describe,
)
from publisher.sources.http._robots import RobotsRules
from publisher.sources.http._spool import spool

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping
    from pathlib import Path

    from publisher.sources.http._config import HttpConfig

__all__ = ["PoliteClient"]

_log = logging.getLogger("gongkai.http")
_T = TypeVar("_T")
_CHUNK = 64 * 1024


class PoliteClient:
    """The sync's only way onto the network; one instance may be shared by threads.

    Args:
        config: politeness settings.
        session: a session to use instead of a new one (the caller closes it).
            The client mounts its adapter (one connection per host, retries)
            only where requests' stock adapter is mounted, so a fake wins.
        clock: monotonic seconds, for the per-host interval and ``elapsed``.
        sleep: how to wait, for the interval and retry backoff.
    """

    def __init__(
        self,
        config: HttpConfig,
        *,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._config, self._clock, self._sleep = config, clock, sleep
        agent = product_token(config.user_agent)
        self._insecure = frozenset(host.lower() for host in config.insecure_hosts)
        retry = PoliteRetry(
            total=config.retries,
            connect=config.retries,
            read=config.retries,
            status=config.retries,
            other=0,  # TLS and proxy failures are not transient
            backoff_factor=config.backoff_factor,
            backoff_max=config.backoff_max,
            backoff_jitter=config.backoff_factor,
            retry_after_max=int(config.backoff_max),
            status_forcelist={429, 500, 502, 503, 504},
            respect_retry_after_header=True,
            allowed_methods={"GET", "HEAD", "POST"},  # our POSTs are read-only list queries
            raise_on_status=False,
        )
        retry.hooks = (self._count_requests, self._pause_for_retry)
        self._adapter = HTTPAdapter(
            pool_connections=32, pool_maxsize=1, max_retries=retry, pool_block=True
        )
        self._owns_session = session is None
        self._session = requests.Session() if session is None else session
        for prefix in ("http://", "https://"):
            if type(self._session.get_adapter(prefix)) is HTTPAdapter:
                self._session.mount(prefix, self._adapter)
        self._lock = threading.Lock()  # guards the registries and counters below
        self._gates: dict[str, threading.RLock] = {}
        self._last_start: dict[str, float] = {}
        self._robots = RobotsRules(agent, self._robots_body)
        self._warned_insecure: set[str] = set()
        self._requests = self._bytes = 0
        self._local = threading.local()  # .host: the host this thread is talking to

    @property
    def requests_made(self) -> int:
        """HTTP requests sent so far, including retries, redirects and robots.txt."""
        with self._lock:
            return self._requests

    @property
    def bytes_received(self) -> int:
        """Body bytes received so far (decoded), including bodies later rejected."""
        with self._lock:
            return self._bytes

    def get(
        self,
        url: str,
        *,
        validators: Validators | None = None,
        referer: str | None = None,
        params: Mapping[str, str] | None = None,
    ) -> Response:
        """Fetch a page, conditionally when ``validators`` are given.

        Raises:
            RobotsDisallowedError: robots.txt forbids the URL (nothing was requested).
            BlockedError: the site answered with an anti-bot or rate-limit page.
            HTTPStatusError: the final status is not 2xx or 304.
            ResponseTooLargeError: the body exceeds ``max_bytes``.
            FetchError: the network failed after the retries (timeout, reset, TLS).
        """
        headers = self._headers(referer, validators)
        return self._exchange("GET", _with_params(url, params), headers, self._to_response)

    def post(
        self,
        url: str,
        *,
        data: Mapping[str, str] | None = None,
        json_body: Any = None,
        referer: str | None = None,
    ) -> Response:
        """Send a read-only list query (retried like a GET): a form, or ``json_body`` as JSON.

        Raises:
            RobotsDisallowedError: robots.txt forbids the URL (nothing was requested).
            BlockedError: the site answered with an anti-bot or rate-limit page.
            HTTPStatusError: the final status is not 2xx.
            ResponseTooLargeError: the body exceeds ``max_bytes``.
            FetchError: the network failed after the retries (timeout, reset, TLS).
        """
        headers = self._headers(referer)
        body: Mapping[str, str] | bytes | None = data
        if json_body is not None:
            headers["Content-Type"] = "application/json;charset=UTF-8"
            body = json.dumps(json_body, ensure_ascii=False).encode()
        return self._exchange("POST", url, headers, self._to_response, data=body)

    def download(
        self,
        url: str,
        folder: Path,
        *,
        validators: Validators | None = None,
        referer: str | None = None,
    ) -> Download:
        """Stream an attachment into a new temp file in ``folder``, hashing it.

        ``folder`` should be on the final store's filesystem so that the caller
        can rename the file into place. No file is left behind on failure.

        Raises:
            RobotsDisallowedError: robots.txt forbids the URL (nothing was requested).
            BlockedError: the site answered with an anti-bot or rate-limit page.
            HTTPStatusError: the final status is not 2xx or 304.
            EmptyDownloadError: the body is empty.
            ResponseTooLargeError: the body exceeds ``max_bytes``.
            FetchError: the network failed after the retries (timeout, reset, TLS).
            OSError: the temp file could not be written.
        """

        def consume(resp: requests.Response, target: str, _started: float) -> Download:
            return self._to_download(resp, target, folder)

        return self._exchange("GET", url, self._headers(referer, validators), consume)

    def close(self) -> None:
        """Close the connections (and the session, if the client made it)."""
        # urllib3 2 leaves dropped pools to the garbage collector, so a response
        # kept alive by an error's traceback would keep its socket open.
        pools = self._adapter.poolmanager.pools
        for key in pools.keys():  # noqa: SIM118 - the container cannot be iterated
            if (pool := pools.get(key)) is not None:
                pool.close()
        if self._owns_session:
            self._session.close()
        else:
            self._adapter.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _exchange(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        consume: Callable[[requests.Response, str, float], _T],
        *,
        data: Mapping[str, str] | bytes | None = None,
        robots: bool = True,
    ) -> _T:
        """Send under the host's lock and consume; again if the body breaks off.

        urllib3 retries everything up to the response headers; a body that
        breaks off later is retried here, on the same budget and backoff.
        """
        cfg, host = self._config, _host_of(url)
        budget = Retry(cfg.retries, backoff_factor=cfg.backoff_factor, backoff_max=cfg.backoff_max)
        with self._gate(host):  # re-entrant: robots.txt is fetched while holding it
            if robots and cfg.obey_robots:
                self._robots.check(url)
            while True:
                started = self._throttle(host)
                resp = self._send(method, url, host, headers, data)
                try:
                    return consume(resp, url, started)
                except BodyInterruptedError as exc:
                    try:
                        budget = budget.increment(method, url, error=exc)
                    except MaxRetryError:
                        raise FetchError(url, exc.reason) from exc.__cause__
                    _log.info("body of %s broke off (%s); retrying", url, exc.reason)
                    if (delay := budget.get_backoff_time()) > 0:
                        self._sleep(delay)
                finally:
                    resp.close()  # back to the pool, or dropped if the body was not read

    def _send(
        self, method: str, url: str, host: str, headers: dict[str, str], data: Any
    ) -> requests.Response:
        verify = self._verify(host)
        timeout = (self._config.connect_timeout, self._config.read_timeout)
        self._count_requests()
        self._local.host = host
        try:
            resp = self._session.request(
                method, url, data=data, headers=headers, timeout=timeout, stream=True, verify=verify
            )
        except NETWORK_ERRORS as exc:
            raise FetchError(url, describe(exc)) from exc
        finally:
            self._local.host = None
        self._count_requests(len(resp.history))  # each redirect was a request too
        return resp

    def _to_response(self, resp: requests.Response, url: str, started: float) -> Response:
        body = b"" if resp.status_code == 304 else self._read_body(resp, url)
        if resp.status_code != 304:
            judge(resp, url, body, len(body), self._config.tiny_body)
        headers = MappingProxyType(CaseInsensitiveDict(resp.headers))
        return Response(resp.url, resp.status_code, headers, body, self._clock() - started)

    def _to_download(self, resp: requests.Response, url: str, folder: Path) -> Download:
        validators = validators_in(resp.headers)
        if resp.status_code == 304:
            return Download(resp.url, 304, None, None, None, None, validators)
        if not 200 <= resp.status_code < 300:
            body = self._read_body(resp, url)
            judge(resp, url, body, len(body), self._config.tiny_body)
        check_declared_length(resp, url, self._config.max_bytes)
        path, sha256, size = spool(
            url,
            self._chunks(resp, url),
            folder,
            check=lambda head, size: judge(resp, url, head, size, self._config.tiny_body),
        )
        media = media_type(resp.headers.get("Content-Type"))
        disposition = resp.headers.get("Content-Disposition")
        return Download(
            resp.url, resp.status_code, path, sha256, size, media, validators, disposition
        )

    def _read_body(self, resp: requests.Response, url: str) -> bytes:
        check_declared_length(resp, url, self._config.max_bytes)
        return b"".join(self._chunks(resp, url))

    def _chunks(self, resp: requests.Response, url: str) -> Iterator[bytes]:
        """Yield the body, enforcing ``max_bytes`` and translating transport errors."""
        chunks, received = resp.iter_content(chunk_size=_CHUNK), 0
        while True:
            try:
                chunk = next(chunks)
            except StopIteration:
                return
            except NETWORK_ERRORS as exc:
                raise BodyInterruptedError(url, describe(exc)) from exc
            received += len(chunk)
            with self._lock:
                self._bytes += len(chunk)
            if received > self._config.max_bytes:
                raise ResponseTooLargeError(url, self._config.max_bytes)
            yield chunk

    def _robots_body(self, robots_url: str) -> bytes:
        """Fetch a robots.txt (judged, without its own robots check)."""

        def consume(resp: requests.Response, target: str, _started: float) -> bytes:
            body = self._read_body(resp, target)
            judge(resp, target, body, len(body), None)
            return body

        return self._exchange("GET", robots_url, self._headers(), consume, robots=False)

    def _headers(
        self, referer: str | None = None, validators: Validators | None = None
    ) -> dict[str, str]:
        headers = {"User-Agent": self._config.user_agent, "Accept-Language": "zh-CN,zh;q=0.9"}
        validators = validators or Validators()
        optional = {
            "Referer": referer,
            "If-None-Match": validators.etag,
            "If-Modified-Since": validators.last_modified,
        }
        return headers | {name: value for name, value in optional.items() if value}

    def _gate(self, host: str) -> threading.RLock:
        with self._lock:
            return self._gates.setdefault(host, threading.RLock())

    def _throttle(self, host: str) -> float:
        """Wait until ``min_interval`` after the host's previous start; return the new start."""
        now, last = self._clock(), self._last_start.get(host)
        start = now if last is None else max(now, last + self._config.min_interval)
        if start > now:
            self._sleep(start - now)
        self._last_start[host] = start
        return start

    def _pause_for_retry(self, delay: float) -> None:
        """Between urllib3's attempts: back off, then keep the host's interval."""
        if delay > 0:
            self._sleep(delay)
        host: str | None = getattr(self._local, "host", None)
        if host is not None:
            self._throttle(host)

    def _count_requests(self, count: int = 1) -> None:
        with self._lock:
            self._requests += count

    def _verify(self, host: str) -> bool:
        """Whether to check TLS certificates for ``host``; warn once when not."""
        if host not in self._insecure:
            return True
        with self._lock:
            first = host not in self._warned_insecure
            self._warned_insecure.add(host)
        if first:
            _log.warning("TLS certificate checks are off for %s (insecure_hosts)", host)
            warnings.filterwarnings(
                "ignore",
                message=f"Unverified HTTPS request is being made to host '{re.escape(host)}'",
                category=InsecureRequestWarning,
            )
        return False


def _with_params(url: str, params: Mapping[str, str] | None) -> str:
    if not params:
        return url
    prepared = requests.PreparedRequest()
    try:
        prepared.prepare_url(url, params)
    except requests.RequestException as exc:
        raise FetchError(url, f"invalid URL: {exc}") from exc
    return prepared.url or url


def _host_of(url: str) -> str:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:
        raise FetchError(url, f"invalid URL: {exc}") from exc
    if parts.scheme not in {"http", "https"} or not host:
        raise FetchError(url, "not an absolute http(s) URL")
    return host
