"""Canonical JSON for entities: JSON Lines records and content hashes.

The same entity always serialises to the same bytes (keys in model order,
``None`` fields left out, no ASCII escaping), so generated files are
byte-identical run to run and hashes are stable.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from content.models import Entity

__all__ = ["content_hash", "to_json_line", "to_record"]


def to_record(entity: Entity) -> dict[str, Any]:
    """The entity as plain JSON-ready data (``None`` fields omitted)."""
    return entity.model_dump(mode="json", exclude_none=True)


def to_json_line(entity: Entity) -> str:
    """One JSON Lines record for the entity, without the trailing newline."""
    return json.dumps(to_record(entity), ensure_ascii=False, separators=(",", ":"))


def content_hash(entity: Entity) -> str:
    """SHA-256 of the entity's content, ignoring its provenance.

    Two fetches of unchanged content hash the same even though their
    ``fetched_at`` differ; any change of content changes the hash.
    """
    record = to_record(entity)
    record.pop("provenance", None)
    canonical = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
