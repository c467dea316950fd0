"""The kiosk's content-addressed object store: ``HOME/objects/<ab>/<sha256>``.

Objects are named by the SHA-256 of their bytes and written once (temporary
file, fsync, rename), so a name that exists always holds complete bytes. Only
verified bytes are put here: ``put`` hashes what it is given and refuses a
mismatch with the hash the caller expected. Releases hard-link their objects
from here, so an object shared by many releases is stored once.

Usage::

    store = ObjectStore(home / "objects")
    if not store.has(sha):
        store.put(verified_bytes, sha256=sha)
    data = store.get(sha)
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from kiosk.agent._records import SHA256
from kiosk.agent.errors import StorageError, VerificationError
from kiosk.agent.fs import FileSystem

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

__all__ = ["ObjectStore"]


class ObjectStore:
    """Objects by SHA-256 under one folder.

    Args:
        root: the store folder (``HOME/objects``).
        fs: the file system (tests inject faults).
    """

    def __init__(self, root: Path, *, fs: FileSystem | None = None) -> None:
        self.root = root
        self.fs = fs or FileSystem()

    def path(self, sha256: str) -> Path:
        """Where the object ``sha256`` lives (whether or not it is held).

        Raises:
            VerificationError: ``sha256`` is not 64 lowercase hex digits.
        """
        if not SHA256.match(sha256):
            raise VerificationError(f"not a SHA-256: {sha256[:80]!r}")
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        """Whether the object is held."""
        return self.path(sha256).is_file()

    def put(self, data: bytes, *, sha256: str | None = None) -> str:
        """Store verified bytes; return their SHA-256. An object already held is kept.

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
        try:
            self.fs.mkdir(target.parent)
            self.fs.write_atomic(target, data, sync_dir=False)
        except OSError as exc:
            raise StorageError(
                f"cannot store object {actual[:12]}: {exc}", path=str(target), errno=exc.errno
            ) from exc
        return actual

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
        """Forget an object (releases that link it keep their copy)."""
        self.fs.remove(self.path(sha256))

    def sweep(self) -> int:
        """Remove temporary files a crash left behind; return how many."""
        removed = 0
        if self.root.is_dir():
            for path in self.root.glob("*/.*.tmp"):
                self.fs.remove(path)
                removed += 1
        return removed

    def __iter__(self) -> Iterator[str]:
        """The SHA-256 of every object held."""
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if folder.is_dir() and len(folder.name) == 2:
                for path in sorted(folder.iterdir()):
                    if SHA256.match(path.name):
                        yield path.name
