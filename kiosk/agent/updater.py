"""Refresh a channel: trusted metadata through ngclient, then the missing objects, verified.

The only TUF target of a channel is its manifest (``channels/<c>/manifest.json``);
ngclient verifies it (signatures, expiry, versions, length and hash). Every
other object is verified against the hash and size that the verified manifest,
index node or entity gives, before it is stored::

    ngclient ──► manifest (TUF target) ──► index nodes ──► leaves ──► entity objects
                                       └─► loop object              └─► images (files)

Cost is proportional to what changed. The store keeps the **closure
invariant** (``kiosk.agent.store``): an object is stored only after everything
it refers to is. So the walk stops at any object the store already holds (its
whole subtree is there and was verified when stored), and an update where one
item changed reads, downloads and writes the changed entity, its leaf, the
nodes above it and the manifest, never the rest of the index.

Order of one refresh:

1. download, top-down, the index nodes and leaves the store lacks (a node's
   bytes name its children); keep them in memory, uncommitted;
2. download the missing entity objects and the images they show; store each
   image, then its entity (parallel, ``config.parallel`` at a time), and the
   loop object;
3. commit the index objects bottom-up (leaves, then their parents …), fsyncing
   the store's folders between levels; the manifest goes last.

A kill at any point leaves children without their parents, never the reverse;
the next refresh finds the missing parents and completes them. A release is
complete exactly when its manifest is in the store. Nothing here touches
``active``: ``kiosk.agent.activate`` does that with what ``refresh`` returns.

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
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import pydantic
from tuf.api import exceptions as tuf_exceptions
from tuf.ngclient import Updater, UpdaterConfig

from content.release import Manifest, ObjectRef
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
    from collections.abc import Callable, Iterable, Iterator, Sequence

    from kiosk.agent.activate import Release
    from kiosk.agent.config import AgentConfig

__all__ = ["FetchedRelease", "ReleaseUpdater", "refresh"]

log = logging.getLogger("gongkai.kiosk.agent")

_T = TypeVar("_T")
_R = TypeVar("_R")


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
        collector = _Collector(self.config, self.store, self.http)
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
        connect_timeout=config.connect_timeout, read_timeout=config.read_timeout
    )
    return ReleaseUpdater(config, store=store, http=http).refresh(current=current)


# --- helpers ------------------------------------------------------------------------


@dataclass(slots=True)
class _Pending:
    """An index object fetched and verified but not yet stored."""

    data: bytes
    children: tuple[str, ...]  # index objects it refers to
    height: int = -1  # 0 for a leaf; computed before committing


@dataclass(slots=True)
class _EntityRef:
    size: int
    files: set[str] = field(default_factory=set)


class _Collector:
    """Fetches what a verified manifest needs and the store lacks; commits bottom-up."""

    def __init__(self, config: AgentConfig, store: ObjectStore, http: HttpClient) -> None:
        self.config = config
        self.store = store
        self.http = http
        self.downloaded = 0
        self.downloaded_bytes = 0
        self._lock = threading.Lock()
        self._images: dict[str, Future[None]] = {}  # claimed image downloads
        self._pool: ThreadPoolExecutor | None = None

    def collect(self, manifest: Manifest) -> None:
        """Make every object of ``manifest`` but the manifest itself present in the store."""
        try:
            pending, entities = self._index(manifest)
            work = [(sha, ref) for sha, ref in entities.items() if self._needs_work(sha, ref)]
            self._map(lambda item: self._entity(*item), work)
            if not self.store.has(manifest.loop.sha256):  # refers to nothing
                loop = manifest.loop
                self.store.put(self._fetch(loop.sha256, loop.size), sha256=loop.sha256)
            self._commit(pending)
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)

    # --- the steps ------------------------------------------------------------------

    def _index(self, manifest: Manifest) -> tuple[dict[str, _Pending], dict[str, _EntityRef]]:
        """Download, top-down, the index objects the store lacks (kept in memory)."""
        pending: dict[str, _Pending] = {}
        entities: dict[str, _EntityRef] = {}
        level = _missing(self.store, manifest.indexes.values(), pending)
        while level:
            datas = self._map(lambda ref: self._fetch(ref.sha256, ref.size), level)
            following: list[ObjectRef] = []
            for ref, data in zip(level, datas, strict=True):
                children, entries = _index_refs(_parse_json(data, ref.sha256), ref.sha256)
                pending[ref.sha256] = _Pending(data, tuple(c.sha256 for c in children))
                following.extend(children)
                for sha, size, files in entries:
                    entities.setdefault(sha, _EntityRef(size)).files.update(files)
            level = _missing(self.store, following, pending)
        return pending, entities

    def _needs_work(self, sha256: str, ref: _EntityRef) -> bool:
        held = self.store.has(sha256)
        return not held or any(not self.store.has(f) for f in ref.files)

    def _entity(self, sha256: str, ref: _EntityRef) -> None:
        """Store an entity's missing images, then the entity (the closure invariant)."""
        data = self._held(sha256)
        fresh = data is None
        if data is None:
            data = self._fetch(sha256, ref.size)
        missing = [sha for sha in sorted(ref.files) if not self.store.has(sha)]
        if missing:
            sizes = file_sizes(_parse_json(data, sha256))
            self._store_images({sha: sizes.get(sha) for sha in missing})
        if fresh:
            self.store.put(data, sha256=sha256)

    def _store_images(self, wanted: dict[str, int | None]) -> None:
        """Fetch and store images; one download per image even when entities share it."""
        owned: list[tuple[str, int | None, Future[None]]] = []
        others: list[Future[None]] = []
        with self._lock:
            for sha, size in wanted.items():
                claim = self._images.get(sha)
                if claim is None:
                    claim = self._images[sha] = Future()
                    owned.append((sha, size, claim))
                else:
                    others.append(claim)
        failure: BaseException | None = None
        for sha, size, claim in owned:  # own downloads first: nobody waits in a cycle
            if failure is None:
                try:
                    self.store.put(self._fetch(sha, size), sha256=sha)
                except BaseException as exc:  # noqa: BLE001 - handed to every waiter, re-raised
                    failure = exc
                else:
                    claim.set_result(None)
                    continue
            claim.set_exception(failure)  # every claim is settled: no waiter hangs
        if failure is not None:
            raise failure
        for claim in others:
            claim.result()

    def _commit(self, pending: dict[str, _Pending]) -> None:
        """Store index objects bottom-up, fsyncing the store between levels."""

        def height(sha: str) -> int:
            item = pending[sha]
            if item.height < 0:
                below = [height(c) for c in item.children if c in pending]
                item.height = 1 + max(below) if below else 0
            return item.height

        levels: dict[int, list[str]] = {}
        for sha in pending:
            levels.setdefault(height(sha), []).append(sha)
        for number in sorted(levels):
            self.store.sync()  # everything below this level is durable first
            for sha in sorted(levels[number]):
                self.store.put(pending[sha].data, sha256=sha)
        self.store.sync()

    # --- objects --------------------------------------------------------------------

    def _held(self, sha256: str) -> bytes | None:
        """A held object's bytes, verified; None if not held (or damaged: then removed)."""
        if not self.store.has(sha256):
            return None
        try:
            return self.store.get(sha256)
        except VerificationError:
            log.warning("stored object %s is damaged; fetching it again", sha256[:12])
            self.store.remove(sha256)
            return None

    def _fetch(self, sha256: str, size: int | None) -> bytes:
        """Download an object and verify its size and hash (it is not stored here)."""
        self.store.path(sha256)  # refuses a malformed hash before any I/O
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
        with self._lock:
            self.downloaded += 1
            self.downloaded_bytes += len(data)
        return data

    def _map(self, function: Callable[[_T], _R], items: Sequence[_T]) -> list[_R]:
        """``function`` over ``items``, ``config.parallel`` at a time; the first failure raises."""
        if self.config.parallel == 1 or len(items) <= 1:
            return [function(item) for item in items]
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self.config.parallel)
        futures = [self._pool.submit(function, item) for item in items]
        try:
            return [future.result() for future in futures]
        except BaseException:
            for future in futures:
                future.cancel()
            raise


def _missing(
    store: ObjectStore, refs: Iterable[ObjectRef], pending: dict[str, _Pending]
) -> list[ObjectRef]:
    """The refs neither held nor already fetched, once each (a held object is complete)."""
    found: dict[str, ObjectRef] = {}
    for ref in refs:
        if ref.sha256 not in pending and ref.sha256 not in found and not store.has(ref.sha256):
            found[ref.sha256] = ref
    return list(found.values())


def _index_refs(node: Any, sha256: str) -> tuple[list[ObjectRef], list[tuple[str, int, list[str]]]]:
    """(children, entries as (object, size, files)) of an index node or leaf."""
    kind = node.get("kind") if isinstance(node, dict) else None
    try:
        if kind == "leaf":
            return [], [_entry_refs(entry) for entry in node["entries"]]
        if kind == "node":
            return [ObjectRef(**ref) for ref in node["children"].values()], []
    except (KeyError, TypeError, AttributeError, pydantic.ValidationError) as exc:
        raise VerificationError(
            f"a release index is malformed ({sha256[:12]}): {exc!r}", sha256=sha256
        ) from exc
    raise VerificationError(
        f"a release index is malformed ({sha256[:12]}): kind {kind!r}", sha256=sha256
    )


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
