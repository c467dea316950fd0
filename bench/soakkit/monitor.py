"""The soak's invariants, checked continuously and at the end.

* ``verified``: every ``active`` release any kiosk had verifies completely
  (``kiosk.agent.verify_release``: every object re-hashed), checked for each
  new ``active`` as soon as it is seen, and for every kiosk after each kill -9;
* ``forward``: a kiosk's active version never goes backwards;
* ``converged``: after the faults stop, every kiosk activates the publisher's
  newest release, and heartbeats report it;
* ``changes``: every change the demo site made (added, removed, edited items of
  the synced kinds) is in that release as it should be: no approved revision
  was lost from the store, whatever was killed when;
* ``restarts``: every process killed came back on its own (no manual fix).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kiosk.agent import verify_release
from kiosk.agent.folders import read_release

if TYPE_CHECKING:
    from pathlib import Path

    from .chain import Kiosk

__all__ = ["INVARIANTS", "Monitor"]

INVARIANTS = ("verified", "forward", "converged", "changes", "restarts")

#: What an edit of each kind writes (content.demo's mutation rounds), to find it.
EDIT_MARKS = {
    "leader": "协助做好全县安全生产工作",
    "power_item": "3个工作日",
    "project": "加快推进",
    "catalogue_entry": "补充了执行口径说明",
}


@dataclass
class Monitor:
    """Watches every kiosk's ``active`` on a thread; counts checks and violations."""

    kiosks: list[Kiosk]
    interval: float = 1.0
    checks: Counter[str] = field(default_factory=Counter)
    violations: list[tuple[str, str]] = field(default_factory=list)
    activations: int = 0
    _seen: dict[str, tuple[str, int]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _looking: threading.Lock = field(default_factory=threading.Lock)
    quiet: bool = False
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        """Record where each kiosk starts; watch from now on."""
        for kiosk in self.kiosks:
            self.look(kiosk)
        self._thread = threading.Thread(target=self._run, name="monitor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop watching (after one last look at every kiosk)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=120)
        for kiosk in self.kiosks:
            self.look(kiosk)

    def violate(self, invariant: str, what: str) -> None:
        """Record a violation."""
        with self._lock:
            self.violations.append((invariant, what))
        if not self.quiet:
            print(f"VIOLATION {invariant}: {what}", flush=True)

    def check(self, invariant: str) -> None:
        """Count one check of ``invariant``."""
        with self._lock:
            self.checks[invariant] += 1

    def look(self, kiosk: Kiosk, *, deep: bool = False) -> None:
        """Check ``kiosk``'s active release if it changed (or ``deep``: in any case)."""
        with self._looking:
            self._look(kiosk, deep=deep)

    def _look(self, kiosk: Kiosk, *, deep: bool) -> None:
        active = kiosk.home / "active"
        for _ in range(5):  # a switch or a collection under our feet: look again
            try:
                name = str(active.readlink())
            except OSError:
                return  # no release yet (or the link is being renamed over)
            previous = self._seen.get(kiosk.name)
            if previous is not None and previous[0] == name and not deep:
                return
            try:
                version = verify_release(kiosk.home / name).version
            except Exception as exc:  # noqa: BLE001 - any failure is reported as text
                if _still(active, name):
                    self.check("verified")
                    self.violate("verified", f"{kiosk.name}: active {name} fails: {exc}")
                    self._seen[kiosk.name] = (name, previous[1] if previous else 0)
                    return
                continue
            if not _still(active, name):
                continue
            self.check("verified")
            self.check("forward")
            if previous is not None and version < previous[1]:
                self.violate("forward", f"{kiosk.name}: v{previous[1]} → v{version}")
            if previous is not None and previous[0] != name:
                self.activations += 1
            self._seen[kiosk.name] = (name, version)
            return

    def version(self, kiosk: Kiosk) -> int | None:
        """The active version last seen on ``kiosk``."""
        seen = self._seen.get(kiosk.name)
        return seen[1] if seen else None

    def shows(self, kiosk: Kiosk, sha256: str) -> bool:
        """Whether ``kiosk``'s active release is the one whose manifest has ``sha256``."""
        try:
            return read_release((kiosk.home / "active").resolve()).manifest_sha256 == sha256
        except Exception:  # noqa: BLE001 - no release, or one being switched: not it
            return False

    def changes_released(
        self, released: dict[str, dict[str, str]], changes: dict[str, dict[str, set[str]]]
    ) -> None:
        """Check that the publisher's newest releases hold every change the site made.

        ``released`` is every entity of the newest release of every channel (a
        town's notice is in its town's channel, not the county's); the kiosks
        showing exactly the newest county release is checked apart.
        """
        for kind, ids in changes.get("added", {}).items():
            for item in sorted(ids):
                self.check("changes")
                if item not in released.get(kind, {}):
                    self.violate("changes", f"added {kind} {item} is in no release")
        for kind, ids in changes.get("removed", {}).items():
            for item in sorted(ids):
                self.check("changes")
                if item in released.get(kind, {}):
                    self.violate("changes", f"removed {kind} {item} is still released")
        for kind, ids in changes.get("edited", {}).items():
            mark = EDIT_MARKS.get(kind)
            for item in sorted(ids):
                self.check("changes")
                record = released.get(kind, {}).get(item)
                if record is None or (mark is not None and mark not in record):
                    self.violate("changes", f"the edit of {kind} {item} is not released")

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            for kiosk in self.kiosks:
                if self._stop.is_set():
                    return
                self.look(kiosk)


def _still(active: Path, name: str) -> bool:
    """Whether ``active`` still points to ``name`` (else a failure was a race, not a fault)."""
    time.sleep(0.05)
    try:
        return str(active.readlink()) == name
    except OSError:
        return False
