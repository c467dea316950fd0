"""Kiosk screenshots over real loopback sockets: the agent sends, the publisher keeps the latest."""

from __future__ import annotations

import base64
import io
import os

from PIL import Image

from kiosk.agent.screenshots import SCREEN_FILE

from .repokit import TOKEN


def _screen(home, colour: str, *, stamp: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (90, 160), colour).save(out, format="PNG")
    path = home / SCREEN_FILE
    path.write_bytes(out.getvalue())
    os.utime(path, ns=(stamp, stamp))
    return out.getvalue()


def test_the_publisher_keeps_the_screenshot_a_heartbeat_carries(
    publisher, new_home, make_agent, tmp_path
):
    token = publisher.device_add("hall-shot")
    home = new_home()
    agent = make_agent(publisher.url, home, token=token)
    sent = _screen(home, "red", stamp=1_700_000_000_000_000_000)

    assert agent.heartbeat() == "sent"

    out = tmp_path / "shot.png"
    said = publisher.run("device", "screenshot", "hall-shot", "--out", str(out))
    assert out.read_bytes() == sent
    assert "90x160" in said
    assert publisher.devices()["hall-shot"]["screenshot_at"].startswith("2023-11-1")


def test_the_agent_sends_a_screenshot_once_per_change_and_interval(
    repo_server, new_home, make_agent
):
    server = repo_server("v1")
    home = new_home()
    agent = make_agent(server.url, home, token=TOKEN)
    first = _screen(home, "red", stamp=1_700_000_000_000_000_000)
    agent.heartbeat()
    agent.heartbeat()  # nothing new
    _screen(home, "blue", stamp=1_700_000_100_000_000_000)
    agent.heartbeat()  # new, but within the interval
    agent.screenshots.min_interval = 0
    agent.heartbeat()  # new and due

    shots = [beat.get("screenshot") for beat in server.heartbeats]
    assert [shot is not None for shot in shots] == [True, False, False, True]
    assert base64.b64decode(shots[0]["png"]) == first
    assert shots[0]["taken_at"] == "2023-11-14T22:13:20+00:00"


def test_the_agent_stops_sending_when_the_publisher_says_off(repo_server, new_home, make_agent):
    server = repo_server("v1")
    home = new_home()
    agent = make_agent(server.url, home, token=TOKEN)
    agent.screenshots.min_interval = 0
    server.heartbeat_headers = {"Gongkai-Screenshots": "off"}
    _screen(home, "red", stamp=1_700_000_000_000_000_000)
    agent.heartbeat()  # sent before it knew
    _screen(home, "blue", stamp=1_700_000_100_000_000_000)
    agent.heartbeat()
    server.heartbeat_headers = {"Gongkai-Screenshots": "on"}
    agent.heartbeat()  # still off until an answer says on
    agent.heartbeat()

    shots = [beat.get("screenshot") is not None for beat in server.heartbeats]
    assert shots == [True, False, False, True]


def test_an_oversized_screenshot_is_not_sent(repo_server, new_home, make_agent):
    server = repo_server("v1")
    home = new_home()
    agent = make_agent(server.url, home, token=TOKEN)
    (home / SCREEN_FILE).write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(70_000))
    agent.heartbeat()
    assert "screenshot" not in server.heartbeats[0]
