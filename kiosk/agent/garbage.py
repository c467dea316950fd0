"""Garbage collection of a kiosk home: release folders nobody links, store objects nobody reaches.

Reachability is O(objects), so it is not part of an update: it walks the
releases ``active`` and ``previous`` name from their manifests (the index
objects read and verified, through ``content.release.walk_index``) and
removes every store object neither reaches. It never removes a reachable
object. ``GarbageCollector.maintain`` runs it only when due, at an idle moment
(a refresh that found nothing new), so an activation stays O(change):

* a deep collection (every object re-read and re-hashed: a scrub) every
  ``scrub_interval`` (a day); a damaged or missing object is removed with
  every object above it (its leaf, nodes, the manifest), keeping the closure
  invariant (``kiosk.agent.store``), and the next refresh fetches them again;
* a plain one after ``gc_every`` releases were dropped, or sooner when the
  disk has less than ``min_free`` bytes free;
* an interrupted collection (``HOME/gc.json`` says ``running``) is finished
  before anything else, so a crash mid-collection cannot leave a parent whose
  child was removed; a store without ``gc.json`` (an older agent's) is
  scrubbed once.

``kiosk.agent.activation``'s ``Activator`` drops release folders after each
activation (``drop_releases``) and counts them toward the next collection
(``note_dropped``); its ``maintain`` and ``collect_garbage`` run this module.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import shutil
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from content.release import walk_index
from kiosk.agent._records import SHA256, file_sizes
from kiosk.agent.errors import StorageError, VerificationError
from kiosk.agent.folders import STAGING, folder_name, link_target, linked_release, remove_folder

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from datetime import timedelta

    from content.release import IndexEntry, MalformedIndexError, ObjectRef
    from kiosk.agent.fs import FileSystem
    from kiosk.agent.home import AgentHome
    from kiosk.agent.release import Release
    from kiosk.agent.store import ObjectStore

__all__ = ["GarbageCollector", "GarbageReport"]

log = logging.getLogger("gongkai.kiosk.agent")


@dataclass(frozen=True, slots=True)
class GarbageReport:
    """What a garbage collection did.

    Attributes:
        deep: every object was re-read and re-hashed (a scrub).
        kept: the releases whose objects were kept (active, previous).
        reachable: objects those releases reach.
        removed_objects: store objects removed (unreachable, damaged, or above
            a damaged one).
        damaged: objects found damaged or missing (fetched again by the next refresh).
        removed_releases: release folders removed.
    """

    deep: bool
    kept: tuple[str, ...]
    reachable: int
    removed_objects: int
    damaged: tuple[str, ...] = ()
    removed_releases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GarbageCollector:
    """Collects a home's garbage on a schedule kept in ``HOME/gc.json``.

    Attributes:
        home: the kiosk home.
        store: its object store.
        fs: the file system (tests inject faults).
        clock: the wall clock (aware datetimes).
        gc_every: collect once this many releases were dropped.
        scrub_interval: re-verify every kept object this often.
        min_free: collect sooner when the disk has fewer bytes free.
    """

    home: AgentHome
    store: ObjectStore
    fs: FileSystem
    clock: Callable[[], datetime]
    gc_every: int
    scrub_interval: timedelta
    min_free: int

    def maintain(self, *, idle: bool) -> GarbageReport | None:
        """Collect garbage if due; return what was done (None: nothing was due).

        Always: finish an interrupted collection; scrub a store an older agent
        left (no ``gc.json``); collect when releases were dropped and the disk
        is short. When ``idle`` (a refresh found nothing new): scrub every
        ``scrub_interval``, collect after ``gc_every`` dropped releases.

        Raises:
            StorageError: a collection that must finish could not (the store
                may not be trusted until it does: the refresh must fail).
        """
        now = self.clock()
        state = self._state()
        if state is None:
            if self.store.empty():  # a new kiosk: nothing to check
                self._try_save(_GcState(collected_at=now, verified_at=now))
                return None
            log.warning("the object store has no gc.json (an older agent's): verifying it once")
            return self._collect(deep=True, legacy=True)
        if state.running is not None:
            log.warning("finishing an interrupted garbage collection")
            return self._collect(deep=state.running == "scrub")
        if link_target(self.home.active) is None:  # nothing proves what is unused yet
            return None
        if idle and (state.verified_at is None or now - state.verified_at >= self.scrub_interval):
            return self.collect(deep=True)
        if (idle and state.dropped >= self.gc_every) or (state.dropped and self._disk_short()):
            return self.collect()
        return None

    def collect(self, *, deep: bool = False) -> GarbageReport:
        """Remove store objects neither ``active`` nor ``previous`` reaches, and other folders.

        Args:
            deep: also re-read and re-hash every entity object and image (a
                scrub); index objects are always verified as they are read.
                Damaged or missing objects are removed with everything above
                them, so the next refresh fetches them again.

        Raises:
            StorageError: the store could not be read or written (the
                collection is finished by the next ``maintain``).
        """
        return self._collect(deep=deep)

    def drop_releases(self) -> tuple[str, ...]:
        """Remove release folders neither ``active`` nor ``previous`` points to; their names."""
        keep = {folder_name(link_target(link)) for link in (self.home.active, self.home.previous)}
        removed: list[str] = []
        if self.home.releases.is_dir():
            for path in sorted(self.home.releases.iterdir()):
                if path.name not in keep and not path.name.startswith(STAGING):
                    remove_folder(self.fs, path)
                    removed.append(path.name)
        return tuple(removed)

    def note_dropped(self, count: int) -> None:
        """Count release folders an activation dropped toward the next collection."""
        try:
            state = self._state() or _GcState()
            self._save(dataclasses.replace(state, dropped=state.dropped + count))
        except OSError as exc:  # only the schedule of the next collection is affected
            log.warning("could not record dropped releases: %s", exc)

    # --- helpers --------------------------------------------------------------------

    def _collect(self, *, deep: bool, legacy: bool = False) -> GarbageReport:
        try:
            return self._collect_unsafe(deep=deep, legacy=legacy)
        except OSError as exc:
            raise StorageError(f"garbage collection failed: {exc}", errno=exc.errno) from exc

    def _collect_unsafe(self, *, deep: bool, legacy: bool) -> GarbageReport:
        state = self._state() or _GcState()
        self._save(dataclasses.replace(state, running="scrub" if deep else "gc"), durable=True)
        if legacy:
            self.store.sweep(legacy=True)
        kept = self._kept()
        removed_releases = self.drop_releases()
        walk_result = _Reachability(self.store, deep=deep)
        for release in kept:
            walk_result.visit(release)
        removed = 0
        for sha in walk_result.doomed():  # damaged ones and everything above them, top first
            if SHA256.match(sha) and self.store.path(sha).is_file():
                self.store.remove(sha)
                removed += 1
        self.store.sync()
        for sha in list(self.store):
            if sha not in walk_result.reachable:
                self.store.remove(sha)
                removed += 1
        self.store.sync()
        now = self.clock()
        self._save(
            _GcState(collected_at=now, verified_at=now if deep else state.verified_at),
            durable=True,
        )
        if walk_result.damaged:
            log.warning(
                "garbage collection found %d damaged or missing objects; they will be fetched "
                "again", len(walk_result.damaged),
            )  # fmt: skip
        return GarbageReport(
            deep=deep,
            kept=tuple(r.name for r in kept),
            reachable=len(walk_result.reachable),
            removed_objects=removed,
            damaged=tuple(sorted(walk_result.damaged)),
            removed_releases=removed_releases,
        )

    def _kept(self) -> list[Release]:
        kept: list[Release] = []
        for link in (self.home.active, self.home.previous):
            release = linked_release(link)
            if release is not None and all(r.name != release.name for r in kept):
                kept.append(release)
        return kept

    def _disk_short(self) -> bool:
        try:
            return shutil.disk_usage(self.home.root).free < self.min_free
        except OSError:
            return False

    def _state(self) -> _GcState | None:
        try:
            return _GcState.from_bytes(self.home.gc.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError) as exc:
            log.warning("%s unreadable (%s)", self.home.gc, exc)
            return None

    def _save(self, state: _GcState, *, durable: bool = False) -> None:
        self.fs.write_atomic(self.home.gc, state.to_bytes(), sync_dir=durable)

    def _try_save(self, state: _GcState) -> None:
        try:
            self._save(state, durable=True)
        except OSError as exc:
            raise StorageError(f"cannot write {self.home.gc}: {exc}", errno=exc.errno) from exc


@dataclass(frozen=True, slots=True)
class _GcState:
    """``HOME/gc.json``: when garbage was last collected, and what is pending."""

    collected_at: datetime | None = None
    verified_at: datetime | None = None
    dropped: int = 0  # release folders removed since the last collection
    running: str | None = None  # "gc" or "scrub" while one runs

    def to_bytes(self) -> bytes:
        data = {
            "format": 1,
            "collected_at": self.collected_at.isoformat() if self.collected_at else None,
            "verified_at": self.verified_at.isoformat() if self.verified_at else None,
            "dropped": self.dropped,
            "running": self.running,
        }
        return json.dumps(data, indent=1, sort_keys=True).encode() + b"\n"

    @classmethod
    def from_bytes(cls, raw: bytes) -> _GcState:
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("format") != 1:
            raise ValueError("not a gc.json of format 1")
        moments = {
            name: datetime.fromisoformat(data[name]) if data.get(name) else None
            for name in ("collected_at", "verified_at")
        }
        running = data.get("running")
        dropped = data.get("dropped", 0)
        if running not in {None, "gc", "scrub"} or not isinstance(dropped, int):
            raise ValueError("gc.json has bad values")
        return cls(**moments, dropped=dropped, running=running)


class _Reachability:
    """Walks kept releases through the store: what they reach, what is damaged."""

    def __init__(self, store: ObjectStore, *, deep: bool) -> None:
        self.store = store
        self.deep = deep
        self.reachable: set[str] = set()
        self.parents: dict[str, set[str]] = {}
        self.damaged: set[str] = set()

    def visit(self, release: Release) -> None:
        top = release.manifest_sha256
        self.reachable.add(top)
        manifest = release.manifest
        self._leaf_object(manifest.loop.sha256, manifest.loop.size, top)

        def enter(ref: ObjectRef, parent: str | None) -> bool:
            self.parents.setdefault(ref.sha256, set()).add(parent or top)
            if ref.sha256 in self.reachable:
                return False
            self.reachable.add(ref.sha256)
            return True

        def load(refs: list[ObjectRef]) -> Iterator[Any]:
            return (self._index_json(ref) for ref in refs)

        for step in walk_index(manifest.indexes.items(), load, enter=enter, malformed=self._bad):
            try:
                for entry in step.entries:
                    self._entry(entry, step.ref.sha256)
            except ValueError:  # an entity's verified bytes that are not JSON: drop the leaf
                self.damaged.add(step.ref.sha256)

    def _index_json(self, ref: ObjectRef) -> Any:
        data = self._read(ref.sha256, ref.size)
        if data is None:
            return None
        try:
            return json.loads(data)
        except ValueError:  # verified bytes that do not parse: drop them
            self.damaged.add(ref.sha256)
            return None

    def _bad(self, exc: MalformedIndexError) -> None:
        self.damaged.add(exc.sha256)

    def _entry(self, entry: IndexEntry, leaf: str) -> None:
        sha, size, files = entry["object"], entry["size"], entry["files"]
        for image in files:
            self.parents.setdefault(image, set()).update((leaf, sha))
        sizes: dict[str, int] = {}
        if not self._leaf_object(sha, size, leaf):
            return
        if self.deep and files:
            data = self._read(sha, size)
            if data is not None:
                sizes = file_sizes(json.loads(data))
        for image in files:
            self._leaf_object(image, sizes.get(image), sha)

    def _leaf_object(self, sha: str, size: int | None, parent: str) -> bool:
        """Mark an entity, image or loop object reachable; verify it when deep.

        Returns:
            Whether it was not seen before.
        """
        self.parents.setdefault(sha, set()).add(parent)
        if sha in self.reachable:
            return False
        self.reachable.add(sha)
        if self.deep:
            self._read(sha, size)
        return True

    def _read(self, sha: str, size: int | None) -> bytes | None:
        try:
            data = self.store.get(sha)
        except (StorageError, VerificationError):
            self.damaged.add(sha)
            return None
        if size is not None and len(data) != size:
            self.damaged.add(sha)
            return None
        return data

    def doomed(self) -> list[str]:
        """The damaged objects and every object above them, farthest ancestors first."""
        order: list[str] = []
        seen: set[str] = set()
        frontier = sorted(self.damaged)
        while frontier:
            order.extend(frontier)
            seen.update(frontier)
            frontier = sorted({p for sha in frontier for p in self.parents.get(sha, ())} - seen)
        return order[::-1]
