"""The README's commands themselves: `make demo` serves the demo county site."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from .crawl import fetch

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_demo_serves_the_demo_county_and_prints_its_url(tmp_path):
    with subprocess.Popen(
        ["make", "--no-print-directory", "demo", "PORT=0"],
        cwd=ROOT,
        env={**os.environ, "DEMO_HOME": str(tmp_path / "home")},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,  # so the whole make → gongkai tree can be stopped
    ) as process:
        try:
            url = None
            deadline = time.monotonic() + 240
            while url is None and time.monotonic() < deadline:
                line = process.stdout.readline()
                assert line, "make demo exited before printing a URL"
                match = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
                url = match.group(1) if match else None
            assert url is not None
            status, _, body = fetch(url + "/zwgk/ldxx/")
            assert status == 200
            assert "领导信息".encode("gbk") in body
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
