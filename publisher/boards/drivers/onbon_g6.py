"""Onbon G5/G6 bitmap cards (BX-6Q full colour; BX-6E/5E unverified): dynamic area ``A7 00``.

Every slide becomes one page of one full-board dynamic area, holding the
slide's exact pixels for ``slide.seconds``; the card loops the pages by
itself and keeps them in RAM only (6th-gen dynamic-area manual; led-boards.md
§3.3).  The request layout matches Onbon's MIT Java library
(``onbonlab/bx.dual.dyn.java``) byte for byte; see the golden tests.

A program with a live clock (``Program.clock_box``: a strip along the top,
drawn alike on every slide) takes two areas: the slides' loop below the strip
(area 0) and the strip (area 1).  When only the minute changed, the driver
sends area 1 alone: the card keeps looping area 0's pages where they are, so
a new minute never restarts the slides (re-sending the whole program every
minute did).  The driver remembers what the card acknowledged last; a fresh
driver (a new process) sends both areas.  The strip's area runs in RunMode 2
with a timeout, so a clock nobody refreshes blanks itself (6th-gen manual:
RunMode 2 "loop until the timeout, then delete"; not yet checked on a card).

Pixel encodings (led-boards.md §3.4):

* ``RGB888`` (BX-6Q): row-major ``R, G, B`` bytes.  Verified against the vendor code.
* ``RGB565`` (BX-5Q): little-endian 16-bit words.  From the manual only.
* ``BITS_6E`` (BX-6E mono/dual): red plane then green plane, 32-bit words,
  bit 31 = leftmost pixel, 0 = LED on, padded with 1s.  **Unverified**: no
  public vendor code; check on a bench card before promising it.

Usage::

    driver = OnbonG6Driver(board)          # board.colors "rgb" -> RGB888
    frames = driver.encode(program)         # pure
    driver.push(program)
"""

from __future__ import annotations

import struct
import time
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from PIL import Image, ImageChops

from publisher.boards.drivers._link import ByteLink, Exchanger, link_for
from publisher.boards.drivers.base import (
    BoardContentError,
    PushResult,
)
from publisher.boards.drivers.onbon_framing import (
    GHeader,
    g_frame,
    parse_g_reply,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from publisher.boards.drivers._cache import EncodeCache
    from publisher.boards.program import BoardConfig, Program

# One dynamic area holds at most 300 KB on 6Q and 5E/5Q (manuals).
MAX_AREA_BYTES = 300 * 1024
#: The dynamic area of a live clock strip (the slides' loop is area 0).
CLOCK_AREA = 1
#: Seconds a clock strip stays without a refresh before the card blanks it (RunMode 2):
#: it is refreshed every minute, so this only ends a clock nobody updates any more.
CLOCK_TIMEOUT = 150
PING = bytes.fromhex("01a2000000")


class PixelFormat(Enum):
    """How a page's pixels are laid out for the card."""

    RGB888 = "rgb888"
    RGB565 = "rgb565"
    BITS_6E = "bits-6e"


class GDisplay(Enum):
    """Page DisplayMode values we use."""

    RANDOM = 0
    STATIC = 1
    TYPE_OUT = 2
    LEFT = 3


@dataclass(frozen=True)
class GPage:
    """One page's parameters; ``stay`` counts 10 ms (Java default 100 = 1 s)."""

    data: bytes
    display: int = GDisplay.STATIC.value
    clear_mode: int = 0
    speed: int = 0
    stay: int = 100
    repeat: int = 1

    def params(self, width: int) -> bytes:
        """The 18 page-parameter bytes (``ValidLen`` = area width)."""
        return struct.pack(
            "<BBBBHBH9x",
            0,
            self.display,
            self.clear_mode,
            self.speed,
            self.stay,
            self.repeat,
            width,
        )


@dataclass(frozen=True)
class GArea:
    """One dynamic area (6th gen), in pixels.

    ``immediate`` (ImmePlay) 1 stops stored programs while the area shows;
    ``related`` lists program numbers the area plays with (vendor App uses [0]).
    """

    x: int
    y: int
    width: int
    height: int
    area_id: int = 0
    run_mode: int = 0  # 0 loop forever
    timeout: int = 0
    relate_all: bool = False
    related: tuple[int, ...] = ()
    immediate: bool = True

    def params(self, pages: Sequence[GPage]) -> bytes:
        """The area's parameter block, page parameters included, pixel data not."""
        out = bytearray(struct.pack("<BBHBH", self.area_id, self.run_mode, self.timeout,
                                    self.relate_all, len(self.related)))  # fmt: skip
        for program_no in self.related:
            out += struct.pack("<H", program_no)
        out += struct.pack(
            "<B4xBHHHH", self.immediate, 0x10, self.x, self.y, self.width, self.height
        )
        # Border flag, background, transparency, AreaEqual, sound flag: all off; 5 reserved.
        out += bytes(5) + bytes(5)
        out += struct.pack("<H", len(pages))
        offset = 0
        for page in pages:
            params = page.params(self.width)
            out += struct.pack("<I", len(params) + 8) + params
            out += struct.pack("<II", offset, len(page.data))
            offset += len(page.data)
        return bytes(out)


def update_area_data(area: GArea, pages: Sequence[GPage], *, reply: bool = True) -> bytes:
    """The ``A7 00`` data field: one area, its pages, then all pixel data."""
    params = area.params(pages)
    return (
        bytes([0x01 if reply else 0x00, 0xA7, 0x00])
        + struct.pack("<2xHI", 1, len(params))  # AreaNum 1; length of the parameter block
        + params
        + b"".join(p.data for p in pages)
    )


def delete_all_data(*, reply: bool = True) -> bytes:
    """The ``A7 01`` data field deleting every dynamic area.

    Follows the vendor Java (``BxReqDelDynAll``: just ``FF``); the manual's
    table shows two reserved bytes before the count, so this is what the
    vendor code sends, not what the table says.
    """
    return bytes([0x01 if reply else 0x00, 0xA7, 0x01, 0xFF])


def encode_pixels(image: Image.Image, fmt: PixelFormat) -> bytes:
    """The page bytes of ``image`` in ``fmt`` (see the module docstring)."""
    rgb = image.convert("RGB")
    if fmt is PixelFormat.RGB888:
        return rgb.tobytes()
    if fmt is PixelFormat.RGB565:
        return _rgb565(rgb)
    return _bits_6e(rgb)


def encode_program(
    program: Program,
    board: BoardConfig,
    *,
    fmt: PixelFormat | None = None,
    header: GHeader | None = None,
) -> list[bytes]:
    """The frames that show ``program`` on ``board``; pure, no I/O.

    Raises:
        BoardContentError: a slide of the wrong size, no slides, or more
            pixel data than one dynamic area holds.
    """
    if not program.slides:
        raise BoardContentError(f"board {board.id}: empty program")
    fmt = fmt or default_format(board)
    pages = []
    for n, slide in enumerate(program.slides, 1):
        if slide.image.size != (board.width, board.height):
            raise BoardContentError(
                f"board {board.id}: slide {n} is {slide.image.size[0]}x{slide.image.size[1]}, "
                f"the board is {board.width}x{board.height}"
            )
        if program.clock_box is None:
            pages.append(GPage(encode_pixels(slide.image, fmt), stay=_stay(slide.seconds)))
    header = header or default_header(board)
    if program.clock_box is not None:
        return _with_clock_area(program, board, fmt, header)
    _check_size(board, pages)
    area = GArea(x=0, y=0, width=board.width, height=board.height)
    return [g_frame(update_area_data(area, pages), header)]


def _with_clock_area(
    program: Program, board: BoardConfig, fmt: PixelFormat, header: GHeader
) -> list[bytes]:
    """Two frames: the slides' loop without the clock strip (area 0), then the strip (area 1).

    The strip's area runs until :data:`CLOCK_TIMEOUT` and then blanks itself
    (RunMode 2), so a clock nobody refreshes any more disappears instead of
    showing a wrong time.
    """
    x, y, width, height = program.clock_box or (0, 0, 0, 0)
    if (x, y, width) != (0, 0, board.width) or not 0 < height < board.height:
        raise BoardContentError(f"board {board.id}: the clock strip must span the top")
    loop_box = (0, height, board.width, board.height)
    pages = [
        GPage(encode_pixels(slide.image.crop(loop_box), fmt), stay=_stay(slide.seconds))
        for slide in program.slides
    ]
    _check_size(board, pages)
    loop = GArea(x=0, y=height, width=board.width, height=board.height - height, area_id=0)
    strip = program.slides[0].image.crop((0, 0, board.width, height))
    clock = GArea(
        x=0, y=0, width=board.width, height=height, area_id=CLOCK_AREA, run_mode=2,
        timeout=CLOCK_TIMEOUT,
    )  # fmt: skip
    return [
        g_frame(update_area_data(loop, pages), header),
        g_frame(update_area_data(clock, [GPage(encode_pixels(strip, fmt))]), header),
    ]


def _stay(seconds: float) -> int:
    return max(1, min(0xFFFF, round(seconds * 100)))


def _check_size(board: BoardConfig, pages: Sequence[GPage]) -> None:
    total = sum(len(p.data) for p in pages)
    if total > MAX_AREA_BYTES:
        raise BoardContentError(
            f"board {board.id}: {len(pages)} slides need {total} bytes, more than the "
            f"{MAX_AREA_BYTES} one dynamic area holds; show fewer slides"
        )


def default_format(board: BoardConfig) -> PixelFormat:
    """RGB888 for full-colour boards, the (unverified) 6E bit planes otherwise."""
    return PixelFormat.RGB888 if board.colors == "rgb" else PixelFormat.BITS_6E


def default_header(board: BoardConfig) -> GHeader:
    """BX-6Q2 (the vendor Java's type) for full colour, BX-6E2 otherwise."""
    return GHeader(device_type=0x0266 if board.colors == "rgb" else 0x0274)


class OnbonG6Driver:
    """Pushes programs to one Onbon G5/G6 card over TCP 5005."""

    def __init__(
        self,
        board: BoardConfig,
        *,
        timeout: float = 5.0,
        link: ByteLink | None = None,
        fmt: PixelFormat | None = None,
        header: GHeader | None = None,
        cache: EncodeCache | None = None,
    ) -> None:
        self.board = board
        self.fmt = fmt
        self.header = header
        self.cache = cache
        self._exchanger = Exchanger(link or link_for(board.address), timeout=timeout)
        # The slides' loop frame the card acknowledged last, when it came with a clock area.
        self._loop_shown: bytes | None = None

    def encode(self, program: Program) -> list[bytes]:
        """The frames :meth:`push` would send; pure, no I/O.

        Raises:
            BoardContentError: see :func:`encode_program`.
        """

        def encode() -> list[bytes]:
            return encode_program(program, self.board, fmt=self.fmt, header=self.header)

        if self.cache is None:
            return encode()
        options = (type(self).__qualname__, self.fmt, self.header)
        return self.cache.frames(self.board, program, encode, options=options)

    def push(self, program: Program) -> PushResult:
        """Send the program; return once the card has acknowledged it.

        Raises:
            BoardContentError: the program cannot be shown (nothing was sent).
            BoardUnreachableError: no connection, or no valid reply in time.
            BoardRejectedError: the card answered NACK; ``code`` is its error number.
        """
        frames = self.encode(program)
        send, detail = frames, ""
        if program.clock_box is not None and self._loop_shown == frames[0]:
            # The card loops these very slides already: a new minute is the clock area alone.
            send, detail = frames[1:], "clock area only: the slides' loop goes on"
        elif program.clock_box is None and self._loop_shown is not None:
            # The last program had a clock area of its own: remove it with the old loop.
            header = self.header or default_header(self.board)
            send = [g_frame(delete_all_data(), header), *frames]
        start = time.monotonic()
        self._loop_shown = None  # unknown until the card has acknowledged every frame
        for frame in send:
            self._send(frame)
        if program.clock_box is not None:
            self._loop_shown = frames[0]
        return PushResult(
            board_id=self.board.id,
            frames=len(send),
            bytes_sent=sum(map(len, send)),
            seconds=time.monotonic() - start,
            detail=detail,
        )

    def ping(self) -> None:
        """Check the card answers.

        Raises:
            BoardUnreachableError: no answer.
            BoardRejectedError: the card answered NACK.
        """
        self._send(g_frame(PING, self.header or default_header(self.board)))

    def close(self) -> None:
        """Drop the connection."""
        self._exchanger.close()

    def _send(self, frame: bytes) -> None:
        self._exchanger.acknowledged(frame, parse_g_reply, self.board.id)


def _rgb565(rgb: Image.Image) -> bytes:
    # Word RRRRRGGG GGGBBBBB, little-endian: the low byte is GGGBBBBB, the high RRRRRGGG.
    # The bit fields are disjoint, so adding the bands is OR-ing them.
    r, g, b = rgb.split()
    low = ImageChops.add(g.point(_G565_LOW), b.point(_B565))
    high = ImageChops.add(r.point(_R565), g.point(_G565_HIGH))
    return Image.merge("LA", (low, high)).tobytes()  # L, A per pixel: low, high


def _bits_6e(rgb: Image.Image) -> bytes:
    # [I] BX-6E: red plane, then green plane; 32-bit LE words, bit 31 leftmost;
    # 0 = LED on; rows padded to whole words with 1s (LED off).
    width, height = rgb.size
    planes = []
    for channel in (0, 1):  # red, green
        off = rgb.getchannel(channel).point(_OFF_BELOW_128, "1")
        padded = Image.new("1", ((width + 31) // 32 * 32, height), 1)
        padded.paste(off, (0, 0))
        # Mode "1" packs 8 pixels a byte, leftmost in bit 7: so each group of four
        # bytes is the 32-bit word big-endian; reversing each group makes it LE.
        msb_first = padded.tobytes()
        words = bytearray(len(msb_first))
        for i in range(4):
            words[i::4] = msb_first[3 - i :: 4]
        planes.append(bytes(words))
    return b"".join(planes)


_OFF_BELOW_128 = [255 if v < 128 else 0 for v in range(256)]
_R565 = [v >> 3 << 3 for v in range(256)]
_G565_HIGH = [v >> 5 for v in range(256)]
_G565_LOW = [(v >> 2 & 0b111) << 5 for v in range(256)]
_B565 = [v >> 3 for v in range(256)]
