"""Onbon G5/G6 bitmap cards: vendor-Java vectors, pixel encodings, pushes to a fake card."""

from __future__ import annotations

import random
import struct
import tomllib
from pathlib import Path

import pytest
from PIL import Image

from publisher.boards.drivers import (
    BoardContentError,
    BoardRejectedError,
    BoardUnreachableError,
    OnbonG6Driver,
)
from publisher.boards.drivers import onbon_g6 as g6
from publisher.boards.drivers.onbon_framing import PREAMBLE, GHeader, escape
from publisher.boards.program import BoardConfig, Program, Slide

from . import onbon_peer as peer

VECTORS = tomllib.loads((Path(__file__).parent / "onbon_vectors.toml").read_text("utf-8"))
TIMEOUT = 1.0


def vendor_pack(name: str) -> bytes:
    return bytes.fromhex("".join(VECTORS[name]["pack_without_crc"]))


def vendor_frame_of(data: bytes) -> bytes:
    # What BxReq.pack() gives for this data field: our header, escaped, no CRC.
    phy1 = GHeader(data_len=len(data)).pack() + data
    return PREAMBLE + escape(phy1) + b"\x5a"


def gradient(w: int, h: int) -> Image.Image:
    image = Image.new("RGB", (w, h))
    image.putdata(
        [((16 * x) % 256, (32 * y) % 256, (8 * (x + y)) % 256) for y in range(h) for x in range(w)]
    )
    return image


def board(address="127.0.0.1:1", *, width=16, height=8, colors="rgb") -> BoardConfig:
    return BoardConfig(
        id="square",
        name="广场",
        town="城关镇",
        place="广场",
        driver="onbon-g6",
        address=address,
        width=width,
        height=height,
        colors=colors,
    )


def program(*images, seconds=5.0) -> Program:
    return Program("square", tuple(Slide(im, ("x",), seconds=seconds) for im in images))


@pytest.fixture
def card():
    fake = peer.FakeController("g")
    yield fake
    fake.stop()


# -- vendor vectors ----------------------------------------------------------------


def test_rgb_16x8_page_matches_vendor_java():
    area = g6.GArea(x=0, y=0, width=16, height=8, related=(0,), immediate=False)
    page = g6.GPage(g6.encode_pixels(gradient(16, 8), g6.PixelFormat.RGB888), display=0, stay=100)
    assert vendor_frame_of(g6.update_area_data(area, [page])) == vendor_pack("g6_rgb_16x8")


def test_delete_all_matches_vendor_java():
    assert vendor_frame_of(g6.delete_all_data()) == vendor_pack("g6_delete_all")


def test_escape_heavy_4x2_matches_vendor_java():
    values = [0xA55AA6, 0x5BA5A5, 0x5A5A5B, 0xA6A65A, 0x5BA6A5, 0xA55B5A, 0x5AA6A6, 0xA5A55B]
    image = Image.new("RGB", (4, 2))
    image.putdata([(v >> 16, (v >> 8) & 0xFF, v & 0xFF) for v in values])
    area = g6.GArea(x=0x5A, y=0xA5, width=4, height=2, area_id=1, immediate=True)
    page = g6.GPage(g6.encode_pixels(image, g6.PixelFormat.RGB888), display=1, stay=0x5AA5)
    data = g6.update_area_data(area, [page])
    assert vendor_frame_of(data) == vendor_pack("g6_escape_4x2")
    # With the CRC our frame still parses, escapes and all.
    parsed = peer.parse(peer_frame := g6.g_frame(data), "g")
    assert parsed.escapes >= 28
    assert parsed.data == data
    assert peer_frame.count(0x5A) == 1


# -- pixel encodings --------------------------------------------------------------


def test_rgb888_is_row_major_rgb():
    image = gradient(3, 2)
    data = g6.encode_pixels(image, g6.PixelFormat.RGB888)
    assert data[3 * 4 : 3 * 4 + 3] == bytes(image.getpixel((1, 1)))


def test_rgb565_packs_little_endian_words():
    image = Image.new("RGB", (2, 1))
    image.putdata([(255, 0, 0), (0, 255, 255)])
    assert g6.encode_pixels(image, g6.PixelFormat.RGB565) == bytes.fromhex("00f8ff07")


def test_bits_6e_planes_are_active_low_and_padded():
    image = Image.new("RGB", (33, 1))
    image.putpixel((0, 0), (255, 0, 0))  # red only, leftmost
    image.putpixel((32, 0), (255, 255, 0))  # yellow, first pixel of the second word
    data = g6.encode_pixels(image, g6.PixelFormat.BITS_6E)
    red = data[:8]
    green = data[8:]
    assert red == bytes.fromhex("ffffff7fffffff7f")
    assert green == bytes.fromhex("ffffffffffffff7f")


def rgb565_per_pixel(image: Image.Image) -> bytes:
    # The manual's formula, one pixel at a time.
    rgb = image.convert("RGB")
    pixels = (rgb.getpixel((x, y)) for y in range(rgb.height) for x in range(rgb.width))
    return b"".join(
        struct.pack("<H", (r >> 3) << 11 | (g >> 2) << 5 | b >> 3) for r, g, b in pixels
    )


def bits_6e_per_pixel(image: Image.Image) -> bytes:
    # The module docstring's layout, one bit at a time.
    rgb = image.convert("RGB")
    out = bytearray()
    for channel in (0, 1):
        for y in range(rgb.height):
            for x0 in range(0, rgb.width, 32):
                word = 0xFFFFFFFF
                for bit in range(min(32, rgb.width - x0)):
                    if rgb.getpixel((x0 + bit, y))[channel] >= 128:
                        word &= ~(1 << (31 - bit))
                out += struct.pack("<I", word)
    return bytes(out)


@pytest.mark.parametrize("mode", ["RGB", "L", "1", "P"])
def test_packed_pixels_equal_the_per_pixel_definitions(mode):
    rng = random.Random(mode)
    for _ in range(12):
        w, h = rng.randint(1, 97), rng.randint(1, 9)
        image = Image.frombytes("RGB", (w, h), rng.randbytes(w * h * 3)).convert(mode)
        assert g6.encode_pixels(image, g6.PixelFormat.RGB565) == rgb565_per_pixel(image)
        assert g6.encode_pixels(image, g6.PixelFormat.BITS_6E) == bits_6e_per_pixel(image)


# -- program encoding and pushes ----------------------------------------------------


def test_program_becomes_pages_with_their_times():
    frames = g6.encode_program(
        Program(
            "square",
            (
                Slide(gradient(16, 8), ("a",), seconds=3),
                Slide(gradient(16, 8).rotate(180), ("b",), seconds=7.5),
            ),
        ),
        board(),
    )
    parsed = peer.parse(frames[0], "g")
    assert parsed.header["device_type"] == 0x0266
    update = peer.parse_g_update(parsed.data)
    assert (update.x, update.y, update.w, update.h, update.immediate) == (0, 0, 16, 8, 1)
    assert [p.stay for p in update.pages] == [300, 750]
    assert [p.display for p in update.pages] == [1, 1]
    assert update.pages[1].pixels == gradient(16, 8).rotate(180).tobytes()


def test_wrong_size_and_oversize_programs_are_refused():
    with pytest.raises(BoardContentError, match="16x8"):
        g6.encode_program(program(gradient(8, 8)), board())
    big = board(width=256, height=128)
    with pytest.raises(BoardContentError, match="fewer slides"):
        g6.encode_program(program(*[gradient(256, 128)] * 4), big)


def test_push_delivers_exact_pixels(card):
    driver = OnbonG6Driver(board(card.address), timeout=TIMEOUT)
    image = gradient(16, 8)
    result = driver.push(program(image))
    assert result.frames == 1
    update = peer.parse_g_update(card.requests[0].data)
    assert Image.frombytes("RGB", (16, 8), update.pages[0].pixels).tobytes() == image.tobytes()
    driver.close()


def test_nack_raises_rejected(card):
    card.mode = "nack"
    card.nack_code = 18
    driver = OnbonG6Driver(board(card.address), timeout=TIMEOUT)
    with pytest.raises(BoardRejectedError, match="screen parameters") as info:
        driver.push(program(gradient(16, 8)))
    assert info.value.code == 18
    driver.close()


def test_silence_then_recovery_on_the_same_driver(card):
    card.mode = "silent"
    driver = OnbonG6Driver(board(card.address), timeout=0.3)
    with pytest.raises(BoardUnreachableError, match="no reply"):
        driver.push(program(gradient(16, 8)))
    card.mode = "ack"
    driver.push(program(gradient(16, 8)))
    assert card.connections == 2  # the failed link was dropped and reopened
    driver.close()


def test_ping(card):
    driver = OnbonG6Driver(board(card.address), timeout=TIMEOUT)
    driver.ping()
    assert card.requests[0].data == bytes.fromhex("01a2000000")
    driver.close()
