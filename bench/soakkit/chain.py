"""The whole chain of a soak, each part a real process on loopback.

* ``DemoSite``: ``gongkai demo-site`` (mutated on a timer through its control API);
* ``Publisher``: a publisher home (``gongkai init``) whose chosen sources sync
  every few seconds and are trusted (auto-approved), one device per kiosk, and
  ``gongkai serve`` (syncing, releasing within seconds of an approval), which
  the soak kill -9s and restarts;
* ``Kiosk``: a kiosk home (on its own small tmpfs when the soak may mount, so
  its disk can be filled) and ``gongkai kiosk-agent`` on it, through the proxy.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from content.release import Manifest, ObjectRef, walk

__all__ = ["DemoSite", "Kiosk", "Publisher", "free_port", "gongkai"]

GONGKAI = str(Path(sys.executable).parent / "gongkai")


def gongkai(*args: str, timeout: float = 600) -> str:
    """Run ``gongkai ARGS``; its stdout (an error with its stderr if it failed)."""
    done = subprocess.run(
        [GONGKAI, *args], capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"gongkai {' '.join(args)} → {done.returncode}\n{done.stderr[-2000:]}")
    return done.stdout


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def kill9(process: subprocess.Popen[bytes] | None) -> None:
    """SIGKILL ``process`` and reap it."""
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


class DemoSite:
    """The demo county site in its own process."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [GONGKAI, "demo-site", "--port", "0", "--quiet"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        url = token = None
        deadline = time.monotonic() + 60
        assert self.process.stdout is not None  # noqa: S101 - piped above
        while (url is None or token is None) and time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError("demo-site exited early")
            if match := re.search(r"(http://127\.0\.0\.1:\d+)/", line):
                url = url or match.group(1)
            if "control token" in line:
                token = line.rsplit(" ", 1)[-1].strip()
        if url is None or token is None:
            raise RuntimeError("demo-site did not print its URL and token")
        self.url, self.token = url, token

    def mutate(self) -> dict[str, dict[str, list[str]]]:
        """One round of changes; which ids were edited, added and removed, by type."""
        request = urllib.request.Request(
            f"{self.url}/__demo__/mutate?rounds=1",
            method="POST",
            data=b"",
            headers={"X-Demo-Token": self.token},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())  # type: ignore[no-any-return]

    def stop(self) -> None:
        """Terminate it."""
        self.process.terminate()
        self.process.wait(timeout=20)


@dataclass
class Publisher:
    """A publisher home and its ``gongkai serve`` (restartable)."""

    home: Path
    site: DemoSite
    sources: tuple[str, ...]
    sync_every: int
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None
    restarts: int = 0

    def create(self) -> None:
        """Init, trust and schedule the chosen sources, sign and release the first time."""
        gongkai("init", "--home", str(self.home), "--demo", self.site.url)
        config = self.home / "gongkai.toml"
        text = re.sub(
            r'public_url = ".*"', f'public_url = "http://127.0.0.1:{self.port}"', config.read_text()
        )
        blocks = text.split("[[sources]]")
        for index, block in enumerate(blocks[1:], 1):
            source = re.search(r'id = "([^"]+)"', block)
            chosen = source is not None and source.group(1) in self.sources
            extra = (
                f'"every {self.sync_every}s"\nauto_approve = true'
                if chosen
                else ('"every 1h"\nenabled = false')
            )
            blocks[index] = block.replace('schedule = "every 1h"', f"schedule = {extra}", 1)
        config.write_text("[[sources]]".join(blocks))
        gongkai("sync", "--home", str(self.home), *self.sources)
        gongkai("keys", "init", "--home", str(self.home))
        gongkai("release", "--home", str(self.home))

    def device_add(self, name: str) -> str:
        """Enrol a kiosk of the county channel; its token."""
        out = gongkai("device", "add", name, "--channel", "county", "--home", str(self.home))
        match = re.search(r"token \(shown once; give it to the kiosk\): (\S+)", out)
        if match is None:
            raise RuntimeError(f"no token in: {out}")
        return match.group(1)

    def devices(self) -> dict[str, dict[str, object]]:
        """``gongkai device list --json`` by name."""
        rows = json.loads(gongkai("device", "list", "--json", "--home", str(self.home)))
        return {row["name"]: row for row in rows}

    @property
    def root_json(self) -> Path:
        """The trust anchor a kiosk is provisioned with."""
        return self.home / "provision" / "root.json"

    def start(self, *, timeout: float = 90) -> float:
        """Start ``gongkai serve``; seconds until it served the repository.

        Raises:
            RuntimeError: it did not come up on its own (a restart needing a manual fix).
        """
        started = time.monotonic()
        self.log = self.log or self.home.parent / "serve.log"
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    GONGKAI,
                    "serve",
                    "--home",
                    str(self.home),
                    "--port",
                    str(self.port),
                    "--sync-now",
                ],
                stdout=log,
                stderr=log,
            )
        url = f"http://127.0.0.1:{self.port}/repo/metadata/timestamp.json"
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5):
                    return time.monotonic() - started
            except OSError:
                if self.process.poll() is not None or time.monotonic() - started > timeout:
                    raise RuntimeError(
                        f"gongkai serve did not come back (exit {self.process.poll()}); "
                        f"see {self.log}"
                    ) from None
                time.sleep(0.2)

    def kill(self) -> None:
        """Kill -9 the service."""
        kill9(self.process)

    def stop(self) -> None:
        """Terminate the service."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                kill9(self.process)

    def latest(self, channel: str = "county") -> int:
        """The version of the channel's newest signed release in the repository."""
        return self.manifest(channel)[1].version

    def manifest(self, channel: str) -> tuple[str, Manifest]:
        """The SHA-256 and manifest of the channel's newest signed release."""
        repo = self.home / "repository"
        targets = json.loads((repo / "metadata" / "targets.json").read_text())
        info = targets["signed"]["targets"][f"channels/{channel}/manifest.json"]
        sha = info["hashes"]["sha256"]
        path = repo / "targets" / "channels" / channel / f"{sha}.manifest.json"
        return sha, Manifest.model_validate_json(path.read_bytes())

    def released(self) -> dict[str, dict[str, str]]:
        """Every entity in the newest release of any channel: kind → id → its record (JSON)."""
        repo = self.home / "repository"
        targets = json.loads((repo / "metadata" / "targets.json").read_text())

        def load(ref: ObjectRef) -> object:
            return json.loads((repo / "objects" / ref.sha256[:2] / ref.sha256).read_bytes())

        found: dict[str, dict[str, str]] = {}
        for target in targets["signed"]["targets"]:
            channel = target.removeprefix("channels/").removesuffix("/manifest.json")
            _, manifest = self.manifest(channel)
            for entity_type, _leaf, entry in walk(manifest, load):
                sha = entry["object"]
                data = (repo / "objects" / sha[:2] / sha).read_text(encoding="utf-8")
                found.setdefault(str(entity_type), {})[entry["id"]] = data
        return found


@dataclass
class Kiosk:
    """One kiosk home and its agent process."""

    name: str
    home: Path
    token: str
    publisher_url: str
    mounted: bool = False
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    def mount(self, size_mb: int) -> None:
        """Put the home on its own tmpfs of ``size_mb`` (the soak runs in a mount namespace)."""
        self.home.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(self.home)],  # noqa: S607
            check=True,
        )
        self.mounted = True

    def start(self, *, poll: float, max_backoff: float, deadline: float) -> None:
        """Start ``gongkai kiosk-agent`` (forever) on this home."""
        log = self.home.parent / f"{self.name}.log"
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [GONGKAI, "kiosk-agent", "--publisher", self.publisher_url,
                 "--home", str(self.home), f"--token={self.token}", "--poll", str(poll),
                 "--max-backoff", str(max_backoff), "--deadline", str(deadline)],
                stdout=out, stderr=out,
            )  # fmt: skip
        self.starts += 1

    def kill(self) -> None:
        """Kill -9 the agent."""
        kill9(self.process)

    def stop(self) -> None:
        """Terminate the agent (it stops at once on SIGTERM)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                kill9(self.process)

    def fill_disk(self) -> int:
        """Fill the home's file system to the last byte; the bytes written."""
        written = 0
        with contextlib.suppress(OSError), (self.home / ".ballast").open("ab") as ballast:
            block = b"\0" * (1 << 20)
            while True:
                written += ballast.write(block)
                ballast.flush()
                os.fsync(ballast.fileno())
        with contextlib.suppress(OSError), (self.home / ".ballast").open("ab") as ballast:
            while True:  # the last blocks: fill to the byte
                written += ballast.write(b"\0" * 4096)
                ballast.flush()
        return written

    def free_disk(self) -> None:
        """Remove the ballast."""
        (self.home / ".ballast").unlink(missing_ok=True)

    def unmount(self) -> None:
        """Undo ``mount`` (the namespace would too, on exit)."""
        if self.mounted:
            subprocess.run(["umount", "-l", str(self.home)], check=False)  # noqa: S607
            self.mounted = False


def clone_home(seed: Path, home: Path) -> None:
    """Copy a provisioned, activated kiosk home (links kept), faster than a download each."""
    home.mkdir(parents=True, exist_ok=True)
    for item in seed.iterdir():
        target = home / item.name
        if item.is_symlink():
            target.symlink_to(item.readlink())
        elif item.is_dir():
            shutil.copytree(item, target, symlinks=True)
        else:
            shutil.copy2(item, target)
