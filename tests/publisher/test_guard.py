"""The request guard and the file helpers as units: ASGI in and out, no server."""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import quote

import pytest

from publisher.web.files import ByteRange, content_disposition, parse_range
from publisher.web.guard import DEFAULT_ACCEPTS, Accepts, RequestGuard, accepts

#: What a later staff console would declare: small form posts on its own routes.
ROUTES = {
    "/repo/x": DEFAULT_ACCEPTS,
    "/staff/login": Accepts(frozenset({"GET", "POST"}), max_body=4096),
}


class _App:
    """The guarded application: records what reached it and the body it read."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, bytes]] = []

    async def __call__(self, scope, receive, send):
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.seen.append((scope["path"], body))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def _call(guard, *, method="GET", path="/repo/x", headers=(), chunks=(b"",), query=b""):
    messages = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    taken = []

    async def receive():
        taken.append(1)
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    sent = []

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "headers": [(b"host", b"127.0.0.1:8700"), *headers],
        "client": ("127.0.0.9", 5000),
    }
    asyncio.run(guard(scope, receive, send))
    return sent[0]["status"], dict(sent[0]["headers"]), len(taken)


STAFF_POST = {"method": "POST", "path": "/staff/login"}


def _utf8(name):
    return f"filename*=UTF-8''{quote(name)}"


@pytest.fixture
def app():
    return _App()


@pytest.fixture
def guard(app):
    return RequestGuard(app, hosts={"127.0.0.1"}, max_url_bytes=512, route=ROUTES.get)


@pytest.mark.parametrize(
    ("case", "status"),
    [
        ({}, 200),
        ({"path": "/nowhere"}, 404),
        ({"path": "/repo/" + "a" * 256}, 404),
        ({"path": "/repo/" + "a" * 600}, 414),
        ({"query": b"t=" + b"s" * 600}, 414),
        ({"method": "DELETE"}, 405),
        ({"method": "POST"}, 405),
        ({"headers": [(b"content-length", b"1")]}, 413),  # GET routes take no body
        ({"headers": [(b"transfer-encoding", b"chunked")]}, 413),
        (
            {"method": "POST", "path": "/staff/login", "headers": [(b"content-length", b"4097")]},
            413,
        ),
        ({"method": "POST", "path": "/staff/login", "headers": [(b"content-length", b"x1")]}, 400),
        (
            {**STAFF_POST, "headers": [(b"content-length", b"1"), (b"content-length", b"2")]},
            400,
        ),
    ],
)
def test_requests_are_refused_from_their_line_and_headers(guard, app, case, status):
    answer, headers, reads = _call(guard, **case)
    assert answer == status
    if status != 200:
        assert app.seen == []
        assert reads == 0  # not a byte of body was read
        assert headers[b"connection"] == b"close"
    if status == 405:
        assert b"GET" in headers[b"allow"]


def test_unknown_hosts_are_refused(app):
    guard = RequestGuard(app, hosts={"publisher.example"}, route=ROUTES.get)
    assert _call(guard)[0] == 400
    assert app.seen == []


def test_a_chunked_body_is_read_up_to_the_cap_and_handed_on_whole(guard, app):
    chunked = [(b"transfer-encoding", b"chunked")]
    ok = _call(
        guard, method="POST", path="/staff/login", headers=chunked, chunks=[b"a" * 4000, b"b" * 96]
    )
    assert ok[0] == 200
    assert app.seen == [("/staff/login", b"a" * 4000 + b"b" * 96)]
    over = _call(guard, **STAFF_POST, headers=chunked, chunks=[b"a" * 4000] * 50)
    assert over[0] == 413
    assert over[2] == 2  # it stopped reading at the cap
    assert len(app.seen) == 1


def test_a_route_declares_what_it_accepts_on_the_view():
    @accepts("get", "POST", max_body=2048)
    async def form(request):
        return None

    assert form.gongkai_accepts == Accepts(frozenset({"GET", "POST"}), 2048)
    with pytest.raises(ValueError, match="needs a method"):
        accepts()


def test_refusals_are_logged_in_short_lines_and_throttled(app, caplog):
    now = [0.0]
    guard = RequestGuard(app, hosts={"127.0.0.1"}, route=ROUTES.get, clock=lambda: now[0])
    caplog.set_level(logging.WARNING, "gongkai.serve")
    for _ in range(100):
        _call(guard, path="/" + "z" * 250, query=b"token=secret")
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 20
    assert all(len(line) < 200 and "secret" not in line for line in lines)
    now[0] = 11.0
    _call(guard, path="/nowhere")
    assert "(80 more refusals not logged)" in caplog.records[-1].getMessage()


@pytest.mark.parametrize(
    ("header", "size", "expected"),
    [
        ("bytes=0-99", 1000, ByteRange(0, 99)),
        ("bytes=900-", 1000, ByteRange(900, 999)),
        ("bytes=-100", 1000, ByteRange(900, 999)),
        ("bytes=-5000", 1000, ByteRange(0, 999)),
        ("bytes=990-5000", 1000, ByteRange(990, 999)),
        ("bytes = 0-9", 1000, ByteRange(0, 9)),
        ("bytes=0-1,5-6", 1000, None),  # several: served whole
        ("items=0-1", 1000, None),
        ("bytes=9-1", 1000, None),
        ("bytes=-", 1000, None),
        ("bytes=" + "9" * 30 + "-", 1000, None),
        ("bytes=1000-", 1000, ValueError),
        ("bytes=-0", 1000, ValueError),
        ("bytes=0-", 0, ValueError),
    ],
)
def test_byte_ranges(header, size, expected):
    if expected is ValueError:
        with pytest.raises(ValueError):
            parse_range(header, size)
    else:
        assert parse_range(header, size) == expected


@pytest.mark.parametrize(
    ("name", "inline", "expected"),
    [
        ("report.pdf", True, 'inline; filename="report.pdf"'),
        (
            "年度报告.pdf",
            True,
            f"inline; filename=\"document.pdf\"; filename*=UTF-8''{quote('年度报告.pdf')}",
        ),
        (
            "2025年报.pdf",
            False,
            f"attachment; filename=\"2025.pdf\"; filename*=UTF-8''{quote('2025年报.pdf')}",
        ),
        ('../../a"b\r\n.pdf', True, 'inline; filename="a_b_.pdf"'),
        ("", True, 'inline; filename="document"'),
    ],
)
def test_content_disposition_names_the_file_in_ascii_and_utf8(name, inline, expected):
    assert content_disposition(name, inline=inline) == expected
