r"""The text metrics of an Onbon K font card, and the face every board is measured with.

A K card draws the GB2312 text it receives with its own built-in fonts: a
Chinese font of 16, 24 or 32 px (``\FO000``, ``\FO001``, ``\FO002``, K
protocol §11.1) and beside it an English font half as wide. Every
character is a fixed cell: a two-byte GB2312 character (hanzi, full-width
punctuation, 【】、“” …) is ``px`` wide, a one-byte one (ASCII) ``px / 2``.
So a line's width on the card is its GB2312 byte count times ``px / 2``,
whatever a bitmap font on the publisher would say (WenQuanYi's ``:`` is 4 px
wide, the card's 8): Gongkai must break K text by these cells, or the card
clips or wraps lines where Gongkai did not plan.

:class:`CardFont` measures with the card's cells and draws each character
with the installed 16 px bitmap font, scaled to the card's size and centred
in its cell, so a preview of a K board shows the card's layout: the same
line breaks, the same sizes. :func:`face_for` picks the face a board is
measured and drawn with: the card's for ``onbon-k``, the bitmap font for
every other driver.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from PIL import Image

from publisher.boards.fonts import Glyph, find_font

if TYPE_CHECKING:
    from pathlib import Path

    from publisher.boards.fonts import BoardFont
    from publisher.boards.program import BoardConfig

__all__ = ["BITMAP_SIZES", "CARD_SIZES", "CardFont", "Face", "card_width", "face_for"]

#: The Chinese font sizes a K card has built in, and their style codes (\FO…).
CARD_SIZES: dict[int, str] = {16: "000", 24: "001", 32: "002"}
#: The bitmap font sizes boards drawn by Gongkai (G6, Flaschen-Taschen, preview) have.
BITMAP_SIZES: tuple[int, ...] = (12, 16)
#: What the card draws for a character it has no glyph for; GB2312 □ is two bytes.
_FALLBACK_BYTES = 2
_BASE_PX = 16  # the installed bitmap font the card's glyphs are drawn from


class Face(Protocol):
    """What layout and rendering need of a face: its line height, widths and glyphs."""

    @property
    def px(self) -> int:
        """The line box height in pixels."""
        ...

    @property
    def path(self) -> Path:
        """The font file the glyphs come from."""
        ...

    @property
    def name(self) -> str:
        """The face's name, for messages."""
        ...

    def covers(self, char: str) -> bool:
        """Whether the face can draw ``char``."""
        ...

    def missing(self, text: str) -> list[str]:
        """The distinct characters of ``text`` the face cannot draw, in order."""
        ...

    def glyph(self, char: str) -> Glyph:
        """The character's bitmap in a line box ``px`` high."""
        ...

    def width(self, text: str) -> int:
        """The width of ``text`` in pixels."""
        ...


def card_width(text: str, px: int) -> int:
    """The width of ``text`` on a K card whose Chinese font is ``px``: its GB2312 bytes x px/2.

    A character outside GB2312 counts as the two-byte □ the board shows instead.
    """
    total = 0
    for char in text:
        try:
            total += len(char.encode("gb2312"))
        except UnicodeEncodeError:
            total += _FALLBACK_BYTES
    return total * px // 2


@dataclass
class CardFont:
    """A K card's built-in font at ``px`` (16, 24 or 32): its cells, drawn from a bitmap font.

    Args:
        px: the card's Chinese font size.
        base: the bitmap face the glyphs are drawn with (scaled to ``px``).
    """

    px: int
    base: BoardFont
    _glyphs: dict[str, Glyph] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        if self.px not in CARD_SIZES:
            sizes = ", ".join(map(str, CARD_SIZES))
            raise ValueError(f"a K card has Chinese fonts of {sizes} px, not {self.px}")

    @property
    def path(self) -> Path:
        """The bitmap font file the preview glyphs come from."""
        return self.base.path

    @property
    def name(self) -> str:
        """The card's font, for messages."""
        return f"the card's {self.px} px font (\\FO{CARD_SIZES[self.px]})"

    def covers(self, char: str) -> bool:
        """Whether the card can draw ``char``: it is in GB2312 (and the preview font has it)."""
        try:
            char.encode("gb2312")
        except UnicodeEncodeError:
            return False
        return self.base.covers(char)

    def missing(self, text: str) -> list[str]:
        """The distinct characters of ``text`` the card cannot draw, in order."""
        seen: list[str] = []
        for char in text:
            if char not in seen and char != "\n" and not self.covers(char):
                seen.append(char)
        return seen

    def glyph(self, char: str) -> Glyph:
        """The character in its card cell (``px`` or ``px/2`` wide, ``px`` high), cached."""
        cached = self._glyphs.get(char)
        if cached is not None:
            return cached
        cell = card_width(char, self.px)
        drawn = self.base.glyph(char)
        mask = drawn.mask
        if self.px != self.base.px:
            scaled = (max(1, drawn.advance * self.px // self.base.px), self.px)
            mask = mask.resize(scaled, Image.Resampling.NEAREST)
        mask = mask.crop((0, 0, min(cell, mask.width), self.px))
        out = Image.new("1", (cell, self.px), 0)
        out.paste(mask, ((cell - mask.width) // 2, 0))
        glyph = Glyph(out, cell)
        self._glyphs[char] = glyph
        return glyph

    def width(self, text: str) -> int:
        """The width of ``text`` on the card."""
        return card_width(text, self.px)


@functools.cache
def _card_font(px: int) -> CardFont:
    return CardFont(px, find_font(_BASE_PX))


def face_for(board: BoardConfig) -> Face:
    """The face ``board`` is measured and drawn with (cached per process).

    A font card (``onbon-k``) draws with its own fonts, so it is measured by
    their cells; every other board is drawn by Gongkai with the bitmap font of
    its ``font_px``.

    Raises:
        FontMissingError: the bitmap font is not installed.
    """
    if board.driver == "onbon-k":
        return _card_font(board.font_px)
    return find_font(board.font_px)
