"""`gongkai serve` over real sockets: repository caching, heartbeats, approval → poke."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

GONGKAI = str(Path(sys.executable).parent / "gongkai")


def _run(*args: str) -> str:
    result = subprocess.run(
        [GONGKAI, *args], capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _request(url: str, *, data: bytes | None = None, headers: dict | None = None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()


@pytest.fixture(scope="module")
def publisher(tmp_path_factory):
    """A served publisher home with keys, a release, a device, and revisions to approve."""
    home = tmp_path_factory.mktemp("serve") / "home"
    with subprocess.Popen(
        [GONGKAI, "demo-site", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as site:
        line = site.stdout.readline()
        site_url = re.search(r"http://127\.0\.0\.1:\d+", line).group(0)
        port = _free_port()
        _run("init", "--home", str(home), "--demo", site_url)
        _run("sync", "--home", str(home), "dayu-gknb")
        _run("keys", "init", "--home", str(home))
        _run("release", "--home", str(home))
        enrolled = _run("device", "add", "hall-1", "--channel", "county", "--home", str(home))
        token = re.search(r"token \(shown once; give it to the kiosk\): (\S+)", enrolled).group(1)
        with subprocess.Popen(
            [GONGKAI, "serve", "--home", str(home), "--port", str(port), "--no-sync"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as serve:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    if _request(f"{base}/repo/metadata/1.root.json")[0] == 200:
                        break
                except OSError:
                    pass
                assert time.monotonic() < deadline, serve.stderr.read() if serve.poll() else "slow"
                time.sleep(0.2)
            yield {"base": base, "home": home, "token": token}
            serve.terminate()
            serve.wait(timeout=20)
        site.terminate()
        site.wait(timeout=20)


def test_repository_files_carry_caching_headers(publisher):
    base = publisher["base"]
    status, headers, _ = _request(f"{base}/repo/metadata/timestamp.json")
    assert status == 200
    assert headers["Cache-Control"] == "no-cache"
    assert (
        _request(
            f"{base}/repo/metadata/timestamp.json", headers={"If-None-Match": headers["ETag"]}
        )[0]
        == 304
    )
    status, headers, body = _request(f"{base}/repo/metadata/1.root.json")
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
    status, _, body = _request(publisher["base"] + path)
    assert status == 404
    assert b"PRIVATE KEY" not in body


def test_heartbeats_need_a_valid_token(publisher):
    url = f"{publisher['base']}/api/devices/heartbeat"
    report = json.dumps({"applied_version": 1, "uptime": 60, "app_version": "0.1"}).encode()
    assert _request(url, data=report)[0] == 401
    assert _request(url, data=report, headers={"Authorization": "Bearer nope"})[0] == 401
    good = {"Authorization": f"Bearer {publisher['token']}", "Content-Type": "application/json"}
    assert _request(url, data=b"[1, 2]", headers=good)[0] == 400
    assert _request(url, data=report, headers=good)[0] == 204
    rows = json.loads(_run("device", "list", "--json", "--home", str(publisher["home"])))
    [row] = rows
    assert row["applied_version"] == 1
    assert row["last_seen_at"]


def test_an_approval_is_released_and_poked_within_seconds(publisher):
    url = f"{publisher['base']}/api/channels/county/events"
    with urllib.request.urlopen(url, timeout=30) as stream:
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        started = time.monotonic()
        _run("review", "approve", "--all", "--home", str(publisher["home"]), "--as", "审核员")
        event = None
        while event is None:
            line = stream.readline().decode()
            if line.startswith("data:"):
                event = int(line.split(":", 1)[1])
            assert time.monotonic() - started < 20
        assert event >= 2  # the release made after the approval
        assert time.monotonic() - started < 10
