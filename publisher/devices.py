"""Kiosk devices: enrolment with a bearer token, heartbeats, the fleet view.

Tokens are random (secrets.token_urlsafe), shown once at enrolment, and only
their SHA-256 is stored. An unknown or revoked token is refused and nothing is
recorded.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator

from publisher.actors import OutOfScopeError
from publisher.errors import InputError
from publisher.fleet.screenshots import ScreenshotPolicy, png_decode, screenshot_store
from publisher.store.models import Channel, ChannelRelease, Device, DeviceScreenshot
from publisher.store.services import audit_log

if TYPE_CHECKING:
    from collections.abc import Collection

    from publisher.actors import Actor

__all__ = [
    "DeviceError",
    "Heartbeat",
    "HeartbeatError",
    "ScreenshotReport",
    "device_enrol",
    "device_for_token",
    "device_heartbeat",
    "device_revoke",
    "device_rows",
    "heartbeat_parse",
]

#: What the database's integer columns hold (PositiveIntegerField, PositiveBigIntegerField).
_MAX_INT = 2**31 - 1
_MAX_BIG = 2**63 - 1
_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
_NAME_MAX = 100  # Device.name
#: The most base64 a screenshot may take whatever the policy (``[fleet]`` caps it lower).
_MAX_SCREENSHOT_B64 = 1_048_576 * 4 // 3 + 4
#: A kiosk's clock may run ahead of the publisher's by this much.
_SKEW = timedelta(days=1)


class DeviceError(InputError):
    """A device operation was refused (duplicate name, unknown device)."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def device_enrol(*, actor: Actor, name: str, channel: str, channels: Collection[str]) -> str:
    """Enrol a kiosk on a channel; return its token (the only time it is shown).

    Args:
        actor: who enrols it (kept in the audit log); a town's actor enrols
            only on its town's channel.
        name: the device's name, unique.
        channel: the channel it follows.
        channels: the channels there are (``channels_of(config)``).

    Raises:
        DeviceError: the channel is unknown, the name is empty or too long, or a
            device of that name exists.
        OutOfScopeError: the channel is not the actor's town's.
    """
    name = name.strip()
    if not name or len(name) > _NAME_MAX or not name.isprintable():
        raise DeviceError(f"a device name is 1 to {_NAME_MAX} printable characters")
    if not actor.scope.covers_key(channel):
        raise OutOfScopeError(f"channel {channel} is outside the scope of {actor} ({actor.scope})")
    if channel not in channels:
        raise DeviceError(f"unknown channel {channel}; known: {', '.join(channels)}")
    token = secrets.token_urlsafe(32)
    while not token[0].isalnum():  # "-…" would read as an option on a command line
        token = secrets.token_urlsafe(32)
    row, _ = Channel.objects.get_or_create(key=channel)
    try:
        with transaction.atomic():
            device = Device.objects.create(name=name, channel=row, token_hash=_hash(token))
    except IntegrityError as exc:
        raise DeviceError(f"a device named {name!r} exists") from exc
    audit_log(
        actor=actor, action="device.enrol", detail={"device": device.name, "channel": channel}
    )
    return token


def device_revoke(*, actor: Actor, name: str) -> None:
    """Revoke a device: its token is refused from now on; ``actor`` is who did it.

    Raises:
        DeviceError: no such active device (also when it is another town's and
            the actor is a town's: its existence is not told).
    """
    rows = Device.objects.filter(name=name, revoked_at__isnull=True)
    if not actor.scope.is_county:
        rows = rows.filter(channel__key=actor.scope.key)
    updated = rows.update(revoked_at=timezone.now())
    if not updated:
        raise DeviceError(f"no active device named {name!r}")
    audit_log(actor=actor, action="device.revoke", detail={"device": name})


def device_for_token(token: str) -> Device | None:
    """The active device holding ``token``, or None (unknown or revoked)."""
    if not token:
        return None
    return Device.objects.filter(token_hash=_hash(token), revoked_at__isnull=True).first()


class HeartbeatError(InputError):
    """A heartbeat was refused: ``field`` names what was wrong (``"body"``: the whole of it)."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


class ScreenshotReport(BaseModel):
    """A screenshot of the kiosk's screen: a base64 PNG and when it was taken.

    The PNG's bounds (bytes, pixels) are checked by :func:`heartbeat_parse`
    against the county's ``[fleet]`` policy.
    """

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    png: Annotated[str, Field(min_length=1, max_length=_MAX_SCREENSHOT_B64)]
    taken_at: AwareDatetime

    @field_validator("taken_at")
    @classmethod
    def _plausible(cls, value: datetime) -> datetime:
        if not _EARLIEST <= value <= timezone.now() + _SKEW:
            raise ValueError("must lie between the year 2000 and tomorrow")
        return value


class Heartbeat(BaseModel):
    """What a kiosk reports: strict types, bounded values, no unknown fields.

    ``"false"`` is not a boolean, ``3.9`` or ``true`` not a version, and a number
    the database cannot hold is refused rather than stored wrong or crashing.
    """

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    applied_version: Annotated[int, Field(ge=0, le=_MAX_INT)] | None = None
    last_refresh_at: AwareDatetime | None = None
    last_refresh_ok: bool | None = None
    last_error: Annotated[str, Field(max_length=1000)] | None = None
    disk_free: Annotated[int, Field(ge=0, le=_MAX_BIG)] | None = None
    uptime: Annotated[int, Field(ge=0, le=_MAX_BIG)] | None = None
    app_version: Annotated[str, Field(max_length=64)] | None = None
    #: The latest screenshot of its screen (``publisher.fleet.screenshots``).
    screenshot: ScreenshotReport | None = None

    @field_validator("last_refresh_at")
    @classmethod
    def _plausible(cls, value: datetime | None) -> datetime | None:
        if value is not None and not _EARLIEST <= value <= timezone.now() + _SKEW:
            raise ValueError("must lie between the year 2000 and tomorrow")
        return value


def heartbeat_parse(body: bytes, *, policy: ScreenshotPolicy | None = None) -> Heartbeat:
    """Read a heartbeat body (a JSON object; an empty body reports nothing).

    Args:
        body: the request body.
        policy: the screenshot bounds (the defaults of ``[fleet]`` when None).

    Raises:
        HeartbeatError: not a JSON object, nested too deep, or a field fails the schema
            (the first such field is named), or its screenshot is not a PNG in bounds.
    """
    # The JSON parser itself stops at a bounded depth: a nesting bomb is one more error.
    try:
        heartbeat = Heartbeat.model_validate_json(body or b"{}")
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        field = ".".join(str(part) for part in first["loc"]) or "body"
        raise HeartbeatError(f"{field}: {first['msg']}", field=field) from None
    if heartbeat.screenshot is not None:
        try:
            png_decode(heartbeat.screenshot.png, max_bytes=(policy or ScreenshotPolicy()).max_bytes)
        except ValueError as exc:
            raise HeartbeatError(f"screenshot.png: {exc}", field="screenshot.png") from None
    return heartbeat


def device_heartbeat(
    *, device: Device, heartbeat: Heartbeat, address: str, policy: ScreenshotPolicy | None = None
) -> None:
    """Record a heartbeat on the device row, and its screenshot when the policy keeps it.

    Raises:
        HeartbeatError: it reports a version newer than its channel's latest release
            (nothing is recorded).
    """
    applied = heartbeat.applied_version
    if applied is not None:
        latest = (
            ChannelRelease.objects.filter(channel_id=device.channel_id)
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        ) or 0
        if applied > latest:
            raise HeartbeatError(
                f"applied_version: {applied} is newer than the channel's latest release ({latest})",
                field="applied_version",
            )
    now = timezone.now()
    values = {
        **heartbeat.model_dump(exclude_none=True, exclude={"screenshot"}),
        "last_seen_at": now,
        "address": address[:64],
    }
    Device.objects.filter(pk=device.pk).update(**values)
    shot, policy = heartbeat.screenshot, policy or ScreenshotPolicy()
    if shot is not None and policy.enabled:
        png, width, height = png_decode(shot.png, max_bytes=policy.max_bytes)
        screenshot_store(device=device, png=png, width=width, height=height,
                         taken_at=shot.taken_at, policy=policy, now=now)  # fmt: skip


def device_rows() -> list[dict[str, Any]]:
    """Every device with its channel, applied and latest version, last seen, whether behind."""
    latest: dict[str, int] = {}
    for key, version in ChannelRelease.objects.values_list("channel__key", "version"):
        latest[key] = max(version, latest.get(key, 0))
    shots = dict(DeviceScreenshot.objects.values_list("device_id", "taken_at"))
    rows = []
    for device in Device.objects.select_related("channel").order_by("name"):
        newest = latest.get(device.channel.key)
        rows.append(
            {
                "name": device.name,
                "channel": device.channel.key,
                "applied_version": device.applied_version,
                "latest_version": newest,
                "behind": bool(newest and (device.applied_version or 0) < newest),
                "last_seen_at": _local(device.last_seen_at),
                "last_refresh_ok": device.last_refresh_ok,
                "last_error": device.last_error or None,
                "disk_free": device.disk_free,
                "uptime": device.uptime,
                "app_version": device.app_version or None,
                "revoked": device.revoked_at is not None,
                "screenshot_at": _local(shots.get(device.pk)),
            }
        )
    return rows


def _local(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None
