"""The kiosk's content-addressed object store: ``HOME/objects/<ab>/<sha256>``.

Objects are named by the SHA-256 of their bytes and written once: into
``HOME/objects/.incoming/`` (written and fsynced), then renamed to their name,
so a name that exists always holds complete bytes, and a crash leaves at most
temporary files in ``.incoming`` (``sweep`` empties it). Only verified bytes
are put here: ``put`` hashes what it is given and refuses a mismatch with the
hash the caller expected.

**The closure invariant.** An object that refers to others (a manifest, an
index node or leaf, an entity that shows images) is put only *after* every
object it refers to is in the store, and after the folders those were renamed
into are fsynced (``sync``). So an object present in the store implies its
whole subtree is present and was verified when it was stored: the updater
stops descending at any object it already holds, and a release is complete
as soon as its manifest is in the store. The updater writes bottom-up to
keep it (``kiosk.agent.collector``); garbage collection (``kiosk.agent.garbage``)
removes parents before children (and finishes an interrupted collection
before anything else), so removal keeps it too.

The store is shared by every release: a release folder holds only its
manifest and a link to this folder (see ``kiosk.agent.folders``).

Usage::

    store = ObjectStore(home / "objects")
    if not store.has(sha):
        store.put(verified_bytes, sha256=sha)
    store.sync()                     # before putting anything that refers to sha
    data = store.get(sha)
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.agent._records import SHA256
from kiosk.agent.errors import StorageError, VerificationError
from kiosk.agent.fs import FileSystem

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from content.release import Manifest

__all__ = ["ObjectStore", "StoreStats"]

#: Where objects are written before they are renamed to their name.
INCOMING = ".incoming"


@dataclass(slots=True)
class StoreStats:
    """What a store was asked to do (tests and benchmarks check an update is O(change)).

    Attributes:
        has: presence checks.
        reads: objects read.
        writes: objects written.
        removes: objects removed.
        syncs: folders fsynced.
    """

    has: int = 0
    reads: int = 0
    writes: int = 0
    removes: int = 0
    syncs: int = 0


class ObjectStore:
    """Objects by SHA-256 under one folder.

    Args:
        root: the store folder (``HOME/objects``).
        fs: the file system (tests inject faults).
    """

    def __init__(self, root: Path, *, fs: FileSystem | None = None) -> None:
        self.root = root
        self.fs = fs or FileSystem()
        self.stats = StoreStats()
        self._lock = threading.Lock()
        self._folders: set[Path] = set()  # folders known to exist
        self._dirty: set[Path] = set()  # folders with names not yet fsynced

    def path(self, sha256: str) -> Path:
        """Where the object ``sha256`` lives (whether or not it is held).

        Raises:
            VerificationError: ``sha256`` is not 64 lowercase hex digits.
        """
        if not SHA256.match(sha256):
            raise VerificationError(f"not a SHA-256: {sha256[:80]!r}")
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        """Whether the object is held (by the invariant: with everything it refers to)."""
        path = self.path(sha256)
        with self._lock:
            self.stats.has += 1
        return path.is_file()

    def complete(self, manifest: Manifest, manifest_sha256: str) -> bool:
        """Whether a release is complete here: its manifest, index roots and loop object.

        By the closure invariant the manifest alone proves it; the roots are
        checked too (a few ``stat`` calls) against a store that lost objects.
        """
        refs = [manifest.loop, *manifest.indexes.values()]
        return self.has(manifest_sha256) and all(self.has(ref.sha256) for ref in refs)

    def put(self, data: bytes, *, sha256: str | None = None) -> str:
        """Store verified bytes; return their SHA-256. An object already held is kept.

        Callers keep the closure invariant: everything ``data`` refers to is
        already stored and ``sync``ed.

        Args:
            data: the object's bytes.
            sha256: the hash the caller verified them against, checked again.

        Raises:
            VerificationError: ``data`` does not hash to ``sha256``.
            StorageError: the disk refused the write (full …).
        """
        actual = hashlib.sha256(data).hexdigest()
        if sha256 is not None and actual != sha256:
            raise VerificationError(f"object hashes to {actual}, not {sha256}", sha256=sha256)
        target = self.path(actual)
        if target.is_file():
            return actual
        incoming = self.root / INCOMING
        temporary = incoming / f"{actual[:16]}.{secrets.token_hex(4)}.tmp"
        try:
            try:
                self._write(temporary, target, data)
            except FileNotFoundError:  # a folder went away under us: make it again
                self._folders.clear()
                self._write(temporary, target, data)
        except OSError as exc:
            raise StorageError(
                f"cannot store object {actual[:12]}: {exc}", path=str(target), errno=exc.errno
            ) from exc
        with self._lock:
            self.stats.writes += 1
            self._dirty.add(target.parent)
        return actual

    def sync(self) -> None:
        """Make the names of every object put (or removed) since the last sync durable.

        Raises:
            StorageError: a folder could not be fsynced.
        """
        with self._lock:
            folders, self._dirty = sorted(self._dirty), set()
        try:
            for folder in folders:
                self.fs.fsync_dir(folder)
        except OSError as exc:
            with self._lock:
                self._dirty.update(folders)
            raise StorageError(f"cannot sync the object store: {exc}", errno=exc.errno) from exc
        with self._lock:
            self.stats.syncs += len(folders)

    def get(self, sha256: str, *, verify: bool = True) -> bytes:
        """The bytes of a held object.

        Args:
            sha256: the object.
            verify: hash the bytes read and refuse a mismatch (a damaged disk).

        Raises:
            StorageError: the object is not held or cannot be read.
            VerificationError: the bytes read do not match the name.
        """
        path = self.path(sha256)
        with self._lock:
            self.stats.reads += 1
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise StorageError(
                f"cannot read object {sha256[:12]}: {exc}", path=str(path), errno=exc.errno
            ) from exc
        if verify and hashlib.sha256(data).hexdigest() != sha256:
            raise VerificationError(f"stored object {sha256[:12]} is damaged", sha256=sha256)
        return data

    def remove(self, sha256: str) -> None:
        """Forget an object. Remove what refers to it first (the closure invariant)."""
        path = self.path(sha256)
        self.fs.remove(path)
        with self._lock:
            self.stats.removes += 1
            self._dirty.add(path.parent)

    def sweep(self, *, legacy: bool = False) -> int:
        """Remove temporary files a crash left behind; return how many.

        Args:
            legacy: also look beside the objects, where agents before the
                closure invariant wrote them (a walk over every folder).
        """
        removed = 0
        incoming = self.root / INCOMING
        if incoming.is_dir():
            for path in incoming.iterdir():
                self.fs.remove(path)
                removed += 1
        if legacy and self.root.is_dir():
            for path in self.root.glob("*/.*.tmp"):
                self.fs.remove(path)
                removed += 1
        return removed

    def empty(self) -> bool:
        """Whether the store holds no object folder at all (a new kiosk)."""
        if not self.root.is_dir():
            return True
        return not any(len(p.name) == 2 for p in self.root.iterdir())

    def __iter__(self) -> Iterator[str]:
        """The SHA-256 of every object held."""
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if folder.is_dir() and len(folder.name) == 2:
                for path in sorted(folder.iterdir()):
                    if SHA256.match(path.name):
                        yield path.name

    def _write(self, temporary: Path, target: Path, data: bytes) -> None:
        self._folder(temporary.parent)
        self._folder(target.parent)
        try:
            self.fs.write_new(temporary, data)
            self.fs.rename(temporary, target)
        except BaseException:
            self.fs.remove(temporary)
            raise

    def _folder(self, path: Path) -> None:
        if path not in self._folders:
            self.fs.mkdir(path)
            with self._lock:
                self._folders.add(path)
