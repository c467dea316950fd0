"""Refresh a channel: trusted metadata through ngclient, then every object, verified.

The only TUF target of a channel is its manifest (``channels/<c>/manifest.json``);
ngclient verifies it (signatures, expiry, versions, length and hash). Every
other object is verified against the hash and size that the verified manifest,
index node or entity gives, before it is stored::

    ngclient ──► manifest (TUF target) ──► index nodes ──► leaves ──► entity objects
                                       └─► loop object              └─► images (files)

Objects already in the store are reused, never downloaded again; so an update
where one item changed costs the changed entity, its leaf, the nodes above it
and the manifest. Nothing here touches ``active``: ``kiosk.agent.activate``
does that with what ``refresh`` returns.

Usage::

    updater = ReleaseUpdater(config, store=store, http=http)
    fetched = updater.refresh(current=active_release(home))
    if not fetched.current:
        activate(home, fetched, store=store)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import secrets
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pydantic
from tuf.api import exceptions as tuf_exceptions
from tuf.ngclient import Updater, UpdaterConfig

from content.release import Manifest, ObjectRef, walk
from kiosk.agent._http import HttpClient, TufFetcher
from kiosk.agent._records import file_sizes, release_name
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
from kiosk.agent.store import ObjectStore

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from kiosk.agent.activate import Release
    from kiosk.agent.config import AgentConfig

__all__ = ["FetchedRelease", "ReleaseUpdater", "refresh"]

log = logging.getLogger("gongkai.kiosk.agent")


@dataclass(frozen=True, slots=True)
class FetchedRelease:
    """A verified release whose objects are all in the store.

    Attributes:
        manifest: the parsed manifest.
        manifest_bytes: its bytes, exactly as signed.
        manifest_sha256: their SHA-256 (the TUF target hash).
        objects: every object the release needs (index nodes, leaves, the loop
            object, entity objects, images); empty when ``current``.
        current: the release is the one already active; nothing was fetched.
        downloaded_objects: objects downloaded by this refresh.
        downloaded_bytes: bytes of those objects (metadata not counted).
    """

    manifest: Manifest
    manifest_bytes: bytes
    manifest_sha256: str
    objects: frozenset[str]
    current: bool = False
    downloaded_objects: int = 0
    downloaded_bytes: int = 0

    @property
    def name(self) -> str:
        """The release folder's name: ``<version>-<first 12 hex of the manifest hash>``."""
        return release_name(self.manifest.version, self.manifest_sha256)


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
        """Verify the channel's newest release and fetch every object it needs.

        Args:
            current: the active release, if any (an identical target means
                "already current"; an older one is a rollback).

        Returns:
            The release, verified, with all its objects in the store.

        Raises:
            ProvisioningError: no usable trusted root.
            FetchError: the publisher could not be reached, or has no release.
            VerificationError: metadata or an object failed verification
                (``ExpiredMetadataError`` and ``RollbackError`` included).
            StorageError: the local disk failed.
        """
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
                return FetchedRelease(
                    manifest=current.manifest,
                    manifest_bytes=current.manifest_bytes,
                    manifest_sha256=sha256,
                    objects=frozenset(),
                    current=True,
                )
            if self.store.has(sha256):
                data = self.store.get(sha256)
                info.verify_length_and_hashes(data)
                downloaded = 0
            else:
                data = self._download_target(updater, info)
                downloaded = len(data)
        manifest = _parse_manifest(data, channel=self.config.channel)
        if current is not None and manifest.version < current.manifest.version:
            raise RollbackError(
                f"release v{manifest.version} is older than the active v{current.manifest.version}"
            )
        if downloaded:
            self.store.put(data, sha256=sha256)
        collector = _Collector(self.config, self.store, self.http)
        with _translated():
            objects = collector.collect(manifest)
        return FetchedRelease(
            manifest=manifest,
            manifest_bytes=data,
            manifest_sha256=sha256,
            objects=frozenset(objects),
            downloaded_objects=collector.downloaded + (1 if downloaded else 0),
            downloaded_bytes=collector.downloaded_bytes + downloaded,
        )

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
        connect_timeout=config.connect_timeout, read_timeout=config.read_timeout
    )
    return ReleaseUpdater(config, store=store, http=http).refresh(current=current)


# --- helpers ------------------------------------------------------------------------


class _Collector:
    """Walks a verified manifest, fetching and verifying every missing object."""

    def __init__(self, config: AgentConfig, store: ObjectStore, http: HttpClient) -> None:
        self.config = config
        self.store = store
        self.http = http
        self.downloaded = 0
        self.downloaded_bytes = 0
        self._lock = threading.Lock()

    def collect(self, manifest: Manifest) -> set[str]:
        objects: set[str] = set()

        def load(ref: ObjectRef) -> Any:
            objects.add(ref.sha256)
            return _parse_json(self._ensure(ref.sha256, ref.size), ref.sha256)

        entities: dict[str, int] = {}
        files: dict[str, set[str]] = {}  # entity object -> images it shows
        try:
            for _, _, entry in walk(manifest, load):
                sha, size, shown = _entry_refs(entry)
                entities[sha] = size
                if shown:
                    files.setdefault(sha, set()).update(shown)
        except (KeyError, TypeError, AttributeError, pydantic.ValidationError) as exc:
            raise VerificationError(f"a release index is malformed: {exc!r}") from exc
        load(manifest.loop)
        self._ensure_all((sha, size) for sha, size in entities.items())
        objects.update(entities)
        wanted: dict[str, int | None] = {}
        for entity, images in files.items():
            missing = [sha for sha in images if not self.store.has(sha)]
            sizes = file_sizes(_parse_json(self.store.get(entity), entity)) if missing else {}
            for sha in images:
                wanted[sha] = sizes.get(sha)
        self._ensure_all(wanted.items())
        objects.update(wanted)
        return objects

    def _ensure_all(self, refs: Iterable[tuple[str, int | None]]) -> None:
        missing = [(sha, size) for sha, size in refs if not self.store.has(sha)]
        if not missing:
            return
        if self.config.parallel == 1 or len(missing) == 1:
            for sha, size in missing:
                self._ensure(sha, size)
            return
        pool = ThreadPoolExecutor(max_workers=self.config.parallel)
        try:
            for future in [pool.submit(self._ensure, sha, size) for sha, size in missing]:
                future.result()  # the first failure propagates
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    def _ensure(self, sha256: str, size: int | None) -> bytes:
        """The object's bytes, downloading and verifying them if not held."""
        path = self.store.path(sha256)  # refuses a malformed hash before any I/O
        if path.is_file():
            try:
                return self.store.get(sha256)
            except VerificationError:
                log.warning("stored object %s is damaged; fetching it again", sha256[:12])
                self.store.remove(sha256)
        limit = self.config.max_file_bytes if size is None else size
        response = self.http.get(self.config.object_url(sha256), max_bytes=limit)
        data = response.body
        if response.status != 200:
            raise FetchError(
                f"HTTP {response.status} for object {sha256[:12]}", status=response.status
            )
        if size is not None and len(data) != size:
            raise VerificationError(
                f"object {sha256[:12]} has {len(data)} bytes, the release says {size}",
                sha256=sha256,
            )
        if len(data) > limit:
            raise VerificationError(f"object {sha256[:12]} exceeds {limit} bytes", sha256=sha256)
        if hashlib.sha256(data).hexdigest() != sha256:
            raise VerificationError(
                f"object {sha256[:12]} does not match its SHA-256 (tampered or damaged)",
                sha256=sha256,
            )
        self.store.put(data, sha256=sha256)
        with self._lock:
            self.downloaded += 1
            self.downloaded_bytes += len(data)
        return data


def _entry_refs(entry: dict[str, Any]) -> tuple[str, int, list[str]]:
    sha, size, files = entry["object"], entry["size"], entry.get("files") or []
    if not isinstance(sha, str) or not isinstance(size, int) or size < 0:
        raise TypeError(f"entry {entry.get('id')!r} has a bad object reference")
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        raise TypeError(f"entry {entry.get('id')!r} has bad files")
    return sha, size, files


def _parse_json(data: bytes, sha256: str) -> Any:
    try:
        return json.loads(data)
    except ValueError as exc:
        raise VerificationError(f"object {sha256[:12]} is not JSON", sha256=sha256) from exc


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
