"""An independent Onbon parser and a fake controller, for the driver tests.

Written from led-boards.md §3 without importing ``onbon_framing``, so a
shared mistake cannot make the encoder and its checker agree.  The CRC is the
vendor's table method (the doc's appendix), byte by byte, not the two-byte
table the driver uses; unescaping is a regex, not a state machine.

``FakeController`` is a real TCP server on 127.0.0.1 (ephemeral port) in a
thread.  It parses every request with this parser, records it, and answers
by ``mode``: ``"ack"``, ``"nack"`` (with ``nack_code``), ``"silent"`` (reads,
never answers) or ``"close"`` (closes the connection on the first request).
"""

from __future__ import annotations

import re
import socket
import struct
import threading
from dataclasses import dataclass, field

_POLY = 0xA001
_TABLE = []
for _i in range(256):
    _c = 0
    _x = _i
    for _ in range(8):
        _c = (_c >> 1) ^ _POLY if (_c ^ _x) & 1 else _c >> 1
        _x >>= 1
    _TABLE.append(_c)

_UNESC = {b"\xa6\x02": b"\xa5", b"\xa6\x01": b"\xa6", b"\x5b\x02": b"\x5a", b"\x5b\x01": b"\x5b"}


class BadFrameError(Exception):
    pass


def crc(data: bytes) -> int:
    value = 0
    for b in data:
        value = (value >> 8) ^ _TABLE[(value ^ b) & 0xFF]
    return value


def unescape(body: bytes) -> bytes:
    if re.search(rb"[\xa5\x5a]|[\xa6\x5b](?![\x01\x02])", body):
        raise BadFrameError("raw A5/5A or dangling escape inside the frame")
    return re.sub(rb"[\xa6\x5b][\x01\x02]", lambda m: _UNESC[m.group(0)], body)


def escape(raw: bytes) -> bytes:
    out = bytearray()
    for b in raw:
        if b in (0xA5, 0xA6):
            out += bytes([0xA6, 0x02 if b == 0xA5 else 0x01])
        elif b in (0x5A, 0x5B):
            out += bytes([0x5B, 0x02 if b == 0x5A else 0x01])
        else:
            out.append(b)
    return bytes(out)


@dataclass
class Parsed:
    kind: str  # "k" or "g"
    header: dict[str, int]
    data: bytes
    escapes: int = 0


def parse(frame: bytes, kind: str) -> Parsed:
    """Un-escape, check the CRC and the length field, split header and data."""
    m = re.fullmatch(rb"\xa5+(.*)\x5a", frame, re.DOTALL)
    if not m:
        raise BadFrameError("no A5 preamble or no 5A end")
    body = m.group(1)
    raw = unescape(body)
    phy1, tail = raw[:-2], raw[-2:]
    if crc(phy1) != int.from_bytes(tail, "little"):
        raise BadFrameError("CRC")
    escapes = len(body) - len(raw)
    if kind == "k":
        hdr = {
            "dst": int.from_bytes(phy1[0:2], "little"),
            "src": int.from_bytes(phy1[2:4], "little"),
            "barcode": phy1[7],
            "check_mode": phy1[8],
            "display_mode": phy1[9],
            "device_type": phy1[10],
            "version": phy1[11],
            "data_len": int.from_bytes(phy1[12:14], "little"),
        }
        data = phy1[14:]
    else:
        hdr = {
            "dst": int.from_bytes(phy1[0:2], "little"),
            "src": int.from_bytes(phy1[2:4], "little"),
            "version": phy1[4],
            "device_type": int.from_bytes(phy1[6:8], "little"),
            "data_len": int.from_bytes(phy1[12:16], "little"),
        }
        data = phy1[16:]
    if hdr["data_len"] != len(data):
        raise BadFrameError(f"length field {hdr['data_len']} != {len(data)}")
    return Parsed(kind, hdr, data, escapes)


def build(kind: str, data: bytes, *, preamble: int = 9) -> bytes:
    """A frame as a controller would send it (9 x A5, like the vendor replies)."""
    if kind == "k":
        header = struct.pack("<HH3xBBBBBH", 0x8000, 0xFFFE, 0, 0, 0, 0xFE, 2, len(data))
    else:
        header = struct.pack("<HHBxH4xI", 0x8000, 0xFFFE, 0xF0, 0x0266, len(data))
    phy1 = header + data
    return b"\xa5" * preamble + escape(phy1 + struct.pack("<H", crc(phy1))) + b"\x5a"


def reply(kind: str, *, error: int = 0) -> bytes:
    if kind == "k":
        return build(kind, bytes([0xA0, 0x01 if error else 0x00, error, 0, 0]))
    status = 1 if error else 0
    return build(
        kind, bytes([0, 0xA0, 0x01 if error else 0x00]) + struct.pack("<HHH", status, error, 0)
    )


@dataclass
class KArea:
    # type x y w h id lines run timeout sound ext align single newline disp exit speed stay
    params: tuple[int, ...]
    text: bytes


def parse_k_dynamic(data: bytes) -> list[KArea]:
    assert data[:2] == b"\xa3\x06", data[:2].hex()
    delete_n = data[5]
    pos = 6 + (0 if delete_n in (0, 0xFF) else delete_n)
    count = data[pos]
    pos += 1
    areas = []
    for _ in range(count):
        (length,) = struct.unpack_from("<H", data, pos)
        pos += 2
        area = data[pos : pos + length]
        fixed = struct.unpack_from("<BHHHHBBBHBBBBBBBBBI", area)
        assert fixed[9] == 0  # no sound
        assert fixed[10] == 0  # no extension fields
        text = area[struct.calcsize("<BHHHHBBBHBBBBBBBBBI") :]
        assert len(text) == fixed[-1]
        areas.append(KArea(fixed[:-1], text))
        pos += length
    assert pos == len(data)
    return areas


@dataclass
class GPage:
    display: int
    stay: int
    valid_len: int
    pixels: bytes


@dataclass
class GUpdate:
    area_id: int
    x: int
    y: int
    w: int
    h: int
    immediate: int
    pages: list[GPage] = field(default_factory=list)


def parse_g_update(data: bytes) -> GUpdate:
    assert data[:3] == b"\x01\xa7\x00", data[:3].hex()
    area_num, para_len = struct.unpack_from("<HI", data, 5)
    assert area_num == 1
    para = data[11 : 11 + para_len]
    pixels = data[11 + para_len :]
    area_id, _run, _timeout, _all, nrel = struct.unpack_from("<BBHBH", para, 0)
    pos = 7 + 2 * nrel
    immediate = para[pos]
    pos += 5
    atype, x, y, w, h = struct.unpack_from("<BHHHH", para, pos)
    assert atype == 0x10
    pos += 9 + 10
    (npages,) = struct.unpack_from("<H", para, pos)
    pos += 2
    update = GUpdate(area_id, x, y, w, h, immediate)
    for _ in range(npages):
        (plen,) = struct.unpack_from("<I", para, pos)
        _style, disp, _clear, _speed, stay, _rep, valid = struct.unpack_from(
            "<BBBBHBH", para, pos + 4
        )
        offset, dlen = struct.unpack_from("<II", para, pos + 4 + plen - 8)
        update.pages.append(GPage(disp, stay, valid, pixels[offset : offset + dlen]))
        pos += 4 + plen
    assert pos == len(para)
    return update


def split_frames(buf: bytearray) -> list[bytes]:
    frames = []
    while True:
        m = re.search(rb"\xa5+[^\xa5]*?\x5a", bytes(buf), re.DOTALL)
        if not m:
            return frames
        frames.append(m.group(0))
        del buf[: m.end()]


class FakeController:
    """A fake Onbon controller on 127.0.0.1 (see the module docstring)."""

    def __init__(self, kind: str, *, port: int = 0) -> None:
        self.kind = kind
        self.mode = "ack"
        self.nack_code = 3
        self.requests: list[Parsed] = []
        self.connections = 0
        self._stop = threading.Event()
        self._srv = socket.create_server(("127.0.0.1", port))
        self._srv.settimeout(0.05)
        self.port = self._srv.getsockname()[1]
        self._conns: list[socket.socket] = []
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=2)
        self._srv.close()
        for c in self._conns:
            c.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._srv.accept()
            except TimeoutError:
                continue
            self.connections += 1
            self._conns.append(conn)
            t = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(t)
            t.start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(0.05)
        buf = bytearray()
        while not self._stop.is_set():
            try:
                chunk = conn.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            if not chunk:
                return
            buf += chunk
            for frame in split_frames(buf):
                self.requests.append(parse(frame, self.kind))
                if self.mode == "close":
                    conn.close()
                    return
                if self.mode == "ack":
                    conn.sendall(reply(self.kind))
                elif self.mode == "nack":
                    conn.sendall(reply(self.kind, error=self.nack_code))
