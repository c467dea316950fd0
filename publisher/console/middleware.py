"""Headers every console page carries: a content security policy, no caching of pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from django.http import HttpRequest
    from django.http.response import HttpResponseBase

__all__ = ["ConsoleHeaders"]

#: Scripts and styles only from the console's own static files: a county text that
#: slipped past escaping still could not run. htmx's indicator style is turned off in
#: the page (``htmx-config``), so no inline style is needed either.
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class ConsoleHeaders:
    """Add the console's headers to responses under ``/staff/`` (sync and async)."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        """Pass the request on; mark a console page's response on its way out."""
        if self.is_async:
            return self._acall(request)
        return _mark(request, self.get_response(request))

    async def _acall(self, request: HttpRequest) -> HttpResponseBase:
        response = await self.get_response(request)  # type: ignore[misc]
        return _mark(request, response)


def _mark(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    if request.path.startswith("/staff/"):
        response.headers.setdefault("Content-Security-Policy", POLICY)
        if not request.path.startswith("/staff/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
    return response
