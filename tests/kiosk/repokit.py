"""Test kit for the kiosk agent: a real publisher, a static repository server, attacks.

* ``demo_site()`` / ``build_publisher()`` / ``serving()`` run the real chain in
  subprocesses on loopback: the demo county site, a publisher home with two
  releases (v1, then v2 after one leader changed), and ``gongkai serve``.
  Copies of the repository after v1 and after v2 are kept for static serving.
* ``RepoServer`` serves a *copy* of a repository folder under ``/repo/`` (like
  a mirror or CDN would), with ETags, an optional delay per request, heartbeats
  answered 204, and every request recorded, so tests can tamper with files and
  count downloads without touching the shared publisher.
* ``online_signer`` / ``resign_timestamp`` / ``resign_targets`` forge metadata
  the way an attacker (or a broken publisher) would.

Used by ``conftest.py`` and by the soak script ``soak_kill.py``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Self

from securesystemslib.signer import CryptoSigner, SSlibKey
from tuf.api.metadata import Metadata, MetaFile
from tuf.api.serialization.json import JSONSerializer

from content.release import Manifest, walk
from kiosk.agent import verify_release

if TYPE_CHECKING:
    from collections.abc import Iterator

GONGKAI = str(Path(sys.executable).parent / "gongkai")
#: The device token the static mirror accepts (it accepts any).
TOKEN = "t0ken"  # noqa: S105 - a test value
TIMEOUT = 120


def gongkai(*args: str, timeout: float = TIMEOUT, check: bool = True) -> str:
    """Run ``gongkai ARGS``; return stdout (raise with stderr on failure)."""
    done = subprocess.run(
        [GONGKAI, *args], capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and done.returncode != 0:
        raise AssertionError(f"gongkai {' '.join(args)} → {done.returncode}\n{done.stderr}")
    return done.stdout


# --- the real chain ---------------------------------------------------------------------


@dataclass
class DemoSite:
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


@contextmanager
def demo_site() -> Iterator[DemoSite]:
    """The demo county site in its own process."""
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
                line = process.stdout.readline() if process.stdout else ""
                if not line:
                    raise AssertionError("demo-site exited early")
                if match := re.search(r"(http://127\.0\.0\.1:\d+)/", line):
                    url = url or match.group(1)
                if "control token" in line:
                    token = line.rsplit(" ", 1)[-1].strip()
            assert url
            assert token
            yield DemoSite(url, token)
        finally:
            process.terminate()
            process.wait(timeout=20)


@dataclass
class Publisher:
    """A publisher home with two releases, and copies of its repository after each."""

    home: Path
    site: DemoSite
    repo_v1: Path
    repo_v2: Path
    url: str = ""
    token: str = ""
    changed: dict = field(default_factory=dict)

    @property
    def root_json(self) -> Path:
        return self.home / "provision" / "root.json"

    def run(self, *args: str, check: bool = True) -> str:
        return gongkai(*args, "--home", str(self.home), check=check)

    def device_add(self, name: str, channel: str = "county") -> str:
        out = self.run("device", "add", name, "--channel", channel)
        return re.search(r"token \(shown once; give it to the kiosk\): (\S+)", out).group(1)

    def devices(self) -> dict[str, dict]:
        return {row["name"]: row for row in json.loads(self.run("device", "list", "--json"))}

    def update(self, rounds: int = 1) -> dict:
        """Change the demo site, sync the two small columns and approve (no release)."""
        changes = self.site.mutate(rounds)
        self.run("sync", "dayu-ldxx", "dayu-gknb")
        self.run("review", "approve", "--secrecy-checked", "--all")
        return changes


def build_publisher(base: Path, site: DemoSite) -> Publisher:
    """A publisher home with releases v1 and v2 (one leader changed) of every channel."""
    home = base / "publisher"
    gongkai("init", "--home", str(home), "--demo", site.url)
    publisher = Publisher(home=home, site=site, repo_v1=base / "repo-v1", repo_v2=base / "repo-v2")
    publisher.run("sync", "dayu-ldxx", "dayu-gknb")
    publisher.run("review", "approve", "--secrecy-checked", "--all")
    publisher.run("keys", "init")
    publisher.run("release")
    shutil.copytree(home / "repository", publisher.repo_v1)
    publisher.changed = publisher.update()
    out = publisher.run("release")
    assert re.search(r"^county\s+v2\b", out, re.MULTILINE), f"county did not change:\n{out}"
    shutil.copytree(home / "repository", publisher.repo_v2)
    return publisher


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(publisher: Publisher) -> Iterator[str]:
    """``gongkai serve`` on a free loopback port; yields its base URL."""
    port = free_port()
    command = [GONGKAI, "serve", "--home", str(publisher.home), "--port", str(port), "--no-sync"]
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as serve:
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/repo/metadata/1.root.json", timeout=5):
                        break
                except OSError:
                    if serve.poll() is not None or time.monotonic() > deadline:
                        raise AssertionError(serve.stderr.read() if serve.stderr else "") from None
                    time.sleep(0.1)
            yield base
        finally:
            serve.terminate()
            serve.wait(timeout=20)


# --- a static mirror of a repository folder ------------------------------------------


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    status: int
    headers: dict


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A client killed mid-request (the kill tests do that) is not news."""


class RepoServer:
    """Serves ``folder`` under ``/repo/`` on loopback; records every request.

    ``folder`` may be changed while serving (a mirror that got new files);
    ``delay`` slows every file request (to widen the window of a kill test);
    ``down()`` closes the port (connection refused).
    """

    def __init__(self, folder: Path, *, delay: float = 0.0, port: int = 0) -> None:
        self.folder = folder
        self.delay = delay
        self.seen: list[Seen] = []
        self.heartbeats: list[dict] = []
        #: Headers answered to heartbeats (e.g. the publisher's Gongkai-Screenshots).
        self.heartbeat_headers: dict[str, str] = {}
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        handler = type("Handler", (_RepoHandler,), {"server_state": self})
        self._httpd = _QuietServer(("127.0.0.1", port), handler)
        self.port = self._httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def requests(self, prefix: str = "/") -> list[Seen]:
        with self._lock:
            return [seen for seen in self.seen if seen.path.startswith(prefix)]

    def objects_served(self) -> int:
        return sum(1 for s in self.requests("/repo/objects/") if s.status == 200)

    def reset(self) -> None:
        with self._lock:
            self.seen.clear()
            self.heartbeats.clear()

    def stop(self) -> None:
        """Stop as a dead server would: the port refuses, open connections are cut."""
        self._httpd.shutdown()
        self._httpd.server_close()
        with self._lock:
            connections, self._connections = self._connections, set()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=10)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def _record(self, seen: Seen) -> None:
        with self._lock:
            self.seen.append(seen)


class _RepoHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10
    disable_nagle_algorithm = True
    server_state: RepoServer

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet."""

    def setup(self) -> None:
        super().setup()
        with self.server_state._lock:
            self.server_state._connections.add(self.connection)

    def finish(self) -> None:
        with self.server_state._lock:
            self.server_state._connections.discard(self.connection)
        super().finish()

    def do_GET(self) -> None:
        state = self.server_state
        path = self.path.split("?")[0]
        status, body, headers = 404, b"", {}
        if path.startswith("/repo/") and ".." not in path:
            target = state.folder / path.removeprefix("/repo/")
            if target.is_file():
                data = target.read_bytes()
                etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
                headers["ETag"] = etag
                if self.headers.get("If-None-Match") == etag:
                    status = 304
                else:
                    status, body = 200, data
        if state.delay and path.startswith("/repo/"):
            time.sleep(state.delay)
        state._record(Seen("GET", path, status, dict(self.headers.items())))
        self._reply(status, body, headers)

    def do_POST(self) -> None:
        state = self.server_state
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        status, answer = 404, {}
        if self.path == "/api/devices/heartbeat":
            status = 204
            with state._lock:
                state.heartbeats.append(json.loads(body or b"{}"))
                answer = dict(state.heartbeat_headers)
        state._record(Seen("POST", self.path, status, dict(self.headers.items())))
        self._reply(status, b"", answer)

    def _reply(self, status: int, body: bytes, headers: dict) -> None:
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if status not in {204, 304}:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body:
                self.wfile.write(body)
        except OSError:
            self.close_connection = True


# --- forging metadata -----------------------------------------------------------------

_SERIALIZER = JSONSerializer(compact=False)


def online_signer(publisher_home: Path, role: str) -> CryptoSigner:
    """The publisher's online key of ``role`` (targets, snapshot, timestamp)."""
    path = publisher_home / "keys" / "online" / f"{role}.pem"
    data = json.loads(path.with_suffix(".pub.json").read_text())
    keyid = data.pop("keyid")
    public = SSlibKey.from_dict(keyid, data)
    signer = CryptoSigner.from_priv_key_uri(f"file2:{path}", public)
    assert isinstance(signer, CryptoSigner)
    return signer


def resign_timestamp(
    repo: Path,
    signer: CryptoSigner,
    *,
    expires: datetime | None = None,
    snapshot_version: int | None = None,
) -> None:
    """A newer timestamp.json, signed by ``signer`` (optionally expired, or naming
    an older snapshot)."""
    path = repo / "metadata" / "timestamp.json"
    metadata = Metadata.from_file(str(path))
    metadata.signed.version += 1
    metadata.signed.expires = (expires or datetime.now(UTC) + timedelta(days=1)).replace(
        microsecond=0
    )
    version = snapshot_version or metadata.signed.snapshot_meta.version
    raw = (repo / "metadata" / f"{version}.snapshot.json").read_bytes()
    metadata.signed.snapshot_meta = MetaFile.from_data(version, raw, ["sha256"])
    metadata.signatures.clear()
    metadata.sign(signer)
    path.write_bytes(metadata.to_bytes(_SERIALIZER))


def resign_targets(repo: Path, targets_signer: CryptoSigner, publisher_home: Path) -> None:
    """A new targets version signed by ``targets_signer``; snapshot and timestamp
    re-signed correctly with the online keys, so only targets is wrong."""
    meta = repo / "metadata"
    targets = Metadata.from_file(str(meta / "targets.json"))
    targets.signed.version += 1
    targets.signatures.clear()
    targets.sign(targets_signer)
    data = targets.to_bytes(_SERIALIZER)
    (meta / f"{targets.signed.version}.targets.json").write_bytes(data)
    (meta / "targets.json").write_bytes(data)
    snapshot = Metadata.from_file(str(meta / "snapshot.json"))
    snapshot.signed.version += 1
    snapshot.signed.meta["targets.json"] = MetaFile(version=targets.signed.version)
    snapshot.signatures.clear()
    snapshot.sign(online_signer(publisher_home, "snapshot"))
    data = snapshot.to_bytes(_SERIALIZER)
    (meta / f"{snapshot.signed.version}.snapshot.json").write_bytes(data)
    (meta / "snapshot.json").write_bytes(data)
    resign_timestamp(
        repo,
        online_signer(publisher_home, "timestamp"),
        snapshot_version=snapshot.signed.version,
    )


# --- kiosk homes ---------------------------------------------------------------------


def link(path: Path) -> str:
    """Where a symbolic link points, as written (``releases/<name>``)."""
    return str(path.readlink())


def kiosk_home(path: Path, root_json: Path) -> Path:
    """A fresh kiosk home provisioned with ``root_json``."""
    path.mkdir(parents=True)
    shutil.copyfile(root_json, path / "root.json")
    return path


def active_is_absent_or_complete(home: Path) -> str | None:
    """None if ``home/active`` is absent or a complete, verified release; else why not."""
    active = home / "active"
    if not active.is_symlink():
        return "active exists but is not a link" if active.exists() else None
    target = home / link(active)
    if not target.is_dir():
        return f"active points to a missing folder {link(active)}"
    try:
        verify_release(target)
    except Exception as exc:  # noqa: BLE001 - report any failure as text
        return f"active release incomplete: {exc}"
    return None


def release_objects(repo: Path, channel: str = "county") -> dict[str, bytes]:
    """Every object of the channel's current release in ``repo`` (for assertions)."""
    targets = json.loads((repo / "metadata" / "targets.json").read_text())
    info = targets["signed"]["targets"][f"channels/{channel}/manifest.json"]
    sha = info["hashes"]["sha256"]
    manifest = Manifest.model_validate_json(
        (repo / "targets" / "channels" / channel / f"{sha}.manifest.json").read_bytes()
    )
    found: dict[str, bytes] = {}

    def load(ref):
        data = (repo / "objects" / ref.sha256[:2] / ref.sha256).read_bytes()
        found[ref.sha256] = data
        return json.loads(data)

    for _, _, entry in walk(manifest, load):
        obj = entry["object"]
        found[obj] = (repo / "objects" / obj[:2] / obj).read_bytes()
        for sha_file in entry["files"]:
            found[sha_file] = (repo / "objects" / sha_file[:2] / sha_file).read_bytes()
    load(manifest.loop)
    return found


# --- kill -9 trials -----------------------------------------------------------------


@dataclass(frozen=True)
class KillOutcome:
    """One trial: where the kill landed and what the home looked like afterwards."""

    trial: int
    delay: float
    phase: str  # completed, startup, downloading, staging, staged, switched
    after_kill: str | None  # None: active absent or complete
    after_restart: str | None  # None: the restart completed and active is the newest release


def run_once_cli(
    url: str, home: Path, *, token: str = TOKEN, stdout: int | None = subprocess.DEVNULL
) -> subprocess.Popen:
    return subprocess.Popen(
        [GONGKAI, "kiosk-agent", "--publisher", url, "--home", str(home), f"--token={token}",
         "--once"],
        stdout=stdout, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip


def calibrate(url: str, seed: Path, work: Path) -> tuple[float, float]:
    """(seconds before the refresh starts, seconds of a whole run) of ``--once`` from ``seed``."""
    home = work / f"calibrate-{seed.name}"
    shutil.copytree(seed, home, symlinks=True)
    started = time.monotonic()
    process = run_once_cli(url, home, stdout=subprocess.PIPE)
    out, _ = process.communicate(timeout=60)
    total = time.monotonic() - started
    assert process.returncode == 0, out
    refresh = float(re.search(r"in ([0-9.]+) s", out).group(1))
    shutil.rmtree(home)
    return total - refresh, total


def kill_trial(
    trial: int, *, seed: Path, work: Path, url: str, delay: float, expected_version: int
) -> KillOutcome:
    """Copy ``seed``, run ``--once`` against ``url``, SIGKILL it after ``delay`` seconds,
    check ``active``, then run the agent again to completion and check again."""
    from kiosk.agent import Agent, AgentConfig  # noqa: PLC0415 - keep the kit importable early

    home = work / f"trial-{trial}"
    shutil.copytree(seed, home, symlinks=True)
    before = link(home / "active") if (home / "active").is_symlink() else None
    seed_objects = (
        sum(1 for _ in (seed / "objects").rglob("*")) if (seed / "objects").exists() else 0
    )
    process = run_once_cli(url, home)
    try:
        process.wait(timeout=delay)
        phase = "completed"
    except subprocess.TimeoutExpired:
        process.kill()  # SIGKILL: no cleanup, no finally blocks
        process.wait(timeout=30)
        phase = _phase(home, before, seed_objects)
    after_kill = active_is_absent_or_complete(home)
    agent = Agent(AgentConfig(publisher=url, home=home))
    try:
        report = agent.refresh()
    finally:
        agent.http.clear()
    after_restart = active_is_absent_or_complete(home)
    if after_restart is None:
        if not report.ok or report.version != expected_version:
            after_restart = f"restart: {report.result} v{report.version}: {report.error}"
        elif list((home / "releases").glob(".staging-*")):
            after_restart = "restart left a staging folder"
        elif not (home / "active").is_symlink():
            after_restart = "restart did not activate"
    return KillOutcome(trial, delay, phase, after_kill, after_restart)


def _phase(home: Path, before: str | None, seed_objects: int) -> str:
    active = link(home / "active") if (home / "active").is_symlink() else None
    releases = home / "releases"
    if active != before:
        return "switched"
    if releases.is_dir() and any(p.name.startswith(".staging-") for p in releases.iterdir()):
        return "staging"
    names = {p.name for p in releases.iterdir()} if releases.is_dir() else set()
    if names - ({before.rsplit("/", 1)[-1]} if before else set()):
        return "staged"
    objects = home / "objects"
    if objects.exists() and sum(1 for _ in objects.rglob("*")) > seed_objects:
        return "downloading"
    return "startup"
