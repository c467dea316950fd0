"""How one kiosk runs: its home, panel size, timeouts and modes (plain data, no Kivy)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import timedelta
    from pathlib import Path

__all__ = ["KioskSettings", "parse_size"]


@dataclass(frozen=True)
class KioskSettings:
    """Settings of the kiosk app.

    Attributes:
        home: the kiosk home the update agent keeps (``active``, ``state.json``).
        width, height: the panel in pixels; the window is borderless at 0,0 this size.
        idle_seconds: back to 首页 and the attract loop after this long untouched.
        stale_after: show the stale badge when the last successful refresh is older;
            None uses the agent's own limit from ``state.json``.
        tour: write one screenshot per screen and mode here, then exit.
        allow_offscreen: permit SDL's invisible offscreen driver (tests, CI tours).
        maxfps: 30 keeps idle CPU near 1 %; never 0 (a busy loop).
        speech: 朗读 on (off: a silent speaker).
        voice_model: a Piper voice for 朗读 instead of espeak-ng (``kiosk.a11y.speech``).
        screenshots: keep a small screenshot of the screen for the fleet page
            (``kiosk.app.screenshots``; the publisher may still refuse them).
    """

    home: Path
    width: int = 1080
    height: int = 1920
    idle_seconds: float = 90.0
    stale_after: timedelta | None = None
    tour: Path | None = None
    allow_offscreen: bool = False
    maxfps: int = 30
    speech: bool = True
    #: The publisher to ask for 查询办理进度, and the file with this kiosk's device token
    #: (the agent's); without them the screen says the lookup is not available here.
    publisher: str | None = None
    token_file: Path | None = None
    voice_model: Path | None = None
    screenshots: bool = True

    @property
    def ui_dir(self) -> Path:
        """Where the app keeps its own files (Kivy's home, the extracted font)."""
        return self.home / "ui"


def parse_size(text: str) -> tuple[int, int]:
    """``1080x1920`` → (1080, 1920).

    Raises:
        ValueError: not WIDTHxHEIGHT with both between 320 and 8192.
    """
    try:
        width, height = (int(p) for p in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"size {text!r} is not WIDTHxHEIGHT, e.g. 1080x1920") from None
    if not (320 <= width <= 8192 and 320 <= height <= 8192):
        raise ValueError(f"size {text!r} is outside 320..8192 pixels")
    return width, height
