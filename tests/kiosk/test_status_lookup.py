"""The kiosk's status lookup client (real loopback HTTP) and the keypad form."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from content.applications import Status
from kiosk.agent.status import LookupAnswer, LookupOutcome, PublisherStatusLookup
from kiosk.viewmodels.applications import Field, LookupForm, answer_lines


class _Publisher(BaseHTTPRequestHandler):
    replies: ClassVar[list[tuple[int, bytes]]] = []
    seen: ClassVar[list[tuple[str, dict]]] = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        self.seen.append((self.headers["Authorization"], json.loads(self.rfile.read(length))))
        status, body = self.replies.pop(0)
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def publisher():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Publisher)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


FOUND = json.dumps(
    {
        "status": "extended",
        "status_label": "x",
        "received_on": "2026-09-24",
        "due": "2026-11-26",
        "estimated": True,
    }
).encode()


@pytest.mark.parametrize(
    ("status", "body", "outcome"),
    [
        (200, FOUND, LookupOutcome.FOUND),
        (404, b"{}", LookupOutcome.NOT_FOUND),
        (429, b"{}", LookupOutcome.BUSY),
        (401, b"{}", LookupOutcome.REFUSED),
        (500, b"oops", LookupOutcome.OFFLINE),
        (200, b"<html>captive portal</html>", LookupOutcome.OFFLINE),
        (200, b'{"status": "hacked"}', LookupOutcome.OFFLINE),
    ],
)
def test_answers_over_http(publisher, status, body, outcome):
    _server, base = publisher
    _Publisher.replies = [(status, body)]
    _Publisher.seen = []
    answer = PublisherStatusLookup(base, "tok")("202617", "1234")
    assert answer.outcome is outcome
    assert _Publisher.seen == [("Bearer tok", {"number": "202617", "phone_tail": "1234"})]
    if outcome is LookupOutcome.FOUND:
        assert answer == LookupAnswer(
            outcome, Status.EXTENDED, "2026-09-24", "2026-11-26", estimated=True
        )


def test_no_publisher_is_offline():
    answer = PublisherStatusLookup("http://127.0.0.1:9", "tok", timeout=1)("202617", "1234")
    assert answer.outcome is LookupOutcome.OFFLINE


def test_form_typing_limits_and_clearing():
    form = LookupForm()
    for key in "20261712345":  # 11 digits: the number takes 10, then moves to the phone
        form.press(key)
    assert form.number == "2026171234"
    assert form.field is Field.PHONE
    assert form.phone == "5"
    for key in "6789":
        form.press(key)
    assert form.phone == "5678"
    form.press("backspace")
    assert form.phone == "567"
    assert not form.ready
    form.press("9")
    assert form.ready
    generation = form.start()
    assert not form.ready  # one lookup at a time
    form.clear()  # the visitor left before the answer came
    assert not form.finish(generation, LookupAnswer(LookupOutcome.NOT_FOUND))
    assert (form.number, form.phone, form.answer, form.pending) == ("", "", None, False)


def test_answer_words():
    form = LookupForm()
    assert "本机未连接办理系统" in answer_lines(form, configured=False)[0]
    form.answer = LookupAnswer(
        LookupOutcome.FOUND, Status.EXTENDED, "2026-09-24", "2026-11-26", estimated=True
    )
    assert answer_lines(form, configured=True) == [
        "办理状态：已延期",
        "收到申请：2026年9月24日",
        "答复期限：2026年11月26日（预计，以答复通知为准）",
    ]
    form.answer = LookupAnswer(LookupOutcome.FOUND, Status.NEEDS_CORRECTION, "2026-10-19")
    assert answer_lines(form, configured=True)[-1] == "答复期限：收到补正材料后重新计算"
    form.answer = LookupAnswer(LookupOutcome.OFFLINE)
    assert "网络中断" in answer_lines(form, configured=True)[0]
