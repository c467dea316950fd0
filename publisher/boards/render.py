"""Draw slides for one board: text pages, QR codes and the date, pixel-exact.

Input is plain data (what to show, :data:`Item`) and the board's geometry;
output is :class:`~publisher.boards.program.Slide` objects whose images are
exactly the board's pixels. Mono boards get mode "1" images; dual-colour and
full-colour boards get "RGB" images that use only full-on colours (red, green,
yellow, and white for QR codes on full-colour boards), so every pixel is on or
off, never grey.

Text goes through :mod:`.layout` (per-character CJK breaking, paging): a text
longer than the board makes more slides, never a cut character. A character
the font lacks is drawn as □ so the gap is visible; schedules are checked for
such characters when they are saved (:func:`unshowable`), so this is the last
resort for content that changed afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

import qrcode
import qrcode.constants
from PIL import Image

from publisher.boards.fonts import gb2312_ok
from publisher.boards.layout import break_lines, pages
from publisher.boards.program import Slide, TextColor

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from publisher.boards.cardfont import Face
    from publisher.boards.program import BoardConfig

__all__ = [
    "RGB",
    "ClockItem",
    "Item",
    "QrItem",
    "TextItem",
    "blank_slide",
    "clock_text",
    "qr_fits",
    "render_items",
    "render_with_clock_strip",
    "unshowable",
]

#: Full-on colours; dual-colour boards have red and green LEDs (both = yellow).
RGB: dict[str, tuple[int, int, int]] = {
    "red": (255, 0, 0),
    "green": (0, 255, 0),
    "yellow": (255, 255, 0),
    "white": (255, 255, 255),
}
_WEEKDAYS = "一二三四五六日"
_MISSING = "□"  # in GB2312 and in both fonts
#: QR quiet zone, in modules (ISO/IEC 18004 asks for 4).
QUIET = 4


@dataclass(frozen=True)
class TextItem:
    """Text to show; long text is paged over several slides."""

    text: str
    color: TextColor = "red"
    seconds: float = 8.0


@dataclass(frozen=True)
class QrItem:
    """A QR code for a full document's URL (full-colour boards only), with a caption."""

    url: str
    caption: str = "扫码看全文"
    color: TextColor = "yellow"
    seconds: float = 12.0


@dataclass(frozen=True)
class ClockItem:
    """The date, weekday and time at ``at`` (local time), to the minute."""

    at: datetime
    color: TextColor = "green"
    seconds: float = 6.0


Item = TextItem | QrItem | ClockItem


def render_items(board: BoardConfig, font: Face, items: Sequence[Item]) -> tuple[Slide, ...]:
    """The slides showing ``items`` on ``board``, in order.

    QR items on boards that are not full-colour, or too small for the code,
    are left out (:func:`qr_fits` says why when the schedule is saved).
    """
    slides: list[Slide] = []
    for item in items:
        if isinstance(item, TextItem):
            slides += _text_slides(
                board, font, item.text, color=item.color, seconds=item.seconds, kind="text"
            )
        elif isinstance(item, ClockItem):
            text = clock_text(item.at, board.width, max(1, board.height // font.px), font)
            slides += _text_slides(
                board, font, text, color=item.color, seconds=item.seconds, kind="clock"
            )
        elif qr_fits(board, item.url) is None:
            slides.append(_qr_slide(board, font, item))
    return tuple(slides)


def clock_text(at: datetime, width: int, lines: int, font: Face) -> str:
    """The longest way of writing ``at`` (local time) that fits ``lines`` lines of ``width`` px.

    From "2026年12月01日 星期二 08:30" down to "08:30", so a clock is always one
    slide (one page), never a date cut over two.
    """
    weekday = _WEEKDAYS[at.weekday()]
    candidates = (
        f"{at:%Y年%m月%d日} 星期{weekday} {at:%H:%M}",
        f"{at:%m月%d日} 星期{weekday} {at:%H:%M}",
        f"{at:%m-%d} 周{weekday} {at:%H:%M}",
        f"{at:%H:%M}",
    )
    for text in candidates:
        if len(break_lines(text, width, font.width)) <= lines:
            return text
    return candidates[-1]


def render_with_clock_strip(
    board: BoardConfig, font: Face, items: Sequence[Item]
) -> tuple[tuple[Slide, ...], tuple[int, int, int, int]] | None:
    """The slides of ``items`` under a one-line clock strip along the top, and the strip's box.

    For boards whose controller can refresh a part of the screen alone (Onbon
    G6 dynamic areas): the clock is on every slide instead of being a slide of
    its own, so a new minute changes only the strip. None when ``items`` have no
    clock, nothing besides it, or the board is too small for a strip and a line
    (or for a QR code under a strip): then the clock stays a slide.
    """
    clocks = [item for item in items if isinstance(item, ClockItem)]
    rest = [item for item in items if not isinstance(item, ClockItem)]
    px = font.px
    if not clocks or not rest or board.height < 2 * px:
        return None
    inner = replace(board, height=board.height - px)
    if any(isinstance(item, QrItem) and qr_fits(inner, item.url) for item in rest):
        return None
    slides = render_items(inner, font, rest)
    if not slides:
        return None
    clock = clocks[0]
    strip = _canvas(replace(board, height=px))
    text = clock_text(clock.at, board.width, 1, font)
    _draw_lines(
        strip, font, [text], left=0, width=board.width, ink=_ink(board, clock.color), center=True
    )
    out = []
    for slide in slides:
        image = _canvas(board)
        image.paste(strip, (0, 0))
        image.paste(slide.image, (0, px))
        out.append(replace(slide, image=image))
    return tuple(out), (0, 0, board.width, px)


def blank_slide(board: BoardConfig) -> Slide:
    """All LEDs off: what a board shows outside its hours or with nothing scheduled."""
    return Slide(image=_canvas(board), lines=(), seconds=60.0)


def unshowable(board: BoardConfig, font: Face, text: str) -> list[str]:
    """Characters of ``text`` this board cannot show, in order of appearance.

    A font card (onbon-k) draws with its own GB2312 fonts; bitmap boards draw
    with ``font``. Both limits apply to font cards, since their previews and
    bitmap fall-backs use the same font.
    """
    missing = font.missing(text)
    if board.driver == "onbon-k":
        for char in text:
            if char not in missing and not gb2312_ok(char):
                missing.append(char)
    return missing


def qr_fits(board: BoardConfig, url: str) -> str | None:
    """None when a QR code of ``url`` can be shown on ``board``, else why not."""
    if board.colors != "rgb":
        return f"QR codes need a full-colour (rgb) board; {board.id} is {board.colors}"
    size = len(_qr_matrix(url))
    if size > board.height or size > board.width:
        return (
            f"the QR code of this URL needs {size}x{size} px with its quiet zone; "
            f"{board.id} is {board.width}x{board.height}"
        )
    return None


# --- helpers -------------------------------------------------------------------------


def _canvas(board: BoardConfig) -> Image.Image:
    if board.colors == "mono":
        return Image.new("1", (board.width, board.height), 0)
    return Image.new("RGB", (board.width, board.height), (0, 0, 0))


def _ink(board: BoardConfig, color: str) -> int | tuple[int, int, int]:
    return 255 if board.colors == "mono" else RGB[color]  # mode "1" stores on as 255


def _showable(board: BoardConfig, font: Face, text: str) -> str:
    bad = set(unshowable(board, font, text))
    return "".join(_MISSING if char in bad else char for char in text) if bad else text


def _text_slides(
    board: BoardConfig,
    font: Face,
    text: str,
    *,
    color: TextColor,
    seconds: float,
    kind: Literal["text", "clock"],
) -> list[Slide]:
    text = _showable(board, font, text)
    lines = break_lines(text, board.width, font.width)
    per_page = max(1, board.height // font.px)
    slides = []
    for page in pages(lines, per_page):
        image = _canvas(board)
        _draw_lines(
            image,
            font,
            page,
            left=0,
            width=board.width,
            ink=_ink(board, color),
            center=len(lines) == 1,
        )
        slides.append(
            Slide(image=image, lines=tuple(page), color=color, seconds=seconds, kind=kind)
        )
    return slides


def _draw_lines(
    image: Image.Image,
    font: Face,
    lines: Sequence[str],
    *,
    left: int,
    width: int,
    ink: int | tuple[int, int, int],
    center: bool,
) -> None:
    """Draw lines in the box from ``left``, ``width`` wide, centred vertically.

    A text of one line is centred horizontally (``center``, a title); a longer
    text starts every line at the left edge, on every page, as a paragraph reads.
    """
    if not lines:
        return
    spare = image.height - len(lines) * font.px
    gap = spare // (len(lines) + 1)
    top = gap + (spare - gap * (len(lines) + 1)) // 2
    for line in lines:
        x = left
        if center:
            x += max(0, (width - font.width(line)) // 2)
        for char in line:
            glyph = font.glyph(char)
            if x + glyph.advance > left + width:
                break  # layout never lets this happen; guard against a cut glyph
            image.paste(ink, (x, top), glyph.mask)
            x += glyph.advance
        top += font.px + gap


def _qr_matrix(url: str) -> list[list[bool]]:
    # Level M (15% of modules may be lost): a board is scanned from across a square,
    # through glare; a short link keeps the code at version 2 or 3 all the same.
    code = qrcode.QRCode(border=QUIET, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(url)
    code.make(fit=True)
    matrix: list[list[bool]] = code.get_matrix()
    return matrix


def _qr_slide(board: BoardConfig, font: Face, item: QrItem) -> Slide:
    matrix = _qr_matrix(item.url)
    size = len(matrix)
    scale = max(1, board.height // size)  # whole pixels per module: the grid stays sharp
    side = size * scale
    image = _canvas(board)
    # LEDs are light on dark: light modules and the quiet zone are lit white,
    # dark modules are off, which is the normal (dark-on-light) QR polarity.
    code = Image.new("1", (size, size), 0)
    code.putdata([0 if dark else 1 for row in matrix for dark in row])
    code = code.resize((side, side), Image.Resampling.NEAREST)
    top = (board.height - side) // 2
    image.paste(RGB["white"], (0, top), code)
    caption = _showable(board, font, item.caption)
    room = board.width - side - 2
    lines: list[str] = []
    if room >= font.px:
        lines = break_lines(caption, room, font.width)[: max(1, board.height // font.px)]
        ink = _ink(board, item.color)
        _draw_lines(image, font, lines, left=side + 2, width=room, ink=ink, center=len(lines) == 1)
    return Slide(
        image=image,
        lines=tuple(lines),
        color=item.color,
        seconds=item.seconds,
        kind="qr",
    )
