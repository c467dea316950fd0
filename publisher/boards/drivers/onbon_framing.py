"""Onbon outer framing, shared by the K font cards and the G5/G6 bitmap cards.

Pure bytes in, bytes or exceptions out; no I/O.  A frame on the wire is::

    A5 x 8 | escape(PHY1) | 5A        PHY1 = header | data field | CRC-16/ARC (LE)

The header is 14 bytes on K cards (:class:`KHeader`) and 16 bytes on G5/G6
(:class:`GHeader`); the CRC and every length field are computed on the
unescaped bytes (led-boards.md §3.1).  Building a request::

    frame = k_frame(bytes.fromhex("a200010000"))      # K ping
    ...send frame, read bytes...
    for body in splitter.feed(received):                # FrameSplitter
        reply = parse_k_reply(body)
        if not reply.ok: ...reply.error, reply.meaning...
"""

from __future__ import annotations

import struct
import sys
from array import array
from dataclasses import dataclass, replace
from enum import Enum

PREAMBLE = b"\xa5" * 8
END = 0x5A

# Each special byte becomes a two-byte sequence; the receiver maps them back.
_ESCAPES = {0xA5: b"\xa6\x02", 0xA6: b"\xa6\x01", 0x5A: b"\x5b\x02", 0x5B: b"\x5b\x01"}
_UNESCAPES = {(0xA6, 0x02): 0xA5, (0xA6, 0x01): 0xA6, (0x5B, 0x02): 0x5A, (0x5B, 0x01): 0x5B}

K_HEADER_LEN = 14
G_HEADER_LEN = 16
ACK_GROUP = 0xA0
ACK, NACK = 0x00, 0x01

# CmdError / Error numbers (K protocol §6; G5/G6 add 17 and 18), in words staff can act on.
ERROR_MEANINGS: dict[int, str] = {
    0: "no error",
    1: "command group not supported by this controller",
    2: "command not supported by this controller",
    3: "controller busy",
    4: "controller out of memory (content too large)",
    5: "CRC error (frame corrupted on the line)",
    6: "file does not exist",
    7: "flash access error",
    8: "file download error",
    9: "bad file name",
    10: "bad file type",
    11: "file CRC error",
    12: "font missing on the controller",
    13: "firmware does not match the controller type",
    14: "bad date/time format",
    15: "file exists and may not be overwritten",
    16: "bad file block number",
    17: "wrong controller type in the request",
    18: "screen parameters do not match the request",
}


class FrameError(ValueError):
    """Bytes that are not a valid Onbon frame (bad escape, CRC, or length)."""


class HeaderKind(Enum):
    """Which header a frame carries: 14-byte K or 16-byte G5/G6."""

    K = "k"
    G = "g"


def crc16_arc(data: bytes, crc: int = 0) -> int:
    """CRC-16/ARC (poly 0x8005 reflected, init 0, no final XOR), as Onbon uses.

    Table-driven, two bytes a step: ``crc`` is 16 bits wide, so XOR-ing in a
    little-endian 16-bit word and shifting all 16 bits out is one lookup in a
    65,536-entry table (built from the usual 256-entry byte table).  Pass the
    previous result as ``crc`` to continue a running CRC.
    """
    view = memoryview(data).cast("B")
    even = len(view) & ~1
    words = array("H")
    words.frombytes(view[:even])
    if sys.byteorder == "big":
        words.byteswap()  # the words are little-endian on the wire
    table = _CRC_WORD_TABLE
    for word in words:
        crc = table[crc ^ word]
    if even != len(view):
        crc = (crc >> 8) ^ _CRC_BYTE_TABLE[(crc ^ view[even]) & 0xFF]
    return crc


def escape(data: bytes) -> bytes:
    """Escape A5/A6/5A/5B so that A5 and 5A only ever mark frame edges."""
    # The escape bytes themselves first, so the A5/5A passes cannot be re-escaped.
    return (
        bytes(data)
        .replace(b"\xa6", b"\xa6\x01")
        .replace(b"\x5b", b"\x5b\x01")
        .replace(b"\xa5", b"\xa6\x02")
        .replace(b"\x5a", b"\x5b\x02")
    )


def unescape(data: bytes) -> bytes:
    """Undo :func:`escape`.

    Raises:
        FrameError: a raw A5 or 5A, or an A6/5B not followed by 01 or 02.
    """
    out = bytearray()
    i = 0
    n = len(data)
    while i < n:
        b = data[i]
        if b in (0xA6, 0x5B):
            if i + 1 >= n or (b, data[i + 1]) not in _UNESCAPES:
                raise FrameError(f"bad escape sequence at offset {i}")
            out.append(_UNESCAPES[b, data[i + 1]])
            i += 2
            continue
        if b in (0xA5, 0x5A):
            raise FrameError(f"unescaped {b:02X} inside a frame at offset {i}")
        out.append(b)
        i += 1
    return bytes(out)


def wrap(phy1: bytes) -> bytes:
    """Append the CRC to header+data, escape it, and add preamble and end byte."""
    body = phy1 + struct.pack("<H", crc16_arc(phy1))
    return PREAMBLE + escape(body) + bytes([END])


def unwrap(frame: bytes) -> bytes:
    """Return header+data of one frame, the CRC checked and removed.

    ``frame`` may carry any number of leading A5 bytes (controllers send 9)
    and must end with 5A; the bare escaped body is accepted too.

    Raises:
        FrameError: bad escapes, too short, or a CRC mismatch.
    """
    body = frame.lstrip(b"\xa5")
    if body.endswith(bytes([END])):
        body = body[:-1]
    raw = unescape(body)
    if len(raw) < 2:
        raise FrameError("frame too short")
    phy1, (crc,) = raw[:-2], struct.unpack("<H", raw[-2:])
    if crc16_arc(phy1) != crc:
        raise FrameError(f"CRC mismatch: frame says {crc:04X}, data gives {crc16_arc(phy1):04X}")
    return phy1


@dataclass(frozen=True)
class KHeader:
    """The 14-byte K-card header (led-boards.md §3.2)."""

    dst: int = 0xFFFE  # broadcast-with-reply, as in every vendor example
    src: int = 0x8000
    barcode: int = 0
    check_mode: int = 0  # 0 = CRC16
    display_mode: int = 0  # 0 normal, 1 dynamic areas on top of programs
    device_type: int = 0xFE  # wildcard
    protocol_version: int = 0x02
    data_len: int = 0

    def pack(self) -> bytes:
        """Serialise little-endian."""
        return struct.pack(
            "<HH3xBBBBBH",
            self.dst,
            self.src,
            self.barcode,
            self.check_mode,
            self.display_mode,
            self.device_type,
            self.protocol_version,
            self.data_len,
        )

    @classmethod
    def parse(cls, data: bytes) -> KHeader:
        """Read the first 14 bytes of ``data``.

        Raises:
            FrameError: fewer than 14 bytes.
        """
        if len(data) < K_HEADER_LEN:
            raise FrameError("short K header")
        dst, src, barcode, check, disp, dev, ver, dlen = struct.unpack(
            "<HH3xBBBBBH", data[:K_HEADER_LEN]
        )
        return cls(dst, src, barcode, check, disp, dev, ver, dlen)


@dataclass(frozen=True)
class GHeader:
    """The 16-byte G5/G6 dynamic-area header (led-boards.md §3.3)."""

    dst: int = 0xFFFF  # the vendor Java's value; the doc ping uses 0xFFFE
    src: int = 0x8000
    protocol_version: int = 0xF0  # the dynamic-area protocol
    device_type: int = 0x0266  # BX-6Q2, the vendor Java default; 0xFFFE = wildcard (doc ping)
    data_len: int = 0

    def pack(self) -> bytes:
        """Serialise little-endian."""
        return struct.pack(
            "<HHBxH4xI", self.dst, self.src, self.protocol_version, self.device_type, self.data_len
        )

    @classmethod
    def parse(cls, data: bytes) -> GHeader:
        """Read the first 16 bytes of ``data``.

        Raises:
            FrameError: fewer than 16 bytes.
        """
        if len(data) < G_HEADER_LEN:
            raise FrameError("short G header")
        dst, src, ver, dev, dlen = struct.unpack("<HHBxH4xI", data[:G_HEADER_LEN])
        return cls(dst, src, ver, dev, dlen)


def k_frame(data: bytes, header: KHeader | None = None) -> bytes:
    """A complete K frame carrying ``data`` (``data_len`` is filled in)."""
    h = header or KHeader()
    return wrap(replace(h, data_len=len(data)).pack() + data)


def g_frame(data: bytes, header: GHeader | None = None) -> bytes:
    """A complete G5/G6 frame carrying ``data`` (``data_len`` is filled in)."""
    h = header or GHeader()
    return wrap(replace(h, data_len=len(data)).pack() + data)


@dataclass(frozen=True)
class Reply:
    """A controller's answer: ACK, NACK with an error number, or another reply."""

    group: int
    cmd: int
    error: int
    data: bytes = b""
    status: int = 0  # G5/G6 only; bit0 set means NACK

    @property
    def ok(self) -> bool:
        """True for an ACK with no error."""
        return (
            self.group == ACK_GROUP and self.cmd == ACK and self.error == 0 and not self.status & 1
        )

    @property
    def meaning(self) -> str:
        """The error number in words."""
        return ERROR_MEANINGS.get(self.error, f"unknown error {self.error}")


def parse_k_reply(frame: bytes) -> Reply:
    """Parse a K reply: ``CmdGroup Cmd CmdError Reserved(2) Data``.

    Raises:
        FrameError: not a valid frame, or the length field disagrees.
    """
    phy1 = unwrap(frame)
    header = KHeader.parse(phy1)
    data = phy1[K_HEADER_LEN:]
    if header.data_len != len(data) or len(data) < 5:
        raise FrameError(f"K reply data length {len(data)} != header {header.data_len}")
    return Reply(group=data[0], cmd=data[1], error=data[2], data=data[5:])


def parse_g_reply(frame: bytes) -> Reply:
    """Parse a G5/G6 reply: ``Reserved Group Cmd Status(u16) Error(u16) Len(u16) Data``.

    Raises:
        FrameError: not a valid frame, or a length field disagrees.
    """
    phy1 = unwrap(frame)
    header = GHeader.parse(phy1)
    data = phy1[G_HEADER_LEN:]
    if header.data_len != len(data) or len(data) < 9:
        raise FrameError(f"G reply data length {len(data)} != header {header.data_len}")
    status, error, dlen = struct.unpack("<HHH", data[3:9])
    if dlen > len(data) - 9:
        raise FrameError("G reply data shorter than its length field")
    return Reply(group=data[1], cmd=data[2], error=error, status=status, data=data[9 : 9 + dlen])


class FrameSplitter:
    """Cuts a byte stream into frames: skip to an A5, skip the A5 run, read to 5A.

    Noise before a frame is dropped.  ``feed`` returns the complete frames
    seen so far, each as ``A5 + escaped body + 5A``, ready for the parsers.
    """

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        """Add received bytes; return any frames they complete."""
        self._buf += data
        frames: list[bytes] = []
        while True:
            start = self._buf.find(0xA5)
            if start < 0:
                self._buf.clear()
                return frames
            body_start = start
            while body_start < len(self._buf) and self._buf[body_start] == 0xA5:
                body_start += 1
            end = self._buf.find(END, body_start)
            if end < 0:
                del self._buf[:start]
                return frames
            frames.append(b"\xa5" + bytes(self._buf[body_start : end + 1]))
            del self._buf[: end + 1]


def _crc_byte_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return table


def _crc_word_table(byte_table: list[int]) -> list[int]:
    # Entry w: the register after feeding the 16 bits of w (low byte first) into 0,
    # which for a 16-bit CRC is all there is to know about "crc ^ word".
    out = []
    for word in range(0x10000):
        crc = (word >> 8) ^ byte_table[word & 0xFF]  # the low byte
        out.append((crc >> 8) ^ byte_table[crc & 0xFF])  # the high byte (now in crc)
    return out


_CRC_BYTE_TABLE = _crc_byte_table()
_CRC_WORD_TABLE = _crc_word_table(_CRC_BYTE_TABLE)
