"""Release folders on the kiosk: their layout, reading one, and checking one deeply.

A release folder is small: the objects stay in the shared store
(``HOME/objects``, see ``kiosk.agent.store``) and the folder links to it::

    releases/<v>-<sha12>/manifest.json    the manifest, exactly as signed
    releases/<v>-<sha12>/release.json     name, channel, version, manifest sha256, staged at
    releases/<v>-<sha12>/objects -> ../../objects    the shared store

so ``active/manifest.json`` and ``active/objects/<ab>/<sha256>`` are what the
kiosk app reads (``kiosk.agent.reader.ReleaseReader`` does it for it).
``kiosk.agent.activation`` stages folders and switches the links to them;
``kiosk.agent.garbage`` removes the folders neither link names.

``read_release`` reads a folder's manifest (cheap); ``verify_release``
re-reads and re-hashes everything the release reaches (O(objects): the test
oracle and a repair tool, not part of an update).
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import TYPE_CHECKING, Any

import pydantic

from content.release import Manifest, walk
from kiosk.agent._records import SHA256, file_sizes
from kiosk.agent.errors import VerificationError
from kiosk.agent.release import Release

if TYPE_CHECKING:
    from pathlib import Path

    from content.release import ObjectRef
    from kiosk.agent.fs import FileSystem
    from kiosk.agent.home import AgentHome

__all__ = [
    "MANIFEST_JSON",
    "OBJECTS_LINK",
    "RELEASE_JSON",
    "STAGING",
    "active_release",
    "folder_name",
    "link_target",
    "linked_release",
    "read_release",
    "remove_folder",
    "verify_release",
]

log = logging.getLogger("gongkai.kiosk.agent")

MANIFEST_JSON = "manifest.json"
RELEASE_JSON = "release.json"
#: Where a release folder's ``objects`` link points: the shared store.
OBJECTS_LINK = "../../objects"
#: The name prefix of a folder being staged (``releases/.staging-<name>-<random>``).
STAGING = ".staging-"


def active_release(home: AgentHome) -> Release | None:
    """The active release, or None when none was ever activated (or it is unreadable)."""
    return linked_release(home.active)


def linked_release(link: Path) -> Release | None:
    """The release a link of the home (``active``, ``previous``) points to, if readable."""
    target = link_target(link)
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
    object and every image an entity lists.

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
            for sha in entry["files"]:
                read(sha, sizes.get(sha))
        load(release.manifest.loop)
    except (KeyError, TypeError, ValueError) as exc:  # MalformedIndexError is a ValueError
        raise VerificationError(f"{path.name}: malformed release ({exc!r})") from exc
    return release


def link_target(link: Path) -> str | None:
    """Where a link of the home points (``releases/<name>``), or None (no link)."""
    try:
        return str(link.readlink())
    except OSError:
        return None


def folder_name(target: str | None) -> str | None:
    """The release folder a link target names (``releases/<name>`` → ``<name>``)."""
    return target.rsplit("/", 1)[-1] if target else None


def remove_folder(fs: FileSystem, path: Path) -> None:
    """Remove a release folder, or whatever a crash left at its name (cleanup: never raises)."""
    if path.is_symlink() or path.is_file():
        fs.remove(path)
    else:
        fs.remove_tree(path)
