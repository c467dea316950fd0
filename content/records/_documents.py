"""Catalogue entry, guide and notice records (``content.models._documents``)."""

from typing import Literal, NotRequired, TypedDict

from content.records._base import AttachmentRecord, IsoDate, LinkRecord, RecordBase

__all__ = ["CatalogueEntryRecord", "GuideRecord", "NoticeRecord", "PeriodRecord"]


class CatalogueEntryRecord(RecordBase):
    """``CatalogueEntry``: an entry of the disclosure catalogue (公开目录)."""

    entity_type: Literal["catalogue_entry"]
    index_no: NotRequired[str]
    title: str
    publisher: str
    agency_id: NotRequired[str]
    doc_number: NotRequired[str]
    created_date: NotRequired[IsoDate]
    published_date: IsoDate
    effective_date: NotRequired[IsoDate]
    expiry_date: NotRequired[IsoDate]
    validity: str  # Validity
    subject_category: NotRequired[str]
    genre: NotRequired[str]
    catalogue_category: NotRequired[str]
    audience: NotRequired[str]
    keywords: list[str]
    summary: NotRequired[str]
    disclosure_mode: str  # DisclosureMode
    body_text: str
    attachments: list[AttachmentRecord]
    related: list[LinkRecord]


class GuideRecord(RecordBase):
    """``Guide``: a government information disclosure guide (公开指南)."""

    entity_type: Literal["guide"]
    organization: str
    agency_id: NotRequired[str]
    version_date: IsoDate
    categories_text: str
    how_to_obtain: str
    application_procedure: str
    office_name: str
    address: str
    office_hours: str
    postcode: NotRequired[str]
    phone: str
    fax: NotRequired[str]
    email: NotRequired[str]
    website: NotRequired[str]
    supervision: str
    body_text: str
    attachments: list[AttachmentRecord]


class PeriodRecord(TypedDict):
    """``Period``: a closed date range, e.g. a 公示期."""

    start: IsoDate
    end: IsoDate


class NoticeRecord(RecordBase):
    """``Notice``: a notice, announcement or publicity (通知公告)."""

    entity_type: Literal["notice"]
    title: str
    kind: str  # NoticeKind
    publisher: str
    published_date: IsoDate
    publicity_period: NotRequired[PeriodRecord]
    body_text: str
    led_text: NotRequired[str]
    attachments: list[AttachmentRecord]
    towns: list[str]
    pinned: bool
    validity: str  # Validity
