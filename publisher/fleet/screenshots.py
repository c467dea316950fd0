"""Kiosk screenshots: the latest small PNG of each kiosk's screen, sent with its heartbeat.

The heartbeat carries ``"screenshot": {"png": "<base64>", "taken_at": "…"}``
(``publisher.devices.Heartbeat``). What is stored is bounded three ways: the
heartbeat body cap (``[serve] max_heartbeat_bytes`` plus room for one
screenshot), ``[fleet] screenshot_max_bytes`` on the decoded PNG and a
width and height of at most :data:`MAX_SIDE` read from its header, and at
most one stored screenshot per ``screenshot_min_seconds`` per kiosk (more
are dropped, the rest of the heartbeat is still recorded). With ``[fleet]
screenshots = false`` nothing is kept, stored ones are dropped, and the
heartbeat's answer tells the agent to stop sending them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from publisher.store.models import DeviceScreenshot

if TYPE_CHECKING:
    from datetime import datetime

    from publisher.config import FleetSection
    from publisher.store.models import Device

__all__ = [
    "MAX_SIDE",
    "SCREENSHOTS_HEADER",
    "ScreenshotPolicy",
    "png_decode",
    "screenshot_store",
    "screenshots_clear",
]

#: The widest or tallest screenshot accepted, in pixels (kiosks send ~480 px wide).
MAX_SIDE = 1280
#: The heartbeat answer's header telling the agent whether to send screenshots.
SCREENSHOTS_HEADER = "Gongkai-Screenshots"
_PNG = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class ScreenshotPolicy:
    """Whether screenshots are kept, how large one may be, how often one is stored."""

    enabled: bool = True
    max_bytes: int = 65_536
    min_interval: timedelta = timedelta(seconds=120)

    @classmethod
    def from_config(cls, fleet: FleetSection) -> ScreenshotPolicy:
        """The policy of ``[fleet]``."""
        return cls(
            enabled=fleet.screenshots,
            max_bytes=fleet.screenshot_max_bytes,
            min_interval=timedelta(seconds=fleet.screenshot_min_seconds),
        )

    @property
    def body_allowance(self) -> int:
        """Extra heartbeat bytes one screenshot may take (base64 and its JSON)."""
        return (self.max_bytes * 4 // 3 + 4) + 256 if self.enabled else 0


def png_decode(text: str, *, max_bytes: int) -> tuple[bytes, int, int]:
    """The PNG in base64 ``text``, with its width and height.

    Only the header is read (no pixels are decoded), so a hostile image costs
    nothing beyond its bounded bytes.

    Raises:
        ValueError: not base64, larger than ``max_bytes``, not a PNG, or wider
            or taller than :data:`MAX_SIDE`.
    """
    if len(text) > max_bytes * 4 // 3 + 4:
        raise ValueError(f"a screenshot is at most {max_bytes} bytes")
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("not base64") from None
    if len(data) > max_bytes:
        raise ValueError(f"a screenshot is at most {max_bytes} bytes")
    if len(data) < 33 or not data.startswith(_PNG) or data[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    width, height = struct.unpack(">II", data[16:24])
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        raise ValueError(f"a screenshot is at most {MAX_SIDE}x{MAX_SIDE} pixels")
    return data, width, height


def screenshot_store(
    *,
    device: Device,
    png: bytes,
    width: int,
    height: int,
    taken_at: datetime,
    policy: ScreenshotPolicy,
    now: datetime,
) -> bool:
    """Keep ``png`` as ``device``'s latest screenshot; False when off or too soon.

    Too soon: the last one was stored less than ``policy.min_interval`` ago.
    """
    if not policy.enabled:
        return False
    last = (
        DeviceScreenshot.objects.filter(device=device).values_list("received_at", flat=True).first()
    )
    if last is not None and now - last < policy.min_interval:
        return False
    DeviceScreenshot.objects.update_or_create(
        device=device,
        defaults={
            "png": png,
            "sha256": hashlib.sha256(png).hexdigest(),
            "width": width,
            "height": height,
            "taken_at": min(taken_at, now),
            "received_at": now,
        },
    )
    return True


def screenshots_clear() -> int:
    """Drop every stored screenshot (``[fleet] screenshots = false``); how many there were."""
    deleted, _ = DeviceScreenshot.objects.all().delete()
    return deleted
