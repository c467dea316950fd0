"""What a board shows: a program of rendered slides, and the board it is for.

These types are the contract between the scheduler and renderer (which build a
:class:`Program`) and the drivers (which push one).  They are plain, frozen
data; a driver never looks anything up.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from PIL import Image

Colors = Literal["mono", "dual", "rgb"]
DriverName = Literal["onbon-k", "onbon-g6", "flaschen-taschen", "preview"]
TextColor = Literal["red", "green", "yellow"]
#: Kinds of day on the working-day calendar ("all": every day).
DayRule = Literal["all", "workdays", "holidays", "weekends-and-holidays"]


@dataclass(frozen=True)
class BoardConfig:
    """One board as configured in ``[[boards]]`` of gongkai.toml."""

    id: str
    name: str
    town: str
    place: str
    driver: DriverName
    address: str  # "host:port", or a serial device path such as /dev/ttyUSB0
    width: int
    height: int
    colors: Colors
    font_px: int = 16  # 12 or 16 (bitmap boards); 16, 24 or 32 (onbon-k: the card's fonts)
    brightness: int = 16  # 1..16, as Onbon cards count it
    hours: tuple[str, str] = ("00:00", "24:00")  # operating hours, local time
    hours_days: DayRule = "all"  # the kind of day the hours apply on; closed on the others
    baud: int = 9600  # serial only
    group: tuple[str, ...] = ()  # board groups this board belongs to

    @property
    def is_serial(self) -> bool:
        """True when ``address`` names a serial device rather than host:port."""
        return self.address.startswith("/")


@dataclass(frozen=True)
class Slide:
    """One page of a program, already laid out for one board.

    ``image`` is exactly the board's pixels (``width`` x ``height``): mode "1"
    for mono boards, mode "RGB" for dual-colour and full-colour boards (dual
    boards use only pure red, pure green and yellow = red+green, never
    anti-aliased).  ``lines`` is the same content as text, one entry per
    display line, for font cards (Onbon K) that draw text themselves; it holds
    only characters of GB2312 when the board is a font card.
    """

    image: Image.Image
    lines: tuple[str, ...]
    color: TextColor = "red"
    seconds: float = 8.0  # how long the slide stays before the next
    kind: Literal["text", "qr", "clock"] = "text"


@dataclass(frozen=True)
class Program:
    """The slides one board plays in a loop, with the reason it was chosen."""

    board_id: str
    slides: tuple[Slide, ...]
    reason: str = ""  # e.g. "schedule 'morning notices' (priority 5)"
    digest: str = field(default="", compare=False)
    #: (x, y, width, height) of a live clock drawn alike on every slide, or None. A
    #: driver may refresh this box alone when only the minute changed (Onbon G6:
    #: a dynamic area of its own), so the slides' loop is not restarted.
    clock_box: tuple[int, int, int, int] | None = None

    def content_digest(self) -> str:
        """A hash of exactly what the board would show: equal digest, no push."""
        h = hashlib.sha256()
        h.update(repr(self.clock_box).encode())
        for slide in self.slides:
            h.update(slide.kind.encode())
            h.update(slide.color.encode())
            h.update(repr(slide.seconds).encode())
            h.update("\n".join(slide.lines).encode())
            h.update(slide.image.mode.encode())
            h.update(repr(slide.image.size).encode())
            h.update(slide.image.tobytes())
        return h.hexdigest()
