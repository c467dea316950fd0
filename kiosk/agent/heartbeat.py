"""Heartbeats: tell the publisher what this kiosk shows and how its last refresh went.

``POST /api/devices/heartbeat`` with ``Authorization: Bearer <token>`` and::

    {"applied_version": 7, "last_refresh_at": "2026-11-26T10:42:03+00:00",
     "last_refresh_ok": false, "last_error": "fetch: cannot reach …",
     "disk_free": 12345678, "uptime": 86400, "app_version": "0.1.0",
     "screenshot": {"png": "iVBORw0…", "taken_at": "2026-11-26T10:40:00+00:00"}}

``screenshot`` is there only when the screen changed since the last one sent
(``kiosk.agent.screenshots``). The publisher answers 204, or 401 for an
unknown or revoked token (and records nothing); its ``Gongkai-Screenshots``
header says whether to send screenshots. A heartbeat is never fatal: every
failure is logged and reported as a ``HeartbeatResult``, and the agent carries on.
"""

from __future__ import annotations

import logging
import shutil
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.agent.errors import FetchError
from kiosk.agent.state import RefreshResult

if TYPE_CHECKING:
    from kiosk.agent._http import HttpClient
    from kiosk.agent.screenshots import ScreenshotOutbox
    from kiosk.agent.state import AgentState

__all__ = ["HeartbeatResult", "heartbeat_payload", "heartbeat_send"]

log = logging.getLogger("gongkai.kiosk.agent")
_STARTED = time.monotonic()


class HeartbeatResult(StrEnum):
    """How a heartbeat went."""

    SENT = "sent"  # recorded (204)
    REFUSED = "refused"  # 401: the token is unknown or revoked
    FAILED = "failed"  # no connection, or another status


def heartbeat_payload(
    state: AgentState,
    *,
    home: Path,
    app_version: str,
    screenshot: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The heartbeat body for ``state`` (with ``screenshot`` when one is to go)."""
    ok = None if state.last_result is None else state.last_result is not RefreshResult.FAILED
    extra = {"screenshot": screenshot} if screenshot is not None else {}
    return {
        "applied_version": state.applied_version,
        "last_refresh_at": state.last_attempt_at.isoformat() if state.last_attempt_at else None,
        "last_refresh_ok": ok,
        "last_error": state.last_error,
        "disk_free": _disk_free(home),
        "uptime": _uptime(),
        "app_version": app_version,
        **extra,
    }


def heartbeat_send(
    http: HttpClient,
    *,
    url: str,
    token: str,
    payload: dict[str, Any],
    outbox: ScreenshotOutbox | None = None,
) -> HeartbeatResult:
    """POST a heartbeat (telling ``outbox`` how it was answered); never raises."""
    try:
        status, headers = http.post_json_answer(
            url, payload, headers={"Authorization": f"Bearer {token}"}
        )
    except FetchError as exc:
        log.warning("heartbeat not sent: %s", exc)
        if outbox is not None:
            outbox.answered(0, {})
        return HeartbeatResult.FAILED
    if outbox is not None:
        outbox.answered(status, headers)
    if status in {200, 204}:
        log.debug("heartbeat sent")
        return HeartbeatResult.SENT
    if status == 401:
        log.error("heartbeat refused (401): this kiosk's token is unknown or revoked")
        return HeartbeatResult.REFUSED
    log.warning("heartbeat answered HTTP %s", status)
    return HeartbeatResult.FAILED


def _disk_free(home: Path) -> int | None:
    try:
        return shutil.disk_usage(home).free
    except OSError:
        return None


def _uptime() -> int:
    """Seconds since the machine booted (else since the agent started)."""
    try:
        return int(float(Path("/proc/uptime").read_text().split()[0]))
    except (OSError, ValueError, IndexError):
        return int(time.monotonic() - _STARTED)
