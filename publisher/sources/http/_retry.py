"""Retrying: urllib3's ``Retry`` made to wait and count through the client.

urllib3 retries everything up to a response's headers; a body that breaks off
later is a :class:`BodyInterruptedError`, which the client retries on the same
budget. ``describe`` turns a transport error into a short English reason.
"""

from __future__ import annotations

import http.client
from typing import TYPE_CHECKING, Any, Self

import requests
import urllib3
from urllib3.exceptions import InvalidHeader, MaxRetryError
from urllib3.util.retry import Retry

from publisher.sources.errors import FetchError

if TYPE_CHECKING:
    from collections.abc import Callable

    from urllib3.response import BaseHTTPResponse

__all__ = ["NETWORK_ERRORS", "BodyInterruptedError", "PoliteRetry", "describe"]

# requests' exceptions are OSErrors; urllib3 and http.client ones can slip through.
NETWORK_ERRORS = (OSError, urllib3.exceptions.HTTPError, http.client.HTTPException)


class BodyInterruptedError(FetchError):
    """The body broke off mid-way (reset, incomplete read, timeout); worth a retry."""


class PoliteRetry(Retry):
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


def describe(exc: BaseException) -> str:
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
