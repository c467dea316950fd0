"""What a release's indexes and loop carry about entities (``content.release_build``).

Lists and search read index entries, never whole records: an entry holds an
item's title, date and a ``summary`` of the few record fields its list shows.
"""

from typing import TypedDict

from content.records._base import DecimalText, IsoDate

__all__ = ["EntrySummary", "LoopFigures", "LoopNotice", "LoopRecord"]


class EntrySummary(TypedDict, total=False):
    """The record fields an index entry repeats, by entity type; each key as in the record.

    agency: ``short_name``, ``kind``, ``rank_order``; leader: ``organization``,
    ``post``, ``rank_order``, ``agency_id``; power item: ``item_code``,
    ``power_type``, ``implementing_body``, ``agency_id``; project: ``category``,
    ``status``, ``progress_pct``, ``lead_unit``, ``year``; catalogue entry:
    ``publisher``, ``catalogue_category``, ``validity``, ``doc_number``; guide:
    ``organization``; notice: ``kind``, ``publisher``, ``pinned``, ``led_text`` and
    ``valid_until`` (the end of its publicity period); annual report:
    ``organization``, ``year``, ``format_version``.
    """

    short_name: str
    kind: str  # AgencyKind or NoticeKind
    rank_order: int
    organization: str
    post: str
    agency_id: str
    item_code: str
    power_type: str  # PowerType
    implementing_body: str
    category: str  # ProjectCategory
    status: str  # ProjectStatus
    progress_pct: DecimalText
    lead_unit: str
    year: int
    publisher: str
    catalogue_category: str
    validity: str  # Validity
    doc_number: str
    pinned: bool
    led_text: str
    format_version: str  # AnnualReportFormat
    valid_until: IsoDate


class LoopNotice(TypedDict):
    """A notice of the idle loop."""

    id: str
    title: str
    led_text: str
    published_date: IsoDate
    valid_until: IsoDate | None


class LoopFigures(TypedDict):
    """The headline figures of the idle loop."""

    power_items: int
    projects: int
    projects_completed: int
    catalogue_entries: int


class LoopRecord(TypedDict):
    """The idle loop's object: current notices (pinned first) and headline figures."""

    notices: list[LoopNotice]
    figures: LoopFigures
