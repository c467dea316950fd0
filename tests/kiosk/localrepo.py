"""An in-process signed repository for kiosk tests and benchmarks: no subprocess, no socket.

* ``LocalRepo`` is a TUF repository folder made with the publisher's
  ``TufRepository`` (root key, online keys, ``publish``), to which a test
  publishes ``ReleasePlan``s built by ``content.release_build.build_release``.
* ``FolderHttp`` is an ``HttpClient`` that answers from that folder (a mirror
  without a network): it counts and records every request, and works in a
  forked child (the crash tests kill children at chosen steps).
* ``county_entities`` is the demo county (``content.demo``) with synthetic image
  bytes for its photos and flowcharts, so a channel has the full demo's shape
  (about 7,855 objects for ``town-nanan``); ``small_entities`` is a slice of it.
* ``edited`` changes one entity's text (a one-item update).

Used by ``test_o_change.py``, ``test_store_invariant.py`` and ``bench_update.py``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import signal
import threading
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from content.demo import generate_county
from content.enums import EntityType
from content.models._registry import ANY_ENTITY
from content.release import walk
from content.release_build import EntryCache, build_release
from content.serialize import content_hash, to_record
from kiosk.agent import Agent, AgentConfig, FileSystem
from kiosk.agent._http import HttpClient, HttpResponse
from kiosk.agent.errors import FetchError
from publisher.release.keys import KeyStore
from publisher.release.tuf_repo import TufRepository

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from pathlib import Path

    from content.models import Entity
    from content.release import Manifest
    from content.release_build import ReleasePlan, ShortLinks
    from kiosk.agent import ObjectStore

MIRROR = "http://mirror.test"
CREATED = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@dataclass
class LocalRepo:
    """A signed repository in ``folder/repository`` with its keys beside it."""

    folder: Path
    tuf: TufRepository = field(init=False)
    root_json: Path = field(init=False)
    cache: EntryCache = field(default_factory=EntryCache)
    versions: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        signers = KeyStore.create_root(self.folder / "keys" / "offline", 1)
        self.tuf = TufRepository(self.repository, KeyStore(self.folder / "keys" / "online"))
        self.root_json = self.tuf.initialize(list(signers))

    @property
    def repository(self) -> Path:
        return self.folder / "repository"

    def release(
        self,
        entities: Iterable[Entity],
        images: Mapping[str, bytes],
        channel: str = "county",
        *,
        allowed_hosts: Iterable[str] = (),
        links: ShortLinks | None = None,
    ) -> ReleasePlan:
        """Build and publish the channel's next release; return its plan."""
        version = self.versions.get(channel, 0) + 1
        plan = build_release(
            entities,
            channel=channel,
            version=version,
            created_at=CREATED + timedelta(minutes=version),
            publisher_url=MIRROR,
            allowed_hosts=allowed_hosts,
            cache=self.cache,
            links=links,
        )
        for sha, data in plan.objects.items():
            self.tuf.put_object(sha, data)
        for sha in plan.files:
            self.tuf.put_object(sha, images[sha])
        self.tuf.publish({f"channels/{channel}/manifest.json": plan.manifest_bytes})
        self.versions[channel] = version
        return plan


class FolderHttp(HttpClient):
    """An ``HttpClient`` answering ``MIRROR/repo/…`` from a repository folder.

    ``paths`` records every GET (``/repo/objects/ab/…``); ``fail`` maps a path
    to the bytes to serve instead (tampering) or to an HTTP status.
    """

    def __init__(self, repository: Path) -> None:
        super().__init__()
        self.repository = repository
        self.paths: list[str] = []
        self.fail: dict[str, bytes | int] = {}
        self._seen = threading.Lock()

    def get(
        self, url: str, *, max_bytes: int, headers: Mapping[str, str] | None = None
    ) -> HttpResponse:
        path = url.removeprefix(MIRROR)
        with self._seen:
            self.paths.append(path)
            self.requests += 1
        target = self.repository / path.removeprefix("/repo/")
        override = self.fail.get(path)
        if isinstance(override, int):
            raise FetchError(f"HTTP {override} for {url}", url=url, status=override)
        if override is None and (".." in path or not target.is_file()):
            raise FetchError(f"HTTP 404 for {url}", url=url, status=404)
        data = override if override is not None else target.read_bytes()
        etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
        if headers and headers.get("If-None-Match") == etag:
            return HttpResponse(304, {"ETag": etag}, b"")
        self._count(len(data))
        return HttpResponse(200, {"ETag": etag}, data[: max_bytes + 1])

    def objects(self) -> list[str]:
        """The objects requested so far (by SHA-256)."""
        return [p.rsplit("/", 1)[-1] for p in self.paths if p.startswith("/repo/objects/")]

    def reset(self) -> None:
        with self._seen:
            self.paths.clear()


# --- content ---------------------------------------------------------------------------


def county_entities() -> tuple[list[Entity], dict[str, bytes]]:
    """The demo county's entities, with synthetic bytes for every photo and flowchart."""
    entities, images = _county()
    return list(entities), dict(images)


@functools.cache
def _county() -> tuple[tuple[Entity, ...], dict[str, bytes]]:
    county = generate_county()
    images: dict[str, bytes] = {}
    entities = tuple(
        _with_images(entity, images) for group in county.by_type().values() for entity in group
    )
    return entities, images


def small_entities(
    per_type: int = 5, *, catalogue: int = 70
) -> tuple[list[Entity], dict[str, bytes]]:
    """A few county entities of every type (those with images first), and ``catalogue``
    catalogue entries (70: an index three levels deep)."""
    entities, images = county_entities()
    chosen: list[Entity] = []
    for entity_type in EntityType:
        of_type = [e for e in entities if e.entity_type is entity_type and e.scope == "county"]
        of_type.sort(key=lambda e: (not _image_shas(e), e.id))
        count = catalogue if entity_type is EntityType.CATALOGUE_ENTRY else per_type
        chosen.extend(of_type[:count])
    return chosen, images


def edited(entities: list[Entity], entity_type: EntityType, *, nth: int = 0) -> list[Entity]:
    """The entities with the ``nth`` county item of ``entity_type`` retitled (one change)."""
    candidates = [e for e in entities if e.entity_type is entity_type and e.scope == "county"]
    target = sorted(candidates, key=lambda e: e.id)[nth]
    record = to_record(target)
    field_name = "title" if "title" in record else "name"
    record[field_name] = f"{record[field_name]}（修订）"
    changed = ANY_ENTITY.validate_python(record)
    record["provenance"]["content_hash"] = content_hash(changed)
    changed = ANY_ENTITY.validate_python(record)
    return [changed if e.id == target.id else e for e in entities]


def _with_images(entity: Entity, images: dict[str, bytes]) -> Entity:
    record = to_record(entity)
    if not _add_images(record, images):
        return entity
    return ANY_ENTITY.validate_python(record)


def _add_images(record: Any, images: dict[str, bytes]) -> bool:
    found = False
    if isinstance(record, dict):
        if record.get("file_type") in {"png", "jpg"} and record.get("url"):
            seed = hashlib.sha256(str(record["url"]).encode()).digest()
            data = seed * (100 + seed[0] * 4)  # 3 to 36 KB, deterministic
            sha = hashlib.sha256(data).hexdigest()
            images[sha] = data
            record["sha256"], record["size_bytes"] = sha, len(data)
            found = True
        for value in record.values():
            found = _add_images(value, images) or found
    elif isinstance(record, list):
        for value in record:
            found = _add_images(value, images) or found
    return found


def _image_shas(entity: Entity) -> set[str]:
    return _shown(to_record(entity))


def _shown(record: Any) -> set[str]:
    """SHA-256 of the images (png, jpg) a record shows."""
    found: set[str] = set()
    if isinstance(record, dict):
        if record.get("file_type") in {"png", "jpg"} and record.get("sha256"):
            found.add(record["sha256"])
        for item in record.values():
            found |= _shown(item)
    elif isinstance(record, list):
        for item in record:
            found |= _shown(item)
    return found


# --- checking a store --------------------------------------------------------------------


def references(data: bytes) -> set[str]:
    """The objects an object refers to.

    Manifest → index roots and loop; node → children; leaf → entity objects and
    the images entries list; entity → the images it shows; anything else → none.
    """
    try:
        record = json.loads(data)
    except ValueError:
        return set()  # an image
    if not isinstance(record, dict):
        return set()
    if "indexes" in record and "loop" in record:
        return {r["sha256"] for r in record["indexes"].values()} | {record["loop"]["sha256"]}
    if record.get("kind") == "node":
        return {child["sha256"] for child in record["children"].values()}
    if record.get("kind") == "leaf":
        return {sha for e in record["entries"] for sha in [e["object"], *(e.get("files") or [])]}
    return _shown(record)


def closure_violations(store: ObjectStore) -> list[str]:
    """Objects in the store that refer to an object the store does not hold."""
    held = set(store)
    problems = []
    for sha in sorted(held):
        missing = sorted(references(store.get(sha)) - held)
        if missing:
            problems.append(f"{sha[:12]} refers to {len(missing)} missing, e.g. {missing[0][:12]}")
    return problems


def release_closure(manifest: Manifest, objects: Mapping[str, bytes]) -> set[str]:
    """Every object a release needs (index objects, loop, entities, images)."""
    found: set[str] = {manifest.loop.sha256}

    def load(ref: Any) -> Any:
        found.add(ref.sha256)
        return json.loads(objects[ref.sha256])

    for _, _, entry in walk(manifest, load):
        found.add(entry["object"])
        found.update(entry.get("files") or [])
    return found


# --- kiosks on a local repository --------------------------------------------------------


def provisioned(path: Path, repo: LocalRepo) -> Path:
    """A fresh kiosk home trusting ``repo``'s root."""
    path.mkdir(parents=True)
    shutil.copyfile(repo.root_json, path / "root.json")
    return path


def local_agent(
    repo: LocalRepo, home: Path, *, fs: FileSystem | None = None, **options: Any
) -> Agent:
    """An agent of ``home`` whose mirror is ``repo``'s folder (``agent.http`` is a FolderHttp)."""
    options.setdefault("parallel", 1)  # deterministic file-system steps
    clock = options.pop("clock", None)
    config = AgentConfig(publisher=MIRROR, home=home, **options)
    return Agent(config, http=FolderHttp(repo.repository), fs=fs, clock=clock)


class Counting(FileSystem):
    """Counts (and records) every file-system step."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, str]] = []

    def _before(self, operation: str, path: Path) -> None:
        self.steps.append((operation, str(path)))


class CrashAt(FileSystem):
    """Kills the process (SIGKILL, like kill -9) just before its n-th step, or at the
    first step ``when(operation, path)`` accepts."""

    def __init__(self, step: int = 0, *, when: Callable[[str, Path], bool] | None = None) -> None:
        self.step = step
        self.when = when
        self.count = 0

    def _before(self, operation: str, path: Path) -> None:
        self.count += 1
        if self.count == self.step or (self.when is not None and self.when(operation, path)):
            os.kill(os.getpid(), signal.SIGKILL)


def in_child(work: Callable[[], object]) -> int:
    """Run ``work`` in a forked child; return its wait status (killed or exit code)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads (3.12+)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            work()
        except BaseException:  # noqa: BLE001
            code = 3
        os._exit(code)
    return os.waitpid(pid, 0)[1]


def copy_home(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, symlinks=True)
    return target
