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

__all__ = ["COMMON", "KEYS", "MAX_QUERY", "SearchGroup", "SearchState", "search"]

#: The keypad: letters for pinyin and initials, digits for codes and 文号 numbers.
KEYS: tuple[str, ...] = tuple("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
MAX_QUERY = 24
PER_GROUP = 30
#: How many matches per group are ranked, as a multiple of ``PER_GROUP``.
RANK_POOL = 4

#: The order groups are shown in: what people come to a hall for first (where
#: to go and whom to call, then how a matter is handled), documents last.
GROUP_ORDER = (
    EntityType.AGENCY,
    EntityType.POWER_ITEM,
    EntityType.GUIDE,
    EntityType.LEADER,
    EntityType.PROJECT,
    EntityType.NOTICE,
    EntityType.CATALOGUE_ENTRY,
    EntityType.ANNUAL_REPORT,
)
#: 常用事项: one tap for visitors who cannot spell in pinyin (label, the query it types).
COMMON: tuple[tuple[str, str], ...] = (
    ("不动产登记", "bdcdj"),
    ("社会保障", "shbz"),
    ("户籍", "hj"),
    ("婚姻登记", "hydj"),
    ("医疗保障", "ylbz"),
    ("营业执照", "yyzz"),
    ("最低生活保障", "zdshbz"),
    ("建设工程", "jsgc"),
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
        entries: list[tuple[tuple[int, int, int, tuple[bool, int]], Entry]] = []
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
            entries.append((_rank(entry, normal, index.haystacks[position]), entry))
        if not entries:
            continue
        entries.sort(key=lambda ranked: ranked[0])
        groups.append(
            SearchGroup(
                type=entity_type,
                label=entity_type.label,
                entries=tuple(entry for _, entry in entries[:per_group]),
                more=more or len(entries) > per_group,
            )
        )
    return groups


def _rank(entry: Entry, normal: str, haystack: str) -> tuple[int, int, int, tuple[bool, int]]:
    """Title starts with the query, then in the title (earlier first), then elsewhere.

    ``haystack`` is the index's ``text NUL pinyin NUL initials``; the title is
    the first of an entry's texts, so a match at a character offset below the
    title's length is in the title (pinyin offsets count about 3 letters a syllable).
    """
    text, pinyin, initials = haystack.split("\0")
    found = [at for at in (text.find(normal), initials.find(normal)) if at >= 0]
    spelled = pinyin.find(normal)
    if spelled >= 0:
        found.append(spelled // 3)
    at = min(found) if found else len(text)
    where = 0 if at == 0 else 1 if at < len(entry.title) else 2
    return (where, at, len(entry.title), entry.newest_first)


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

    def set_query(self, query: str, library: Library) -> None:
        """A 常用事项 button: its query at once."""
        self.query = query[:MAX_QUERY].lower()
        self.refresh(library)

    def refresh(self, library: Library) -> None:
        """Recompute the results (after a key, or on a new release)."""
        self.groups = search(library, self.query) if self.query else []

    @property
    def total(self) -> int:
        """How many results are shown."""
        return sum(len(g.entries) for g in self.groups)
