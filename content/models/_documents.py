"""Published documents: catalogue entries (公开目录), the guide (公开指南), notices."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import StringConstraints, model_validator

from content.enums import DisclosureMode, EntityType, NoticeKind, Validity
from content.models._base import (
    Attachment,
    Body,
    CnDate,
    DocNumber,
    Entity,
    EntityId,
    HttpUrl,
    IndexNo,
    Line,
    Link,
    Model,
    RuleViolation,
    Scope,
    Text,
)
from content.normalize import IndexNumber, parse_index_no


class CatalogueEntry(Entity):
    """An entry of the government information disclosure catalogue (公开目录)."""

    entity_type: Literal[EntityType.CATALOGUE_ENTRY] = EntityType.CATALOGUE_ENTRY
    index_no: IndexNo | None = None
    title: Line
    publisher: Line
    agency_id: EntityId | None = None
    doc_number: DocNumber | None = None
    created_date: CnDate | None = None
    published_date: CnDate
    effective_date: CnDate | None = None
    expiry_date: CnDate | None = None
    validity: Validity = Validity.UNKNOWN
    subject_category: Line | None = None
    genre: Line | None = None
    catalogue_category: Line | None = None
    audience: Line | None = None
    keywords: tuple[Line, ...] = ()
    summary: Body | None = None
    disclosure_mode: DisclosureMode = DisclosureMode.PROACTIVE
    body_text: Body = ""
    attachments: tuple[Attachment, ...] = ()
    related: tuple[Link, ...] = ()

    @property
    def index_no_parsed(self) -> IndexNumber | None:
        """The 索引号 parsed leniently, or None when the entry has none."""
        return parse_index_no(self.index_no) if self.index_no else None

    @model_validator(mode="after")
    def _dates(self) -> CatalogueEntry:
        if self.effective_date and self.expiry_date and self.expiry_date < self.effective_date:
            raise RuleViolation("expiry_date", "is before effective_date")
        return self


class Guide(Entity):
    """A government information disclosure guide (政府信息公开指南)."""

    entity_type: Literal[EntityType.GUIDE] = EntityType.GUIDE
    organization: Line
    agency_id: EntityId | None = None
    version_date: CnDate
    categories_text: Body
    how_to_obtain: Body
    application_procedure: Body
    office_name: Line
    address: Line
    office_hours: Line
    postcode: Annotated[str, StringConstraints(pattern=r"^\d{6}$")] | None = None
    phone: Line
    fax: Line | None = None
    email: Line | None = None
    website: HttpUrl | None = None
    supervision: Body
    body_text: Body = ""
    attachments: tuple[Attachment, ...] = ()


class Period(Model):
    """A closed date range, e.g. a 公示期."""

    start: CnDate
    end: CnDate

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise RuleViolation("end", "is before start")
        return self


class Notice(Entity):
    """A notice, announcement or publicity (通知公告)."""

    entity_type: Literal[EntityType.NOTICE] = EntityType.NOTICE
    title: Line
    kind: NoticeKind
    publisher: Line
    published_date: CnDate
    publicity_period: Period | None = None
    body_text: Text
    led_text: Annotated[Line, StringConstraints(max_length=80)] | None = None
    attachments: tuple[Attachment, ...] = ()
    towns: tuple[Scope, ...] = ()
    pinned: bool = False
    validity: Validity = Validity.UNKNOWN
