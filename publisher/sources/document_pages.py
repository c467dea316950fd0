"""The published documents' page types: catalogue entries, guides, notices, annual reports.

Like ``publisher.sources.entity_pages`` (which lists them all in ``PAGES``):
each declares the fields and tables a profile may name for its type and builds
the entity's data from them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from content.enums import EntityType
from content.ids import stable_id
from content.normalize import parse_notice_kind, parse_validity, shorten, split_keywords
from content.report_tables import legacy_stats_from_rows, revised_stats_from_tables
from publisher.sources.page_fields import (
    AssemblyError,
    Need,
    Page,
    Table,
    Text,
    agency_id,
    attachment,
)

if TYPE_CHECKING:
    from publisher.sources.page_fields import AssemblyContext

__all__ = ["DOCUMENT_PAGES", "LED_CHARS"]

#: The longest notice text an LED board shows.
LED_CHARS = 40
_PERIOD_SPLIT = re.compile(r"\s*(?:至|到|～|~|—|－|\s-\s)\s*")


class _CatalogueEntryPage(Page):
    entity_type = EntityType.CATALOGUE_ENTRY
    index_no = Text()
    title = Text()
    publisher = Need()
    doc_number = Text()
    created_date = Text()
    published_date = Text()
    effective_date = Text()
    expiry_date = Text()
    validity = Text()
    subject_category = Text()
    genre = Text()
    catalogue_category = Text()
    audience = Text()
    keywords = Text()
    summary = Text()

    def build(self, ctx: AssemblyContext) -> dict[str, Any]:
        record = self.record
        index_no = self.index_no
        publisher = self.publisher
        key = index_no or _path(record.url)
        return {
            "id": stable_id(EntityType.CATALOGUE_ENTRY, key),
            "scope": ctx.scopes.scope_of(publisher),
            "index_no": index_no,
            "title": self.title or record.title,
            "publisher": publisher,
            "agency_id": agency_id(publisher),
            "doc_number": self.doc_number,
            "created_date": self.created_date,
            "published_date": self.published_date or record.entry.date,
            "effective_date": self.effective_date,
            "expiry_date": self.expiry_date,
            "validity": parse_validity(self.validity),
            "subject_category": self.subject_category,
            "genre": self.genre,
            "catalogue_category": self.catalogue_category,
            "audience": self.audience,
            "keywords": split_keywords(self.keywords or ""),
            "summary": self.summary,
            "body_text": "\n".join(record.body),
            "attachments": _attachments(self),
        }


class _GuidePage(Page):
    entity_type = EntityType.GUIDE
    organization = Need()
    version_date = Need()
    categories_text = Need()
    how_to_obtain = Need()
    application_procedure = Need()
    office_name = Need()
    address = Need()
    office_hours = Need()
    postcode = Text()
    phone = Need()
    fax = Text()
    email = Text()
    website = Text()
    supervision = Need()

    def build(self, ctx: AssemblyContext) -> dict[str, Any]:
        organization = self.organization
        return {
            "id": stable_id(EntityType.GUIDE, organization),
            "scope": ctx.scopes.scope_of(organization),
            "organization": organization,
            "agency_id": agency_id(organization),
            "version_date": self.version_date,
            "categories_text": self.categories_text,
            "how_to_obtain": self.how_to_obtain,
            "application_procedure": self.application_procedure,
            "office_name": self.office_name,
            "address": self.address,
            "office_hours": self.office_hours,
            "postcode": self.postcode,
            "phone": self.phone,
            "fax": self.fax,
            "email": self.email,
            "website": self.website,
            "supervision": self.supervision,
            "body_text": "\n".join(self.record.body),
            "attachments": _attachments(self),
        }


class _NoticePage(Page):
    entity_type = EntityType.NOTICE
    publisher = Need()
    published_date = Text()
    kind = Text()
    publicity_period = Text()

    def build(self, ctx: AssemblyContext) -> dict[str, Any]:
        record = self.record
        publisher = self.publisher
        scope = ctx.scopes.scope_of(publisher)
        period = None
        if text := self.publicity_period:
            parts = [part for part in _PERIOD_SPLIT.split(text) if part]
            if len(parts) != 2:
                raise AssemblyError("publicity_period", f"{text!r} is not a period like A至B")
            period = {"start": parts[0], "end": parts[1]}
        title = record.title or record.entry.title
        return {
            "id": stable_id(EntityType.NOTICE, _path(record.url)),
            "scope": scope,
            "title": title,
            "kind": parse_notice_kind(self.kind or title),
            "publisher": publisher,
            "published_date": self.published_date or record.entry.date,
            "publicity_period": period,
            # A notice published only as an attachment still says where its text is.
            "body_text": "\n".join(record.body)
            or "详见附件：" + "、".join(name for name, _ in record.attachments),
            "led_text": shorten(title, LED_CHARS),
            "attachments": _attachments(self),
            "towns": [scope] if scope != "county" else [],
            "pinned": record.entry.pinned,
        }


class _AnnualReportPage(Page):
    entity_type = EntityType.ANNUAL_REPORT
    organization = Need()
    published_date = Need()
    overview = Text()
    problems = Text()
    other = Text()
    legacy = Table()
    proactive = Table()
    applications = Table()
    review = Table()

    def build(self, ctx: AssemblyContext) -> dict[str, Any]:
        record = self.record
        organization = self.organization
        year = re.search(r"(\d{4})\s*年", record.title)
        if not year:
            raise AssemblyError("year", f"no year in the title {record.title!r}")
        stats: Any
        if "legacy" in record.tables:
            header = record.headers.get("legacy", [])
            first = (header[0][0], *header[1][:2]) if len(header) > 1 and header[0] else ()
            stats = legacy_stats_from_rows(self.legacy, header=first)
        elif "applications" in record.tables:
            stats = revised_stats_from_tables(
                proactive=self.proactive, applications=self.applications, review=self.review
            )
        else:
            raise AssemblyError("stats", "no statistics table found")
        sections = {
            "overview": self.overview or "",
            "problems": self.problems or "",
            "other": self.other or "",
        }
        return {
            "id": stable_id(EntityType.ANNUAL_REPORT, organization, int(year.group(1))),
            "scope": ctx.scopes.scope_of(organization),
            "organization": organization,
            "agency_id": agency_id(organization),
            "year": int(year.group(1)),
            "format_version": stats.format,
            "published_date": self.published_date,
            "sections": sections,
            "stats": stats.model_dump(),
            "body_text": "\n".join(sections.values()),
            "attachments": _attachments(self),
        }


#: The page types of the published documents.
DOCUMENT_PAGES: tuple[type[Page], ...] = (
    _CatalogueEntryPage,
    _GuidePage,
    _NoticePage,
    _AnnualReportPage,
)


def _attachments(page: Page) -> list[dict[str, Any]]:
    return [attachment(name, url) for name, url in page.record.attachments]


def _path(url: str) -> str:
    """What identifies an article of the site: its path, and its query if any.

    ``content.jsp?id=…`` serves every article of a JSP site.
    """
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path
