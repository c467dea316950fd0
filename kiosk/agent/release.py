"""The two release types of the agent: one fetched into the store, one staged on the kiosk.

``ReleaseUpdater.refresh`` (``kiosk.agent.updater``) returns a ``FetchedRelease``:
verified, complete in the object store. ``Activator.activate``
(``kiosk.agent.activation``) stages it as a ``Release``: a folder of the home,
which ``read_release`` (``kiosk.agent.folders``) reads back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from content.release import Manifest

__all__ = ["FetchedRelease", "Release", "release_name"]


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
class FetchedRelease:
    """A verified release that is complete in the store (its manifest included).

    Attributes:
        manifest: the parsed manifest.
        manifest_bytes: its bytes, exactly as signed.
        manifest_sha256: their SHA-256 (the TUF target hash).
        current: the release is the one already active (nothing to activate;
            objects missing from the store, if any, were fetched again).
        downloaded_objects: objects downloaded by this refresh (manifest included).
        downloaded_bytes: bytes of those objects (metadata not counted).
    """

    manifest: Manifest
    manifest_bytes: bytes
    manifest_sha256: str
    current: bool = False
    downloaded_objects: int = 0
    downloaded_bytes: int = 0

    @property
    def name(self) -> str:
        """The release folder's name: ``<version>-<first 12 hex of the manifest hash>``."""
        return release_name(self.manifest.version, self.manifest_sha256)

    def staged(self, path: Path) -> Release:
        """The release as staged in the folder ``path``."""
        return Release(
            name=self.name,
            path=path,
            manifest=self.manifest,
            manifest_bytes=self.manifest_bytes,
            manifest_sha256=self.manifest_sha256,
        )


def release_name(version: int, manifest_sha256: str) -> str:
    """The folder name of a release: ``<version>-<first 12 hex of the manifest hash>``."""
    return f"{version}-{manifest_sha256[:12]}"
