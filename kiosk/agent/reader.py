"""Read the release a kiosk shows: the API of the kiosk app (no Kivy, no network here).

A release folder holds its manifest; the objects are in the home's shared
store (``HOME/objects/<ab>/<sha256>``, see ``kiosk.agent.store``). A
``ReleaseReader`` pins the release ``HOME/active`` points to when it is made,
so a switch by the agent never mixes two releases in one screen; the app asks
``changed()`` (e.g. once a second, or on the state file's change) and makes a
new reader to follow. The agent keeps the objects of ``active`` and
``previous``; a reader pinned to an older release may find objects gone
(``StorageError``) and should move on to the new one.

Usage::

    reader = ReleaseReader(home)                 # NoReleaseError before the first activation
    reader.manifest.version
    for entity_type, leaf, entry in reader.entries(EntityType.LEADER):
        title, summary = entry["title"], entry["summary"]
        record = reader.record(entry)            # the full entity (parsed JSON)
        photos = [reader.path(sha) for sha in entry["files"]]   # image files for the UI
    notices = reader.loop()["notices"]
    if reader.changed():
        reader = ReleaseReader(home)

Every object read is verified against its SHA-256 (and size, where the
release gives it) unless ``verify=False``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from content.release import MalformedIndexError, walk
from kiosk.agent.errors import NoReleaseError, StorageError, VerificationError
from kiosk.agent.folders import folder_name, link_target, read_release
from kiosk.agent.home import AgentHome
from kiosk.agent.store import ObjectStore

if TYPE_CHECKING:
    from collections.abc import Iterator

    from content.enums import EntityType
    from content.release import IndexEntry, IndexLeaf, Manifest, ObjectRef
    from kiosk.agent.release import Release

__all__ = ["ReleaseReader"]


class ReleaseReader:
    """The release ``HOME/active`` points to, read through the shared object store.

    Args:
        home: the kiosk home (a path or an ``AgentHome``).
        verify: check every object read against its hash (and size).

    Raises:
        NoReleaseError: no release is active (a new kiosk), or it is unreadable.
    """

    def __init__(self, home: Path | AgentHome, *, verify: bool = True) -> None:
        self.home = home if isinstance(home, AgentHome) else AgentHome(Path(home))
        self.verify = verify
        self.store = ObjectStore(self.home.objects)
        target = link_target(self.home.active)
        if target is None:
            raise NoReleaseError(f"no active release in {self.home.root}")
        try:
            self.release: Release = read_release(self.home.root / target)
        except VerificationError as exc:
            raise NoReleaseError(f"the active release is unreadable: {exc}") from exc

    @property
    def name(self) -> str:
        """The release folder's name (``<version>-<sha12>``)."""
        return self.release.name

    @property
    def version(self) -> int:
        """The release version."""
        return self.release.version

    @property
    def manifest(self) -> Manifest:
        """The release's manifest."""
        return self.release.manifest

    def changed(self) -> bool:
        """Whether ``active`` now points to another release than the one read here."""
        target = link_target(self.home.active)
        return target is None or folder_name(target) != self.release.name

    def object(self, sha256: str, *, size: int | None = None) -> bytes:
        """An object's bytes.

        Raises:
            StorageError: the store does not hold it (or it cannot be read).
            VerificationError: its bytes do not match its hash or ``size``.
        """
        data = self.store.get(sha256, verify=self.verify)
        if self.verify and size is not None and len(data) != size:
            raise VerificationError(
                f"stored object {sha256[:12]} has the wrong size", sha256=sha256
            )
        return data

    def json(self, sha256: str, *, size: int | None = None) -> Any:
        """An object, parsed as JSON.

        Raises:
            StorageError, VerificationError: see ``object``; VerificationError
                also when it is not JSON.
        """
        try:
            return json.loads(self.object(sha256, size=size))
        except ValueError as exc:
            raise VerificationError(f"object {sha256[:12]} is not JSON", sha256=sha256) from exc

    def entries(
        self, entity_type: EntityType | None = None
    ) -> Iterator[tuple[EntityType, IndexLeaf, IndexEntry]]:
        """``(entity type, leaf, entry)`` for every entry (of one type, if given).

        An entry (``content.release.IndexEntry``) carries what lists need
        (``id``, ``title``, ``date``, ``summary``, ``object``, ``size``,
        ``files``); a leaf (``IndexLeaf``) carries its search shard
        (``content.search``). Index objects are read afresh on each walk and
        not kept: the caller keeps what it needs (a kiosk's memory is mostly
        the index it keeps).

        Raises:
            StorageError, VerificationError: see ``object``; VerificationError
                also for an index object of the wrong shape.
        """
        walked = walk(self.manifest, self._ref_json, entity_type=entity_type)
        try:
            yield from walked
        except MalformedIndexError as exc:
            raise VerificationError(str(exc), sha256=exc.sha256) from exc

    def record(self, entry: IndexEntry) -> Any:
        """The entity object an entry points to (parsed JSON)."""
        return self.json(entry["object"], size=entry["size"])

    def loop(self) -> Any:
        """The idle loop's object: notices and headline figures."""
        return self.json(self.manifest.loop.sha256, size=self.manifest.loop.size)

    def path(self, sha256: str) -> Path:
        """The file of an object (an image to hand to the UI toolkit), checked when verifying.

        Raises:
            StorageError: the store does not hold it.
            VerificationError: its bytes do not match its hash.
        """
        path = self.store.path(sha256)
        if not path.is_file():
            raise StorageError(f"object {sha256[:12]} is not in the store", path=str(path))
        if self.verify and hashlib.sha256(path.read_bytes()).hexdigest() != sha256:
            raise VerificationError(f"stored object {sha256[:12]} is damaged", sha256=sha256)
        return path

    def _ref_json(self, ref: ObjectRef) -> Any:
        return self.json(ref.sha256, size=ref.size)
