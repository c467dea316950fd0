"""Fetch what a verified manifest needs and the store lacks; store it bottom-up.

The other half of a refresh (``kiosk.agent.updater`` verifies the manifest
through ngclient). Every object is verified against the hash and size the
verified manifest, index node or entity gives before it is stored, and the
store's **closure invariant** (``kiosk.agent.store``) is kept: an object is
stored only after everything it refers to. So the walk
(``content.release.walk_index``) stops at any object the store holds (its
whole subtree is there), and an update costs O(changed objects):

1. download, top-down, the index nodes and leaves the store lacks (a node's
   bytes name its children), a level at a time in parallel; keep them in
   memory, uncommitted;
2. download the missing entity objects and the images they show; store each
   image, then its entity (parallel, ``config.parallel`` at a time), and the
   loop object;
3. commit the index objects bottom-up (leaves, then their parents …), fsyncing
   the store's folders between levels. The caller stores the manifest last.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from content.release import MalformedIndexError, walk_index
from kiosk.agent._records import file_sizes
from kiosk.agent.errors import FetchError, VerificationError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from content.release import Manifest, ObjectRef
    from kiosk.agent._http import HttpClient
    from kiosk.agent.config import AgentConfig
    from kiosk.agent.store import ObjectStore

__all__ = ["Collector"]

log = logging.getLogger("gongkai.kiosk.agent")

_T = TypeVar("_T")
_R = TypeVar("_R")


class Collector:
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
        fetched: dict[str, bytes] = {}
        wanted: set[str] = set()

        def enter(ref: ObjectRef, _parent: str | None) -> bool:
            """Fetch each object once, and none the store holds (it is complete)."""
            if ref.sha256 in wanted or self.store.has(ref.sha256):
                return False
            wanted.add(ref.sha256)
            return True

        def load(level: list[ObjectRef]) -> list[Any]:
            datas = self._map(lambda ref: self._fetch(ref.sha256, ref.size), level)
            fetched.update((ref.sha256, data) for ref, data in zip(level, datas, strict=True))
            return [_parse_json(data, ref.sha256) for ref, data in zip(level, datas, strict=True)]

        try:
            for step in walk_index(manifest.indexes.items(), load, enter=enter):
                children = tuple(child.sha256 for child in step.children)
                pending[step.ref.sha256] = _Pending(fetched.pop(step.ref.sha256), children)
                for entry in step.entries:
                    entity = entities.setdefault(entry["object"], _EntityRef(entry["size"]))
                    entity.files.update(entry["files"])
        except MalformedIndexError as exc:
            raise VerificationError(str(exc), sha256=exc.sha256) from exc
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


def _parse_json(data: bytes, sha256: str) -> Any:
    try:
        return json.loads(data)
    except ValueError as exc:
        raise VerificationError(f"object {sha256[:12]} is not JSON", sha256=sha256) from exc
