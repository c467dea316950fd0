from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

GONGKAI = str(Path(sys.executable).parent / "gongkai")


@dataclass
class RunningSite:
    url: str
    token: str

    def mutate(self, rounds: int = 1) -> dict:
        request = urllib.request.Request(
            f"{self.url}/__demo__/mutate?rounds={rounds}",
            method="POST",
            data=b"",
            headers={"X-Demo-Token": self.token},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())


@pytest.fixture(scope="module")
def demo_site():
    """The demo county site in its own process (so it does not share our GIL)."""
    with subprocess.Popen(
        [GONGKAI, "demo-site", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as process:
        try:
            url = token = None
            deadline = time.monotonic() + 60
            while (url is None or token is None) and time.monotonic() < deadline:
                line = process.stdout.readline()
                assert line, "demo-site exited early"
                if match := re.search(r"(http://127\.0\.0\.1:\d+)/", line):
                    url = url or match.group(1)
                if "control token" in line:
                    token = line.rsplit(" ", 1)[-1].strip()
            assert url
            assert token
            yield RunningSite(url, token)
        finally:
            process.terminate()
            process.wait(timeout=20)
