"""Approved content as validated entities: what releases and LED boards are built from.

Both the release builder and the boards read the same thing: every active
item's published revision, validated into its ``content`` model. Validation
is the expensive part, and a revision never changes, so an
:class:`ApprovedCache` keeps each revision's entity. The cache is owned by
whoever reads repeatedly (``gongkai serve`` hands one to the builder and the
boards alike); a one-off command just lets the selector make a fresh one.

Usage::

    cache = ApprovedCache()
    entities = approved_entities(cache=cache)                  # every type
    notices = approved_entities(cache=cache, entity_types=[EntityType.NOTICE])
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from content.enums import EntityType
from content.errors import ContentError
from content.validation import validate_entity
from publisher.store.models import Item

if TYPE_CHECKING:
    from collections.abc import Collection

    from content.models import Entity
    from publisher.store.models import Revision

__all__ = ["ApprovedCache", "approved_entities"]

log = logging.getLogger("gongkai.store")


class ApprovedCache:
    """Validated entities by revision id, shared by the readers of one process.

    A revision that no longer validates is remembered too, so it is logged
    once, not at every read. Each read forgets the revisions of the types it
    read that are no longer published, so the cache holds what is approved
    now. Safe to share between threads (the release and board jobs).
    """

    def __init__(self) -> None:
        self._entries: dict[int, tuple[str, Entity | None]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, revision: int) -> tuple[str, Entity | None] | None:
        """The cached ``(entity type, entity or None when invalid)`` of a revision."""
        return self._entries.get(revision)

    def replace(
        self, types: Collection[str] | None, fresh: dict[int, tuple[str, Entity | None]]
    ) -> None:
        """Hold ``fresh`` as every revision of ``types`` (all types when None)."""
        with self._lock:
            kept = {} if types is None else {
                pk: entry for pk, entry in self._entries.items() if entry[0] not in types
            }  # fmt: skip
            self._entries = kept | fresh


def approved_entities(
    *, cache: ApprovedCache | None = None, entity_types: Collection[EntityType] | None = None
) -> list[Entity]:
    """The published revision of every active item, validated (of ``entity_types``, or all).

    Stored data that no longer validates (the models grew stricter) is logged
    and left out: a kiosk or board never shows what the core would refuse.

    Args:
        cache: validated entities kept between calls; a fresh one when None.
        entity_types: only these types; every type when None.
    """
    cache = ApprovedCache() if cache is None else cache
    items = Item.objects.filter(state=Item.State.ACTIVE, current__isnull=False)
    types = None if entity_types is None else {str(kind) for kind in entity_types}
    if types is not None:
        items = items.filter(entity_type__in=sorted(types))
    fresh: dict[int, tuple[str, Entity | None]] = {}
    entities: list[Entity] = []
    for item in items.select_related("current"):
        revision = item.current
        if revision is None:  # filtered out above; a row deleted meanwhile
            continue
        entry = cache.get(revision.pk) or (item.entity_type, _validated(item, revision))
        fresh[revision.pk] = entry
        if entry[1] is not None:
            entities.append(entry[1])
    cache.replace(types, fresh)
    return entities


# --- helpers -------------------------------------------------------------------------


def _validated(item: Item, revision: Revision) -> Entity | None:
    try:
        return validate_entity(EntityType(item.entity_type), revision.data)
    except ContentError as exc:
        log.warning("revision %s of %s left off kiosks and boards: %s", revision.pk, item.key, exc)
        return None
