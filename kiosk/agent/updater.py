"""Refresh a channel: trusted metadata through ngclient, then the missing objects, verified.

The only TUF target of a channel is its manifest (``channels/<c>/manifest.json``);
ngclient verifies it (signatures, expiry, versions, length and hash). Every
other object is verified against the hash and size that the verified manifest,
index node or entity gives, before it is stored::

    ngclient ──► manifest (TUF target) ──► index nodes ──► leaves ──► entity objects
                                       └─► loop object              └─► images (files)

Cost is proportional to what changed: ``kiosk.agent.collector`` fetches only
the objects the store lacks, and stores them bottom-up (the store's closure
invariant, ``kiosk.agent.store``), so an update where one item changed reads,
downloads and writes the changed entity, its leaf, the nodes above it and the
manifest, never the rest of the index. The manifest is stored last.

A kill at any point leaves children without their parents, never the reverse;
the next refresh finds the missing parents and completes them. A release is
complete exactly when its manifest is in the store. Nothing here touches
``active``: ``kiosk.agent.activation`` does that with what ``refresh`` returns.

Usage::

    updater = ReleaseUpdater(config, store=store, http=http)
    fetched = updater.refresh(current=active_release(home))
    if not fetched.current:
        activate(home, fetched, store=store)  # kiosk.agent.activation
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from typing import TYPE_CHECKING, Any

import pydantic
from tuf.api import exceptions as tuf_exceptions
from tuf.ngclient import Updater, UpdaterConfig

from content.release import Manifest
from kiosk.agent._http import HttpClient, TufFetcher
from kiosk.agent.collector import Collector
from kiosk.agent.errors import (
    AgentError,
    ExpiredMetadataError,
    FetchError,
    ProvisioningError,
    RollbackError,
    StorageError,
    VerificationError,
)
from kiosk.agent.home import AgentHome
from kiosk.agent.release import FetchedRelease
from kiosk.agent.store import ObjectStore

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from kiosk.agent.config import AgentConfig
    from kiosk.agent.release import Release

__all__ = ["ReleaseUpdater", "refresh"]

log = logging.getLogger("gongkai.kiosk.agent")


class ReleaseUpdater:
    """Refreshes one channel into an object store; keep one per agent (it caches ETags).

    Args:
        config: the agent configuration.
        store: the object store.
        http: the HTTP client.
    """

    def __init__(self, config: AgentConfig, *, store: ObjectStore, http: HttpClient) -> None:
        self.config = config
        self.home = AgentHome(config.home)
        self.store = store
        self.http = http
        self._fetcher = TufFetcher(http)

    def refresh(self, *, current: Release | None = None) -> FetchedRelease:
        """Verify the channel's newest release and fetch every object the store lacks.

        Args:
            current: the active release, if any (an identical target means
                "already current"; an older one is a rollback). When it is
                current but no longer complete in the store (garbage collection
                found a damaged object), the missing objects are fetched again.

        Returns:
            The release, verified, complete in the store.

        Raises:
            ProvisioningError: no usable trusted root.
            FetchError: the publisher could not be reached, or has no release.
            VerificationError: metadata or an object failed verification
                (``ExpiredMetadataError`` and ``RollbackError`` included).
            StorageError: the local disk failed.
        """
        repairing = False
        downloaded = 0
        with _translated():
            updater = self._updater()
            updater.refresh()
            info = updater.get_targetinfo(self.config.target_path)
            if info is None:
                raise FetchError(
                    f"the publisher has no signed release of channel {self.config.channel}",
                    status=404,
                )
            sha256 = info.hashes.get("sha256")
            if sha256 is None:
                raise VerificationError("the manifest target has no SHA-256 hash")
            if current is not None and current.manifest_sha256 == sha256:
                if self.store.complete(current.manifest, sha256):
                    return FetchedRelease(
                        manifest=current.manifest,
                        manifest_bytes=current.manifest_bytes,
                        manifest_sha256=sha256,
                        current=True,
                    )
                log.warning("the active release is incomplete in the store; repairing it")
                data, repairing = current.manifest_bytes, True
            else:
                stored = self._stored_manifest(info, sha256)
                if stored is None:
                    stored = self._download_target(updater, info)
                    downloaded = len(stored)
                data = stored
        manifest = _parse_manifest(data, channel=self.config.channel)
        if current is not None and manifest.version < current.manifest.version:
            raise RollbackError(
                f"release v{manifest.version} is older than the active v{current.manifest.version}"
            )
        return self._complete(manifest, data, sha256, current=repairing, downloaded=downloaded)

    def repair(self, release: Release) -> FetchedRelease:
        """Fetch again what a release on the kiosk lacks in the store.

        Garbage collection removes a damaged object with everything above it,
        up to the manifests of ``active`` and ``previous``; this puts them back.
        The manifest is the release folder's (verified when it was activated).

        Raises:
            FetchError, VerificationError, StorageError: see ``refresh``.
        """
        return self._complete(
            release.manifest, release.manifest_bytes, release.manifest_sha256, current=True
        )

    def _complete(
        self, manifest: Manifest, data: bytes, sha256: str, *, current: bool, downloaded: int = 0
    ) -> FetchedRelease:
        """Collect what the store lacks of a verified manifest; store the manifest last."""
        collector = Collector(self.config, self.store, self.http)
        if not self.store.complete(manifest, sha256):
            with _translated():
                if self.store.has(sha256):  # held without its roots: a store that lost some
                    self.store.remove(sha256)
                collector.collect(manifest)
                self.store.put(data, sha256=sha256)  # last: it makes the release complete
                self.store.sync()
        return FetchedRelease(
            manifest=manifest,
            manifest_bytes=data,
            manifest_sha256=sha256,
            current=current,
            downloaded_objects=collector.downloaded + (1 if downloaded else 0),
            downloaded_bytes=collector.downloaded_bytes + downloaded,
        )

    def _stored_manifest(self, info: Any, sha256: str) -> bytes | None:
        """The manifest's bytes if the store holds them intact (fetched before)."""
        if not self.store.has(sha256):
            return None
        try:
            data = self.store.get(sha256)
            info.verify_length_and_hashes(data)
        except (VerificationError, tuf_exceptions.LengthOrHashMismatchError):
            log.warning("stored manifest %s is damaged; fetching it again", sha256[:12])
            self.store.remove(sha256)
            return None
        return data

    def _updater(self) -> Updater:
        """An ngclient Updater: the cached trusted root if valid, else the provisioned one."""
        self.home.metadata.mkdir(parents=True, exist_ok=True)
        config = UpdaterConfig(app_user_agent=f"gongkai-kiosk/{self.config.app_version}")
        common: dict[str, Any] = {
            "metadata_dir": str(self.home.metadata),
            "metadata_base_url": self.config.metadata_url,
            "target_base_url": self.config.targets_url,
            "fetcher": self._fetcher,
            "config": config,
        }
        if (self.home.metadata / "root.json").exists():
            try:
                return Updater(**common, bootstrap=None)
            except (OSError, tuf_exceptions.RepositoryError, ValueError) as exc:
                log.warning("cached trusted root unusable (%s); using the provisioned one", exc)
        try:
            provisioned = self.home.root_json.read_bytes()
        except OSError as exc:
            raise ProvisioningError(
                f"no trusted root: provision {self.home.root_json} with the publisher's root.json"
            ) from exc
        try:
            return Updater(**common, bootstrap=provisioned)
        except (tuf_exceptions.RepositoryError, ValueError) as exc:
            raise ProvisioningError(f"{self.home.root_json} is not a valid root: {exc}") from exc

    def _download_target(self, updater: Updater, info: Any) -> bytes:
        self.home.tmp.mkdir(parents=True, exist_ok=True)
        path = self.home.tmp / f"manifest-{secrets.token_hex(6)}"
        try:
            updater.download_target(info, filepath=str(path))
            return path.read_bytes()
        finally:
            path.unlink(missing_ok=True)


def refresh(
    config: AgentConfig,
    *,
    current: Release | None = None,
    store: ObjectStore | None = None,
    http: HttpClient | None = None,
) -> FetchedRelease:
    """Refresh ``config``'s channel once (a thin wrapper over ``ReleaseUpdater``).

    Raises:
        AgentError: see ``ReleaseUpdater.refresh``.
    """
    store = store or ObjectStore(AgentHome(config.home).objects)
    http = http or HttpClient(
        connect_timeout=config.connect_timeout,
        read_timeout=config.read_timeout,
        deadline=config.deadline,
        min_rate=config.min_rate,
    )
    return ReleaseUpdater(config, store=store, http=http).refresh(current=current)


# --- helpers ------------------------------------------------------------------------


def _parse_manifest(data: bytes, *, channel: str) -> Manifest:
    try:
        manifest = Manifest.model_validate_json(data)
    except pydantic.ValidationError as exc:
        raise VerificationError(f"the signed manifest does not parse: {exc}") from exc
    if manifest.channel != channel:
        raise VerificationError(
            f"the manifest is for channel {manifest.channel}, this kiosk shows {channel}"
        )
    return manifest


@contextlib.contextmanager
def _translated() -> Iterator[None]:
    """Turn tuf's and the OS's exceptions into the agent's (``raise … from``)."""
    try:
        yield
    except (tuf_exceptions.RepositoryError, tuf_exceptions.DownloadError, OSError) as exc:
        raise _translation(exc) from exc


def _translation(exc: Exception) -> AgentError:
    """The agent's error for a foreign one; the most specific type listed first wins."""
    cause = exc.__cause__
    table: tuple[tuple[type[Exception], Callable[[], AgentError]], ...] = (
        (tuf_exceptions.ExpiredMetadataError,
         lambda: ExpiredMetadataError(f"expired metadata (refused as current): {exc}")),
        (tuf_exceptions.BadVersionNumberError,
         lambda: RollbackError(f"older metadata than already trusted (replay): {exc}")),
        (tuf_exceptions.UnsignedMetadataError,
         lambda: VerificationError(f"metadata signature does not verify: {exc}")),
        (tuf_exceptions.LengthOrHashMismatchError,
         lambda: VerificationError(f"metadata or manifest hash mismatch: {exc}")),
        (tuf_exceptions.RepositoryError,
         lambda: VerificationError(f"metadata failed verification: {exc}")),
        (tuf_exceptions.DownloadLengthMismatchError,
         lambda: VerificationError(f"metadata longer than allowed: {exc}")),
        (tuf_exceptions.DownloadHTTPError,
         lambda: FetchError(str(exc), status=getattr(exc, "status_code", None))),
        (tuf_exceptions.DownloadError, lambda: FetchError(str(cause or exc))),
        (OSError,
         lambda: StorageError(f"local disk: {exc}", errno=getattr(exc, "errno", None))),
    )  # fmt: skip
    for kind, make in table:
        if isinstance(exc, kind):
            return make()
    return AgentError(str(exc))  # pragma: no cover - the except clause lists the roots
