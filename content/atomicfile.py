"""Files that a reader, or a crash, never sees half written.

Every store in the project (the demo data, the TUF repository, signing keys,
the document mirror, a kiosk's releases) writes the same way: the bytes go to
a temporary file in the target's folder, are flushed and fsynced, then renamed
over the target, and the folder is fsynced so the new name survives a power
cut. A failure at any step removes the temporary file and leaves the target as
it was.

The steps go through a :class:`FileOps` so that a caller with its own file
system seam (the kiosk agent injects faults such as a full disk at each step)
reuses this one sequence instead of writing its own::

    write_atomic(path, data)                  # the real disk
    write_atomic(path, data, ops=agent_fs)    # the agent's seam
"""

from __future__ import annotations

import contextlib
import os
import secrets
from typing import IO, TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

__all__ = ["FileOps", "OsFileOps", "fsync_dir", "spooled_file", "write_atomic"]


class FileOps(Protocol):
    """The file-system steps an atomic write is made of."""

    def write_new(self, path: Path, data: bytes, *, mode: int = 0o644) -> None:
        """Create ``path`` (it must not exist), write ``data``, fsync and close it."""
        ...

    def rename(self, source: Path, target: Path) -> None:
        """Rename atomically, over ``target`` if it exists."""
        ...

    def fsync_dir(self, path: Path) -> None:
        """Flush a folder's entries to disk."""
        ...

    def remove(self, path: Path) -> None:
        """Remove a file if it exists; never raises."""
        ...


class OsFileOps:
    """:class:`FileOps` on the real disk."""

    def write_new(self, path: Path, data: bytes, *, mode: int = 0o644) -> None:
        """Create ``path`` exclusively with ``mode``, write ``data``, fsync and close it.

        Raises:
            OSError: the file exists, or the write failed (the file is removed).
        """
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        try:
            os.fchmod(fd, mode)  # exactly ``mode``, whatever the process's umask
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            self.remove(path)
            raise
        os.close(fd)

    def rename(self, source: Path, target: Path) -> None:
        """``os.replace``: atomic on one file system.

        Raises:
            OSError: the rename failed.
        """
        source.replace(target)

    def fsync_dir(self, path: Path) -> None:
        """Flush a folder's entries, so a rename in it survives a power cut.

        Raises:
            OSError: the folder cannot be opened or flushed.
        """
        fsync_dir(path)

    def remove(self, path: Path) -> None:
        """Remove a file if it exists; never raises."""
        with contextlib.suppress(OSError):
            path.unlink()


_OS = OsFileOps()


def write_atomic(
    path: Path,
    data: bytes,
    *,
    mode: int = 0o644,
    sync_dir: bool = True,
    make_parents: bool = False,
    ops: FileOps = _OS,
) -> None:
    """Replace ``path`` with ``data`` so that readers see the old or the new file, whole.

    Args:
        path: the file to write.
        data: its new content.
        mode: the new file's permissions (0o600 for secrets); applied at
            creation, so the bytes are never readable more widely.
        sync_dir: fsync the folder after the rename (skip only where losing
            the new name to a power cut is harmless).
        make_parents: create missing parent folders first.
        ops: the file-system steps (the real disk by default).

    Raises:
        OSError: a step failed; the temporary file is removed and ``path`` is
            unchanged.
    """
    if make_parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        ops.write_new(temporary, data, mode=mode)
        ops.rename(temporary, path)
    except BaseException:
        ops.remove(temporary)
        raise
    if sync_dir:
        ops.fsync_dir(path.parent)


@contextlib.contextmanager
def spooled_file(
    folder: Path, *, prefix: str, suffix: str = ".part"
) -> Iterator[tuple[IO[bytes], Path]]:
    """A new temporary file in ``folder`` to stream into, fsynced when the block ends.

    For data too large to hold in memory (a downloaded document): the caller
    writes to the handle and later renames the path into place. If the block
    raises, the file is removed.

    Yields:
        The open binary handle and the file's path.

    Raises:
        OSError: the file cannot be created or flushed.
    """
    path = folder / f"{prefix}{secrets.token_hex(8)}{suffix}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle, path
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def fsync_dir(folder: Path) -> None:
    """Flush ``folder``'s entries to disk.

    Raises:
        OSError: the folder cannot be opened or flushed.
    """
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
