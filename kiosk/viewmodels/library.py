"""The active release as the app sees it: entries by type, records, images, search.

A ``Library`` is made once per release (at start and when the agent switches
``active``, off the UI thread) from a ``ReleaseReader``; everything the screens
list comes from the release's index entries, and a record (the whole entity)
is read only when a detail screen opens it. The search index is merged from the
leaves' shards as they are read, so no leaf outlives the walk. Entries, summaries
and the loop are read through the types of ``content.records``.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from content.enums import EntityType
from content.search import SearchIndex, SearchShard
from kiosk.agent.errors import StorageError, VerificationError

if TYPE_CHECKING:
    from pathlib import Path

    from content.records import EntrySummary, LoopRecord
    from content.release import IndexLeaf, Manifest
    from kiosk.agent.reader import ReleaseReader

__all__ = ["Entry", "Library"]

_RECORD_CACHE = 64


@dataclass(frozen=True, slots=True)
class Entry:
    """One item as lists show it (from the release index, not the full record)."""

    type: EntityType
    id: str
    title: str
    date: str | None
    scope: str
    summary: EntrySummary
    files: tuple[str, ...]
    object: str  # the record's object: SHA-256 and size
    size: int
    #: The code of the item's phone page (``/d/<link>``), when the release gives one.
    link: str = ""
    #: Attachment SHA-256 → the code of its phone page (``/f/<code>``).
    file_links: dict[str, str] = field(default_factory=dict)

    @property
    def newest_first(self) -> tuple[bool, int]:
        """A sort key putting newer dates first (undated entries before all dated ones)."""
        if self.date is None:
            return (False, 0)
        try:
            return (True, -date.fromisoformat(self.date[:10]).toordinal())
        except ValueError:
            return (True, 0)


class Library:
    """Entries, records and the search index of one release.

    Args:
        reader: the release to show (pinned; see ``ReleaseReader``).
    """

    def __init__(self, reader: ReleaseReader) -> None:
        self.reader = reader
        self.by_type: dict[EntityType, list[Entry]] = {t: [] for t in EntityType}
        self.by_id: dict[str, Entry] = {}
        self.order: list[Entry] = []  # walk order: the search index's positions
        #: Where each type's entries lie in ``order`` (the walk goes type by type).
        self.spans: dict[EntityType, range] = {}
        #: The release's search index, merged from its leaves' shards as read.
        self.search_index = SearchIndex()
        last_leaf: IndexLeaf | None = None  # held: an id() of a freed leaf is reused
        for entity_type, leaf, item in reader.entries():
            if leaf is not last_leaf:
                last_leaf = leaf
                self.search_index.add(SearchShard.from_json(leaf.get("search", {})))
            entry = Entry(
                type=entity_type,
                id=str(item["id"]),
                title=str(item.get("title") or ""),
                date=item.get("date"),
                scope=str(item.get("scope") or ""),
                summary=cast("EntrySummary", dict(item.get("summary") or {})),
                files=tuple(item.get("files") or ()),
                object=str(item["object"]),
                size=int(item["size"]),
                link=str(item.get("link") or ""),
                file_links=dict(item.get("file_links") or {}),
            )
            span = self.spans.get(entity_type)
            position = len(self.order)
            self.spans[entity_type] = range(span.start if span else position, position + 1)
            self.order.append(entry)
            self.by_type[entity_type].append(entry)
            self.by_id[entry.id] = entry
        self._records: OrderedDict[str, dict[str, Any]] = OrderedDict()

    @property
    def manifest(self) -> Manifest:
        """The release's manifest."""
        return self.reader.manifest

    @property
    def release_name(self) -> str:
        """The release folder name, which changes with every activation."""
        return self.reader.name

    def record(self, entity_id: str) -> dict[str, Any] | None:
        """The full record of an item, or None when it is not (or no longer) readable.

        The record is parsed JSON of its entry's type: ``content.records`` names
        its type (``LeaderRecord`` for a leader …), which ``build_detail`` reads.
        """
        found = self._records.get(entity_id)
        if found is not None:
            self._records.move_to_end(entity_id)
            return found
        entry = self.by_id.get(entity_id)
        if entry is None:
            return None
        try:
            record = self.reader.json(entry.object, size=entry.size)
        except (StorageError, VerificationError):
            return None
        if not isinstance(record, dict):
            return None
        self._records[entity_id] = record
        if len(self._records) > _RECORD_CACHE:
            self._records.popitem(last=False)
        return record

    def image(self, sha256: str | None) -> Path | None:
        """The file of an image object, or None when absent or damaged."""
        if not sha256:
            return None
        try:
            return self.reader.path(sha256)
        except (StorageError, VerificationError):
            return None

    def pinyin_key(self, name: str) -> str:
        """A sort key putting agency names in pinyin order (大余县 dà before 财政 cái …).

        The pinyin comes from the search index the publisher built (the kiosk
        never loads pypinyin); a name that is no agency's sorts by itself.
        """
        keys = self.__dict__.get("_pinyin")
        if keys is None:
            keys = {}
            span = self.spans.get(EntityType.AGENCY, range(0))
            haystacks = self.search_index.haystacks
            for position in span:
                entry = self.order[position]
                if entry.type is EntityType.AGENCY and position < len(haystacks):
                    # The full name's pinyin orders its short name (县医保局) too.
                    spelled = haystacks[position].split("\0")[1]
                    keys.setdefault(entry.title, spelled)
                    keys.setdefault(str(entry.summary.get("short_name") or entry.title), spelled)
            self.__dict__["_pinyin"] = keys
        return str(keys.get(name, name))

    def agency_name(self, agency_id: str | None) -> str:
        """An agency's short name (or full name), empty when unknown."""
        entry = self.by_id.get(agency_id or "")
        if entry is None:
            return ""
        return str(entry.summary.get("short_name") or entry.title)

    def loop(self) -> LoopRecord | None:
        """The idle loop's notices and figures, or None when unreadable."""
        try:
            found = self.reader.loop()
        except (StorageError, VerificationError):
            return None
        return cast("LoopRecord", found) if isinstance(found, dict) else None
