"""Stage a release folder, switch ``active`` to it atomically, collect garbage when due.

A release folder is small: the objects stay in the shared store
(``HOME/objects``, see ``kiosk.agent.store``) and the folder links to it::

    releases/<v>-<sha12>/manifest.json    the manifest, exactly as signed
    releases/<v>-<sha12>/release.json     name, channel, version, manifest sha256, staged at
    releases/<v>-<sha12>/objects -> ../../objects    the shared store

so ``active/manifest.json`` and ``active/objects/<ab>/<sha256>`` are what the
kiosk app reads (``kiosk.agent.reader.ReleaseReader`` does it for it).

Activation, step by step (``HOME`` is the kiosk home)::

    0. the release must be complete in the store: its manifest, index roots and
       loop object are there (by the store's closure invariant, so is
       everything below them); the store's folders are fsynced
    1. releases/.staging-<name>-<random>/ made fresh: manifest.json and
       release.json written (fsynced), the objects link made
    2. fsync the staging folder; rename it to releases/<name>; fsync releases/
    3. symlink active.tmp -> releases/<name>; rename it over active; fsync HOME
    4. previous -> the release active pointed to before (same way)
    5. remove release folders neither link points to (a few files each)

A folder ``releases/<name>`` only ever appears complete and durable (step 2
commits the staging), and ``active`` changes in one rename (step 3), so a
crash or a full disk at any point leaves ``active`` where it was or on the new,
complete release, never between. Failures before step 3 remove the staging
folder and raise ``ActivationError``; failures after it (the ``previous`` link,
old folders) are logged, since the release is already live. The cost is a
dozen file-system calls whatever the size of the release.

**Garbage collection** (``collect_garbage``) is O(objects): it walks the
releases ``active`` and ``previous`` name from their manifests, reading (and
verifying) every index object, and removes every store object neither
reaches. It never removes a reachable object. ``maintain`` runs it only when
due, at an idle moment (a refresh that found nothing new), so an activation
stays O(change):

* a deep collection (every object re-read and re-hashed: a scrub) every
  ``scrub_interval`` (a day); a damaged or missing object is removed with
  every object above it (its leaf, nodes, the manifest), keeping the closure
  invariant, and the next refresh fetches them again;
* a plain one after ``gc_every`` releases were dropped, or sooner when the
  disk has less than ``min_free`` bytes free;
* an interrupted collection (``gc.json`` says ``running``) is finished before
  anything else, so a crash mid-collection cannot leave a parent whose child
  was removed; a store without ``gc.json`` (an older agent's) is scrubbed once.

``recover`` clears what a killed agent left (staging folders, temporary links).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import secrets
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pydantic

from content.release import Manifest, ObjectRef, walk
from kiosk.agent._records import SHA256, file_sizes
from kiosk.agent.errors import ActivationError, StorageError, VerificationError
from kiosk.agent.fs import FileSystem

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from kiosk.agent.home import AgentHome
    from kiosk.agent.store import ObjectStore
    from kiosk.agent.updater import FetchedRelease

__all__ = [
    "Activation",
    "Activator",
    "GarbageReport",
    "Release",
    "activate",
    "active_release",
    "linked_release",
    "read_release",
    "verify_release",
]

log = logging.getLogger("gongkai.kiosk.agent")

_STAGING = ".staging-"
#: Where a release folder's ``objects`` link points: the shared store.
OBJECTS_LINK = "../../objects"
MANIFEST_JSON = "manifest.json"
RELEASE_JSON = "release.json"


@dataclass(frozen=True, slots=True)
class Release:
    """A release folder on the kiosk.

    Attributes:
        name: the folder name (``<version>-<sha12>``).
        path: the folder.
        manifest: the parsed manifest.
        manifest_bytes: the manifest's bytes.
        manifest_sha256: their SHA-256 (the TUF target hash).
    """

    name: str
    path: Path
    manifest: Manifest
    manifest_bytes: bytes
    manifest_sha256: str

    @property
    def version(self) -> int:
        """The release version."""
        return self.manifest.version


@dataclass(frozen=True, slots=True)
class Activation:
    """What an activation did.

    Attributes:
        release: the release now active.
        previous: the name of the release active before, if any.
        removed_releases: release folders removed (neither active nor previous).
    """

    release: Release
    previous: str | None
    removed_releases: tuple[str, ...] = ()


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


class Activator:
    """Stages releases in a home, switches its ``active`` link, collects its garbage.

    Args:
        home: the kiosk home.
        store: the object store the releases read from.
        fs: the file system (tests inject faults).
        clock: the wall clock (aware datetimes).
        gc_every: collect garbage once this many releases were dropped.
        scrub_interval: re-verify every kept object this often.
        min_free: collect garbage sooner when the disk has fewer bytes free.
    """

    def __init__(
        self,
        home: AgentHome,
        *,
        store: ObjectStore,
        fs: FileSystem | None = None,
        clock: Callable[[], datetime] | None = None,
        gc_every: int = 8,
        scrub_interval: timedelta = timedelta(days=1),
        min_free: int = 256 * 1024 * 1024,
    ) -> None:
        self.home = home
        self.store = store
        self.fs = fs or FileSystem()
        self.gc_every = gc_every
        self.scrub_interval = scrub_interval
        self.min_free = min_free
        self._clock = clock or (lambda: datetime.now(UTC))

    # --- activation -----------------------------------------------------------------

    def activate(self, fetched: FetchedRelease) -> Activation:
        """Stage ``fetched`` (complete in the store), then make it the active release.

        Raises:
            ActivationError: the release is not complete in the store, or
                staging or the switch failed (the disk is full …); ``active``
                is unchanged and the staging folder removed.
        """
        before = _link_target(self.home.active)
        name = fetched.name
        relative = f"{self.home.releases.name}/{name}"
        final = self.home.releases / name
        release = Release(
            name=name,
            path=final,
            manifest=fetched.manifest,
            manifest_bytes=fetched.manifest_bytes,
            manifest_sha256=fetched.manifest_sha256,
        )
        if before == relative and final.is_dir():
            return Activation(release=release, previous=_name(_link_target(self.home.previous)))
        self._require_complete(fetched)
        try:
            self.fs.mkdir(self.home.releases)
        except OSError as exc:
            raise _activation_error("cannot make the releases folder", exc) from exc
        if (final.exists() or final.is_symlink()) and not _staged(final, fetched.manifest_sha256):
            self._remove_folder(final)
        staged = not final.exists()
        if staged:
            self._stage(fetched, final)
        try:
            self._switch(self.home.active, relative)
        except ActivationError:
            if staged:  # leave the home as it was; a retry stages again
                self.fs.remove_tree(final)
            raise
        if before is not None and before != relative:
            try:
                self._point(self.home.previous, before)
            except OSError as exc:
                log.warning("could not update the previous link: %s", exc)
        removed = self._drop_releases()
        if removed:
            self._note_dropped(len(removed))
        return Activation(release=release, previous=_name(before), removed_releases=removed)

    def _require_complete(self, fetched: FetchedRelease) -> None:
        """Refuse a release the store does not hold completely; make the store durable."""
        if not self.store.complete(fetched.manifest, fetched.manifest_sha256):
            raise ActivationError(f"release {fetched.name} is not complete in the object store")
        try:
            self.store.sync()
        except StorageError as exc:
            raise ActivationError(str(exc), path=exc.path, errno=exc.errno) from exc

    def _note_dropped(self, count: int) -> None:
        try:
            state = self._gc_state() or _GcState()
            self._save_gc(dataclasses.replace(state, dropped=state.dropped + count))
        except OSError as exc:  # only the schedule of the next collection is affected
            log.warning("could not record dropped releases: %s", exc)

    def recover(self) -> None:
        """Clear what an interrupted agent left: staging folders, temporary links and files."""
        for link in (self.home.root / "active.tmp", self.home.root / "previous.tmp"):
            self.fs.remove(link)
        if self.home.releases.is_dir():
            for path in self.home.releases.glob(f"{_STAGING}*"):
                self.fs.remove_tree(path)
        self.fs.remove_tree(self.home.tmp)
        if self.home.metadata.is_dir():  # ngclient's temporary files (it does not clean up)
            for path in self.home.metadata.glob("tmp*"):
                self.fs.remove(path)
        self.store.sweep()

    # --- garbage --------------------------------------------------------------------

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
        now = self._clock()
        state = self._gc_state()
        if state is None:
            if self.store.empty():  # a new kiosk: nothing to check
                self._try_save_gc(_GcState(collected_at=now, verified_at=now))
                return None
            log.warning("the object store has no gc.json (an older agent's): verifying it once")
            return self._collect(deep=True, legacy=True)
        if state.running is not None:
            log.warning("finishing an interrupted garbage collection")
            return self._collect(deep=state.running == "scrub")
        if _link_target(self.home.active) is None:  # nothing proves what is unused yet
            return None
        if idle and (state.verified_at is None or now - state.verified_at >= self.scrub_interval):
            return self.collect_garbage(deep=True)
        if (idle and state.dropped >= self.gc_every) or (state.dropped and self._disk_short()):
            return self.collect_garbage()
        return None

    def collect_garbage(self, *, deep: bool = False) -> GarbageReport:
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

    def _collect(self, *, deep: bool, legacy: bool = False) -> GarbageReport:
        try:
            return self._collect_unsafe(deep=deep, legacy=legacy)
        except OSError as exc:
            raise StorageError(f"garbage collection failed: {exc}", errno=exc.errno) from exc

    def _collect_unsafe(self, *, deep: bool, legacy: bool) -> GarbageReport:
        state = self._gc_state() or _GcState()
        self._save_gc(dataclasses.replace(state, running="scrub" if deep else "gc"), durable=True)
        if legacy:
            self.store.sweep(legacy=True)
        kept = self._kept()
        removed_releases = self._drop_releases()
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
        now = self._clock()
        self._save_gc(
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

    def _drop_releases(self) -> tuple[str, ...]:
        """Remove release folders neither ``active`` nor ``previous`` points to."""
        keep = {_name(_link_target(link)) for link in (self.home.active, self.home.previous)}
        removed: list[str] = []
        if self.home.releases.is_dir():
            for path in sorted(self.home.releases.iterdir()):
                if path.name not in keep and not path.name.startswith(_STAGING):
                    self._remove_folder(path)
                    removed.append(path.name)
        return tuple(removed)

    def _remove_folder(self, path: Path) -> None:
        if path.is_symlink() or path.is_file():
            self.fs.remove(path)
        else:
            self.fs.remove_tree(path)

    def _disk_short(self) -> bool:
        try:
            return shutil.disk_usage(self.home.root).free < self.min_free
        except OSError:
            return False

    def _gc_state(self) -> _GcState | None:
        try:
            return _GcState.from_bytes(self.home.gc.read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError) as exc:
            log.warning("%s unreadable (%s)", self.home.gc, exc)
            return None

    def _save_gc(self, state: _GcState, *, durable: bool = False) -> None:
        self.fs.write_atomic(self.home.gc, state.to_bytes(), sync_dir=durable)

    def _try_save_gc(self, state: _GcState) -> None:
        try:
            self._save_gc(state, durable=True)
        except OSError as exc:
            raise StorageError(f"cannot write {self.home.gc}: {exc}", errno=exc.errno) from exc

    # --- steps ----------------------------------------------------------------------

    def _stage(self, fetched: FetchedRelease, final: Path) -> None:
        staging = self.home.releases / f"{_STAGING}{final.name}-{secrets.token_hex(4)}"
        record = {
            "format": 1,
            "name": final.name,
            "channel": fetched.manifest.channel,
            "version": fetched.manifest.version,
            "manifest_sha256": fetched.manifest_sha256,
            "staged_at": self._clock().isoformat(),
        }
        try:
            self.fs.mkdir(staging)
            self.fs.write_new(staging / MANIFEST_JSON, fetched.manifest_bytes)
            self.fs.write_new(staging / RELEASE_JSON, json.dumps(record, indent=1).encode() + b"\n")
            self.fs.symlink(OBJECTS_LINK, staging / "objects")
            self.fs.fsync_dir(staging)
            self.fs.rename(staging, final)
            self.fs.fsync_dir(self.home.releases)
        except OSError as exc:
            self.fs.remove_tree(staging)
            raise _activation_error(f"cannot stage release {final.name}", exc) from exc
        except BaseException:
            self.fs.remove_tree(staging)
            raise

    def _switch(self, link: Path, target: str) -> None:
        try:
            self._point(link, target)
        except OSError as exc:
            raise _activation_error(f"cannot switch active to {target}", exc) from exc

    def _point(self, link: Path, target: str) -> None:
        """Make ``link`` point to ``target`` in one rename, then make that durable."""
        temporary = link.with_name(f"{link.name}.tmp")
        self.fs.remove(temporary)
        try:
            self.fs.symlink(target, temporary)
            self.fs.rename(temporary, link)
        except BaseException:
            self.fs.remove(temporary)
            raise
        try:
            self.fs.fsync_dir(link.parent)
        except OSError as exc:  # the switch is done; only its durability is in doubt
            log.warning("could not fsync %s after switching %s: %s", link.parent, link.name, exc)


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
        stack: list[tuple[ObjectRef, str]] = [(ref, top) for ref in manifest.indexes.values()]
        self._leaf_object(manifest.loop.sha256, manifest.loop.size, top)
        while stack:
            ref, parent = stack.pop()
            self.parents.setdefault(ref.sha256, set()).add(parent)
            if ref.sha256 in self.reachable:
                continue
            self.reachable.add(ref.sha256)
            data = self._read(ref.sha256, ref.size)
            if data is None:
                continue
            try:
                node = json.loads(data)
                if node["kind"] == "node":
                    stack.extend((ObjectRef(**c), ref.sha256) for c in node["children"].values())
                    continue
                for entry in node["entries"]:
                    self._entry(entry, ref.sha256)
            except (ValueError, KeyError, TypeError, AttributeError, pydantic.ValidationError):
                self.damaged.add(ref.sha256)  # verified bytes that do not parse: drop them

    def _entry(self, entry: dict[str, Any], leaf: str) -> None:
        sha, size, files = entry["object"], entry["size"], entry.get("files") or []
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


def activate(
    home: AgentHome, fetched: FetchedRelease, *, store: ObjectStore, fs: FileSystem | None = None
) -> Activation:
    """Stage and activate a fetched release (a thin wrapper over ``Activator``).

    Raises:
        ActivationError: see ``Activator.activate``.
    """
    return Activator(home, store=store, fs=fs).activate(fetched)


def active_release(home: AgentHome) -> Release | None:
    """The active release, or None when none was ever activated (or it is unreadable)."""
    return linked_release(home.active)


def linked_release(link: Path) -> Release | None:
    """The release a link of the home (``active``, ``previous``) points to, if readable."""
    target = _link_target(link)
    if target is None:
        return None
    try:
        return read_release(link.parent / target)
    except VerificationError as exc:
        log.warning("the %s release is unreadable: %s", link.name, exc)
        return None


def read_release(path: Path) -> Release:
    """A release folder's manifest (objects are not checked; see ``verify_release``).

    Raises:
        VerificationError: no readable, valid manifest.json.
    """
    try:
        data = (path / MANIFEST_JSON).read_bytes()
        manifest = Manifest.model_validate_json(data)
    except (OSError, pydantic.ValidationError) as exc:
        raise VerificationError(f"{path.name}: no valid manifest.json ({exc})") from exc
    return Release(
        name=path.name,
        path=path,
        manifest=manifest,
        manifest_bytes=data,
        manifest_sha256=hashlib.sha256(data).hexdigest(),
    )


def verify_release(path: Path) -> Release:
    """Check deeply that a release is complete: every object present, hash and size.

    Reads everything a kiosk may show, through the folder's ``objects`` (the
    shared store): index nodes and leaves, the loop object, every entity
    object and every image an entity lists. O(objects): the test oracle and a
    repair tool, not part of an update.

    Raises:
        VerificationError: something is missing, damaged or malformed.
    """
    release = read_release(path)

    def read(sha256: str, size: int | None) -> bytes:
        if not SHA256.match(sha256):
            raise VerificationError(f"{path.name}: not a SHA-256: {sha256[:80]!r}")
        try:
            data = (path / "objects" / sha256[:2] / sha256).read_bytes()
        except OSError as exc:
            raise VerificationError(f"{path.name}: object {sha256[:12]} missing") from exc
        if (size is not None and len(data) != size) or (hashlib.sha256(data).hexdigest() != sha256):
            raise VerificationError(f"{path.name}: object {sha256[:12]} damaged", sha256=sha256)
        return data

    def load(ref: ObjectRef) -> Any:
        return json.loads(read(ref.sha256, ref.size))

    try:
        for _, _, entry in walk(release.manifest, load):
            record = json.loads(read(entry["object"], entry["size"]))
            sizes = file_sizes(record)
            for sha in entry.get("files") or []:
                read(sha, sizes.get(sha))
        load(release.manifest.loop)
    except (KeyError, TypeError, ValueError) as exc:
        raise VerificationError(f"{path.name}: malformed release ({exc!r})") from exc
    return release


# --- helpers ------------------------------------------------------------------------


def _link_target(link: Path) -> str | None:
    try:
        return str(link.readlink())
    except OSError:
        return None


def _name(target: str | None) -> str | None:
    return target.rsplit("/", 1)[-1] if target else None


def _staged(path: Path, manifest_sha256: str) -> bool:
    """Whether an existing release folder (left by an interrupted run) is the one wanted."""
    try:
        data = (path / MANIFEST_JSON).read_bytes()
        linked = (path / "objects").readlink()
    except OSError:
        return False
    return (
        hashlib.sha256(data).hexdigest() == manifest_sha256
        and str(linked) == OBJECTS_LINK
        and (path / RELEASE_JSON).is_file()
    )


def _activation_error(message: str, exc: OSError) -> ActivationError:
    return ActivationError(f"{message}: {exc}", path=exc.filename, errno=exc.errno)
