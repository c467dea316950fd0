"""Kiosk devices: enrolment with a bearer token, heartbeats, the fleet view.

Tokens are random (secrets.token_urlsafe), shown once at enrolment, and only
their SHA-256 is stored. An unknown or revoked token is refused and nothing is
recorded.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from publisher.errors import InputError
from publisher.store.models import Channel, ChannelRelease, Device
from publisher.store.services import audit_log

if TYPE_CHECKING:
    from collections.abc import Collection

__all__ = [
    "DeviceError",
    "Heartbeat",
    "device_enrol",
    "device_for_token",
    "device_heartbeat",
    "device_revoke",
    "device_rows",
]


class DeviceError(InputError):
    """A device operation was refused (duplicate name, unknown device)."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def device_enrol(*, actor: str, name: str, channel: str, channels: Collection[str]) -> str:
    """Enrol a kiosk on a channel; return its token (the only time it is shown).

    Args:
        actor: who enrols it (kept in the audit log).
        name: the device's name, unique.
        channel: the channel it follows.
        channels: the channels there are (``channels_of(config)``).

    Raises:
        DeviceError: the channel is unknown, or a device of that name exists.
    """
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


def device_revoke(*, actor: str, name: str) -> None:
    """Revoke a device: its token is refused from now on; ``actor`` is who did it.

    Raises:
        DeviceError: no such device.
    """
    updated = Device.objects.filter(name=name, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise DeviceError(f"no active device named {name!r}")
    audit_log(actor=actor, action="device.revoke", detail={"device": name})


def device_for_token(token: str) -> Device | None:
    """The active device holding ``token``, or None (unknown or revoked)."""
    if not token:
        return None
    return Device.objects.filter(token_hash=_hash(token), revoked_at__isnull=True).first()


class Heartbeat:
    """What a kiosk reports; unknown fields are ignored, bad ones refused."""

    FIELDS = ("applied_version", "last_refresh_at", "last_refresh_ok", "last_error",
              "disk_free", "uptime", "app_version")  # fmt: skip

    def __init__(self, data: dict[str, Any]) -> None:
        self.values: dict[str, Any] = {}
        for name in self.FIELDS:
            if name in data and data[name] is not None:
                self.values[name] = self._clean(name, data[name])

    @staticmethod
    def _clean(name: str, value: Any) -> Any:
        if name in {"applied_version", "disk_free", "uptime"}:
            number = int(value)
            if number < 0:
                raise ValueError(f"{name} must be >= 0")
            return number
        if name == "last_refresh_ok":
            return bool(value)
        if name == "last_refresh_at":
            moment = datetime.fromisoformat(str(value))
            if moment.tzinfo is None:
                raise ValueError("last_refresh_at needs a time zone")
            return moment
        return str(value)[:1000]


def device_heartbeat(*, device: Device, heartbeat: Heartbeat, address: str) -> None:
    """Record a heartbeat on the device row."""
    values = {**heartbeat.values, "last_seen_at": timezone.now(), "address": address[:64]}
    Device.objects.filter(pk=device.pk).update(**values)


def device_rows() -> list[dict[str, Any]]:
    """Every device with its channel, applied and latest version, last seen, whether behind."""
    latest: dict[str, int] = {}
    for key, version in ChannelRelease.objects.values_list("channel__key", "version"):
        latest[key] = max(version, latest.get(key, 0))
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
                "last_seen_at": timezone.localtime(device.last_seen_at).isoformat(
                    timespec="seconds"
                )
                if device.last_seen_at
                else None,
                "last_refresh_ok": device.last_refresh_ok,
                "last_error": device.last_error or None,
                "disk_free": device.disk_free,
                "uptime": device.uptime,
                "app_version": device.app_version or None,
                "revoked": device.revoked_at is not None,
            }
        )
    return rows
