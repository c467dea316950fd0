"""The kiosk home: where the agent keeps trust, objects and releases.

Layout::

    HOME/root.json             the provisioned trust anchor (copy the publisher's
                               HOME/provision/root.json here when installing)
    HOME/metadata/             ngclient's trusted metadata (root history, timestamp …)
    HOME/objects/<ab>/<sha256> the content-addressed store, shared by all releases
                               (kiosk.agent.store; closure invariant: an object is
                               there only with everything it refers to)
    HOME/objects/.incoming/    objects being written (emptied at every refresh)
    HOME/releases/<v>-<sha12>/ a release: manifest.json, release.json, and
                               objects -> ../../objects (a link to the store)
    HOME/active  -> releases/… the release the kiosk shows (the UI reads only this:
                               active/manifest.json, objects through the store)
    HOME/previous -> releases/… the release before it, kept for rollback
    HOME/state.json            last refresh, applied version, last error (kiosk.agent.state)
    HOME/gc.json               garbage collection: last run, releases dropped since,
                               and a marker while one runs (kiosk.agent.garbage)
    HOME/agent.lock            held while a refresh runs (one agent per home)
    HOME/tmp/                  downloads in progress (emptied at every refresh)

``active`` and ``previous`` are relative symbolic links, switched by renaming a
new link over the old one, so the home can be moved or mounted elsewhere; so
is each release's ``objects`` link.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["AgentHome"]


@dataclass(frozen=True, slots=True)
class AgentHome:
    """The paths of one kiosk home.

    Args:
        root: the home folder (``--home``).
    """

    root: Path

    @property
    def root_json(self) -> Path:
        """The provisioned root.json: the trust anchor of the first refresh."""
        return self.root / "root.json"

    @property
    def metadata(self) -> Path:
        """Ngclient's metadata cache."""
        return self.root / "metadata"

    @property
    def objects(self) -> Path:
        """The object store."""
        return self.root / "objects"

    @property
    def releases(self) -> Path:
        """Where complete releases are staged."""
        return self.root / "releases"

    @property
    def active(self) -> Path:
        """The link to the release on screen."""
        return self.root / "active"

    @property
    def previous(self) -> Path:
        """The link to the release before it."""
        return self.root / "previous"

    @property
    def state(self) -> Path:
        """The state file."""
        return self.root / "state.json"

    @property
    def gc(self) -> Path:
        """The garbage collector's schedule and crash marker."""
        return self.root / "gc.json"

    @property
    def tmp(self) -> Path:
        """Scratch space on the home's file system."""
        return self.root / "tmp"

    @property
    def lock(self) -> Path:
        """The lock file."""
        return self.root / "agent.lock"
