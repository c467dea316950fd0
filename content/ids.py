"""Stable entity ids derived from each entity type's natural key.

The generator and the sync engine both call ``stable_id`` with the same
natural key, so the same real-world item gets the same id wherever it came from.
Where a URL is the key, only its path counts: a site moving from http to https,
or a demo site on another port, keeps its ids.
"""

from __future__ import annotations

import hashlib

from content.enums import EntityType

__all__ = ["ID_PREFIXES", "NATURAL_KEYS", "stable_id"]

ID_PREFIXES: dict[EntityType, str] = {
    EntityType.AGENCY: "agency",
    EntityType.LEADER: "leader",
    EntityType.POWER_ITEM: "power",
    EntityType.PROJECT: "project",
    EntityType.CATALOGUE_ENTRY: "cat",
    EntityType.GUIDE: "guide",
    EntityType.NOTICE: "notice",
    EntityType.ANNUAL_REPORT: "report",
}

#: What identifies each entity type in the real world (documentation for sources).
NATURAL_KEYS: dict[EntityType, tuple[str, ...]] = {
    EntityType.AGENCY: ("name",),
    EntityType.LEADER: ("organization", "name"),
    EntityType.POWER_ITEM: ("item_code",),
    EntityType.PROJECT: ("year", "category", "name"),
    EntityType.CATALOGUE_ENTRY: ("index_no, or the source URL's path when it has none",),
    EntityType.GUIDE: ("organization",),
    EntityType.NOTICE: ("the source URL's path",),
    EntityType.ANNUAL_REPORT: ("organization", "year"),
}


def stable_id(entity_type: EntityType, *key: str | int) -> str:
    """Build the id of an entity from its natural key.

    Args:
        entity_type: the entity's type; sets the id's prefix.
        *key: the natural-key parts, in the order of ``NATURAL_KEYS``.

    Returns:
        ``<prefix>-<16 hex digits>``, e.g. ``leader-3f2a9c0d1b7e6a55``.

    Raises:
        ValueError: no key parts, or an empty one.
    """
    parts = [str(part).strip() for part in key]
    if not parts or not all(parts):
        raise ValueError(f"natural key of {entity_type} must be non-empty, got {key!r}")
    digest = hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).hexdigest()
    return f"{ID_PREFIXES[entity_type]}-{digest}"
