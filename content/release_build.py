"""Cutting a release from approved entities (the publisher's side of ``content.release``).

``build_release`` is pure: entities in, manifest and object bytes out. Entries
are placed in leaves by the first hex digits of the SHA-256 of their *id*, so
an item keeps its leaf across versions; each leaf carries its search shard
(``content.search``). Index objects are built as the shapes a kiosk reads
(``IndexNode``, ``IndexLeaf``, ``IndexEntry`` of ``content.release``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from content.enums import EntityType
from content.models import (
    AnnualReport,
    Entity,
    Notice,
    PowerItem,
    Project,
)
from content.release import (
    ChildRef,
    IndexEntry,
    IndexLeaf,
    IndexNode,
    IndexRoot,
    Manifest,
    ObjectRef,
    channel_scopes,
    object_bytes,
    sha256_hex,
)
from content.search import SearchKeys, SearchShard, search_keys
from content.serialize import to_record

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from content.records import EntrySummary

__all__ = ["EntryCache", "ReleasePlan", "ShortLinks", "attachment_hashes", "build_release"]

LEAF_TARGET = 4  # entries per leaf, at most about: keeps a one-item change to a few KB

#: An entry as the builder holds it: the index entry, and its search keys.
_Member: TypeAlias = tuple[IndexEntry, SearchKeys]


@dataclass(slots=True)
class ReleasePlan:
    """A built release: the manifest, its bytes, and every object it needs.

    Attributes:
        manifest: the manifest.
        manifest_bytes: its canonical bytes (what TUF signs as a target).
        objects: SHA-256 → bytes of every index, entity and loop object.
        files: SHA-256 of the documents and images entities reference, which
            the caller publishes from its document store.
    """

    manifest: Manifest
    manifest_bytes: bytes
    objects: dict[str, bytes] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class ShortLinks:
    """The short codes the publisher handed out (``content.shortlink``).

    Attributes:
        items: entity id → the code of ``/d/<code>``.
        documents: document SHA-256 → the code of ``/f/<code>``.
    """

    items: Mapping[str, str] = field(default_factory=dict)
    documents: Mapping[str, str] = field(default_factory=dict)


def attachment_hashes(entity: Entity) -> list[str]:
    """SHA-256 of the mirrored attachments an entity lists (what ``/f/`` links name)."""
    attachments = getattr(entity, "attachments", None) or ()
    return [a.sha256 for a in attachments if getattr(a, "sha256", None)]


class EntryCache:
    """Per-entity release work (object bytes, index entry, search keys), reused.

    The same approved entity appears in every channel and in release after
    release; its pinyin is computed once, and index nodes whose members did
    not change are not rebuilt. Entities are keyed by id, content hash and
    fetch time, so the cache trusts ``provenance.content_hash`` to describe
    the content (as every stored revision's does).
    """

    def __init__(self) -> None:
        self._items: dict[tuple[str, str, str], tuple[ObjectRef, bytes, IndexEntry, SearchKeys]]
        self._items = {}
        self._nodes: dict[tuple[str, ...], tuple[ObjectRef, bytes]] = {}

    def node(
        self, key: tuple[str, ...], make: Callable[[], IndexNode | IndexLeaf]
    ) -> tuple[ObjectRef, bytes]:
        """An index node or leaf whose content ``key`` determines, built once."""
        found = self._nodes.get(key)
        if found is None:
            raw = object_bytes(make())
            found = self._nodes[key] = (ObjectRef(sha256=sha256_hex(raw), size=len(raw)), raw)
        return found

    def get(self, entity: Entity) -> tuple[ObjectRef, bytes, IndexEntry, SearchKeys]:
        """(object ref, object bytes, index entry, search keys) of an entity."""
        key = (
            entity.id,
            entity.provenance.content_hash or "",
            entity.provenance.fetched_at.isoformat(),
        )
        found = self._items.get(key)
        if found is None:
            record = to_record(entity)
            raw = object_bytes(record)
            ref = ObjectRef(sha256=sha256_hex(raw), size=len(raw))
            entry = _entry(entity, record, ref)
            keys = search_keys(entry["title"], *_search_extra(record))
            found = self._items[key] = (ref, raw, entry, keys)
        return found


def build_release(
    entities: Iterable[Entity],
    *,
    channel: str,
    version: int,
    created_at: datetime,
    publisher_url: str,
    allowed_hosts: Iterable[str] = (),
    cache: EntryCache | None = None,
    available: Callable[[str], bool] | None = None,
    links: ShortLinks | None = None,
) -> ReleasePlan:
    """Cut the release of ``channel`` from approved entities (any scope; filtered here).

    ``available`` says whether an image (by SHA-256) can be shipped; entries
    list only those, so a kiosk never waits for a file the publisher lacks.
    ``links`` gives each entry its short link codes (``link``, ``file_links``),
    which kiosks put in their QR codes; they count in the content digest.
    """
    cache = cache or EntryCache()
    scopes = channel_scopes(channel)
    chosen = [e for e in entities if e.scope in scopes]
    objects: dict[str, bytes] = {}
    files: set[str] = set()

    by_type: dict[EntityType, list[_Member]] = {t: [] for t in EntityType}
    digest = hashlib.sha256()
    for entity in sorted(chosen, key=lambda e: e.id):
        ref, raw, entry, keys = cache.get(entity)
        if available is not None and entry["files"]:
            entry = entry.copy()
            entry["files"] = [sha for sha in entry["files"] if available(sha)]
        if links is not None:
            entry = _linked(entry, entity, links)
        objects[ref.sha256] = raw
        codes = entry.get("link", "") + "".join(sorted(entry.get("file_links", {}).values()))
        digest.update(f"{entity.id}\x1f{ref.sha256}\x1f{codes}\n".encode())
        files.update(entry["files"])
        by_type[entity.entity_type].append((entry, keys))
    indexes = {
        entity_type: _index(entity_type, entries, objects, cache)
        for entity_type, entries in by_type.items()
    }
    loop_raw = object_bytes(_loop(chosen))
    loop = ObjectRef(sha256=sha256_hex(loop_raw), size=len(loop_raw))
    objects[loop.sha256] = loop_raw
    manifest = Manifest(
        channel=channel,
        version=version,
        created_at=created_at,
        scopes=tuple(sorted(scopes)),
        content_digest=digest.hexdigest(),
        indexes=indexes,
        loop=loop,
        publisher_url=publisher_url.rstrip("/"),
        allowed_hosts=tuple(sorted(set(allowed_hosts))),
        objects=len(objects),
        bytes=sum(len(b) for b in objects.values()),
    )
    raw = object_bytes(manifest.model_dump(mode="json"))
    return ReleasePlan(manifest=manifest, manifest_bytes=raw, objects=objects, files=files)


# --- helpers ------------------------------------------------------------------------


def _index(
    entity_type: EntityType,
    entries: list[_Member],
    objects: dict[str, bytes],
    cache: EntryCache,
) -> IndexRoot:
    depth = 0
    while len(entries) > LEAF_TARGET * 16**depth and depth < 3:
        depth += 1

    def build(prefix: str, members: list[_Member]) -> ObjectRef:
        if len(prefix) == depth:
            key = ("leaf", entity_type.value, prefix,
                   *(e["object"] + ",".join(e["files"]) + _codes(e)
                     for e, _ in members))  # fmt: skip
            ref, raw = cache.node(key, lambda: _leaf(entity_type, prefix, members))
        else:
            groups: dict[str, list[_Member]] = {}
            for member in members:
                groups.setdefault(member[0]["bucket"][len(prefix)], []).append(member)
            children = {d: _child(build(prefix + d, g)) for d, g in sorted(groups.items())}
            key = ("node", entity_type.value, prefix, *(c["sha256"] for c in children.values()))
            node: IndexNode = {"kind": "node", "entity_type": entity_type.value,
                               "prefix": prefix, "children": children}  # fmt: skip
            ref, raw = cache.node(key, lambda: node)
        objects[ref.sha256] = raw
        return ref

    ref = build("", entries)
    return IndexRoot(sha256=ref.sha256, size=ref.size, count=len(entries), depth=depth)


def _linked(entry: IndexEntry, entity: Entity, links: ShortLinks) -> IndexEntry:
    """The entry with its short link codes (a copy: the cached entry stays as built)."""
    code = links.items.get(entity.id)
    known = links.documents
    files = {sha: known[sha] for sha in attachment_hashes(entity) if sha in known}
    if not code and not files:
        return entry
    entry = entry.copy()
    if code:
        entry["link"] = code
    if files:
        entry["file_links"] = files
    return entry


def _codes(entry: IndexEntry) -> str:
    files = entry.get("file_links", {})
    return f"|{entry.get('link', '')}|" + ",".join(f"{k}={files[k]}" for k in sorted(files))


def _child(ref: ObjectRef) -> ChildRef:
    return {"sha256": ref.sha256, "size": ref.size}


def _leaf(entity_type: EntityType, prefix: str, members: list[_Member]) -> IndexLeaf:
    shard = SearchShard.build([keys for _, keys in members])
    return {
        "kind": "leaf",
        "entity_type": entity_type.value,
        "prefix": prefix,
        "entries": [entry for entry, _ in members],
        "search": shard.to_json(),
    }


def _entry(entity: Entity, record: dict[str, Any], ref: ObjectRef) -> IndexEntry:
    title = str(record.get("title") or record.get("name") or record.get("organization") or "")
    if isinstance(entity, AnnualReport):
        title = f"{entity.organization}{entity.year}年政府信息公开工作年度报告"
    when = _date_of(entity)
    return {
        "id": entity.id,
        "bucket": sha256_hex(entity.id.encode())[:4],
        "title": title,
        "date": when.isoformat() if when else None,
        "scope": entity.scope,
        "object": ref.sha256,
        "size": ref.size,
        "summary": _summary(entity, record),
        "files": sorted(_files(record)),
    }


def _date_of(entity: Entity) -> date | None:
    for name in ("published_date", "updated_at", "version_date"):
        value = getattr(entity, name, None)
        if isinstance(value, date):
            return value
    return None


_SUMMARY_FIELDS: dict[EntityType, tuple[str, ...]] = {
    EntityType.AGENCY: ("short_name", "kind", "rank_order"),
    EntityType.LEADER: ("organization", "post", "rank_order", "agency_id"),
    EntityType.POWER_ITEM: ("item_code", "power_type", "implementing_body", "agency_id"),
    EntityType.PROJECT: ("category", "status", "progress_pct", "lead_unit", "year"),
    EntityType.CATALOGUE_ENTRY: ("publisher", "catalogue_category", "validity", "doc_number"),
    EntityType.GUIDE: ("organization",),
    EntityType.NOTICE: ("kind", "publisher", "pinned", "led_text"),
    EntityType.ANNUAL_REPORT: ("organization", "year", "format_version"),
}


def _summary(entity: Entity, record: dict[str, Any]) -> EntrySummary:
    # The keys are the record's own (tests/content/test_records.py checks the
    # field table against EntrySummary), so the cast only names the shape.
    summary = {k: record[k] for k in _SUMMARY_FIELDS[entity.entity_type] if k in record}
    if isinstance(entity, Notice) and entity.publicity_period is not None:
        summary["valid_until"] = entity.publicity_period.end.isoformat()
    return cast("EntrySummary", summary)


def _search_extra(record: dict[str, Any]) -> tuple[str, ...]:
    keys = ("name", "post", "organization", "publisher", "doc_number", "item_code", "index_no")
    return tuple(str(record[k]) for k in keys if record.get(k) and k != "title")


def _files(record: Any) -> set[str]:
    """SHA-256 of images an entity shows (photos, flowcharts); documents stay online."""
    found: set[str] = set()
    if isinstance(record, dict):
        if record.get("file_type") in {"png", "jpg"} and record.get("sha256"):
            found.add(record["sha256"])
        for value in record.values():
            found |= _files(value)
    elif isinstance(record, list):
        for value in record:
            found |= _files(value)
    return found


def _loop(entities: list[Entity]) -> dict[str, Any]:
    notices = sorted(
        (e for e in entities if isinstance(e, Notice)),
        key=lambda n: (not n.pinned, -n.published_date.toordinal()),
    )
    projects = [e for e in entities if isinstance(e, Project)]
    done = sum(1 for p in projects if p.status.value == "completed")
    return {
        "notices": [
            {
                "id": n.id,
                "title": n.title,
                "led_text": n.led_text or n.title,
                "published_date": n.published_date.isoformat(),
                "valid_until": n.publicity_period.end.isoformat() if n.publicity_period else None,
            }
            for n in notices[:30]
        ],
        "figures": {
            "power_items": sum(1 for e in entities if isinstance(e, PowerItem)),
            "projects": len(projects),
            "projects_completed": done,
            "catalogue_entries": sum(
                1 for e in entities if e.entity_type is EntityType.CATALOGUE_ENTRY
            ),
        },
    }
