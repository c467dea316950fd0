"""The audit trail as staff read it: filtered, paged, and exported as CSV.

An export must never carry an applicant's personal data (applications.md:
name, ID number, phone, address stay in the register). So only the details
named in :data:`EXPORTED_DETAILS` are written, and any other key a future
service records is withheld (counted, not shown) until it is added here on
purpose::

    page = audit_entries(scope=scope, filters=AuditFilter(action="board_"), limit=50)
    for chunk in audit_csv(scope=scope, filters=AuditFilter(since=since)):
        response.write(chunk)          # a StreamingHttpResponse, row by row

The CSV starts with a UTF-8 byte-order mark, so Excel (which county offices
use) opens the Chinese correctly.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from content.county_time import SHANGHAI
from publisher.store.models import AuditLog

if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime

    from django.db.models import QuerySet

    from publisher.actors import Scope

__all__ = [
    "EXPORTED_DETAILS",
    "AuditFilter",
    "AuditLine",
    "AuditPage",
    "audit_csv",
    "audit_entries",
]

#: Detail keys written to exports and pages; anything else is withheld.
EXPORTED_DETAILS = frozenset(
    {
        "address",
        "boards",
        "channel",
        "device",
        "groups",
        "items",
        "missing",
        "name",
        "queued",
        "reason",
        "rule",
        "rules",
        "signal",
        "source",
    }
)
#: The most rows one page returns.
MAX_PAGE = 500
_HEADER = ("时间", "操作人", "操作", "来源", "条目", "修订", "地址", "详情")


@dataclass(frozen=True)
class AuditFilter:
    """What to show: any of an actor (part of), an action (its start), a source, dates."""

    actor: str = ""
    action: str = ""
    source: str = ""
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class AuditLine:
    """One entry of the trail, safe to show and export."""

    id: int
    at: datetime
    actor: str
    action: str
    source: str
    item: str
    revision: int | None
    address: str
    detail: dict[str, Any]
    withheld: int  # detail keys not shown


@dataclass(frozen=True)
class AuditPage:
    """One page of entries, newest first, with the count of all that match."""

    lines: tuple[AuditLine, ...]
    total: int
    offset: int
    limit: int


def audit_entries(
    *, scope: Scope, filters: AuditFilter | None = None, offset: int = 0, limit: int = 50
) -> AuditPage:
    """A page of the entries matching ``filters`` in ``scope``, newest first (two queries).

    A town's scope sees the entries about its own items and its kiosks' channel.
    """
    limit = max(1, min(limit, MAX_PAGE))
    rows = _matching(scope, filters or AuditFilter())
    page = rows[max(0, offset) : max(0, offset) + limit]
    return AuditPage(tuple(_line(row) for row in page), rows.count(), offset, limit)


def audit_csv(*, scope: Scope, filters: AuditFilter | None = None) -> Iterator[str]:
    """The matching entries as CSV text, in chunks (for a streaming download)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_HEADER)
    yield "\ufeff" + _drain(buffer)
    for row in _matching(scope, filters or AuditFilter()).iterator(chunk_size=500):
        line = _line(row)
        detail = json.dumps(line.detail, ensure_ascii=False, sort_keys=True) if line.detail else ""
        if line.withheld:
            detail += f" (另有 {line.withheld} 项未导出)"
        writer.writerow(
            [
                line.at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S"),
                _cell(line.actor),
                line.action,
                line.source,
                _cell(line.item),
                "" if line.revision is None else line.revision,
                line.address,
                _cell(detail),
            ]
        )
        yield _drain(buffer)


# --- helpers -------------------------------------------------------------------------


def _matching(scope: Scope, filters: AuditFilter) -> QuerySet[AuditLog]:
    rows = AuditLog.objects.select_related("source", "item", "revision").order_by("-at", "-pk")
    if not scope.is_county:
        rows = rows.filter(Q(item__scope=scope.key) | Q(detail__channel=scope.key))
    if filters.actor:
        rows = rows.filter(actor__icontains=filters.actor)
    if filters.action:
        rows = rows.filter(action__startswith=filters.action)
    if filters.source:
        rows = rows.filter(Q(source__key=filters.source) | Q(detail__source=filters.source))
    if filters.since:
        rows = rows.filter(at__gte=filters.since)
    if filters.until:
        rows = rows.filter(at__lt=filters.until)
    return rows


def _line(row: AuditLog) -> AuditLine:
    detail = row.detail if isinstance(row.detail, dict) else {}
    shown = {key: value for key, value in detail.items() if key in EXPORTED_DETAILS}
    withheld = len(detail) - len(shown)
    # The address has its own column (a console request's client); older rows kept it in detail.
    address = row.address or str(shown.pop("address", ""))
    shown.pop("address", None)
    return AuditLine(
        id=row.pk,
        at=row.at,
        actor=row.actor,
        action=row.action,
        source=row.source.key if row.source else "",
        item=row.item.key if row.item else "",
        revision=row.revision.seq if row.revision else None,
        address=address,
        detail=shown,
        withheld=withheld,
    )


def _cell(text: str) -> str:
    """Text a spreadsheet will not run as a formula (CSV injection)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
