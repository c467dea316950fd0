"""The whole-chain fault soak (`make soak`; issue 12, section 4).

The demo county site mutates on a timer; ``gongkai serve`` syncs it (the chosen
sources are trusted: new and changed items are auto-approved; a reviewer
approves the removals, which always wait for a person), releases within
seconds and serves the signed repository; KIOSKS kiosk agents (``gongkai kiosk-agent``, each on its
own small tmpfs) update through a fault-injecting proxy on loopback
(``soakkit.proxy``). For SOAK_S seconds a fault injector, at random moments,
kill -9s the publisher or an agent (and restarts it as its service manager
would), cuts, refuses, stalls or throttles the connections between them,
flips bits in flight, and fills a kiosk's disk. Then the faults stop and the
soak waits for every kiosk to show the newest release, with every change the
site made. The invariants (``soakkit.monitor``) are checked all along; the
summary table is printed at the end; the exit status is 1 on any violation.

Settings (environment, or the options of the same meaning)::

    SOAK_S=600      seconds of faults (SOAK_SECONDS too)
    KIOSKS=20       kiosk agents
    SOAK_SEED=1     the injector's random seed
    FAULT_EVERY=0.5 mean seconds between two faults
    MUTATE_EVERY=8  seconds between two mutation rounds of the demo site
    REVIEW_EVERY=15 seconds between two `gongkai review approve --all` (removals wait for one)
    SYNC_EVERY=60   the trusted sources' sync schedule, seconds (at least 60)
    CONVERGE_S=240  how long the kiosks have to converge once the faults stop
    SOAK_SOURCES=dayu-ldxx,dayu-tzgg   the synced (trusted) sources
    SOAK_DIR=       keep the work folder there (default: a temporary one, removed)

Run as root it re-executes itself in a private mount namespace (``unshare``) so
that the kiosks' tmpfs mounts vanish with it; elsewhere the disk-full fault is
left out (and said so).
"""

from __future__ import annotations

import argparse
import heapq
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent))  # soakkit, when run as a script

from soakkit.chain import DemoSite, Kiosk, Publisher, clone_home, gongkai
from soakkit.monitor import INVARIANTS, Monitor
from soakkit.proxy import FaultProxy

if TYPE_CHECKING:
    from collections.abc import Callable

#: Which kind of item each source syncs (to check the site's changes by kind).
KINDS = {
    "dayu-ldxx": "leader",
    "dayu-tzgg": "notice",
    "dayu-qlqd": "power_item",
    "dayu-zdxm": "project",
    "dayu-gkml": "catalogue_entry",
}
#: Faults and their weights (per draw).
#: Faults and their weights (per draw). At a fault every 0.5 s the publisher is killed
#: about once a minute, and the network is whole most of the time (else no refresh would
#: get through between two faults, and the soak would prove little).
FAULTS = {
    "kill -9 publisher": 0.25,
    "kill -9 agent": 6,
    "cut a connection": 6,
    "cut every connection": 0.5,
    "refuse connections": 1.5,
    "stall": 3,
    "throttle": 3,
    "flip a bit in flight": 8,
    "disk full": 3,
}
AGENT_POLL = 5.0
AGENT_MAX_BACKOFF = 8.0
AGENT_DEADLINE = 10.0


def _env(name: str, default: str, *aliases: str) -> str:
    for key in (name, *aliases):
        if os.environ.get(key):
            return os.environ[key]
    return default


def main() -> int:
    """Run the soak; exit 1 on any invariant violation."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--seconds", type=float, default=float(_env("SOAK_S", "600", "SOAK_SECONDS"))
    )
    parser.add_argument("--kiosks", type=int, default=int(_env("KIOSKS", "20")))
    parser.add_argument("--seed", type=int, default=int(_env("SOAK_SEED", "1")))
    parser.add_argument("--fault-every", type=float, default=float(_env("FAULT_EVERY", "0.5")))
    parser.add_argument("--mutate-every", type=float, default=float(_env("MUTATE_EVERY", "8")))
    parser.add_argument("--sync-every", type=int, default=int(_env("SYNC_EVERY", "60")))
    parser.add_argument("--review-every", type=float, default=float(_env("REVIEW_EVERY", "15")))
    parser.add_argument("--converge", type=float, default=float(_env("CONVERGE_S", "240")))
    parser.add_argument("--sources", default=_env("SOAK_SOURCES", "dayu-ldxx,dayu-tzgg"))
    parser.add_argument("--dir", default=_env("SOAK_DIR", ""))
    args = parser.parse_args()
    if _namespaced():
        return _reexec()
    if args.dir:
        folder = Path(args.dir)
        folder.mkdir(parents=True, exist_ok=True)
        return Soak(folder, args).run()
    with tempfile.TemporaryDirectory(prefix="gongkai-soak-") as name:
        return Soak(Path(name), args).run()


def _namespaced() -> bool:
    """Whether to re-execute in a private mount namespace (root, not yet inside one)."""
    return os.geteuid() == 0 and not os.environ.get("SOAK_NS") and bool(shutil.which("unshare"))


def _reexec() -> int:
    env = {**os.environ, "SOAK_NS": "1"}
    command = ["unshare", "--mount", "--propagation", "private", "--", sys.executable, *sys.argv]
    probe = subprocess.run(["unshare", "--mount", "true"], check=False, capture_output=True)  # noqa: S607
    if probe.returncode != 0:
        env["SOAK_NS"] = "none"
        command = [sys.executable, *sys.argv]
    return subprocess.call(command, env=env)


class Soak:
    """One soak run in ``folder``."""

    def __init__(self, folder: Path, args: argparse.Namespace) -> None:
        self.folder = folder
        self.args = args
        self.rng = random.Random(args.seed)
        self.sources = tuple(s for s in args.sources.split(",") if s)
        self.faults: Counter[str] = Counter()
        self.changes: dict[str, dict[str, set[str]]] = {"added": {}, "removed": {}, "edited": {}}
        self.mutations = 0
        self.approvals = 0
        self.mount = os.environ.get("SOAK_NS") == "1"
        self.kiosks: list[Kiosk] = []
        self.monitor = Monitor(self.kiosks)
        self._later: list[tuple[float, int, str, Callable[[], None]]] = []
        self._count = 0
        self._stop = threading.Event()
        self._restarting = threading.Event()  # the publisher is down until it is cleared
        self.first_version = 0

    # --- the run --------------------------------------------------------------------

    def run(self) -> int:
        """Set up, soak, converge, report."""
        started = time.monotonic()
        site = DemoSite()
        publisher = Publisher(
            self.folder / "publisher", site, self.sources, sync_every=self.args.sync_every
        )
        proxy: FaultProxy | None = None
        try:
            publisher.create()
            self.first_version = publisher.latest()
            proxy = FaultProxy(("127.0.0.1", publisher.port), rng=self.rng)
            publisher.start()
            self._kiosks(publisher, proxy)
            ready = time.monotonic() - started
            print(
                f"set up in {ready:.0f} s: {len(self.kiosks)} kiosks at v{self.first_version}; "
                f"soaking {self.args.seconds:.0f} s",
                flush=True,
            )
            self.monitor.start()
            mutator = threading.Thread(target=self._mutate, args=(site,), daemon=True)
            reviewer = threading.Thread(target=self._review, args=(publisher,), daemon=True)
            mutator.start()
            reviewer.start()
            self._inject(publisher, proxy)
            self._stop.set()
            mutator.join(timeout=120)
            reviewer.join(timeout=120)
            proxy.heal()
            self._run_due(everything=True)
            deadline = time.monotonic() + 120
            while self._restarting.is_set() and time.monotonic() < deadline:
                time.sleep(0.2)
            for kiosk in self.kiosks:
                kiosk.free_disk()
            converged = self._converge(publisher)
            self.monitor.stop()
            self._final(publisher)
            return self._report(publisher, proxy, converged, time.monotonic() - started)
        finally:
            self._stop.set()
            for kiosk in self.kiosks:
                kiosk.stop()
            publisher.stop()
            if proxy is not None:
                proxy.stop()
            site.stop()
            for kiosk in self.kiosks:
                kiosk.unmount()

    def _kiosks(self, publisher: Publisher, proxy: FaultProxy) -> None:
        url = f"http://127.0.0.1:{proxy.port}"
        tokens = [publisher.device_add(f"soak-{n:02d}") for n in range(self.args.kiosks)]
        seed = self.folder / "seed"
        seed.mkdir()
        shutil.copyfile(publisher.root_json, seed / "root.json")
        gongkai("kiosk-agent", "--publisher", url, "--home", str(seed), f"--token={tokens[0]}",
                "--once")  # fmt: skip
        size_mb = sum(p.stat().st_size for p in seed.rglob("*") if p.is_file()) >> 20
        for n, token in enumerate(tokens):
            kiosk = Kiosk(f"soak-{n:02d}", self.folder / "kiosks" / f"soak-{n:02d}", token, url)
            if self.mount:
                kiosk.mount(max(32, size_mb * 4 + 16))
            clone_home(seed, kiosk.home)
            self.kiosks.append(kiosk)
        for kiosk in self.kiosks:
            self._start_agent(kiosk)

    def _start_agent(self, kiosk: Kiosk) -> None:
        kiosk.start(poll=AGENT_POLL, max_backoff=AGENT_MAX_BACKOFF, deadline=AGENT_DEADLINE)

    def _review(self, publisher: Publisher) -> None:
        """A reviewer: approves what waits for a person (removals are never auto-approved)."""
        while not self._stop.wait(self.args.review_every):
            self._approve(publisher)

    def _approve(self, publisher: Publisher) -> None:
        try:
            gongkai(
                "review",
                "approve",
                "--secrecy-checked",
                "--all",
                "--as",
                "soak",
                "--home",
                str(publisher.home),
            )
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            print(f"review failed: {str(exc)[:300]}", flush=True)
        else:
            self.approvals += 1

    def _mutate(self, site: DemoSite) -> None:
        kinds = {KINDS[s] for s in self.sources if s in KINDS}
        while not self._stop.wait(self.args.mutate_every):
            try:
                changes = site.mutate()
            except OSError as exc:
                print(f"mutation failed: {exc}", flush=True)
                continue
            self.mutations += 1
            for group in ("added", "removed", "edited"):
                for kind, ids in changes.get(group, {}).items():
                    if kind in kinds:
                        self.changes[group].setdefault(kind, set()).update(ids)

    # --- faults ---------------------------------------------------------------------

    def _inject(self, publisher: Publisher, proxy: FaultProxy) -> None:
        end = time.monotonic() + self.args.seconds
        kinds = [k for k in FAULTS if self.mount or k != "disk full"]
        weights = [FAULTS[k] for k in kinds]
        if not self.mount:
            print("disk full: left out (no private mount namespace to mount tmpfs in)")
        while (now := time.monotonic()) < end:
            self._run_due()
            wait = self.rng.expovariate(1 / self.args.fault_every)
            time.sleep(min(wait, max(0.0, end - now)))
            if time.monotonic() >= end:
                break
            kind = self.rng.choices(kinds, weights)[0]
            if self._fault(kind, publisher, proxy):
                self.faults[kind] += 1

    def _fault(self, kind: str, publisher: Publisher, proxy: FaultProxy) -> bool:
        """Inject one fault of ``kind``; False if it cannot be now (the kiosk is down already)."""
        rng = self.rng
        on_proxy: dict[str, Callable[[], object]] = {
            "cut a connection": lambda: proxy.cut(1),
            "cut every connection": proxy.cut,
            "refuse connections": lambda: proxy.refuse(rng.uniform(0.5, 4)),
            "stall": lambda: proxy.stall(rng.uniform(1, 12)),
            "throttle": lambda: proxy.throttle(
                rng.uniform(3, 15), rate=rng.choice([512, 2048, 8192, 32768])
            ),
            "flip a bit in flight": lambda: proxy.flip(rng.randint(1, 3)),
        }
        if kind in on_proxy:
            on_proxy[kind]()
            return True
        if kind == "kill -9 publisher":
            if self._restarting.is_set():  # down already
                return False
            self._restarting.set()
            publisher.kill()
            restart = threading.Thread(
                target=self._restart_publisher, args=(publisher,), daemon=True
            )
            self._after(rng.uniform(0.5, 3), restart.start, "publisher")
            return True
        kiosk = rng.choice(self.kiosks)
        if kind == "kill -9 agent":
            if kiosk.process is None or kiosk.process.poll() is not None:
                return False
            kiosk.kill()
            self.monitor.look(kiosk, deep=True)  # the store after kill -9, before the restart
            self._after(rng.uniform(0.2, 3), lambda: self._start_agent(kiosk), kiosk.name)
            return True
        if (kiosk.home / ".ballast").exists():  # disk full: that one's is already
            return False
        kiosk.fill_disk()
        self._after(rng.uniform(3, 20), kiosk.free_disk, f"disk {kiosk.name}")
        return True

    def _restart_publisher(self, publisher: Publisher) -> None:
        """Start the killed service again, as systemd would (on a thread: it takes seconds)."""
        self.monitor.check("restarts")
        try:
            publisher.start()
        except RuntimeError as exc:
            self.monitor.violate("restarts", str(exc))
        publisher.restarts += 1
        self._restarting.clear()

    def _after(self, seconds: float, action: Callable[[], None], name: str) -> None:
        """Do ``action`` (named ``name``) in ``seconds``, from the injector's loop."""
        self._count += 1
        heapq.heappush(self._later, (time.monotonic() + seconds, self._count, name, action))

    def _run_due(self, *, everything: bool = False) -> None:
        while self._later and (everything or self._later[0][0] <= time.monotonic()):
            *_, action = heapq.heappop(self._later)
            action()

    # --- the end --------------------------------------------------------------------

    def _converge(self, publisher: Publisher) -> float | None:
        """Seconds until every kiosk shows the newest release with every change; None if never.

        The publisher is restarted once first (``--sync-now``): the site's last
        changes are synced at once rather than at the next scheduled sync.
        """
        stopped = time.monotonic()
        for kiosk in self.kiosks:  # an agent that died on its own was a violation too
            self.monitor.check("restarts")
            if kiosk.process is None or kiosk.process.poll() is not None:
                self.monitor.violate("restarts", f"{kiosk.name}'s agent is not running")
                self._start_agent(kiosk)
        publisher.stop()
        publisher.start()
        while time.monotonic() - stopped < self.args.converge:
            time.sleep(2)
            self._approve(publisher)  # the last sync's removals
            try:
                sha, _ = publisher.manifest("county")
                probe = Monitor([], quiet=True)
                probe.changes_released(publisher.released(), self.changes)
            except (OSError, ValueError, KeyError):
                continue
            if probe.violations or not all(self.monitor.shows(k, sha) for k in self.kiosks):
                continue
            if self._heartbeats_say(publisher, publisher.latest()):
                return time.monotonic() - stopped
        return None

    def _heartbeats_say(self, publisher: Publisher, version: int) -> bool:
        devices = publisher.devices()
        return all(devices[k.name]["applied_version"] == version for k in self.kiosks)

    def _final(self, publisher: Publisher) -> None:
        sha, manifest = publisher.manifest("county")
        devices = publisher.devices()
        for kiosk in self.kiosks:
            self.monitor.look(kiosk, deep=True)
            self.monitor.check("converged")
            if not self.monitor.shows(kiosk, sha):
                self.monitor.violate(
                    "converged",
                    f"{kiosk.name} shows v{self.monitor.version(kiosk)}, not v{manifest.version}",
                )
            elif devices[kiosk.name]["applied_version"] != manifest.version:
                self.monitor.violate("converged", f"{kiosk.name}'s heartbeat says otherwise")
        self.monitor.changes_released(publisher.released(), self.changes)

    def _report(
        self, publisher: Publisher, proxy: FaultProxy, converged: float | None, total: float
    ) -> int:
        monitor = self.monitor
        latest = publisher.latest()
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        starts = sum(k.starts for k in self.kiosks)
        changes = sum(len(ids) for group in self.changes.values() for ids in group.values())
        lines = [
            "",
            (
                f"soak: {self.args.seconds:.0f} s of faults, {len(self.kiosks)} kiosks, seed "
                f"{self.args.seed}, {total:.0f} s in all; load average {load} "
                f"({os.cpu_count()} CPUs)"
            ),
            "",
            f"{'faults injected':<34}{'count':>8}",
            *(f"  {kind:<32}{self.faults[kind]:>8}" for kind in FAULTS),
            f"  {'total':<32}{sum(self.faults.values()):>8}",
            "",
            f"{'site mutation rounds':<34}{self.mutations:>8}",
            f"{'reviews (approve --all)':<34}{self.approvals:>8}",
            f"{'changes of the synced kinds':<34}{changes:>8}",
            (
                f"{'releases published (county)':<34}{latest - self.first_version:>8}"
                f"   v{self.first_version} → v{latest}"
            ),
            f"{'agent activations (seen)':<34}{monitor.activations:>8}",
            f"{'agent starts (kill -9 restarts)':<34}{starts - len(self.kiosks):>8}",
            f"{'publisher restarts':<34}{publisher.restarts:>8}",
            (
                f"{'proxy: connections, bits flipped':<34}{proxy.stats.connections:>8}"
                f"   {proxy.stats.flipped} flipped, {proxy.stats.cut} cut"
            ),
            f"{'converged after the faults':<34}"
            + (f"{converged:>7.1f}s" if converged is not None else "   never"),
            "",
            f"{'invariant':<34}{'checks':>8}{'violations':>12}",
        ]
        for name in INVARIANTS:
            bad = sum(1 for v in monitor.violations if v[0] == name)
            lines.append(f"  {name:<32}{monitor.checks[name]:>8}{bad:>12}")
        lines.append(
            f"  {'total':<32}{sum(monitor.checks.values()):>8}{len(monitor.violations):>12}"
        )
        print("\n".join(lines), flush=True)
        return 1 if monitor.violations or converged is None else 0


if __name__ == "__main__":
    sys.exit(main())
