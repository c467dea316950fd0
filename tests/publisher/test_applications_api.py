"""The status API over a real socket: `gongkai serve` on a home holding the demo register."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import time

import pytest

from .servekit import GONGKAI, free_port, request, run, tune

DEMO = "publisher/applications/demo/register.csv"
# 依申〔2026〕26号 of the demo register: received 2026-09-07, phone 0797-0428866.
NUMBER, TAIL = "202626", "8866"


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    home = tmp_path_factory.mktemp("api") / "H"
    run("init", "--home", str(home))
    tune(home, lookups_per_minute=4)
    run("applications", "import", DEMO, "--home", str(home))
    tokens = []
    for name in ("hall-1", "hall-2"):
        enrolled = run("device", "add", name, "--channel", "county", "--home", str(home))
        tokens.append(re.search(r"give it to the kiosk\): (\S+)", enrolled).group(1))
    port = free_port()
    log = home / "serve.log"
    with (
        log.open("w") as out,
        subprocess.Popen(
            [GONGKAI, "serve", "--home", str(home), "--port", str(port), "--no-sync"],
            stdout=out,
            stderr=subprocess.STDOUT,
        ) as serve,
    ):
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while "serving" not in log.read_text():
            assert serve.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        # "serving" is printed as the server starts; the socket may listen a moment later.
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert serve.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
        try:
            yield base, tokens, log
        finally:
            serve.terminate()
            serve.wait(timeout=20)


def ask(base, token, body, **kw):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    return request(
        f"{base}/api/applications/status", data=data, headers=headers, method="POST", **kw
    )


def test_lookup_answers_only_status_and_dates_and_is_rate_limited(api):
    base, (token, other), log = api
    status, _headers, body = ask(base, token, {"number": NUMBER, "phone_tail": TAIL})
    assert status == 200
    assert json.loads(body) == {
        "status": "received",
        "status_label": "已受理",
        "received_on": "2026-09-07",
        "due": "2026-10-10",
        "estimated": False,
    }
    assert ask(base, token, {"number": NUMBER, "phone_tail": "8867"})[0] == 404
    assert ask(base, token, {"number": "202699", "phone_tail": TAIL})[0] == 404
    # Four lookups in a minute per device, whatever they answered; another device has its own.
    assert ask(base, token, {"number": NUMBER, "phone_tail": TAIL})[0] == 200
    assert ask(base, token, {"number": NUMBER, "phone_tail": TAIL})[0] == 429
    assert ask(base, other, {"number": NUMBER, "phone_tail": TAIL})[0] == 200
    time.sleep(0.5)
    served_log = log.read_text()
    assert TAIL not in served_log
    assert NUMBER not in served_log


def test_refusals(api):
    base, (_token, other), _log = api
    assert ask(base, "not-a-token", {"number": NUMBER, "phone_tail": TAIL})[0] == 401
    assert ask(base, other, b"{not json")[0] == 400
    assert ask(base, other, {"number": 202626, "phone_tail": TAIL})[0] == 400
    assert ask(base, other, b"x" * 1000)[0] == 413  # over the route's cap, unread
    assert request(f"{base}/api/applications/status")[0] == 405
