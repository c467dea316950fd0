"""Search from the on-screen keypad: pinyin, initials or Chinese, grouped by type.

The index is the publisher's (``content.search``), merged at load; a query
costs a few dictionary lookups plus substring checks on the rarest gram's
postings, each type's group stopping once it has enough to rank, so even one
letter over 50,000 items answers in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from content.enums import EntityType
from content.search import query_grams

if TYPE_CHECKING:
    from kiosk.viewmodels.library import Entry, Library

__all__ = ["KEYS", "MAX_QUERY", "SearchGroup", "SearchState", "search"]

#: The keypad: letters for pinyin and initials, digits for codes and 文号 numbers.
KEYS: tuple[str, ...] = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
MAX_QUERY = 24
PER_GROUP = 30
#: How many matches per group are ranked, as a multiple of ``PER_GROUP``.
RANK_POOL = 4

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
    titles (the more specific match), then newer ones. Each group ranks its
    first ``per_group * RANK_POOL`` matches (in index order); a group with more
    is marked ``more``, and the screen asks for another letter.
    """
    index = library.search_index
    normal, grams = query_grams(query, index.scheme)
    if not normal:
        return []
    pool = per_group * RANK_POOL
    groups = []
    for entity_type in GROUP_ORDER:
        span = library.spans.get(entity_type)
        if span is None:
            continue
        entries: list[Entry] = []
        more = False
        # Each type's entries are one span of positions (the release is walked type by type).
        for position in index.candidates(grams, span):
            if not index.matches(position, normal):
                continue
            entry = library.order[position]
            if entry.type is not entity_type:
                continue
            if len(entries) == pool:
                more = True
                break
            entries.append(entry)
        if not entries:
            continue
        entries.sort(key=lambda e: _rank(e, normal))
        groups.append(
            SearchGroup(
                type=entity_type,
                label=entity_type.label,
                entries=tuple(entries[:per_group]),
                more=more or len(entries) > per_group,
            )
        )
    return groups


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
