"""A served publisher home over real sockets, for the `gongkai serve` tests.

``served(tmp)`` builds a home from the demo county site (synced, keys, a
release, one enrolled kiosk), tunes its ``[serve]`` section, starts
``gongkai serve`` on a free loopback port and yields a :class:`Served`.
"""

from __future__ import annotations

import contextlib
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

GONGKAI = str(Path(sys.executable).parent / "gongkai")


@dataclass
class Served:
    base: str
    port: int
    home: Path
    token: str
    process: subprocess.Popen


def run(*args: str) -> str:
    result = subprocess.run(
        [GONGKAI, *args], capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(url: str, *, data: bytes | None = None, headers: dict | None = None, method=None):
    """(status, headers, body) of one request; HTTP errors are answers, not exceptions."""
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers.items()), error.read()


def tune(home: Path, **values: object) -> None:
    """Set keys of the home's gongkai.toml (each key appears once in the file)."""
    path = home / "gongkai.toml"
    text = path.read_text(encoding="utf-8")
    for key, value in values.items():
        if isinstance(value, bool):
            shown = "true" if value else "false"
        elif isinstance(value, str):
            shown = f'"{value}"'
        else:
            shown = repr(value).replace("'", '"')
        text, count = re.subn(rf"(?m)^{key} = .*$", f"{key} = {shown}", text)
        assert count == 1, key
    path.write_text(text, encoding="utf-8")


@contextlib.contextmanager
def served(root: Path, *, sources: tuple[str, ...] = ("dayu-gknb",), **serve_values: object):
    home = root / "home"
    with subprocess.Popen(
        [GONGKAI, "demo-site", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as site:
        line = site.stdout.readline()
        site_url = re.search(r"http://127\.0\.0\.1:\d+", line).group(0)
        port = free_port()
        run("init", "--home", str(home), "--demo", site_url)
        if serve_values:
            tune(home, **serve_values)
        run("sync", "--home", str(home), *sources)
        if sources != ("dayu-gknb",):
            run(
                "review",
                "approve",
                "--secrecy-checked",
                "--all",
                "--home",
                str(home),
                "--as",
                "测试审核员",
            )
        run("keys", "init", "--home", str(home))
        run("release", "--home", str(home))
        enrolled = run("device", "add", "hall-1", "--channel", "county", "--home", str(home))
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
                    if request(f"{base}/repo/metadata/1.root.json")[0] == 200:
                        break
                except OSError:
                    pass
                assert time.monotonic() < deadline, serve.stderr.read() if serve.poll() else "slow"
                time.sleep(0.2)
            try:
                yield Served(base=base, port=port, home=home, token=token, process=serve)
            finally:
                serve.terminate()
                serve.wait(timeout=20)
                # Also when the test failed: Popen's exit would wait for the site forever.
                site.terminate()
                site.wait(timeout=20)
