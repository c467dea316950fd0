"""The active release as the app sees it: entries by type, records, images, search.

A ``Library`` is made once per release (at start and when the agent switches
``active``) from a ``ReleaseReader``; everything the screens list comes from
the release's index entries, and a record (the whole entity) is read only
when a detail screen opens it.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from content.enums import EntityType
from content.search import SearchShard
from kiosk.agent.errors import StorageError, VerificationError

if TYPE_CHECKING:
    from pathlib import Path

    from content.release import Manifest
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
    summary: dict[str, Any]
    files: tuple[str, ...]
    ref: dict[str, Any]  # the index entry itself: object hash and size

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
        self._shards: list[dict[str, Any]] = []
        last_leaf: int | None = None
        for entity_type, leaf, raw in reader.entries():
            if id(leaf) != last_leaf:
                last_leaf = id(leaf)
                self._shards.append(leaf.get("search", {}))
            entry = Entry(
                type=entity_type,
                id=str(raw["id"]),
                title=str(raw.get("title") or ""),
                date=raw.get("date"),
                scope=str(raw.get("scope") or ""),
                summary=dict(raw.get("summary") or {}),
                files=tuple(raw.get("files") or ()),
                ref=raw,
            )
            self.order.append(entry)
            self.by_type[entity_type].append(entry)
            self.by_id[entry.id] = entry
        self._search: SearchShard | None = None
        self._records: OrderedDict[str, dict[str, Any]] = OrderedDict()

    @property
    def search_index(self) -> SearchShard:
        """The release's search index, merged from its leaves on first use.

        The app calls this once in the background after loading, so the
        first query does not pay for the merge.
        """
        if self._search is None:
            self._search = SearchShard.merge([SearchShard.from_json(s) for s in self._shards])
            self._shards = []
        return self._search

    @property
    def manifest(self) -> Manifest:
        """The release's manifest."""
        return self.reader.manifest

    @property
    def release_name(self) -> str:
        """The release folder name, which changes with every activation."""
        return self.reader.name

    def record(self, entity_id: str) -> dict[str, Any] | None:
        """The full record of an item, or None when it is not (or no longer) readable."""
        found = self._records.get(entity_id)
        if found is not None:
            self._records.move_to_end(entity_id)
            return found
        entry = self.by_id.get(entity_id)
        if entry is None:
            return None
        try:
            record = self.reader.record(entry.ref)
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

    def agency_name(self, agency_id: str | None) -> str:
        """An agency's short name (or full name), empty when unknown."""
        entry = self.by_id.get(agency_id or "")
        if entry is None:
            return ""
        return str(entry.summary.get("short_name") or entry.title)

    def loop(self) -> dict[str, Any]:
        """The idle loop's notices and figures (empty when unreadable)."""
        try:
            found = self.reader.loop()
        except (StorageError, VerificationError):
            return {"notices": [], "figures": {}}
        return found if isinstance(found, dict) else {"notices": [], "figures": {}}
