"""Flaschen-Taschen pixel sink: one PPM (P6) image per UDP datagram, port 1337.

The protocol (``hzeller/flaschen-taschen`` ``doc/protocols.md``) has no
replies and no program storage: the server shows the last image it got.  So
``push`` shows the program's first slide; a pusher that wants the slides to
cycle calls :meth:`FlaschenDriver.show` per slide on its own timer.

Images bigger than one datagram (about 21k pixels) are cut into tiles, each
with its (x, y) offset, so every datagram stays under :data:`MAX_DATAGRAM`.
The offset goes in the optional footer after the pixel data (or in the
``#FT:`` header comment).  Layers above 0 turn transparent after ~15 s of no
updates, so boards use layer 0 unless told otherwise.
"""

from __future__ import annotations

import socket
import time
from enum import Enum
from typing import TYPE_CHECKING

from publisher.boards.drivers.base import (
    BoardContentError,
    BoardUnreachableError,
    PushResult,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from PIL import Image

    from publisher.boards.drivers._cache import EncodeCache
    from publisher.boards.program import BoardConfig, Program, Slide

FT_PORT = 1337
MAX_DATAGRAM = 65_000  # below the 65,507-byte UDP payload limit, with room for headers


class OffsetPlacement(Enum):
    """Where a datagram carries its tile's offset."""

    FOOTER = "footer"
    HEADER = "header"


def ppm_datagram(
    rgb: bytes,
    width: int,
    height: int,
    *,
    x: int = 0,
    y: int = 0,
    z: int = 0,
    placement: OffsetPlacement = OffsetPlacement.FOOTER,
) -> bytes:
    """One P6 datagram of ``width`` x ``height`` RGB bytes placed at (x, y, z)."""
    if placement is OffsetPlacement.HEADER:
        return b"P6\n%d %d\n#FT: %d %d %d\n255\n" % (width, height, x, y, z) + rgb
    return b"P6\n%d %d\n255\n" % (width, height) + rgb + b"\n%d %d %d\n" % (x, y, z)


def tiles(
    width: int, height: int, *, max_datagram: int = MAX_DATAGRAM
) -> Iterator[tuple[int, int, int, int]]:
    """``(x, y, w, h)`` tiles covering the image, each fitting one datagram.

    Full-width bands when a row fits, else narrower columns too.
    """
    budget = max_datagram - 64  # header and footer take well under 64 bytes
    tile_w = min(width, budget // 3)
    tile_h = max(1, min(height, budget // (tile_w * 3)))
    for y0 in range(0, height, tile_h):
        for x0 in range(0, width, tile_w):
            yield x0, y0, min(tile_w, width - x0), min(tile_h, height - y0)


def image_datagrams(
    image: Image.Image,
    *,
    layer: int = 0,
    placement: OffsetPlacement = OffsetPlacement.FOOTER,
    max_datagram: int = MAX_DATAGRAM,
) -> list[bytes]:
    """All datagrams that draw ``image`` (tiled when it is too big for one)."""
    rgb = image.convert("RGB")
    out = []
    for x0, y0, w, h in tiles(*rgb.size, max_datagram=max_datagram):
        tile = rgb.crop((x0, y0, x0 + w, y0 + h)).tobytes()
        out.append(ppm_datagram(tile, w, h, x=x0, y=y0, z=layer, placement=placement))
    return out


class FlaschenDriver:
    """Sends slides to a Flaschen-Taschen server (``address`` = ``host[:port]``)."""

    def __init__(
        self,
        board: BoardConfig,
        *,
        timeout: float = 5.0,
        layer: int = 0,
        placement: OffsetPlacement = OffsetPlacement.FOOTER,
        cache: EncodeCache | None = None,
    ) -> None:
        self.board = board
        self.timeout = timeout
        self.layer = layer
        self.placement = placement
        self.cache = cache
        host, sep, port = board.address.rpartition(":")
        self._target = (host.strip("[]"), int(port)) if sep else (board.address, FT_PORT)
        self._sock: socket.socket | None = None

    def encode(self, program: Program) -> list[bytes]:
        """The datagrams :meth:`push` would send (the first slide); pure.

        Raises:
            BoardContentError: the program has no slides.
        """
        if not program.slides:
            raise BoardContentError(f"board {self.board.id}: empty program")
        first = program.slides[0]
        if self.cache is None:
            return self._datagrams(first)
        options = (type(self).__qualname__, self.layer, self.placement)
        return self.cache.frames(
            self.board, program, lambda: self._datagrams(first), options=options
        )

    def push(self, program: Program) -> PushResult:
        """Show the program's first slide.

        Raises:
            BoardContentError: the program has no slides.
            BoardUnreachableError: the host cannot be resolved or the send
                failed (e.g. an ICMP "port unreachable" from an earlier send).
        """
        result = self._send(self.encode(program))
        more = len(program.slides) - 1
        if more:
            result = PushResult(
                result.board_id,
                result.frames,
                result.bytes_sent,
                result.seconds,
                detail=f"showing slide 1 of {more + 1}: the server keeps no program",
            )
        return result

    def show(self, slide: Slide) -> PushResult:
        """Show one slide now.

        Raises:
            BoardUnreachableError: as for :meth:`push`.
        """
        return self._send(self._datagrams(slide))

    def close(self) -> None:
        """Close the socket."""
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def _datagrams(self, slide: Slide) -> list[bytes]:
        return image_datagrams(slide.image, layer=self.layer, placement=self.placement)

    def _send(self, datagrams: list[bytes]) -> PushResult:
        start = time.monotonic()
        try:
            if self._sock is None:
                self._sock = socket.socket(_family(self._target[0]), socket.SOCK_DGRAM)
                self._sock.settimeout(self.timeout)
                # Connected UDP: a closed port comes back as ConnectionRefusedError.
                self._sock.connect(self._target)
            for datagram in datagrams:
                self._sock.send(datagram)
        except OSError as exc:
            self.close()
            raise BoardUnreachableError(
                f"board {self.board.id}: Flaschen-Taschen at {self._target[0]}:{self._target[1]}: "
                f"{exc}"
            ) from exc
        return PushResult(
            board_id=self.board.id,
            frames=len(datagrams),
            bytes_sent=sum(map(len, datagrams)),
            seconds=time.monotonic() - start,
        )


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET
