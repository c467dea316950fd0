"""Flaschen-Taschen: PPM datagrams, tiling, and a UDP receiver that rebuilds the image."""

from __future__ import annotations

import random
import re
import socket

import pytest
from PIL import Image

from publisher.boards.drivers import BoardUnreachableError, FlaschenDriver
from publisher.boards.drivers import flaschen as ft
from publisher.boards.program import BoardConfig, Program, Slide

_HEADER = re.compile(rb"P6\s+(\d+)\s+(\d+)\s+(?:#FT:\s*(\d+)\s+(\d+)\s+(\d+)\s+)?255\n", re.DOTALL)


def parse_datagram(datagram: bytes) -> tuple[int, int, int, int, int, bytes]:
    """(w, h, x, y, z, rgb) from either offset placement, as ft-server reads it."""
    m = _HEADER.match(datagram)
    assert m, datagram[:40]
    w, h = int(m.group(1)), int(m.group(2))
    pixels = datagram[m.end() : m.end() + w * h * 3]
    assert len(pixels) == w * h * 3
    if m.group(3) is not None:
        x, y, z = (int(m.group(i)) for i in (3, 4, 5))
    else:
        footer = datagram[m.end() + w * h * 3 :].split()
        x, y, z = (int(v) for v in footer) if footer else (0, 0, 0)
    return w, h, x, y, z, pixels


def noise(w: int, h: int) -> Image.Image:
    rng = random.Random(w * 1000 + h)
    return Image.frombytes("RGB", (w, h), bytes(rng.randrange(256) for _ in range(w * h * 3)))


def board(address: str, w: int, h: int) -> BoardConfig:
    return BoardConfig(
        id="diy", name="DIY", town="城关镇", place="试点", driver="flaschen-taschen",
        address=address, width=w, height=h, colors="rgb",
    )  # fmt: skip


@pytest.fixture
def receiver():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(2.0)
    yield sock
    sock.close()


def rebuild(sock: socket.socket, count: int, size: tuple[int, int]) -> Image.Image:
    canvas = Image.new("RGB", size)
    for _ in range(count):
        datagram = sock.recv(70_000)
        assert len(datagram) <= ft.MAX_DATAGRAM
        w, h, x, y, z, rgb = parse_datagram(datagram)
        assert z == 0
        canvas.paste(Image.frombytes("RGB", (w, h), rgb), (x, y))
    return canvas


def test_small_image_is_one_datagram_with_header_offset():
    datagram = ft.ppm_datagram(
        b"\x01\x02\x03", 1, 1, x=5, y=8, z=13, placement=ft.OffsetPlacement.HEADER
    )
    assert datagram == b"P6\n1 1\n#FT: 5 8 13\n255\n\x01\x02\x03"
    assert parse_datagram(datagram) == (1, 1, 5, 8, 13, b"\x01\x02\x03")


def test_footer_offset():
    datagram = ft.ppm_datagram(b"\x00" * 6, 2, 1, x=3, y=4)
    assert datagram.endswith(b"\n3 4 0\n")
    assert parse_datagram(datagram)[2:5] == (3, 4, 0)


@pytest.mark.parametrize(("w", "h"), [(64, 32), (200, 120), (30_000, 2)])
def test_tiles_cover_the_image_exactly_once(w, h):
    covered = 0
    for x, y, tw, th in ft.tiles(w, h):
        assert tw * th * 3 + 64 <= ft.MAX_DATAGRAM
        assert 0 <= x < w
        assert 0 <= y < h
        covered += tw * th
    assert covered == w * h


@pytest.mark.parametrize("placement", list(ft.OffsetPlacement))
def test_receiver_rebuilds_a_tiled_board(receiver, placement):
    w, h = 192, 128  # 73,728 bytes of pixels: needs two datagrams
    image = noise(w, h)
    port = receiver.getsockname()[1]
    driver = FlaschenDriver(board(f"127.0.0.1:{port}", w, h), timeout=1.0, placement=placement)
    result = driver.push(Program("diy", (Slide(image, ("a",)), Slide(image, ("b",)))))
    assert result.frames == 2
    assert "slide 1 of 2" in result.detail
    assert rebuild(receiver, result.frames, (w, h)).tobytes() == image.tobytes()
    driver.close()


def test_show_sends_any_slide(receiver):
    image = noise(45, 35)
    port = receiver.getsockname()[1]
    driver = FlaschenDriver(board(f"127.0.0.1:{port}", 45, 35), timeout=1.0)
    assert driver.show(Slide(image, ())).frames == 1
    assert rebuild(receiver, 1, (45, 35)).tobytes() == image.tobytes()
    driver.close()


def test_closed_port_is_reported_on_a_later_send():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    driver = FlaschenDriver(board(f"127.0.0.1:{port}", 8, 8), timeout=1.0)
    program = Program("diy", (Slide(noise(8, 8), ()),))
    driver.push(program)  # the ICMP "port unreachable" comes back after this send
    with pytest.raises(BoardUnreachableError, match="refused"):
        driver.push(program)
    driver.push(program)  # a fresh socket: no error pending (and UDP cannot tell)
    driver.close()
