"""CJK bitmap fonts for the boards: which file, which glyphs it has, glyph bitmaps.

The default faces come from Debian packages (docs/boards.md, "Fonts"):

* 16 px: WenQuanYi Bitmap Song 12pt strike (``xfonts-wqy``), else GNU Unifont
  (``fonts-unifont``);
* 12 px: WenQuanYi Bitmap Song 9pt strike.

FreeType reads the PCF strikes directly; asked for their exact pixel size it
draws them pixel for pixel, with no anti-aliasing. Coverage of a PCF font is
read from its encodings table, because a missing character is drawn as the
font's default glyph (a blank line in WenQuanYi), which looks like a space.
For OpenType faces (Unifont) a character is covered when its bitmap differs
from the ``.notdef`` glyph's.
"""

from __future__ import annotations

import functools
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageFont

from publisher.errors import UnavailableError

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = ["FONT_DIRS", "BoardFont", "FontMissingError", "find_font", "gb2312_ok"]

#: Where Debian puts the fonts; tests and odd deployments pass their own.
FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts/X11/misc"),
    Path("/usr/share/fonts/opentype/unifont"),
    Path("/usr/share/fonts/truetype/unifont"),
)
#: Per pixel size: (file name, FreeType size), best first.
_CANDIDATES: dict[int, tuple[tuple[str, int], ...]] = {
    16: (("wenquanyi_12pt.pcf", 16), ("wenquanyi_12pt.pcf.gz", 16), ("unifont.otf", 16)),
    12: (("wenquanyi_9pt.pcf", 12), ("wenquanyi_9pt.pcf.gz", 12)),
}
_PCF_MAGIC = b"\x01fcp"
_PCF_BDF_ENCODINGS = 1 << 5
_PCF_BYTE_MASK = 1 << 2  # set: big-endian integers
#: Characters shown as blank whatever the font says.
_BLANKS = frozenset(" \u3000\t")
#: Glyphs whose top row fixes where text sits in a line (the CJK ideograph box).
_BOX_SAMPLE = "政务公开国县镇"


class FontMissingError(UnavailableError, RuntimeError):
    """No usable font file for a pixel size (install xfonts-wqy or fonts-unifont)."""


@dataclass(frozen=True)
class Glyph:
    """One character's bitmap, already cut to the line box: ``advance`` x ``px``."""

    mask: Image.Image  # mode "1", size (advance, px)
    advance: int


@dataclass
class BoardFont:
    """A bitmap face at one pixel size, with cached glyph bitmaps.

    Args:
        path: the font file.
        px: the line box height in pixels (12 or 16).
        size: the size FreeType is asked for (the strike's exact ppem).
    """

    path: Path
    px: int
    size: int
    _face: ImageFont.FreeTypeFont = field(init=False, repr=False)
    _covered: frozenset[int] | None = field(init=False, repr=False)
    _notdef: bytes = field(init=False, repr=False)
    _top: int = field(init=False, repr=False)
    _glyphs: dict[str, Glyph] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._face = ImageFont.truetype(
            str(self.path), self.size, layout_engine=ImageFont.Layout.BASIC
        )
        self._covered = _pcf_codepoints(self.path) if ".pcf" in self.path.name else None
        self._notdef = self._raw("\U0010fffd")
        self._top = int(min(self._face.getbbox(ch, anchor="la")[1] for ch in _BOX_SAMPLE))

    @property
    def name(self) -> str:
        """The font file's name, for messages."""
        return self.path.name

    def covers(self, char: str) -> bool:
        """Whether the face has a glyph for ``char`` (spaces always count)."""
        if char in _BLANKS:
            return True
        if self._covered is not None:
            return ord(char) in self._covered
        return self._raw(char) != self._notdef

    def missing(self, text: str) -> list[str]:
        """The distinct characters of ``text`` the face cannot draw, in order."""
        seen: list[str] = []
        for char in text:
            if char not in seen and char != "\n" and not self.covers(char):
                seen.append(char)
        return seen

    def glyph(self, char: str) -> Glyph:
        """The character's bitmap in a line box ``px`` high (cached)."""
        cached = self._glyphs.get(char)
        if cached is not None:
            return cached
        advance = max(1, round(self._face.getlength(char)))
        mask = Image.new("1", (advance, self.px), 0)
        if char not in _BLANKS:
            # Bitmap strikes: mode "1" keeps every pixel on or off, never grey.
            image = Image.new("1", (advance + 8, self.px + 8), 0)
            from PIL import ImageDraw  # noqa: PLC0415 - keep import time low

            draw = ImageDraw.Draw(image)
            draw.fontmode = "1"
            draw.text((0, -self._top), char, font=self._face, fill=1, anchor="la")
            mask = image.crop((0, 0, advance, self.px))
        glyph = Glyph(mask, advance)
        self._glyphs[char] = glyph
        return glyph

    def width(self, text: str) -> int:
        """The width of ``text`` in pixels, character by character."""
        return sum(self.glyph(char).advance for char in text)

    def _raw(self, char: str) -> bytes:
        mask = self._face.getmask(char, mode="1")
        return bytes(mask.size) + bytes(mask)


@functools.cache
def find_font(px: int, dirs: Sequence[Path] = FONT_DIRS) -> BoardFont:
    """The best installed face for ``px`` (cached per process).

    Raises:
        FontMissingError: none of the candidate files is installed.
    """
    for name, size in _CANDIDATES.get(px, ()):
        for folder in dirs:
            path = folder / name
            if path.is_file():
                return BoardFont(path, px, size)
    wanted = ", ".join(name for name, _ in _CANDIDATES.get(px, ()))
    raise FontMissingError(
        f"no {px} px board font installed (looked for {wanted} in "
        f"{', '.join(map(str, dirs))}); apt install xfonts-wqy fonts-unifont"
    )


def gb2312_ok(char: str) -> bool:
    """Whether a font card (Onbon K) can show ``char``: it must be in GB2312."""
    if char in "\n\t":
        return True
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _pcf_codepoints(path: Path) -> frozenset[int]:
    """The code points a PCF font has glyphs for (its BDF encodings table)."""
    data = _read(path)
    if data[:4] != _PCF_MAGIC:
        return frozenset()
    (count,) = struct.unpack_from("<I", data, 4)
    for index in range(count):
        kind, _fmt, _size, offset = struct.unpack_from("<IIII", data, 8 + 16 * index)
        if kind == _PCF_BDF_ENCODINGS:
            return frozenset(_encodings(data, offset))
    return frozenset()


def _encodings(data: bytes, offset: int) -> Iterable[int]:
    (fmt,) = struct.unpack_from("<I", data, offset)
    order = ">" if fmt & _PCF_BYTE_MASK else "<"
    min2, max2, min1, max1, _default = struct.unpack_from(f"{order}5h", data, offset + 4)
    base = offset + 14
    per_row = max2 - min2 + 1
    indexes = struct.unpack_from(f"{order}{per_row * (max1 - min1 + 1)}H", data, base)
    for row in range(min1, max1 + 1):
        for col in range(min2, max2 + 1):
            if indexes[(row - min1) * per_row + (col - min2)] != 0xFFFF:
                yield (row << 8) | col


def _read(path: Path) -> bytes:
    if path.suffix == ".gz":
        import gzip  # noqa: PLC0415 - rarely needed

        return gzip.decompress(path.read_bytes())
    return path.read_bytes()
