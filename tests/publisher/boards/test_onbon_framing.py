"""Onbon framing: golden frames, CRC, escaping, headers, replies, stream splitting."""

from __future__ import annotations

import struct
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from publisher.boards.drivers import onbon_framing as fr

from . import onbon_peer as peer

VECTORS = tomllib.loads((Path(__file__).parent / "onbon_vectors.toml").read_text("utf-8"))


def vector(name: str, key: str = "frame") -> bytes:
    value = VECTORS[name][key]
    return bytes.fromhex("".join(value) if isinstance(value, list) else value)


# -- CRC ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", 0x0000),
        (b"123456789", 0xBB3D),  # the CRC-16/ARC check value
        (b"\x00", 0x0000),
        (b"\xff", 0x4040),  # last entry of the vendor table
    ],
)
def test_crc16_arc_check_values(data, expected):
    assert fr.crc16_arc(data) == expected
    assert peer.crc(data) == expected


@given(st.binary(max_size=300))
def test_crc_matches_the_vendor_table_method(data):
    assert fr.crc16_arc(data) == peer.crc(data)


@given(st.binary(max_size=301), st.binary(max_size=301))
def test_crc_continues_a_running_crc_across_odd_lengths(head, tail):
    assert fr.crc16_arc(tail, fr.crc16_arc(head)) == peer.crc(head + tail)
    assert fr.crc16_arc(bytearray(head + tail)) == peer.crc(head + tail)


# -- golden frames -------------------------------------------------------------


def test_k_ping_golden():
    assert fr.k_frame(bytes.fromhex("a200010000"), fr.KHeader(dst=0x0001)) == vector("k_ping")


def test_k_start_write_golden_framing():
    data = bytes.fromhex("a105 01 0000 01 50303030 47000000")
    assert fr.k_frame(data) == vector("k_start_write_p000")


def test_g6_ping_golden():
    header = fr.GHeader(dst=0xFFFE, device_type=0xFFFE)
    assert fr.g_frame(bytes.fromhex("01a2000000"), header) == vector("g6_ping")


@pytest.mark.parametrize("name", ["vendor_wrap_1", "vendor_wrap_2"])
def test_escaping_matches_the_vendor_wrapper_tests(name):
    raw = vector(name, "raw")
    wrapped = vector(name, "wrapped")
    assert fr.PREAMBLE + fr.escape(raw) + b"\x5a" == wrapped
    assert fr.unescape(wrapped[8:-1]) == raw


def test_k_ack_reply_parses():
    reply = fr.parse_k_reply(vector("k_ack"))
    assert reply.ok
    assert (reply.group, reply.cmd, reply.error) == (0xA0, 0x00, 0)


def test_k_nack_reply_parses_with_its_meaning():
    reply = fr.parse_k_reply(vector("k_nack_crc"))
    assert not reply.ok
    assert (reply.group, reply.cmd, reply.error) == (0xA0, 0x01, 5)
    assert "CRC" in reply.meaning


def test_golden_replies_pass_the_independent_parser_too():
    for name in ("k_ack", "k_nack_crc", "k_ping", "k_dynamic_welcome", "k_scroll_64x16"):
        parsed = peer.parse(vector(name), "k")
        assert parsed.header["version"] == 2


def test_g_reply_ack_and_nack():
    assert fr.parse_g_reply(peer.reply("g")).ok
    nack = fr.parse_g_reply(peer.reply("g", error=4))
    assert not nack.ok
    assert nack.error == 4
    assert nack.status & 1
    assert "memory" in nack.meaning


# -- escaping and wrapping ------------------------------------------------------


def test_every_special_byte_is_escaped():
    assert fr.escape(b"\xa5\xa6\x5a\x5b\x00") == b"\xa6\x02\xa6\x01\x5b\x02\x5b\x01\x00"


@pytest.mark.parametrize("body", [b"\xa6\x03", b"\x5b", b"\x01\xa5\x02", b"\x5a"])
def test_bad_escapes_are_rejected(body):
    with pytest.raises(fr.FrameError):
        fr.unescape(body)


def test_crc_mismatch_is_rejected():
    frame = bytearray(vector("k_ack"))
    frame[-2] ^= 0x01
    with pytest.raises(fr.FrameError, match="CRC"):
        fr.unwrap(bytes(frame))


def test_reply_length_must_match_header():
    phy1 = fr.KHeader(data_len=9).pack() + bytes.fromhex("a000000000")
    with pytest.raises(fr.FrameError, match="length"):
        fr.parse_k_reply(fr.wrap(phy1))


@given(st.binary(max_size=2000))
def test_escape_round_trip(data):
    escaped = fr.escape(data)
    assert escaped == peer.escape(data)
    assert 0xA5 not in escaped
    assert 0x5A not in escaped
    assert fr.unescape(escaped) == data
    assert peer.unescape(escaped) == data


@given(data=st.binary(max_size=1200), dst=st.integers(0, 0xFFFF), dev=st.integers(0, 0xFF))
def test_k_frames_parse_with_the_independent_parser(data, dst, dev):
    frame = fr.k_frame(data, fr.KHeader(dst=dst, device_type=dev))
    parsed = peer.parse(frame, "k")
    assert parsed.data == data
    assert parsed.header["dst"] == dst
    assert parsed.header["device_type"] == dev
    assert parsed.header["src"] == 0x8000
    assert fr.unwrap(frame)[fr.K_HEADER_LEN :] == data


@given(data=st.binary(max_size=3000), dev=st.integers(0, 0xFFFF))
def test_g_frames_parse_with_the_independent_parser(data, dev):
    frame = fr.g_frame(data, fr.GHeader(device_type=dev))
    parsed = peer.parse(frame, "g")
    assert parsed.data == data
    assert parsed.header["device_type"] == dev
    assert parsed.header["version"] == 0xF0
    assert fr.GHeader.parse(fr.unwrap(frame)).data_len == len(data)


@given(error=st.integers(0, 0xFF), payload=st.binary(max_size=40))
def test_k_replies_from_the_independent_builder_parse(error, payload):
    frame = peer.build("k", bytes([0xA0, 0x01 if error else 0x00, error, 0, 0]) + payload)
    reply = fr.parse_k_reply(frame)
    assert reply.error == error
    assert reply.data == payload
    assert reply.ok == (error == 0)


# -- stream splitting ----------------------------------------------------------


@given(
    noise=st.binary(max_size=20).filter(lambda b: 0xA5 not in b),
    cuts=st.lists(st.integers(1, 60), max_size=10),
)
def test_splitter_finds_frames_in_any_chunking(noise, cuts):
    stream = noise + vector("k_ack") + vector("k_nack_crc")
    splitter = fr.FrameSplitter()
    frames: list[bytes] = []
    pos = 0
    for cut in cuts:
        frames += splitter.feed(stream[pos : pos + cut])
        pos += cut
    frames += splitter.feed(stream[pos:])
    assert [fr.parse_k_reply(f).error for f in frames] == [0, 5]


def test_headers_round_trip():
    k = fr.KHeader(dst=3, display_mode=1, device_type=0x61, data_len=77)
    assert fr.KHeader.parse(k.pack()) == k
    assert len(k.pack()) == fr.K_HEADER_LEN
    g = fr.GHeader(dst=0x1234, device_type=0x0174, data_len=0x5A5A5A)
    assert fr.GHeader.parse(g.pack()) == g
    assert len(g.pack()) == fr.G_HEADER_LEN
    assert struct.unpack("<I", g.pack()[12:]) == (0x5A5A5A,)
