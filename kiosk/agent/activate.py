"""Stage a complete release and switch ``active`` to it atomically.

Activation, step by step (``HOME`` is the kiosk home)::

    1. releases/.staging-<name>-<random>/      made fresh; every object hard-linked
         manifest.json                          from the store (copied when linking
         objects/<ab>/<sha256>                  is impossible), the manifest written
    2. fsync every folder of it; rename it to releases/<name>; fsync releases/
    3. symlink active.tmp -> releases/<name>; rename it over active; fsync HOME
    4. previous -> the release active pointed to before (same way)
    5. collect garbage: releases neither link points to, store objects neither uses

A folder ``releases/<name>`` only ever appears complete and durable (step 2 is
the commit of the staging), and ``active`` changes in one rename (step 3), so
a crash or a full disk at any point leaves ``active`` where it was or on the
new, complete release, never between. Failures before step 3 remove the
staging folder and raise ``ActivationError``; failures after it (the
``previous`` link, garbage) are logged, since the release is already live.
``recover`` clears what a killed agent left (staging folders, temporary links).
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pydantic

from content.release import Manifest, ObjectRef, walk
from kiosk.agent._records import SHA256, file_sizes
from kiosk.agent.errors import ActivationError, VerificationError
from kiosk.agent.fs import FileSystem

if TYPE_CHECKING:
    from pathlib import Path

    from kiosk.agent.home import AgentHome
    from kiosk.agent.store import ObjectStore
    from kiosk.agent.updater import FetchedRelease

__all__ = [
    "Activation",
    "Activator",
    "Release",
    "activate",
    "active_release",
    "verify_release",
]

log = logging.getLogger("gongkai.kiosk.agent")

_STAGING = ".staging-"
#: Hard links are impossible across file systems or where the OS forbids them: copy.
_COPY_INSTEAD = {errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EACCES}


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
        removed_releases: release folders collected.
        removed_objects: store objects collected.
    """

    release: Release
    previous: str | None
    removed_releases: tuple[str, ...] = ()
    removed_objects: int = 0


class Activator:
    """Stages releases in a home and switches its ``active`` link.

    Args:
        home: the kiosk home.
        store: the object store the releases link from.
        fs: the file system (tests inject faults).
    """

    def __init__(
        self, home: AgentHome, *, store: ObjectStore, fs: FileSystem | None = None
    ) -> None:
        self.home = home
        self.store = store
        self.fs = fs or FileSystem()

    def activate(self, fetched: FetchedRelease) -> Activation:
        """Stage ``fetched`` completely, then make it the active release.

        Raises:
            ActivationError: staging or the switch failed (the disk is full …);
                ``active`` is unchanged and the staging folder removed.
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
        try:
            self.fs.mkdir(self.home.releases)
        except OSError as exc:
            raise _activation_error("cannot make the releases folder", exc) from exc
        if final.exists() and not _complete(final, fetched.manifest_sha256):
            self.fs.remove_tree(final)
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
        try:
            removed, objects = self.collect_garbage()
        except OSError as exc:  # the release is live; garbage waits for the next activation
            log.warning("garbage collection failed: %s", exc)
            removed, objects = (), 0
        return Activation(
            release=release,
            previous=_name(before),
            removed_releases=removed,
            removed_objects=objects,
        )

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

    def collect_garbage(self) -> tuple[tuple[str, ...], int]:
        """Remove releases neither link points to and store objects neither uses.

        Returns:
            The names of the releases removed and the number of objects removed.
        """
        keep = [
            self.home.root / target
            for target in map(_link_target, (self.home.active, self.home.previous))
            if target is not None
        ]
        names = {path.name for path in keep}
        removed: list[str] = []
        if self.home.releases.is_dir():
            for path in sorted(self.home.releases.iterdir()):
                if path.name not in names:
                    self.fs.remove_tree(path)
                    removed.append(path.name)
        if not keep:  # never activated: nothing proves what is unused yet
            return tuple(removed), 0
        used = set().union(*(_used_objects(path) for path in keep))
        unused = [sha for sha in self.store if sha not in used]
        for sha in unused:
            self.store.remove(sha)
        return tuple(removed), len(unused)

    # --- steps ----------------------------------------------------------------------

    def _stage(self, fetched: FetchedRelease, final: Path) -> None:
        staging = self.home.releases / f"{_STAGING}{final.name}-{secrets.token_hex(4)}"
        objects = staging / "objects"
        try:
            self.fs.mkdir(objects)
            folders: set[Path] = set()
            for sha in sorted(fetched.objects):
                folder = objects / sha[:2]
                if folder not in folders:
                    self.fs.mkdir(folder)
                    folders.add(folder)
                self._place(self.store.path(sha), folder / sha)
            self.fs.write_new(staging / "manifest.json", fetched.manifest_bytes)
            for folder in sorted(folders):
                self.fs.fsync_dir(folder)
            self.fs.fsync_dir(objects)
            self.fs.fsync_dir(staging)
            self.fs.rename(staging, final)
            self.fs.fsync_dir(self.home.releases)
        except OSError as exc:
            self.fs.remove_tree(staging)
            raise _activation_error(f"cannot stage release {final.name}", exc) from exc
        except BaseException:
            self.fs.remove_tree(staging)
            raise

    def _place(self, source: Path, target: Path) -> None:
        try:
            self.fs.link(source, target)
        except OSError as exc:
            if exc.errno not in _COPY_INSTEAD:
                raise
            self.fs.copy(source, target)

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


def active_release(home: AgentHome) -> Release | None:
    """The active release, or None when none was ever activated (or it is unreadable)."""
    target = _link_target(home.active)
    if target is None:
        return None
    try:
        return read_release(home.root / target)
    except VerificationError as exc:
        log.warning("the active release is unreadable: %s", exc)
        return None


def read_release(path: Path) -> Release:
    """A release folder's manifest (objects are not checked; see ``verify_release``).

    Raises:
        VerificationError: no readable, valid manifest.json.
    """
    try:
        data = (path / "manifest.json").read_bytes()
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
    """Check that a release folder is complete: every object present, hash and size.

    Reads everything a kiosk may show: index nodes and leaves, the loop object,
    every entity object and every image an entity lists.

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


def _complete(path: Path, manifest_sha256: str) -> bool:
    """Whether an existing release folder (left by an earlier, interrupted run) is usable."""
    try:
        release = verify_release(path)
    except VerificationError:
        return False
    return release.manifest_sha256 == manifest_sha256


def _used_objects(release: Path) -> set[str]:
    """The objects a release folder holds, and its manifest (kept in the store too)."""
    objects = release / "objects"
    used: set[str] = set()
    if objects.is_dir():
        used = {p.name for d in objects.iterdir() if d.is_dir() for p in d.iterdir()}
    manifest = release / "manifest.json"
    if manifest.is_file():
        used.add(hashlib.sha256(manifest.read_bytes()).hexdigest())
    return used


def _activation_error(message: str, exc: OSError) -> ActivationError:
    return ActivationError(f"{message}: {exc}", path=exc.filename, errno=exc.errno)
