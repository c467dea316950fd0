"""The kiosk's update agent: verified releases, activated atomically. No Kivy here.

Entry points:

* ``Agent`` (``kiosk.agent.runner``): one refresh (``refresh``/``run_once``) or the
  service loop (``run_forever``); ``gongkai kiosk-agent`` is a thin CLI over it;
* ``ReleaseUpdater`` / ``refresh`` (``kiosk.agent.updater``): ngclient refresh
  and verified object download into the ``ObjectStore``;
* ``Activator`` / ``activate`` (``kiosk.agent.activate``): stage, fsync, switch
  ``active`` atomically, collect garbage when due; ``verify_release`` checks a
  release deeply;
* ``ReleaseReader`` (``kiosk.agent.reader``): what the kiosk app reads: the
  active release's manifest, entries, entity objects and images, through the
  shared store;
* ``AgentState`` (``kiosk.agent.state``): what the UI shows (内容更新于 …, stale);
* ``AgentHome`` (``kiosk.agent.home``): the folder layout; the UI reads only
  ``active/`` (its manifest, and objects through the store).

An update costs O(changed objects): the store keeps a closure invariant (an
object is stored only after everything it refers to), so the updater never
descends into what it holds, and a release folder is a manifest and a link to
the store (``kiosk.agent.store``, ``kiosk.agent.activate``).

Errors form one tree rooted at ``AgentError`` (``kiosk.agent.errors``).
"""

import typing

from content import lazy

if typing.TYPE_CHECKING:
    from kiosk.agent.activate import (
        Activation,
        Activator,
        GarbageReport,
        Release,
        activate,
        active_release,
        verify_release,
    )
    from kiosk.agent.config import DEFAULT_CHANNEL, AgentConfig
    from kiosk.agent.errors import (
        ActivationError,
        AgentError,
        ExpiredMetadataError,
        FetchError,
        LockedError,
        NoReleaseError,
        ProvisioningError,
        RollbackError,
        StorageError,
        VerificationError,
    )
    from kiosk.agent.fs import FileSystem
    from kiosk.agent.heartbeat import HeartbeatResult
    from kiosk.agent.home import AgentHome
    from kiosk.agent.reader import ReleaseReader
    from kiosk.agent.runner import Agent, RefreshReport
    from kiosk.agent.state import (
        DEFAULT_STALE_AFTER,
        AgentState,
        RefreshResult,
        state_load,
        state_save,
    )
    from kiosk.agent.store import ObjectStore, StoreStats
    from kiosk.agent.updater import FetchedRelease, ReleaseUpdater, refresh

# ``activate`` names a function and its module: imported here, or importing the
# module anywhere would leave the module where the function should be.
from kiosk.agent.activate import activate

# Loaded on first use: the kiosk app reads releases without loading the TUF client.
__getattr__ = lazy.exports(
    globals(),
    {
        "Activation": "kiosk.agent.activate",
        "Activator": "kiosk.agent.activate",
        "GarbageReport": "kiosk.agent.activate",
        "Release": "kiosk.agent.activate",
        "active_release": "kiosk.agent.activate",
        "verify_release": "kiosk.agent.activate",
        "DEFAULT_CHANNEL": "kiosk.agent.config",
        "AgentConfig": "kiosk.agent.config",
        "ActivationError": "kiosk.agent.errors",
        "AgentError": "kiosk.agent.errors",
        "ExpiredMetadataError": "kiosk.agent.errors",
        "FetchError": "kiosk.agent.errors",
        "LockedError": "kiosk.agent.errors",
        "NoReleaseError": "kiosk.agent.errors",
        "ProvisioningError": "kiosk.agent.errors",
        "RollbackError": "kiosk.agent.errors",
        "StorageError": "kiosk.agent.errors",
        "VerificationError": "kiosk.agent.errors",
        "FileSystem": "kiosk.agent.fs",
        "HeartbeatResult": "kiosk.agent.heartbeat",
        "AgentHome": "kiosk.agent.home",
        "ReleaseReader": "kiosk.agent.reader",
        "Agent": "kiosk.agent.runner",
        "RefreshReport": "kiosk.agent.runner",
        "DEFAULT_STALE_AFTER": "kiosk.agent.state",
        "AgentState": "kiosk.agent.state",
        "RefreshResult": "kiosk.agent.state",
        "state_load": "kiosk.agent.state",
        "state_save": "kiosk.agent.state",
        "ObjectStore": "kiosk.agent.store",
        "StoreStats": "kiosk.agent.store",
        "FetchedRelease": "kiosk.agent.updater",
        "ReleaseUpdater": "kiosk.agent.updater",
        "refresh": "kiosk.agent.updater",
    },
)

__all__ = [
    "DEFAULT_CHANNEL",
    "DEFAULT_STALE_AFTER",
    "Activation",
    "ActivationError",
    "Activator",
    "Agent",
    "AgentConfig",
    "AgentError",
    "AgentHome",
    "AgentState",
    "ExpiredMetadataError",
    "FetchError",
    "FetchedRelease",
    "FileSystem",
    "GarbageReport",
    "HeartbeatResult",
    "LockedError",
    "NoReleaseError",
    "ObjectStore",
    "ProvisioningError",
    "RefreshReport",
    "RefreshResult",
    "Release",
    "ReleaseReader",
    "ReleaseUpdater",
    "RollbackError",
    "StorageError",
    "StoreStats",
    "VerificationError",
    "activate",
    "active_release",
    "refresh",
    "state_load",
    "state_save",
    "verify_release",
]
