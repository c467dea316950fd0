"""Onbon K font cards: golden frames, text layout, and pushes to a fake card (TCP and pty)."""

from __future__ import annotations

import os
import select
import socket
import threading
import time
import tomllib
import tty
from pathlib import Path

import pytest
from PIL import Image

from publisher.boards.drivers import (
    BoardContentError,
    BoardRejectedError,
    BoardUnreachableError,
    OnbonKDriver,
)
from publisher.boards.drivers import onbon_k as k
from publisher.boards.drivers._link import SerialLink
from publisher.boards.drivers.onbon_framing import KHeader, k_frame
from publisher.boards.program import BoardConfig, Program, Slide

from . import onbon_peer as peer

VECTORS = tomllib.loads((Path(__file__).parent / "onbon_vectors.toml").read_text("utf-8"))
TIMEOUT = 1.0


def board(address="127.0.0.1:1", *, width=128, height=32, font_px=16) -> BoardConfig:
    return BoardConfig(
        id="hall-1",
        name="大厅",
        town="城关镇",
        place="便民服务中心",
        driver="onbon-k",
        address=address,
        width=width,
        height=height,
        colors="dual",
        font_px=font_px,
    )


def slide(*lines, color="red", seconds=8.0, kind="text", size=(128, 32)) -> Slide:
    return Slide(Image.new("1", size), tuple(lines), color=color, seconds=seconds, kind=kind)


def program(*slides) -> Program:
    return Program("hall-1", tuple(slides))


@pytest.fixture
def card():
    fake = peer.FakeController("k")
    yield fake
    fake.stop()


# -- golden frames ---------------------------------------------------------------


def test_doc_example_8_welcome_golden():
    area = k.KArea(x=0, y=0, width=128, height=32)
    data = k.dynamic_area_data([(area, k.encode_gb2312("欢迎光临"))])
    assert k_frame(data, KHeader()) == bytes.fromhex(VECTORS["k_dynamic_welcome"]["frame"])


def test_bx_k_java_scroll_golden():
    area = k.KArea(
        x=0, y=0, width=64, height=16, timeout=0, single_line=1, display=3, speed=4, stay=0
    )
    text = b"\\FO000\\C1" + k.encode_gb2312("政务服务大厅欢迎您")
    frame = k_frame(k.dynamic_area_data([(area, text)]), KHeader())
    assert frame == bytes.fromhex(VECTORS["k_scroll_64x16"]["frame"])


# -- text and layout -------------------------------------------------------------


def test_non_gb2312_character_is_named():
    with pytest.raises(BoardContentError, match="U\\+") as info:
        k.encode_gb2312("办事指南😀")
    assert info.value.char == "😀"
    with pytest.raises(BoardContentError) as info:
        k.encode_program(program(slide("欢迎", "䶮字")), board())
    assert info.value.char == "䶮"


def test_program_pages_each_slide_with_colour_and_font():
    frames = k.encode_program(
        program(
            slide("欢迎光临", color="green", seconds=5), slide("办事大厅", "请取号", color="yellow")
        ),
        board(),
    )
    assert len(frames) == 1
    parsed = peer.parse(frames[0], "k")
    assert parsed.header["display_mode"] == 1
    (area,) = peer.parse_k_dynamic(parsed.data)
    _t, x, y, w, h, _id, _ls, run, _to, _s, _e, align, single, newline, disp, _x, _sp, stay = (
        area.params
    )
    assert (x, y, w, h) == (0x8000, 0, 0x8000 | 128, 32)
    assert (run, single, newline, disp) == (0, 2, 1, 1)
    assert align == 0b1010
    assert stay == 16  # the longest slide, 8 s, in half seconds
    pages = area.text.split(b"\\n")
    assert pages[0].startswith(b"\\FO000\\FE000")
    # Two lines per page on a 32-px board: slide 1 padded with a blank line.
    assert [p.decode("gb2312") for p in pages] == [
        "\\FO000\\FE000\\C2欢迎光临",
        "\\C2",
        "\\C3办事大厅",
        "\\C3请取号",
    ]


def test_backslash_in_content_cannot_become_a_style_code():
    (frame,) = k.encode_program(program(slide("a\\C2b")), board())
    (area,) = peer.parse_k_dynamic(peer.parse(frame, "k").data)
    assert b"\\C2" not in area.text
    assert "＼C2".encode("gb2312") in area.text


def test_single_long_line_scrolls():
    (frame,) = k.encode_program(program(slide("政务公开" * 3)), board(width=64, height=16))
    (area,) = peer.parse_k_dynamic(peer.parse(frame, "k").data)
    assert area.params[12] == 1  # single line
    assert area.params[14] == k.KDisplay.LEFT


def test_qr_slides_are_skipped_and_clock_uses_card_codes():
    frames = k.encode_program(
        program(slide("欢迎"), slide(kind="qr"), slide("12:00", kind="clock")), board()
    )
    (area,) = peer.parse_k_dynamic(peer.parse(frames[0], "k").data)
    assert b"\\DH:\\DM" in area.text
    assert b"12:00" not in area.text
    with pytest.raises(BoardContentError, match="QR"):
        k.encode_program(program(slide(kind="qr")), board())


def test_too_much_text_is_refused_before_sending():
    many = [slide("政务公开政务公开", "政务公开政务公开") for _ in range(40)]
    with pytest.raises(BoardContentError, match="bytes of text"):
        k.encode_program(program(*many), board())


# -- pushes to a fake card over TCP -------------------------------------------------


def test_push_is_acknowledged_and_the_card_sees_our_text(card):
    driver = OnbonKDriver(board(card.address), timeout=TIMEOUT)
    result = driver.push(program(slide("欢迎光临"), slide(kind="qr")))
    assert result.frames == 1
    assert result.board_id == "hall-1"
    assert "QR" in result.detail
    (request,) = card.requests
    (area,) = peer.parse_k_dynamic(request.data)
    assert area.text.endswith(k.encode_gb2312("欢迎光临") + b"\\n\\C1")
    driver.close()


def test_nack_raises_rejected_with_the_code(card):
    card.mode = "nack"
    card.nack_code = 12
    driver = OnbonKDriver(board(card.address), timeout=TIMEOUT)
    with pytest.raises(BoardRejectedError, match="font missing") as info:
        driver.push(program(slide("欢迎")))
    assert info.value.code == 12
    driver.close()


def test_silence_raises_unreachable_within_the_timeout(card):
    card.mode = "silent"
    driver = OnbonKDriver(board(card.address), timeout=0.3)
    start = time.monotonic()
    with pytest.raises(BoardUnreachableError, match="no reply"):
        driver.push(program(slide("欢迎")))
    assert time.monotonic() - start < 1.5
    driver.close()


def test_closed_connection_raises_unreachable(card):
    card.mode = "close"
    driver = OnbonKDriver(board(card.address), timeout=TIMEOUT)
    with pytest.raises(BoardUnreachableError):
        driver.push(program(slide("欢迎")))
    driver.close()


def test_connection_refused_raises_unreachable():
    with socket.socket() as s:  # a port that nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    driver = OnbonKDriver(board(f"127.0.0.1:{port}"), timeout=TIMEOUT)
    with pytest.raises(BoardUnreachableError, match="refused"):
        driver.push(program(slide("欢迎")))


def test_reconnects_after_the_card_restarts():
    first = peer.FakeController("k")
    driver = OnbonKDriver(board(first.address), timeout=TIMEOUT)
    driver.push(program(slide("欢迎")))
    port = first.port
    first.stop()
    with pytest.raises(BoardUnreachableError):
        driver.push(program(slide("再见")))
    second = peer.FakeController("k", port=port)
    try:
        driver.push(program(slide("再见")))
        assert second.connections == 1
        (area,) = peer.parse_k_dynamic(second.requests[0].data)
        assert k.encode_gb2312("再见") in area.text
    finally:
        driver.close()
        second.stop()


def test_ping(card):
    driver = OnbonKDriver(board(card.address), timeout=TIMEOUT)
    driver.ping()
    assert card.requests[0].data[:2] == b"\xa2\x00"
    driver.close()


# -- serial, over a pty pair -------------------------------------------------------


def test_push_over_serial_pty():
    master, slave = os.openpty()
    tty.setraw(slave)
    seen: list[peer.Parsed] = []
    stop = threading.Event()

    def fake_card() -> None:
        buf = bytearray()
        while not stop.is_set():
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                continue
            buf += os.read(master, 4096)
            for frame in peer.split_frames(buf):
                seen.append(peer.parse(frame, "k"))
                os.write(master, peer.reply("k"))

    thread = threading.Thread(target=fake_card, daemon=True)
    thread.start()
    driver = OnbonKDriver(
        board(os.ttyname(slave)), timeout=TIMEOUT, link=SerialLink(os.ttyname(slave), 57600)
    )
    try:
        result = driver.push(program(slide("串口测试")))
        assert result.frames == 1
        (area,) = peer.parse_k_dynamic(seen[0].data)
        assert k.encode_gb2312("串口测试") in area.text
    finally:
        driver.close()
        stop.set()
        thread.join(timeout=2)
        os.close(master)
        os.close(slave)


def test_serial_loop_url_without_a_card_times_out():
    # loop:// echoes our own request back: not a reply the driver accepts.
    driver = OnbonKDriver(board("loop://"), timeout=0.3)
    with pytest.raises(BoardUnreachableError, match="unexpected reply A3 06"):
        driver.push(program(slide("欢迎")))
    driver.close()
