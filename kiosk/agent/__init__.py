"""The kiosk's update agent: verified releases, activated atomically. No Kivy here.

Entry points:

* ``Agent`` (``kiosk.agent.runner``): one refresh (``refresh``/``run_once``) or the
  service loop (``run_forever``); ``gongkai kiosk-agent`` is a thin CLI over it;
* ``ReleaseUpdater`` / ``refresh`` (``kiosk.agent.updater``): ngclient refresh,
  then the verified objects the ``ObjectStore`` lacks (``kiosk.agent.collector``);
* ``Activator`` / ``activate`` (``kiosk.agent.activation``): stage, fsync, switch
  ``active`` atomically; garbage collection when due (``kiosk.agent.garbage``);
* ``Release``, ``FetchedRelease`` (``kiosk.agent.release``): a release on the
  kiosk, and one fetched into the store;
* ``active_release``, ``verify_release`` (``kiosk.agent.folders``): read the
  active release folder; check a release deeply;
* ``ReleaseReader`` (``kiosk.agent.reader``): what the kiosk app reads: the
  active release's manifest, entries, entity objects and images, through the
  shared store;
* ``AgentState`` (``kiosk.agent.state``): what the UI shows (内容更新于 …, stale);
* ``AgentHome`` (``kiosk.agent.home``): the folder layout; the UI reads only
  ``active/`` (its manifest, and objects through the store).

An update costs O(changed objects): the store keeps a closure invariant (an
object is stored only after everything it refers to), so the updater never
descends into what it holds, and a release folder is a manifest and a link to
the store (``kiosk.agent.store``, ``kiosk.agent.folders``).

Errors form one tree rooted at ``AgentError`` (``kiosk.agent.errors``).

The names below are imported on first use (``content.lazy``): the kiosk app
reads releases without loading the TUF client. Type-checked code imports them
from the modules named above.
"""

from content import lazy

#: The public names, by the module that defines them.
_EXPORTS: dict[str, tuple[str, ...]] = {
    "kiosk.agent.activation": ("Activation", "Activator", "activate"),
    "kiosk.agent.config": ("DEFAULT_CHANNEL", "AgentConfig"),
    "kiosk.agent.errors": (
        "ActivationError",
        "AgentError",
        "ExpiredMetadataError",
        "FetchError",
        "LockedError",
        "NoReleaseError",
        "ProvisioningError",
        "RollbackError",
        "StorageError",
        "VerificationError",
    ),
    "kiosk.agent.folders": ("active_release", "verify_release"),
    "kiosk.agent.fs": ("FileSystem",),
    "kiosk.agent.garbage": ("GarbageReport",),
    "kiosk.agent.heartbeat": ("HeartbeatResult",),
    "kiosk.agent.home": ("AgentHome",),
    "kiosk.agent.reader": ("ReleaseReader",),
    "kiosk.agent.release": ("FetchedRelease", "Release"),
    "kiosk.agent.screenshots": ("ScreenshotOutbox",),
    "kiosk.agent.runner": ("Agent", "RefreshReport"),
    "kiosk.agent.state": (
        "DEFAULT_STALE_AFTER",
        "AgentState",
        "RefreshResult",
        "state_load",
        "state_save",
    ),
    "kiosk.agent.store": ("ObjectStore", "StoreStats"),
    "kiosk.agent.updater": ("ReleaseUpdater", "refresh"),
}

__getattr__ = lazy.exports(
    globals(), {name: module for module, names in _EXPORTS.items() for name in names}
)

__all__ = [name for names in _EXPORTS.values() for name in names]
