"""`gongkai serve` with screenshots turned off by the county: kept none, and says so."""

from __future__ import annotations

import base64
import io
import json
import subprocess

from PIL import Image

from .servekit import GONGKAI, request, served


def test_a_county_that_turns_screenshots_off_keeps_none_and_tells_the_kiosks(tmp_path):
    image = io.BytesIO()
    Image.new("RGB", (90, 160), "red").save(image, format="PNG")
    shot = {"png": base64.b64encode(image.getvalue()).decode(),
            "taken_at": "2026-03-02T01:00:00+00:00"}  # fmt: skip
    with served(tmp_path, screenshots=False) as it:
        status, headers, _ = request(
            f"{it.base}/api/devices/heartbeat",
            data=json.dumps({"applied_version": 1, "screenshot": shot}).encode(),
            headers={"Authorization": f"Bearer {it.token}", "Content-Type": "application/json"},
        )
        assert status == 204
        said = {name.lower(): value for name, value in headers.items()}
        assert said["gongkai-screenshots"] == "off"
        fetched = subprocess.run(
            [GONGKAI, "device", "screenshot", "hall-1", "--out", str(tmp_path / "x.png"),
             "--home", str(it.home)],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert fetched.returncode == 1
        assert "no screenshot" in fetched.stderr
        listed = subprocess.run(
            [GONGKAI, "device", "list", "--json", "--home", str(it.home)],
            capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        [row] = json.loads(listed.stdout)
        assert row["applied_version"] == 1  # the rest of the heartbeat still counts
        assert row["screenshot_at"] is None
