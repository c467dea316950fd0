"""Search from the on-screen keypad: pinyin, initials or Chinese, grouped by type.

The index is the publisher's (``content.search``), merged at load; a query
costs a few dictionary lookups plus substring checks on the smallest posting
list, and stops once every group is full, so even one letter over 50,000
items answers in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from content.enums import EntityType
from content.search import query_grams

if TYPE_CHECKING:
    from content.search import SearchShard
    from kiosk.viewmodels.library import Entry, Library

__all__ = ["KEYS", "MAX_QUERY", "SearchGroup", "SearchState", "search"]

#: The keypad: letters for pinyin and initials, digits for codes and 文号 numbers.
KEYS: tuple[str, ...] = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
MAX_QUERY = 24
PER_GROUP = 30

#: The order groups are shown in: what people ask about in a hall first.
GROUP_ORDER = (
    EntityType.POWER_ITEM,
    EntityType.PROJECT,
    EntityType.LEADER,
    EntityType.NOTICE,
    EntityType.CATALOGUE_ENTRY,
    EntityType.GUIDE,
    EntityType.ANNUAL_REPORT,
    EntityType.AGENCY,
)


@dataclass(frozen=True)
class SearchGroup:
    """The results of one entity type."""

    type: EntityType
    label: str
    entries: tuple[Entry, ...]
    more: bool  # more matches than shown


def search(library: Library, query: str, *, per_group: int = PER_GROUP) -> list[SearchGroup]:
    """Groups of entries matching ``query`` (Chinese, full pinyin or initials).

    Within a group, titles that start with the query come first, then shorter
    titles (the more specific match), then newer ones.
    """
    normal, grams = query_grams(query)
    if not normal:
        return []
    index = library.search_index
    found: dict[EntityType, list[Entry]] = {}
    full: dict[EntityType, bool] = {}
    for position in _candidates(index, grams):
        keys = index.keys[position]
        if normal not in keys.text and normal not in keys.pinyin and normal not in keys.initials:
            continue
        entry = library.order[position]
        bucket = found.setdefault(entry.type, [])
        if len(bucket) >= per_group * 4:
            full[entry.type] = True
            if len(full) == len(EntityType):
                break
            continue
        bucket.append(entry)
    groups = []
    for entity_type in GROUP_ORDER:
        entries = found.get(entity_type)
        if not entries:
            continue
        entries.sort(key=lambda e: _rank(e, normal))
        groups.append(
            SearchGroup(
                type=entity_type,
                label=entity_type.label,
                entries=tuple(entries[:per_group]),
                more=len(entries) > per_group or full.get(entity_type, False),
            )
        )
    return groups


def _candidates(index: SearchShard, grams: list[str]) -> list[int]:
    lists: list[list[int]] = []
    for gram in grams:
        positions = index.postings.get(gram)
        if not positions:
            return []
        lists.append(positions)
    if not lists:
        return []
    lists.sort(key=len)  # intersect from the rarest gram
    if len(lists) == 1:
        return lists[0]
    others = [set(p) for p in lists[1:]]
    return [p for p in lists[0] if all(p in s for s in others)]


def _rank(entry: Entry, normal: str) -> tuple[int, int, tuple[bool, int]]:
    starts = 0 if entry.title.lower().startswith(normal) else 1
    return (starts, len(entry.title), entry.newest_first)


@dataclass
class SearchState:
    """What the search screen holds: the query typed so far and its results."""

    query: str = ""
    groups: list[SearchGroup] = field(default_factory=list)

    def press(self, key: str, library: Library) -> None:
        """A keypad key: a letter or digit, ``backspace`` or ``clear``."""
        if key == "backspace":
            self.query = self.query[:-1]
        elif key == "clear":
            self.query = ""
        elif len(key) == 1 and key.upper() in KEYS and len(self.query) < MAX_QUERY:
            self.query += key.lower()
        self.refresh(library)

    def refresh(self, library: Library) -> None:
        """Recompute the results (after a key, or on a new release)."""
        self.groups = search(library, self.query) if self.query else []

    @property
    def total(self) -> int:
        """How many results are shown."""
        return sum(len(g.entries) for g in self.groups)
