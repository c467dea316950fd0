r"""Onbon K font cards (BX-5K/5MK/6K): text into one real-time dynamic area.

The card draws text with its own fonts, so a program becomes GB2312 text with
inline style codes (``\FO000`` font, ``\C1`` colour, ``\n`` newline) sent with
the real-time dynamic-area command ``A3 06`` (led-boards.md §3.2).  Dynamic
areas live in RAM: nothing is written to flash, and the card keeps looping the
last text when the network drops.

All slides go into one area as consecutive pages: static, multi-line, manual
newlines, each slide padded with blank lines to whole pages, so the card pages
through them by itself.  The area has one stay time, so the longest slide's
``seconds`` applies to every page.  A single one-line slide too wide for the
board scrolls left instead.  QR slides are skipped (a font card has no
pixels); clock slides use the card's own clock codes so the time stays live.

Usage::

    driver = OnbonKDriver(board, timeout=5.0)
    frames = driver.encode(program)     # pure: the frames push() would send
    result = driver.push(program)       # raises BoardUnreachableError / BoardRejectedError
"""

from __future__ import annotations

import struct
import time
from dataclasses import dataclass, replace
from enum import IntEnum
from typing import TYPE_CHECKING

from publisher.boards.cardfont import CARD_SIZES, card_width
from publisher.boards.drivers._link import ByteLink, Exchanger, link_for
from publisher.boards.drivers.base import (
    BoardContentError,
    PushResult,
)
from publisher.boards.drivers.onbon_framing import (
    KHeader,
    k_frame,
    parse_k_reply,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from publisher.boards.drivers._cache import EncodeCache
    from publisher.boards.program import BoardConfig, Program, Slide

# Colour codes (K protocol §11.2) mean something only on a dual-colour card,
# which has red and green LEDs (\C3 yellow lights both).  A mono card has one
# colour and gets no colour code at all: \C2 would ask it for LEDs it lacks.
_COLOR_CODES = {"red": "1", "green": "2", "yellow": "3"}
# The card's own clock (K protocol §11.3): each code is replaced by two digits,
# \DY by four.  Longest first; the first that fits the board's width is sent.
_CLOCK_DATES = ((b"\\DY-\\DL-\\DD", "2026-12-01"), (b"\\DL-\\DD", "12-01"))
_CLOCK_TIME = (b"\\DH:\\DM", "08:30")
# [I] The doc lists "\n" among the backslash escapes; we send it as the two
# bytes 5C 6E like the others.  Not yet checked on a bench card.
NEWLINE = b"\\n"
# One frame must fit the card's 1 KB receive buffer (K protocol §5.1.3):
# 1024 minus the command (7), area length (2) and area header (27) bytes.
MAX_TEXT_BYTES = 988
PING = bytes.fromhex("a200010000")


class KDisplay(IntEnum):
    """DisplayMode of a K dynamic area."""

    STATIC = 1
    TYPE_OUT = 2
    LEFT = 3
    RIGHT = 4
    UP = 5
    DOWN = 6


@dataclass(frozen=True)
class KArea:
    """The parameters of one K dynamic area (``AreaData`` without the text).

    Defaults are those of the doc's example 8.  ``align`` packs bits 1-0
    (0 left, 1 right, 2 centre) and bits 3-2 (0 top, 1 bottom, 2 middle).
    ``stay`` counts half seconds.
    """

    x: int
    y: int
    width: int
    height: int
    area_id: int = 0
    line_spacing: int = 0
    run_mode: int = 0  # 0 loop forever, 1 hold last page, 2 loop until timeout
    timeout: int = 10  # seconds, for run modes 2+
    align: int = 0
    single_line: int = 2  # 1 single line, 2 multi-line
    new_line: int = 1  # 1 manual newlines, 2 auto-wrap
    display: int = KDisplay.STATIC
    exit_mode: int = 0
    speed: int = 2  # 0 fastest .. 0x18 slowest
    stay: int = 10

    def pack(self, text: bytes) -> bytes:
        """``AreaData`` for ``text`` (already encoded, escapes included)."""
        # Bit 15 on X and width: pixel units (else units of 8 px).
        return (
            struct.pack(
                "<BHHHHBBBHBBBBBBBBBI",
                0x00,
                self.x | 0x8000,
                self.y,
                self.width | 0x8000,
                self.height,
                self.area_id,
                self.line_spacing,
                self.run_mode,
                self.timeout,
                0,  # SoundMode: none
                0,  # ExtendParaLen: none
                self.align,
                self.single_line,
                self.new_line,
                self.display,
                self.exit_mode,
                self.speed,
                self.stay,
                len(text),
            )
            + text
        )


def dynamic_area_data(
    areas: Sequence[tuple[KArea, bytes]],
    *,
    reply: bool = True,
    clear_areas: bool = False,
    delete_ids: Sequence[int] = (),
) -> bytes:
    """The ``A3 06`` data field updating ``areas`` (each with its encoded text)."""
    out = bytearray(b"\xa3\x06")
    out += bytes([0x01 if reply else 0x02, 0x01 if clear_areas else 0x00, 0x00])
    out += bytes([len(delete_ids), *delete_ids])
    out.append(len(areas))
    for area, text in areas:
        packed = area.pack(text)
        out += struct.pack("<H", len(packed)) + packed
    return bytes(out)


def encode_gb2312(text: str) -> bytes:
    """Encode ``text`` for the card's GB2312 fonts.

    Raises:
        BoardContentError: a character outside GB2312; ``char`` names it.
    """
    try:
        return text.encode("gb2312")
    except UnicodeEncodeError as exc:
        char = text[exc.start]
        raise BoardContentError(
            f"character {char!r} (U+{ord(char):04X}) at position {exc.start} cannot be shown "
            f"on a font card (not in GB2312): {text!r}",
            char=char,
        ) from exc


def encode_program(
    program: Program,
    board: BoardConfig,
    *,
    header: KHeader | None = None,
    max_text_bytes: int = MAX_TEXT_BYTES,
) -> list[bytes]:
    """The frames that show ``program`` on ``board``; pure, no I/O.

    Raises:
        BoardContentError: a character outside GB2312, no slide a font card
            can show, or text longer than ``max_text_bytes``.
    """
    area, text = compose(program.slides, board)
    if len(text) > max_text_bytes:
        raise BoardContentError(
            f"board {board.id}: {len(text)} bytes of text, more than the {max_text_bytes} "
            "one dynamic area takes; show fewer or shorter slides"
        )
    h = header or KHeader(display_mode=1)  # 1: our area shows on top of any stored program
    return [k_frame(dynamic_area_data([(area, text)]), h)]


def compose(slides: Sequence[Slide], board: BoardConfig) -> tuple[KArea, bytes]:
    """Lay the slides out as pages of one full-board area; return it and its text.

    Raises:
        BoardContentError: a character outside GB2312, or no text slides.
    """
    shown = [s for s in slides if s.kind != "qr"]
    if not shown:
        raise BoardContentError(f"board {board.id}: a font card cannot show QR-only programs")
    px = board.font_px if board.font_px in CARD_SIZES else 16
    font = CARD_SIZES[px]
    per_page = max(1, board.height // px)
    area = KArea(x=0, y=0, width=board.width, height=board.height, align=0b1010, timeout=0)
    chunks: list[bytes] = [f"\\FO{font}\\FE{font}".encode()]
    lines_out: list[bytes] = []
    for slide in shown:
        lines = _slide_lines(slide, per_page, board.width, px)
        lines += [b""] * (-len(lines) % per_page)  # next slide starts on a fresh page
        colour = b""
        if board.colors == "dual":
            colour = f"\\C{_COLOR_CODES.get(slide.color, '1')}".encode()
        lines_out += [colour + line for line in lines]
    chunks.append(NEWLINE.join(lines_out))
    stay = max(1, min(255, round(max(s.seconds for s in shown) * 2)))
    area = replace(area, stay=stay)
    if len(shown) == 1 and len(shown[0].lines) == 1 and shown[0].kind == "text":
        width = card_width(shown[0].lines[0], px)
        if width > board.width:
            # One long line: a ticker reads better than a clipped line.
            area = replace(area, single_line=1, display=KDisplay.LEFT, speed=4, stay=0, align=0)
    return area, b"".join(chunks)


class OnbonKDriver:
    """Pushes programs to one Onbon K card over TCP 5005 or a serial line."""

    def __init__(
        self,
        board: BoardConfig,
        *,
        timeout: float = 5.0,
        link: ByteLink | None = None,
        header: KHeader | None = None,
        max_text_bytes: int = MAX_TEXT_BYTES,
        cache: EncodeCache | None = None,
    ) -> None:
        self.board = board
        self.header = header
        self.max_text_bytes = max_text_bytes
        self.cache = cache
        self._exchanger = Exchanger(
            link or link_for(board.address, baud=board.baud), timeout=timeout
        )

    def encode(self, program: Program) -> list[bytes]:
        """The frames :meth:`push` would send; pure, no I/O.

        Raises:
            BoardContentError: see :func:`encode_program`.
        """

        def encode() -> list[bytes]:
            return encode_program(
                program, self.board, header=self.header, max_text_bytes=self.max_text_bytes
            )

        if self.cache is None:
            return encode()
        options = (type(self).__qualname__, self.header, self.max_text_bytes)
        return self.cache.frames(self.board, program, encode, options=options)

    def push(self, program: Program) -> PushResult:
        """Send the program; return once the card has acknowledged every frame.

        Raises:
            BoardContentError: the program cannot be shown (nothing was sent).
            BoardUnreachableError: no connection, or no valid reply in time.
            BoardRejectedError: the card answered NACK; ``code`` is its CmdError.
        """
        frames = self.encode(program)
        start = time.monotonic()
        for frame in frames:
            self._send(frame)
        skipped = sum(1 for s in program.slides if s.kind == "qr")
        return PushResult(
            board_id=self.board.id,
            frames=len(frames),
            bytes_sent=sum(map(len, frames)),
            seconds=time.monotonic() - start,
            detail=f"skipped {skipped} QR slide(s): font card" if skipped else "",
        )

    def ping(self) -> None:
        """Check the card answers.

        Raises:
            BoardUnreachableError: no answer.
            BoardRejectedError: the card answered NACK.
        """
        self._send(k_frame(PING, self.header or KHeader()))

    def close(self) -> None:
        """Drop the connection."""
        self._exchanger.close()

    def _send(self, frame: bytes) -> None:
        self._exchanger.acknowledged(frame, parse_k_reply, self.board.id)


def _slide_lines(slide: Slide, per_page: int, width: int, px: int) -> list[bytes]:
    if slide.kind == "clock":
        # The card's own clock (K protocol §11.3), so the time never freezes.
        date = next(
            (code for code, shown in _CLOCK_DATES if card_width(shown, px) <= width),
            _CLOCK_DATES[-1][0],
        )
        return [date, _CLOCK_TIME[0]][-per_page:]
    # A backslash would start a style code on the card: show a full-width one.
    return [encode_gb2312(line.replace("\\", "＼")) for line in slide.lines] or [b""]
