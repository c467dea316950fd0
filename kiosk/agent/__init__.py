"""The kiosk's update agent: verified releases, activated atomically. No Kivy here.

Entry points:

* ``Agent`` (``kiosk.agent.runner``): one refresh (``refresh``/``run_once``) or the
  service loop (``run_forever``); ``gongkai kiosk-agent`` is a thin CLI over it;
* ``ReleaseUpdater`` / ``refresh`` (``kiosk.agent.updater``): ngclient refresh
  and verified object download into the ``ObjectStore``;
* ``Activator`` / ``activate`` (``kiosk.agent.activate``): stage, fsync, switch
  ``active`` atomically, collect garbage; ``verify_release`` checks a release;
* ``AgentState`` (``kiosk.agent.state``): what the UI shows (内容更新于 …, stale);
* ``AgentHome`` (``kiosk.agent.home``): the folder layout; the UI reads only
  ``active/``.

Errors form one tree rooted at ``AgentError`` (``kiosk.agent.errors``).
"""

from kiosk.agent.activate import (
    Activation,
    Activator,
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
    ProvisioningError,
    RollbackError,
    StorageError,
    VerificationError,
)
from kiosk.agent.fs import FileSystem
from kiosk.agent.heartbeat import HeartbeatResult
from kiosk.agent.home import AgentHome
from kiosk.agent.runner import Agent, RefreshReport
from kiosk.agent.state import (
    DEFAULT_STALE_AFTER,
    AgentState,
    RefreshResult,
    state_load,
    state_save,
)
from kiosk.agent.store import ObjectStore
from kiosk.agent.updater import FetchedRelease, ReleaseUpdater, refresh

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
    "HeartbeatResult",
    "LockedError",
    "ObjectStore",
    "ProvisioningError",
    "RefreshReport",
    "RefreshResult",
    "Release",
    "ReleaseUpdater",
    "RollbackError",
    "StorageError",
    "VerificationError",
    "activate",
    "active_release",
    "refresh",
    "state_load",
    "state_save",
    "verify_release",
]
