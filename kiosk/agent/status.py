"""Ask the publisher where an application stands (依申请公开 · 查询办理进度).

The signed release never holds the register (personal data stays in the
publisher), so the kiosk asks ``POST /api/applications/status`` with its
device token and the two halves the visitor typed: the register number's
digits and the phone's last four digits. Only the status and dates come back.

Every failure is an answer, never an exception, so a screen can say plainly
what happened: not found, offline (no connection, a timeout, a server error),
busy (the per-device limit), or refused (the kiosk's token is revoked).
Nothing typed is logged.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

import urllib3

from content.applications import Status

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["LookupAnswer", "LookupOutcome", "PublisherStatusLookup", "read_token"]

log = logging.getLogger("gongkai.kiosk.status")
_MAX_ANSWER: Final = 4096


class LookupOutcome(StrEnum):
    """How a lookup went."""

    FOUND = "found"
    NOT_FOUND = "not_found"
    OFFLINE = "offline"
    BUSY = "busy"
    REFUSED = "refused"


@dataclass(frozen=True, slots=True)
class LookupAnswer:
    """What the publisher said (only status and dates), or why it said nothing."""

    outcome: LookupOutcome
    status: Status | None = None
    received_on: str = ""
    due: str = ""
    estimated: bool = False


class PublisherStatusLookup:
    """The status lookup over HTTP (callable: ``lookup(number, phone_tail) -> LookupAnswer``).

    Args:
        publisher: the publisher's base URL.
        token: this kiosk's device token.
        timeout: seconds to connect and to read; a visitor is waiting.
        pool: the connection pool (tests may pass their own).
    """

    def __init__(
        self,
        publisher: str,
        token: str,
        *,
        timeout: float = 5.0,
        pool: urllib3.PoolManager | None = None,
    ) -> None:
        self.url = f"{publisher.rstrip('/')}/api/applications/status"
        self._token = token
        self._timeout = urllib3.Timeout(connect=timeout, read=timeout)
        self._pool = pool or urllib3.PoolManager(num_pools=1, maxsize=2)

    def __call__(self, number: str, phone_tail: str) -> LookupAnswer:
        """Ask; never raises."""
        body = json.dumps({"number": number, "phone_tail": phone_tail}).encode()
        try:
            response = self._pool.request(
                "POST",
                self.url,
                body=body,
                headers={
                    "Authorization": f"Bearer {self._token}",
                    "Content-Type": "application/json",
                },
                timeout=self._timeout,
                retries=False,
                preload_content=False,
            )
            try:
                data = response.read(_MAX_ANSWER)
            finally:
                response.release_conn()
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            log.warning("status lookup: publisher unreachable (%s)", type(exc).__name__)
            return LookupAnswer(LookupOutcome.OFFLINE)
        return _answer(int(response.status), data)


def read_token(path: Path) -> str:
    """The device token kept in ``path`` (the agent's token file).

    Raises:
        OSError: unreadable.
        ValueError: empty.
    """
    token = path.read_text(encoding="utf-8").strip()
    if not token:
        raise ValueError(f"{path} is empty")
    return token


def _answer(status: int, data: bytes) -> LookupAnswer:
    if status == 404:
        return LookupAnswer(LookupOutcome.NOT_FOUND)
    if status == 429:
        return LookupAnswer(LookupOutcome.BUSY)
    if status in {401, 403}:
        log.error("status lookup refused (%s): this kiosk's token is unknown or revoked", status)
        return LookupAnswer(LookupOutcome.REFUSED)
    if status != 200:
        log.warning("status lookup answered HTTP %s", status)
        return LookupAnswer(LookupOutcome.OFFLINE)
    try:
        found: Any = json.loads(data)
        return LookupAnswer(
            LookupOutcome.FOUND,
            status=Status(found["status"]),
            received_on=str(found.get("received_on") or "")[:10],
            due=str(found.get("due") or "")[:10],
            estimated=bool(found.get("estimated")),
        )
    except (ValueError, KeyError, TypeError):
        log.warning("status lookup: the publisher's answer is not understood")
        return LookupAnswer(LookupOutcome.OFFLINE)
