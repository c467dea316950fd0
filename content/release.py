"""The release format: what a kiosk receives for its channel.

A release is a **manifest** plus **content-addressed objects** (named by the
SHA-256 of their bytes). Only the manifests are TUF targets; every other object
is verified against a hash that a verified manifest or object gives, so a
one-item change costs a kiosk the changed objects and a few KB of index.

::

    manifest ──► per entity type: an index trie (IndexNode ─► IndexNode ─► IndexLeaf)
             │       leaf: IndexEntry (id, title, summary, object hash, files) …
             │             + the leaf's search shard (content.search)
             └──► loop object: notices for the idle loop, headline figures

Entries are placed in leaves by the first hex digits of the SHA-256 of their
*id*, so an item keeps its leaf across versions. The index objects are JSON;
``IndexNode``, ``IndexLeaf`` and ``IndexEntry`` are their shapes (TypedDicts:
a kiosk reads them without building models). ``walk_index`` is the one walk
of the tries, level by level through any loader, checking each object's shape
(the kiosk agent's updater, garbage collection and reader all use it);
``walk`` lists a release's entries on top of it. Building a release is
``content.release_build`` (publisher side): a kiosk reading releases never
loads the entity models.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypedDict, cast

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from content.enums import EntityType
from content.errors import ContentError
from content.records import EntrySummary  # noqa: TC001 - get_type_hints resolves it at run time

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

__all__ = [
    "FORMAT",
    "ChildRef",
    "IndexEntry",
    "IndexLeaf",
    "IndexNode",
    "IndexRoot",
    "IndexStep",
    "MalformedIndexError",
    "Manifest",
    "ObjectRef",
    "channel_scopes",
    "object_bytes",
    "sha256_hex",
    "walk",
    "walk_index",
]

FORMAT: Literal[1] = 1


class ObjectRef(BaseModel):
    """A content-addressed object: its SHA-256 and size in bytes."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(ge=0)


class IndexRoot(ObjectRef):
    """The root of one entity type's index trie."""

    count: int = Field(ge=0)
    depth: int = Field(ge=0, le=4)


class Manifest(BaseModel):
    """A channel release's manifest (the TUF target)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    format: Literal[1] = FORMAT
    channel: str = Field(pattern=r"^(county|town-[a-z]{2,32})$")
    version: int = Field(ge=1)
    created_at: datetime
    scopes: tuple[str, ...]
    #: Changes exactly when the channel's content changes (not with the clock).
    content_digest: str = Field(pattern=r"^[0-9a-f]{64}$")
    indexes: dict[EntityType, IndexRoot]
    loop: ObjectRef
    publisher_url: str
    #: Hosts a QR code on this kiosk may point to.
    allowed_hosts: tuple[str, ...] = ()
    objects: int = 0
    bytes: int = 0


class ChildRef(TypedDict):
    """A node's reference to a child object (``ObjectRef`` as JSON)."""

    sha256: str
    size: int


class _EntryLinks(TypedDict, total=False):
    """The short links of an entry, where the publisher gave them (``content.shortlink``).

    A base class of ``total=False`` rather than ``NotRequired``: with postponed
    annotations Python 3.11 would count ``NotRequired`` keys as required.
    """

    #: The short link code of the item's page (``<publisher_url>/d/<link>``).
    link: str
    #: Attachment SHA-256 → the code of its page (``<publisher_url>/f/<code>``).
    file_links: dict[str, str]


class IndexEntry(_EntryLinks):
    """One entity in a leaf: what a list shows, and where the whole entity is.

    ``object``, ``size`` and ``files`` are checked by ``walk_index``; the
    rest is what ``content.release_build`` writes, read with defaults.
    """

    id: str
    #: The first hex digits of the SHA-256 of ``id``: the entry's path in the trie.
    bucket: str
    title: str
    date: str | None
    scope: str
    #: The entity object's SHA-256, and its size in bytes.
    object: str
    size: int
    #: A few fields a list shows, per entity type.
    summary: EntrySummary
    #: SHA-256 of the images the entity shows.
    files: list[str]


class IndexNode(TypedDict):
    """An inner node of a trie: children by the next hex digit of their entries' bucket."""

    kind: Literal["node"]
    entity_type: str
    prefix: str
    children: dict[str, ChildRef]


class IndexLeaf(TypedDict):
    """A leaf of a trie: its entries and their search shard (``SearchShard.to_json``)."""

    kind: Literal["leaf"]
    entity_type: str
    prefix: str
    entries: list[IndexEntry]
    search: dict[str, Any]


class MalformedIndexError(ContentError, ValueError):
    """An index object (its bytes verified) that is not a node or leaf of this format.

    Attributes:
        sha256: the object.
    """

    def __init__(self, sha256: str, reason: str) -> None:
        self.sha256 = sha256
        super().__init__(f"a release index is malformed ({sha256[:12]}): {reason}")


class IndexStep(NamedTuple):
    """An index object a walk reached (a tuple: a walk makes one per object, cheaply).

    Attributes:
        entity_type: the index it is part of.
        ref: its hash and size.
        parent: the SHA-256 of the node naming it; None for a root (the manifest names it).
        node: the node or leaf, its shape checked.
        children: a node's children; empty for a leaf.
    """

    entity_type: EntityType
    ref: ObjectRef
    parent: str | None
    node: IndexNode | IndexLeaf
    children: tuple[ObjectRef, ...] = ()

    @property
    def entries(self) -> list[IndexEntry]:
        """A leaf's entries; empty for a node."""
        node = self.node
        return node["entries"] if node["kind"] == "leaf" else []


def channel_scopes(channel: str) -> frozenset[str]:
    """The scopes a channel shows: the county's, plus its own town's."""
    return frozenset({"county"}) if channel == "county" else frozenset({"county", channel})


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def object_bytes(data: Any) -> bytes:
    """Canonical JSON bytes of an object (sorted keys, no spaces, UTF-8)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def walk_index(
    roots: Iterable[tuple[EntityType, ObjectRef]],
    load: Callable[[list[ObjectRef]], Iterable[Any]],
    *,
    enter: Callable[[ObjectRef, str | None], bool] | None = None,
    malformed: Callable[[MalformedIndexError], None] | None = None,
) -> Iterator[IndexStep]:
    """Walk index tries from their roots down, level by level; yield each object reached.

    Args:
        roots: the tries' roots (``manifest.indexes.items()``).
        load: the parsed JSON of a level's objects, in order (all at once, or
            lazily: an iterator), None for one that could not be read (skipped).
            The caller verifies what it loads; the kiosk agent's updater
            fetches a level in parallel.
        enter: whether to load an object, given it and its parent's SHA-256
            (None for a root); by default every one. The updater skips what
            its store holds, garbage collection what it has seen.
        malformed: takes an object whose shape is wrong, which is then
            skipped; by default ``MalformedIndexError`` is raised.

    A node's children are entered highest digit first: a walk lists the
    leaves of a trie from the highest prefix down (the order kiosks have
    always listed entries in).

    Raises:
        MalformedIndexError: an object is not a node or leaf (children not
            valid references, entries without object, size or files).
    """
    level: list[tuple[EntityType, ObjectRef, str | None]] = [
        (entity_type, ref, None) for entity_type, ref in roots if enter is None or enter(ref, None)
    ]
    while level:
        following: list[tuple[EntityType, ObjectRef, str | None]] = []
        loaded = load([ref for _, ref, _ in level])
        for (entity_type, ref, parent), value in zip(level, loaded, strict=True):
            if value is None:
                continue
            try:
                node, children = _checked(value, ref.sha256)
            except MalformedIndexError as exc:
                if malformed is None:
                    raise
                malformed(exc)
                continue
            yield IndexStep(entity_type, ref, parent, node, children)
            following.extend(
                (entity_type, child, ref.sha256)
                for child in reversed(children)
                if enter is None or enter(child, ref.sha256)
            )
        level = following


def walk(
    manifest: Manifest,
    load: Callable[[ObjectRef], Any],
    *,
    entity_type: EntityType | None = None,
) -> Iterator[tuple[EntityType, IndexLeaf, IndexEntry]]:
    """Yield ``(entity type, leaf, entry)`` for every entry of a release, type by type.

    Args:
        manifest: the release.
        load: the parsed JSON of an object; the kiosk agent's loader
            verifies each object's hash and size before parsing it.
        entity_type: only this type's entries.

    Raises:
        MalformedIndexError: see ``walk_index``.
    """
    for kind, root in manifest.indexes.items():
        if entity_type is not None and kind is not entity_type:
            continue
        for step in walk_index([(kind, root)], lambda refs: map(load, refs)):
            node = step.node
            if node["kind"] == "leaf":
                for entry in node["entries"]:
                    yield kind, node, entry


# --- helpers ------------------------------------------------------------------------


def _checked(value: Any, sha256: str) -> tuple[IndexNode | IndexLeaf, tuple[ObjectRef, ...]]:
    """An index object's shape, checked: (the node or leaf, a node's children)."""
    kind = value.get("kind") if isinstance(value, dict) else None
    try:
        if kind == "leaf":
            _check_entries(value["entries"])
            return cast("IndexLeaf", value), ()
        if kind == "node":
            children = tuple(ObjectRef(**ref) for ref in value["children"].values())
            return cast("IndexNode", value), children
    except (KeyError, TypeError, AttributeError, ValidationError) as exc:
        raise MalformedIndexError(sha256, repr(exc)) from exc
    raise MalformedIndexError(sha256, f"kind {kind!r}")


def _check_entries(entries: Any) -> None:
    """What a kiosk's integrity rests on: each entry's object reference and images."""
    for entry in entries:  # one loop, no call per entry: the reader walks thousands
        sha, size, files = entry["object"], entry["size"], entry["files"]
        if not isinstance(sha, str) or not isinstance(size, int) or size < 0:
            raise TypeError(f"entry {entry.get('id')!r} has a bad object reference")
        if not isinstance(files, list) or (files and not all(isinstance(f, str) for f in files)):
            raise TypeError(f"entry {entry.get('id')!r} has bad files")
