"""Stage a release folder and switch ``active`` to it atomically.

A release folder is a manifest and a link to the shared store (layout:
``kiosk.agent.folders``). Activation, step by step (``HOME`` is the kiosk home)::

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

The ``Activator`` also runs the home's garbage collection
(``kiosk.agent.garbage``) on its schedule (``gc_every``, ``scrub_interval``,
``min_free``), and ``recover`` clears what a killed agent left (staging
folders, temporary links).
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from kiosk.agent.errors import ActivationError, StorageError
from kiosk.agent.folders import (
    MANIFEST_JSON,
    OBJECTS_LINK,
    RELEASE_JSON,
    STAGING,
    folder_name,
    link_target,
    remove_folder,
)
from kiosk.agent.fs import FileSystem
from kiosk.agent.garbage import GarbageCollector

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from kiosk.agent.garbage import GarbageReport
    from kiosk.agent.home import AgentHome
    from kiosk.agent.release import FetchedRelease, Release
    from kiosk.agent.store import ObjectStore

__all__ = ["Activation", "Activator", "activate"]

log = logging.getLogger("gongkai.kiosk.agent")


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

    def activate(self, fetched: FetchedRelease) -> Activation:
        """Stage ``fetched`` (complete in the store), then make it the active release.

        Raises:
            ActivationError: the release is not complete in the store, or
                staging or the switch failed (the disk is full …); ``active``
                is unchanged and the staging folder removed.
        """
        before = link_target(self.home.active)
        relative = f"{self.home.releases.name}/{fetched.name}"
        final = self.home.releases / fetched.name
        release = fetched.staged(final)
        if before == relative and final.is_dir():
            previous = folder_name(link_target(self.home.previous))
            return Activation(release=release, previous=previous)
        self._require_complete(fetched)
        try:
            self.fs.mkdir(self.home.releases)
        except OSError as exc:
            raise _activation_error("cannot make the releases folder", exc) from exc
        if (final.exists() or final.is_symlink()) and not _staged(final, fetched.manifest_sha256):
            remove_folder(self.fs, final)
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
        garbage = self._garbage()
        removed = garbage.drop_releases()
        if removed:
            garbage.note_dropped(len(removed))
        return Activation(release=release, previous=folder_name(before), removed_releases=removed)

    def recover(self) -> None:
        """Clear what an interrupted agent left: staging folders, temporary links and files."""
        for link in (self.home.root / "active.tmp", self.home.root / "previous.tmp"):
            self.fs.remove(link)
        if self.home.releases.is_dir():
            for path in self.home.releases.glob(f"{STAGING}*"):
                self.fs.remove_tree(path)
        self.fs.remove_tree(self.home.tmp)
        if self.home.metadata.is_dir():  # ngclient's temporary files (it does not clean up)
            for path in self.home.metadata.glob("tmp*"):
                self.fs.remove(path)
        self.store.sweep()

    def maintain(self, *, idle: bool) -> GarbageReport | None:
        """Collect garbage if due (see ``GarbageCollector.maintain``).

        Raises:
            StorageError: a collection that must finish could not.
        """
        return self._garbage().maintain(idle=idle)

    def collect_garbage(self, *, deep: bool = False) -> GarbageReport:
        """Collect garbage now, a scrub if ``deep`` (see ``GarbageCollector.collect``).

        Raises:
            StorageError: the store could not be read or written.
        """
        return self._garbage().collect(deep=deep)

    # --- steps ----------------------------------------------------------------------

    def _garbage(self) -> GarbageCollector:
        """The home's collector, on this activator's schedule (which tests may change)."""
        return GarbageCollector(
            self.home,
            self.store,
            self.fs,
            self._clock,
            gc_every=self.gc_every,
            scrub_interval=self.scrub_interval,
            min_free=self.min_free,
        )

    def _require_complete(self, fetched: FetchedRelease) -> None:
        """Refuse a release the store does not hold completely; make the store durable."""
        if not self.store.complete(fetched.manifest, fetched.manifest_sha256):
            raise ActivationError(f"release {fetched.name} is not complete in the object store")
        try:
            self.store.sync()
        except StorageError as exc:
            raise ActivationError(str(exc), path=exc.path, errno=exc.errno) from exc

    def _stage(self, fetched: FetchedRelease, final: Path) -> None:
        staging = self.home.releases / f"{STAGING}{final.name}-{secrets.token_hex(4)}"
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


def activate(
    home: AgentHome, fetched: FetchedRelease, *, store: ObjectStore, fs: FileSystem | None = None
) -> Activation:
    """Stage and activate a fetched release (a thin wrapper over ``Activator``).

    Raises:
        ActivationError: see ``Activator.activate``.
    """
    return Activator(home, store=store, fs=fs).activate(fetched)


# --- helpers ------------------------------------------------------------------------


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
