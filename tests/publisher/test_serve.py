"""`gongkai serve` over real sockets: repository caching, heartbeats, approval → poke."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

from .servekit import request, run, served


@pytest.fixture(scope="module")
def publisher(tmp_path_factory):
    """A served publisher home with keys, a release, a device, and revisions to approve."""
    with served(tmp_path_factory.mktemp("serve")) as it:
        yield {"base": it.base, "home": it.home, "token": it.token}


def test_repository_files_carry_caching_headers(publisher):
    base = publisher["base"]
    status, headers, _ = request(f"{base}/repo/metadata/timestamp.json")
    assert status == 200
    assert headers["Cache-Control"] == "no-cache"
    assert (
        request(f"{base}/repo/metadata/timestamp.json", headers={"If-None-Match": headers["ETag"]})[
            0
        ]
        == 304
    )
    status, headers, body = request(f"{base}/repo/metadata/1.root.json")
    assert status == 200
    assert "immutable" in headers["Cache-Control"]
    assert json.loads(body)["signed"]["_type"] == "root"


@pytest.mark.parametrize(
    "path",
    [
        "/repo/objects/../../keys/online/targets.pem",
        "/repo/metadata/../../gongkai.toml",
        "/repo/keys/online/targets.pem",
        "/docs/../gongkai.toml",
    ],
)
def test_nothing_outside_the_repository_is_served(publisher, path):
    status, _, body = request(publisher["base"] + path)
    assert status == 404
    assert b"PRIVATE KEY" not in body


def test_heartbeats_need_a_valid_token(publisher):
    url = f"{publisher['base']}/api/devices/heartbeat"
    report = json.dumps({"applied_version": 1, "uptime": 60, "app_version": "0.1"}).encode()
    assert request(url, data=report)[0] == 401
    assert request(url, data=report, headers={"Authorization": "Bearer nope"})[0] == 401
    good = {"Authorization": f"Bearer {publisher['token']}", "Content-Type": "application/json"}
    assert request(url, data=b"[1, 2]", headers=good)[0] == 400
    assert request(url, data=report, headers=good)[0] == 204
    rows = json.loads(run("device", "list", "--json", "--home", str(publisher["home"])))
    [row] = rows
    assert row["applied_version"] == 1
    assert row["last_seen_at"]


def test_an_approval_is_released_and_poked_within_seconds(publisher):
    url = f"{publisher['base']}/api/channels/county/events"
    with urllib.request.urlopen(url, timeout=30) as stream:
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        started = time.monotonic()
        run(
            "review",
            "approve",
            "--secrecy-checked",
            "--all",
            "--home",
            str(publisher["home"]),
            "--as",
            "审核员",
        )
        event = None
        while event is None:
            line = stream.readline().decode()
            if line.startswith("data:"):
                event = int(line.split(":", 1)[1])
            assert time.monotonic() - started < 20
        assert event >= 2  # the release made after the approval
        assert time.monotonic() - started < 10
