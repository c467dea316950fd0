"""Polite HTTP for syncing county government websites (domain.md §4, pitfalls 20, 23-28).

One :class:`PoliteClient` serves a sync run. It sends an identifying User-Agent,
keeps one connection per host, serialises the requests to a host and spaces
their starts by ``min_interval``, retries transient failures with backoff
(urllib3 ``Retry``, honouring ``Retry-After``), obeys robots.txt, caps response
sizes and recognises anti-bot pages instead of passing them off as content::

    config = HttpConfig(user_agent="GongkaiSync/0.1 (+https://example.org/gongkai)")
    with PoliteClient(config) as client:
        page = client.get(list_url, referer=column_url)
        html = page.text()
        later = client.get(list_url, referer=column_url, validators=page.validators)
        if not later.not_modified:
            ...
        attachment = client.download(file_url, Path("var/incoming"), referer=page.url)
        attachment.path.rename(store / attachment.sha256)  # same filesystem

Every failure is a :class:`~publisher.sources.errors.SourceError`: a ``FetchError``
(or a subclass) when the site could not be fetched, a ``BlockedError`` when it
answered with a challenge or rate-limit page. No requests or urllib3 exception
escapes.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import logging
import re
import threading
import time
import warnings
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Self, TypeVar
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import requests
import urllib3
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import InsecureRequestWarning, InvalidHeader, MaxRetryError
from urllib3.util.retry import Retry

from content import atomicfile
from publisher.sources.decoding import decode_html
from publisher.sources.errors import (
    BlockedError,
    BlockSignal,
    EmptyDownloadError,
    FetchError,
    HTTPStatusError,
    ResponseTooLargeError,
    RobotsDisallowedError,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping
    from pathlib import Path

    from urllib3.response import BaseHTTPResponse

__all__ = ["Download", "HttpConfig", "PoliteClient", "Response", "Validators"]

_log = logging.getLogger("gongkai.http")
_T = TypeVar("_T")
_CHUNK = 64 * 1024
_SNIFF = 64 * 1024  # leading body bytes kept to recognise a challenge page
_CHALLENGE_PAGE_MAX = 8 * 1024  # a script-only WAF challenge page is smaller than this
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", None})  # None: undeclared
_CHALLENGE_COOKIES = ("FSSBBIl1UgzbN7N80S", "FSSBBIl1UgzbN7N80T")  # and __jsluid*
_COOKIE_NAME = re.compile(r"(?:^|,)\s*([^=;,\s]+)=")
_DISALLOW_ALL = ("User-agent: *", "Disallow: /")
# requests' exceptions are OSErrors; urllib3 and http.client ones can slip through.
_NETWORK_ERRORS = (OSError, urllib3.exceptions.HTTPError, http.client.HTTPException)


@dataclass(frozen=True, slots=True)
class HttpConfig:
    """How politely to fetch; validated at construction (ValueError)."""

    user_agent: str  # identifying; its product token is matched against robots.txt
    min_interval: float = 1.5  # seconds between the starts of two requests to one host
    connect_timeout: float = 10.0
    read_timeout: float = 60.0  # per read; county sites are slow from afar
    max_bytes: int = 50 * 1024 * 1024  # per response body
    retries: int = 4  # urllib3 Retry total: 429, 5xx, resets, timeouts
    backoff_factor: float = 1.0  # exponential backoff; also the jitter amplitude
    backoff_max: float = 300.0  # also caps an honoured Retry-After
    obey_robots: bool = True
    tiny_body: int = 500  # an HTML 200 shorter than this is a rate-limit/anti-bot page
    insecure_hosts: frozenset[str] = frozenset()  # broken TLS tolerated (and logged)

    def __post_init__(self) -> None:
        if not _product_token(self.user_agent) or any(c in self.user_agent for c in "\r\n"):
            raise ValueError("user_agent must identify the client, e.g. 'GongkaiSync/0.1 (+url)'")
        if min(self.min_interval, self.retries, self.backoff_factor, self.backoff_max) < 0:
            raise ValueError("intervals, retries and backoff must not be negative")
        if min(self.connect_timeout, self.read_timeout, self.max_bytes) <= 0 or self.tiny_body < 0:
            raise ValueError("timeouts and max_bytes must be positive, tiny_body not negative")


@dataclass(frozen=True, slots=True)
class Validators:
    """The cache validators of a fetched resource, for a conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class Response:
    """A fetched page: status 200 (or another 2xx), or 304 with an empty body."""

    url: str  # final URL, after redirects
    status: int
    headers: Mapping[str, str]  # read-only, case-insensitive
    body: bytes  # b"" for 304
    elapsed: float  # seconds from the start of the request to the end of the body

    @property
    def not_modified(self) -> bool:
        """Whether the server answered 304 to a conditional GET."""
        return self.status == 304

    @property
    def etag(self) -> str | None:
        """The ETag header, if any."""
        return self.headers.get("ETag")

    @property
    def last_modified(self) -> str | None:
        """The Last-Modified header, if any."""
        return self.headers.get("Last-Modified")

    @property
    def content_type(self) -> str | None:
        """The Content-Type header, if any."""
        return self.headers.get("Content-Type")

    @property
    def validators(self) -> Validators:
        """The validators to send with the next conditional GET of this URL."""
        return Validators(etag=self.etag, last_modified=self.last_modified)

    def text(self) -> str:
        """Return the body decoded with :func:`~publisher.sources.decoding.decode_html`."""
        return decode_html(self.body, self.content_type)[0]

    def json(self) -> Any:
        """Return the body parsed as JSON.

        Raises:
            ValueError: the body is not JSON.
        """
        return json.loads(self.text())


@dataclass(frozen=True, slots=True)
class Download:
    """A downloaded attachment; for a 304 everything but url, status and validators is None."""

    url: str  # final URL, after redirects
    status: int
    path: Path | None  # a temp file in the requested folder, for the caller to rename
    sha256: str | None  # hex digest of the content
    size: int | None
    media_type: str | None  # Content-Type without parameters, lower-cased
    validators: Validators  # as sent by the server


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
        self._agent = _product_token(config.user_agent)
        self._insecure = frozenset(host.lower() for host in config.insecure_hosts)
        retry = _PoliteRetry(
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
        self._robots: dict[str, RobotFileParser] = {}
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

    def post(self, url: str, *, data: Mapping[str, str], referer: str | None = None) -> Response:
        """Send a read-only, form-encoded list query (retried like a GET).

        Raises:
            RobotsDisallowedError: robots.txt forbids the URL (nothing was requested).
            BlockedError: the site answered with an anti-bot or rate-limit page.
            HTTPStatusError: the final status is not 2xx.
            ResponseTooLargeError: the body exceeds ``max_bytes``.
            FetchError: the network failed after the retries (timeout, reset, TLS).
        """
        return self._exchange("POST", url, self._headers(referer), self._to_response, data=data)

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
        data: Mapping[str, str] | None = None,
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
                self._check_robots(url)
            while True:
                started = self._throttle(host)
                resp = self._send(method, url, host, headers, data)
                try:
                    return consume(resp, url, started)
                except _BodyInterruptedError as exc:
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
        except _NETWORK_ERRORS as exc:
            raise FetchError(url, _describe(exc)) from exc
        finally:
            self._local.host = None
        self._count_requests(len(resp.history))  # each redirect was a request too
        return resp

    def _to_response(self, resp: requests.Response, url: str, started: float) -> Response:
        body = b"" if resp.status_code == 304 else self._read_body(resp, url)
        if resp.status_code != 304:
            self._judge(resp, url, body, len(body), self._config.tiny_body)
        headers = MappingProxyType(CaseInsensitiveDict(resp.headers))
        return Response(resp.url, resp.status_code, headers, body, self._clock() - started)

    def _to_download(self, resp: requests.Response, url: str, folder: Path) -> Download:
        validators = _validators(resp.headers)
        if resp.status_code == 304:
            return Download(resp.url, 304, None, None, None, None, validators)
        if not 200 <= resp.status_code < 300:
            body = self._read_body(resp, url)
            self._judge(resp, url, body, len(body), self._config.tiny_body)
        _check_declared_length(resp, url, self._config.max_bytes)
        digest, size, head = hashlib.sha256(), 0, bytearray()
        # A refused body (empty, a challenge page) raises inside the block,
        # which removes the spooled file.
        with atomicfile.spooled_file(folder, prefix=".download-") as (sink, path):
            for chunk in self._chunks(resp, url):
                sink.write(chunk)
                digest.update(chunk)
                size += len(chunk)
                head += chunk[: max(0, _SNIFF - len(head))]
            if size == 0:
                raise EmptyDownloadError(url)
            self._judge(resp, url, bytes(head), size, self._config.tiny_body)
        media = _media_type(resp.headers.get("Content-Type"))
        return Download(
            resp.url, resp.status_code, path, digest.hexdigest(), size, media, validators
        )

    def _read_body(self, resp: requests.Response, url: str) -> bytes:
        _check_declared_length(resp, url, self._config.max_bytes)
        return b"".join(self._chunks(resp, url))

    def _chunks(self, resp: requests.Response, url: str) -> Iterator[bytes]:
        """Yield the body, enforcing ``max_bytes`` and translating transport errors."""
        chunks, received = resp.iter_content(chunk_size=_CHUNK), 0
        while True:
            try:
                chunk = next(chunks)
            except StopIteration:
                return
            except _NETWORK_ERRORS as exc:
                raise _BodyInterruptedError(url, _describe(exc)) from exc
            received += len(chunk)
            with self._lock:
                self._bytes += len(chunk)
            if received > self._config.max_bytes:
                raise ResponseTooLargeError(url, self._config.max_bytes)
            yield chunk

    def _judge(
        self, resp: requests.Response, url: str, head: bytes, size: int, tiny: int | None
    ) -> None:
        """Raise BlockedError for an anti-bot page, HTTPStatusError for an error status."""
        content_type, cookies = resp.headers.get("Content-Type"), _set_cookie_names(resp)
        found = _block_signal(resp.status_code, content_type, cookies, head, size, tiny)
        if found is not None:
            _log.warning("blocked by %s (%s): %s", url, found[0].value, found[1])
            raise BlockedError(url, *found)
        if not 200 <= resp.status_code < 300:
            raise HTTPStatusError(url, resp.status_code)

    def _check_robots(self, url: str) -> None:
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        rules = self._robots.get(origin)
        if rules is None:
            rules = self._robots[origin] = self._fetch_robots(f"{origin}/robots.txt")
        if not rules.can_fetch(self._agent, url):
            raise RobotsDisallowedError(url)

    def _fetch_robots(self, robots_url: str) -> RobotFileParser:
        """Per RFC 9309: 4xx allows everything; 5xx or 429 allows nothing.

        Raises:
            FetchError: the site is unreachable (nothing is cached, nothing crawled).
            BlockedError: an anti-bot page answered (nothing is cached).
        """

        def consume(resp: requests.Response, target: str, _started: float) -> bytes:
            body = self._read_body(resp, target)
            self._judge(resp, target, body, len(body), None)
            return body

        rules = RobotFileParser(robots_url)
        try:
            body = self._exchange("GET", robots_url, self._headers(), consume, robots=False)
        except HTTPStatusError as exc:
            rules.parse([] if 400 <= exc.status < 500 and exc.status != 429 else _DISALLOW_ALL)
        except FetchError as exc:
            # Unreachable means "allow nothing" (RFC 9309): say so truthfully, and
            # cache nothing, so the next attempt asks again.
            raise FetchError(robots_url, f"site unreachable ({exc.reason}); not crawling") from exc
        else:
            rules.parse(body.decode("utf-8-sig", errors="replace").splitlines())
        return rules

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


class _BodyInterruptedError(FetchError):
    """The body broke off mid-way (reset, incomplete read, timeout); worth a retry."""


class _PoliteRetry(Retry):
    """urllib3 ``Retry`` that reports each retry and waits through the client.

    ``hooks`` is (count one request, pause for seconds): reporting makes
    ``requests_made`` count urllib3's own retries; pausing through the client
    uses its injected sleep and keeps the host's interval.
    """

    RETRY_AFTER_STATUS_CODES = frozenset({429, 503})  # not 413: no 4xx but 429 is retried
    hooks: tuple[Callable[[], None], Callable[[float], None]] | None = None

    def new(self, **kw: Any) -> Self:
        retry = super().new(**kw)
        retry.hooks = self.hooks
        return retry

    def increment(self, *args: Any, **kwargs: Any) -> Self:
        retry = super().increment(*args, **kwargs)  # raises once the budget is spent
        if self.hooks is not None:
            self.hooks[0]()
        return retry

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        if self.hooks is None:
            super().sleep(response)
            return
        delay = None
        if response is not None and self.respect_retry_after_header:
            try:
                delay = self.get_retry_after(response)  # capped at retry_after_max
            except InvalidHeader:
                delay = None
        self.hooks[1](self.get_backoff_time() if delay is None else delay)


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


def _product_token(user_agent: str) -> str:
    words = user_agent.split("/", 1)[0].split()
    return words[0] if words else ""


def _media_type(content_type: str | None) -> str | None:
    return (content_type.split(";", 1)[0].strip().lower() or None) if content_type else None


def _validators(headers: Mapping[str, str]) -> Validators:
    return Validators(etag=headers.get("ETag"), last_modified=headers.get("Last-Modified"))


def _check_declared_length(resp: requests.Response, url: str, limit: int) -> None:
    declared = resp.headers.get("Content-Length", "")
    if declared.strip().isdigit() and int(declared) > limit:
        raise ResponseTooLargeError(url, limit)


def _set_cookie_names(resp: requests.Response) -> list[str]:
    raw_headers = getattr(resp.raw, "headers", None)
    if isinstance(raw_headers, urllib3.HTTPHeaderDict):
        values = raw_headers.getlist("Set-Cookie")
    else:  # not urllib3 underneath; requests joins repeated headers with ", "
        values = [resp.headers.get("Set-Cookie", "")]
    return [name for value in values for name in _COOKIE_NAME.findall(value)]


def _block_signal(  # noqa: PLR0917
    status: int,
    content_type: str | None,
    cookies: list[str],
    head: bytes,
    size: int,
    tiny_body: int | None,
) -> tuple[BlockSignal, str] | None:
    """Recognise an anti-bot page (domain.md pitfalls 23-24); None when it is not one.

    ``head`` is the start of the body and ``size`` its length. A challenge body
    holds a ``$_ts`` script or is a small page with a script. ``tiny_body``
    None turns the tiny/empty HTML rule off.
    """
    if status == 412:
        script = " with a $_ts challenge script" if b"$_ts" in head else ""
        return BlockSignal.CHALLENGE_412, f"HTTP 412{script}"
    challenge = b"$_ts" in head or (size <= _CHALLENGE_PAGE_MAX and b"<script" in head.lower())
    for name in cookies:
        if challenge and (name in _CHALLENGE_COOKIES or name.startswith("__jsluid")):
            return BlockSignal.CHALLENGE_COOKIE, f"HTTP {status} sets {name} on a script challenge"
    if tiny_body is None or status != 200 or _media_type(content_type) not in _HTML_TYPES:
        return None
    if size == 0:
        return BlockSignal.EMPTY_BODY, "HTML 200 with an empty body"
    if size < tiny_body:
        return BlockSignal.TINY_BODY, f"HTML 200 of only {size} bytes (< {tiny_body})"
    return None


def _describe(exc: BaseException) -> str:
    """A short English reason for a transport error, looking inside urllib3's wrapper."""
    cause = exc
    if exc.args and isinstance(exc.args[0], MaxRetryError) and exc.args[0].reason is not None:
        cause = exc.args[0].reason
    if isinstance(cause, urllib3.exceptions.NewConnectionError):  # a ConnectTimeoutError too
        return f"cannot connect: {cause}"
    if isinstance(cause, requests.Timeout | urllib3.exceptions.TimeoutError | TimeoutError):
        return f"timed out: {cause}"
    if isinstance(cause, requests.exceptions.SSLError | urllib3.exceptions.SSLError):
        return f"TLS error: {cause}"
    return f"network error: {cause}"
