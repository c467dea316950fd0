"""The release format: what a kiosk receives for its channel.

A release is a **manifest** plus **content-addressed objects** (named by the
SHA-256 of their bytes). Only the manifests are TUF targets; every other object
is verified against a hash that a verified manifest or object gives, so a
one-item change costs a kiosk the changed objects and a few KB of index.

::

    manifest ──► per entity type: an index trie (node ─► node ─► leaf)
             │       leaf: entries (id, title, summary, object hash, files)
             │             + the leaf's search shard (content.search)
             └──► loop object: notices for the idle loop, headline figures

Entries are placed in leaves by the first hex digits of the SHA-256 of their
*id*, so an item keeps its leaf across versions. ``walk`` reads a release
back through any object loader (the kiosk agent verifies as it loads).
Building one is ``content.release_build`` (publisher side): a kiosk reading
releases never loads the entity models.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from content.enums import EntityType

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = [
    "FORMAT",
    "IndexRoot",
    "Manifest",
    "ObjectRef",
    "channel_scopes",
    "object_bytes",
    "sha256_hex",
    "walk",
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


def channel_scopes(channel: str) -> frozenset[str]:
    """The scopes a channel shows: the county's, plus its own town's."""
    return frozenset({"county"}) if channel == "county" else frozenset({"county", channel})


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def object_bytes(data: Any) -> bytes:
    """Canonical JSON bytes of an object (sorted keys, no spaces, UTF-8)."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def walk(
    manifest: Manifest, load: Callable[[ObjectRef], Any]
) -> Iterator[tuple[EntityType, dict[str, Any], dict[str, Any]]]:
    """Yield ``(entity type, leaf, entry)`` for every entry of a release.

    ``load`` returns the parsed JSON of an object; the kiosk agent's loader
    verifies each object's hash and size before parsing it.
    """
    for entity_type, root in manifest.indexes.items():
        stack = [load(root)]
        while stack:
            node = stack.pop()
            if node["kind"] == "leaf":
                for entry in node["entries"]:
                    yield entity_type, node, entry
            else:
                stack.extend(load(ObjectRef(**ref)) for ref in node["children"].values())
