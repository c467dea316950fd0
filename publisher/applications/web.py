"""The public status API: what a hall kiosk may ask about an application.

``POST /api/applications/status`` with the kiosk's ``Authorization: Bearer
<device token>`` and a small JSON body::

    {"number": "202617", "phone_tail": "1234"}

``number`` is the register number's digits (year then serial), ``phone_tail``
the last four digits of the phone given at application. The answer is 200
with only the status and dates (``PublicStatus.as_json``) on an exact match
of both, else 404 (the same whichever half is wrong, so neither can be probed
alone); 401 for an unknown or revoked token; 400 for a malformed body; 429
past the per-device limit (``[applications] lookups_per_minute``), counted
whatever the answer. The body is read within the guard's cap (256 bytes); the
numbers are never logged, and the body's values are never echoed.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

from asgiref.sync import sync_to_async
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from content.county_time import county_today
from content.workdays import official_calendar
from publisher.applications.selectors import status_lookup
from publisher.devices import device_for_token
from publisher.web.guard import accepts

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.http import HttpRequest

    from content.workdays import WorkdayCalendar

__all__ = ["MAX_BODY", "LookupLimiter", "configure", "status"]

log = logging.getLogger("gongkai.serve")
#: The most bytes a status request's body may have (two short digit strings).
MAX_BODY: Final = 256
_WINDOW: Final = 60.0


class LookupLimiter:
    """At most ``per_minute`` lookups per device in any 60 seconds (a sliding window)."""

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._seen: dict[int, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, device: int) -> bool:
        """Count one lookup by ``device``; whether it is within the limit."""
        now = self._clock()
        with self._lock:
            times = self._seen.setdefault(device, deque())
            while times and now - times[0] >= _WINDOW:
                times.popleft()
            if len(times) >= self.per_minute:
                return False
            times.append(now)
            return True


class _State:
    calendar: WorkdayCalendar | None = None
    limiter: LookupLimiter = LookupLimiter(6)


def configure(*, calendar: WorkdayCalendar, per_minute: int) -> None:
    """Use the office's calendar and lookup limit (done once by `serve`)."""
    _State.calendar = calendar
    _State.limiter = LookupLimiter(per_minute)


@accepts("POST", max_body=MAX_BODY)
@csrf_exempt  # a device's bearer token, not a browser's cookie, authenticates it
async def status(request: HttpRequest) -> HttpResponse:
    """Answer a kiosk's status lookup (see the module docstring)."""
    auth = request.headers.get("Authorization", "")
    token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else ""
    device = await sync_to_async(device_for_token)(token)
    if device is None:
        return JsonResponse({"error": "unknown or revoked token"}, status=401)
    if not _State.limiter.allow(device.pk):
        log.info("status lookups of device %s over the limit", device.name)
        return JsonResponse({"error": "too many lookups; try again in a minute"}, status=429)
    parsed = _parse(request.body)
    if parsed is None:
        return JsonResponse({"error": "send {number, phone_tail} as strings"}, status=400)
    number, tail = parsed
    calendar = _State.calendar or official_calendar()
    found = await sync_to_async(status_lookup)(
        digits=number,
        phone_tail=tail,
        calendar=calendar,
        today=county_today(datetime.now(tz=UTC)),
    )
    if found is None:
        return JsonResponse({"error": "no such application"}, status=404)
    return JsonResponse(found.as_json())


def _parse(body: bytes) -> tuple[str, str] | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    number, tail = data.get("number"), data.get("phone_tail")
    if not isinstance(number, str) or not isinstance(tail, str):
        return None
    return number, tail
