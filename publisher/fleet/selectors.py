"""The fleet as staff see it: kiosk rows and board rows, worst first, with words.

Each read takes a :class:`~publisher.actors.Scope` (a town sees its own
kiosks and boards) and a fixed number of queries however many rows there
are (three for kiosks, one for boards), so the fleet page of a county with
1,000 kiosks costs what one with ten does::

    rows = kiosk_rows(scope=scope, now=now, stale_after=timedelta(minutes=20))
    rows[0].state.words   # "失联" for the worst one

States, worst first: lost (no heartbeat within the configured limit), its
last update failed, never seen since enrolment, behind the channel's latest
release, current; revoked kiosks come last when asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING

from django.db.models import Max

from publisher.boards.push import Outcome
from publisher.boards.selectors import boards_in_scope
from publisher.boards.store import state_rows
from publisher.store.models import ChannelRelease, Device, DeviceScreenshot

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime, timedelta

    from publisher.actors import Scope
    from publisher.boards.config import BoardSet

__all__ = [
    "BoardRow",
    "KioskRow",
    "KioskState",
    "Screenshot",
    "board_rows",
    "kiosk_rows",
    "kiosk_screenshot",
]


class KioskState(IntEnum):
    """A kiosk's state; a smaller value is worse (rows sort worst first)."""

    LOST = 0
    FAILING = 1
    NEVER_SEEN = 2
    BEHIND = 3
    CURRENT = 4
    REVOKED = 5

    @property
    def words(self) -> str:
        """The state in Chinese (pages show words as well as colours)."""
        return _KIOSK_WORDS[self]


_KIOSK_WORDS = {
    KioskState.LOST: "失联",
    KioskState.FAILING: "更新失败",
    KioskState.NEVER_SEEN: "从未上线",
    KioskState.BEHIND: "版本落后",
    KioskState.CURRENT: "正常",
    KioskState.REVOKED: "已停用",
}
_RESULT_WORDS = {
    None: "从未推送",
    Outcome.OK: "成功",
    Outcome.UNREACHABLE: "无法连接",
    Outcome.REJECTED: "被拒绝",
    Outcome.FAILED: "失败",
}
_BOARD_ORDER = {None: 1, Outcome.OK: 2}
_REACHABLE_WORDS = {True: "在线", False: "无法连接", None: "未知"}


@dataclass(frozen=True)
class KioskRow:
    """One kiosk as the fleet page shows it."""

    name: str
    town: str  # the town's id, "" for a county kiosk
    town_name: str
    channel: str
    applied_version: int | None
    latest_version: int | None
    behind: bool
    last_seen_at: datetime | None
    stale: bool
    last_refresh_ok: bool | None
    last_error: str
    disk_free: int | None
    app_version: str
    address: str
    revoked: bool
    screenshot_at: datetime | None  # when its latest screenshot was taken
    state: KioskState

    @property
    def words(self) -> str:
        """The state in Chinese."""
        return self.state.words


@dataclass(frozen=True)
class BoardRow:
    """One LED board as the fleet page shows it."""

    id: str
    name: str
    town: str
    place: str
    driver: str
    size: str
    last_push_at: datetime | None
    last_attempt_at: datetime | None
    result: Outcome | None
    result_words: str
    error: str
    reachable: bool | None
    reachable_words: str
    failures: int
    next_attempt_at: datetime | None


@dataclass(frozen=True)
class Screenshot:
    """A kiosk's latest screenshot, to serve as ``image/png``."""

    device: str
    png: bytes
    sha256: str
    width: int
    height: int
    taken_at: datetime
    received_at: datetime


def kiosk_rows(
    *,
    scope: Scope,
    now: datetime,
    stale_after: timedelta,
    towns: Mapping[str, str] | None = None,
    include_revoked: bool = False,
) -> list[KioskRow]:
    """The kiosks in ``scope``, worst first (then longest unseen, then by name).

    Args:
        scope: the county, or one town (its channel's kiosks only).
        now: the clock.
        stale_after: no heartbeat for longer is "lost" (``[fleet] stale_after_minutes``).
        towns: town id to name, for the town column (``{t.id: t.name for t in config.towns}``).
        include_revoked: also list revoked kiosks (last).
    """
    latest = dict(
        ChannelRelease.objects.values("channel__key")
        .annotate(latest=Max("version"))
        .values_list("channel__key", "latest")
    )
    devices = Device.objects.select_related("channel").order_by("name")
    if not scope.is_county:
        devices = devices.filter(channel__key=scope.key)
    if not include_revoked:
        devices = devices.filter(revoked_at__isnull=True)
    shots = dict(DeviceScreenshot.objects.values_list("device_id", "taken_at"))
    rows = [_kiosk(device, latest, shots, now, stale_after, towns or {}) for device in devices]
    never = now.replace(year=1)
    rows.sort(key=lambda r: (r.state, r.last_seen_at or never, r.name))
    return rows


def board_rows(*, boards: BoardSet, scope: Scope) -> list[BoardRow]:
    """The LED boards in ``scope`` with their last push: failing, never pushed, fine."""
    states = state_rows()
    rows = []
    for board in boards_in_scope(boards, scope):
        state = states.get(board.id)
        result = state.outcome if state else None
        reachable = state.reachable if state else None
        rows.append(
            BoardRow(
                id=board.id,
                name=board.name,
                town="" if board.town in ("", "county") else board.town,
                place=board.place,
                driver=board.driver,
                size=f"{board.width}x{board.height}",
                last_push_at=state.last_push_at if state else None,
                last_attempt_at=state.last_attempt_at if state else None,
                result=result,
                result_words=_RESULT_WORDS[result],
                error=state.error if state else "",
                reachable=reachable,
                reachable_words=_REACHABLE_WORDS[reachable],
                failures=state.failures if state else 0,
                next_attempt_at=state.next_attempt_at if state else None,
            )
        )
    # Failing first (most failures in a row first), then never pushed, then fine.
    rows.sort(key=lambda r: (_BOARD_ORDER.get(r.result, 0), -r.failures))
    return rows


def kiosk_screenshot(*, name: str, scope: Scope) -> Screenshot | None:
    """The latest screenshot of kiosk ``name`` in ``scope``; None when none (or not in scope)."""
    rows = DeviceScreenshot.objects.select_related("device__channel").filter(device__name=name)
    if not scope.is_county:
        rows = rows.filter(device__channel__key=scope.key)
    row = rows.first()
    if row is None:
        return None
    return Screenshot(
        device=name,
        png=bytes(row.png),
        sha256=row.sha256,
        width=row.width,
        height=row.height,
        taken_at=row.taken_at,
        received_at=row.received_at,
    )


# --- helpers -------------------------------------------------------------------------


def _kiosk(  # noqa: PLR0917 - a private row builder, called once
    device: Device,
    latest: Mapping[str, int],
    shots: Mapping[int, datetime],
    now: datetime,
    stale_after: timedelta,
    towns: Mapping[str, str],
) -> KioskRow:
    channel = device.channel.key
    town = channel.removeprefix("town-") if channel.startswith("town-") else ""
    newest = latest.get(channel)
    behind = bool(newest and (device.applied_version or 0) < newest)
    seen = device.last_seen_at
    stale = seen is not None and now - seen > stale_after
    if device.revoked_at is not None:
        state = KioskState.REVOKED
    elif seen is None:
        state = KioskState.NEVER_SEEN
    elif stale:
        state = KioskState.LOST
    elif device.last_refresh_ok is False:
        state = KioskState.FAILING
    elif behind:
        state = KioskState.BEHIND
    else:
        state = KioskState.CURRENT
    return KioskRow(
        name=device.name,
        town=town,
        town_name=towns.get(town, "县级") if town else "县级",
        channel=channel,
        applied_version=device.applied_version,
        latest_version=newest,
        behind=behind,
        last_seen_at=seen,
        stale=stale,
        last_refresh_ok=device.last_refresh_ok,
        last_error=device.last_error,
        disk_free=device.disk_free,
        app_version=device.app_version,
        address=device.address,
        revoked=device.revoked_at is not None,
        screenshot_at=shots.get(device.pk),
        state=state,
    )
