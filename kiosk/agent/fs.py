"""The file system calls the agent makes, behind one narrow, injectable class.

Everything the store and the activation write goes through a ``FileSystem``:
creating a file (written and fsynced), renaming, making folders and links,
fsyncing folders, removing. The default implementation is the real disk;
tests pass a subclass that fails with ``ENOSPC`` (or kills the process) at a
chosen call, which is how "a full disk while staging fails cleanly" and
"a crash at any point leaves ``active`` complete" are tested without filling
a real disk.

The primitives raise ``OSError`` like the OS does; callers translate it into
``kiosk.agent.errors`` at their boundary. Removal (``remove``, ``remove_tree``)
is cleanup and never raises.

``write_atomic`` is ``content.atomicfile.write_atomic`` run on these
primitives: a temporary file beside the target, written and fsynced, renamed
over it, the folder fsynced. A reader (or a crash) sees the old file or the
new one, never half of either.
"""

from __future__ import annotations

import contextlib
import shutil
from typing import TYPE_CHECKING

from content import atomicfile

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["FileSystem"]


class FileSystem(atomicfile.OsFileOps):
    """The real file system; subclass and override a primitive to inject faults.

    Every primitive that allocates space or changes a name (removals
    included) goes through ``_before(operation, path)`` first, so a
    fault-injecting subclass can override that one hook instead of each
    method. (A removal ignores an error from the hook: removal never fails.)
    """

    def write_new(self, path: Path, data: bytes, *, mode: int = 0o644) -> None:
        """Create ``path`` (it must not exist), write ``data``, fsync and close it.

        Raises:
            OSError: the file exists, or the disk refused (``ENOSPC`` …); a
                partly written file is removed.
        """
        self._before("write", path)
        super().write_new(path, data, mode=mode)

    def mkdir(self, path: Path) -> None:
        """Make a folder and any missing parents (an existing one is fine).

        Raises:
            OSError: the folder cannot be made.
        """
        self._before("mkdir", path)
        path.mkdir(parents=True, exist_ok=True)

    def rename(self, source: Path, target: Path) -> None:
        """Rename atomically (``os.replace``): over a file, or to a new name.

        Raises:
            OSError: the rename failed.
        """
        self._before("rename", target)
        source.replace(target)

    def symlink(self, target: str, link: Path) -> None:
        """Make a new symbolic link ``link`` pointing to ``target``.

        Raises:
            OSError: ``link`` exists, or the link cannot be made.
        """
        self._before("symlink", link)
        link.symlink_to(target)

    def fsync_dir(self, path: Path) -> None:
        """Make a folder's entries (new, renamed or removed names) durable.

        Raises:
            OSError: the folder cannot be opened or synced.
        """
        self._before("fsync", path)
        super().fsync_dir(path)

    def remove(self, path: Path) -> None:
        """Remove a file or link if it exists (cleanup: never raises)."""
        with contextlib.suppress(OSError):  # the hook may kill, never fail, a removal
            self._before("remove", path)
        with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
            path.unlink()

    def remove_tree(self, path: Path) -> None:
        """Remove a folder and everything in it, if it exists (cleanup: never raises)."""
        with contextlib.suppress(OSError):
            self._before("remove_tree", path)
        shutil.rmtree(path, ignore_errors=True)

    def write_atomic(self, path: Path, data: bytes, *, sync_dir: bool = True) -> None:
        """Replace ``path`` with ``data`` through these primitives (see the module doc).

        Args:
            path: the file to write.
            data: its new content.
            sync_dir: fsync the folder too, so the new name survives a power
                cut (skipped where losing the new name is harmless).

        Raises:
            OSError: any step failed; the temporary file is removed and
                ``path`` is unchanged.
        """
        atomicfile.write_atomic(path, data, sync_dir=sync_dir, ops=self)

    def _before(self, operation: str, path: Path) -> None:
        """Hook called before each primitive; the real file system does nothing."""
