"""Errors raised by the kiosk update agent.

Hierarchy::

    AgentError                  root: a refresh or activation did not happen
    ├── ProvisioningError       the home has no usable root.json (or bad options)
    ├── LockedError             another agent process is working on this home
    ├── NoReleaseError          the home has no active release yet (ReleaseReader)
    ├── FetchError              the publisher could not be reached, or answered an error
    ├── VerificationError       signed metadata or an object failed verification
    │   ├── ExpiredMetadataError    metadata past its expiry (a freeze attack, or a
    │   │                           publisher that stopped re-signing)
    │   └── RollbackError           older metadata or an older release than already
    │                               trusted (a replay)
    └── StorageError            the kiosk's own disk failed (full, read-only …)
        └── ActivationError     staging or switching a release failed; ``active``
                                was not touched

Foreign exceptions (tuf, urllib3, pydantic, OSError) are translated where the
agent calls those libraries, with ``raise … from exc``; callers only ever catch
these. Every error has a short ``kind`` (``"fetch"``, ``"verification"`` …)
that the state file and the heartbeat carry, so nobody parses messages.
"""

from __future__ import annotations

import errno as _errno

__all__ = [
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
]


class AgentError(Exception):
    """Root of every failure of the agent; ``active`` is never touched by one."""

    kind = "agent"


class ProvisioningError(AgentError):
    """The kiosk home is not provisioned (no readable root.json) or is misconfigured."""

    kind = "provisioning"


class LockedError(AgentError):
    """Another agent process holds this home's lock."""

    kind = "locked"


class NoReleaseError(AgentError):
    """No release has been activated in this home yet (or ``active`` is unreadable)."""

    kind = "no-release"


class FetchError(AgentError):
    """The publisher (or a mirror) could not be reached, or answered an HTTP error.

    Attributes:
        url: what was requested, when known.
        status: the HTTP status, when the server answered one.
    """

    kind = "fetch"

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


class VerificationError(AgentError):
    """Signed metadata, the manifest or an object did not verify (signature, hash, size).

    Attributes:
        sha256: the object concerned, when one is.
    """

    kind = "verification"

    def __init__(self, message: str, *, sha256: str | None = None) -> None:
        super().__init__(message)
        self.sha256 = sha256


class ExpiredMetadataError(VerificationError):
    """Metadata is past its expiry: the kiosk must not treat it as current."""

    kind = "expired"


class RollbackError(VerificationError):
    """Metadata or a release older than what the kiosk already trusts was offered."""

    kind = "rollback"


class StorageError(AgentError):
    """A local disk operation failed.

    Attributes:
        path: the file or folder concerned, when known.
        errno: the OS error number, when there is one (``errno.ENOSPC`` …).
    """

    kind = "storage"

    def __init__(self, message: str, *, path: str | None = None, errno: int | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.errno = errno

    @property
    def disk_full(self) -> bool:
        """Whether the disk (or its quota) is full."""
        return self.errno in {_errno.ENOSPC, _errno.EDQUOT}


class ActivationError(StorageError):
    """A release could not be staged or switched to; ``active`` is unchanged."""

    kind = "activation"
