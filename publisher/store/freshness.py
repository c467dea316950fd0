"""How current the published content is, per agency and per column (source).

The county's own 2008 report names stale, unevenly updated information
(信息更新不及时) as a main problem; these reads make it visible. Counted are
published items (approved, not removed). An item's date is its publication
date (``published_date``; a guide's ``version_date``, a leader's
``updated_at``), else the day the publisher first saw it. An agency is the
item's ``agency_id``, else its ``publisher`` text; every agency of the
county is listed, so one that never published shows with nothing::

    table = agency_freshness(scope=scope, today=today)
    [row.name for row in table.agencies if row.stale]     # nothing new in 90 days

Two queries however many items: the items' few JSON fields are read by the
database (``KeyTextTransform``), never whole revisions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import F
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce

from content.county_time import SHANGHAI
from publisher.store.models import Item

if TYPE_CHECKING:
    from publisher.actors import Scope

__all__ = ["FRESH_DAYS", "Freshness", "FreshnessRow", "agency_freshness"]

#: Nothing new for longer than this many days is flagged.
FRESH_DAYS = 90
_RECENT_DAYS = 30
#: Months of history in each row's chart series.
_MONTHS = 12
_DATE_FIELDS = ("published_date", "version_date", "updated_at")


@dataclass
class FreshnessRow:
    """One agency or column: its latest date, recent counts, and a monthly series."""

    key: str
    name: str
    scope: str
    last_published: date | None = None
    last_30: int = 0
    last_90: int = 0
    total: int = 0
    #: Items per month, oldest first, the current month last (``Freshness.months``).
    monthly: list[int] = field(default_factory=lambda: [0] * _MONTHS)

    @property
    def stale(self) -> bool:
        """Nothing new in the last 90 days (or ever)."""
        return self.last_90 == 0

    @property
    def words(self) -> str:
        """The state in Chinese."""
        return "超过90天未更新" if self.stale else "正常更新"


@dataclass(frozen=True)
class Freshness:
    """The freshness table: by agency, by column, and the months of the series."""

    today: date
    months: tuple[date, ...]  # the first day of each month of ``monthly``
    agencies: tuple[FreshnessRow, ...]
    columns: tuple[FreshnessRow, ...]


def agency_freshness(*, scope: Scope, today: date | None = None) -> Freshness:
    """Freshness per agency and per column (source) in ``scope``, stalest first.

    Args:
        scope: the county (everything) or a town (its own items and agencies).
        today: the county's date (default: today in Asia/Shanghai).
    """
    from datetime import datetime  # noqa: PLC0415

    today = today or datetime.now(SHANGHAI).date()
    items = Item.objects.filter(state=Item.State.ACTIVE, current__isnull=False)
    if not scope.is_county:
        items = items.filter(scope=scope.key)
    months = _months(today)
    agencies: dict[str, FreshnessRow] = {}
    for key, name, item_scope in (
        items.filter(entity_type="agency")
        .annotate(agency=_text("id"), label=_text("name"))
        .values_list("agency", "label", "scope")
    ):
        agencies[key] = FreshnessRow(key, name or key, item_scope)
    columns: dict[str, FreshnessRow] = {}
    dated = items.exclude(entity_type="agency").annotate(
        when=Coalesce(*(_text(name) for name in _DATE_FIELDS)),
        agency=Coalesce(_text("agency_id"), _text("publisher")),
        source_key=F("source__key"),
        source_name=F("source__name"),
    )
    for when, agency, item_scope, source_key, source_name, created in dated.values_list(
        "when", "agency", "scope", "source_key", "source_name", "created_at"
    ):
        day = _day(when) or created.astimezone(SHANGHAI).date()
        if agency:
            row = agencies.setdefault(agency, FreshnessRow(agency, agency, item_scope))
            _count(row, day, today, months)
        column = columns.setdefault(
            source_key, FreshnessRow(source_key, source_name or source_key, "county")
        )
        _count(column, day, today, months)
    return Freshness(today, months, _ordered(agencies), _ordered(columns))


# --- helpers -------------------------------------------------------------------------


def _text(key: str) -> KeyTextTransform:
    """A top-level key of the current revision's data, as text, read by the database."""
    return KeyTextTransform(key, "current__data")


def _day(text: object) -> date | None:
    if not isinstance(text, str) or len(text) < 10:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _months(today: date) -> tuple[date, ...]:
    first = today.replace(day=1)
    months = [first]
    for _ in range(_MONTHS - 1):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(first)
    return tuple(reversed(months))


def _count(row: FreshnessRow, day: date, today: date, months: tuple[date, ...]) -> None:
    row.total += 1
    if row.last_published is None or day > row.last_published:
        row.last_published = day
    age = (today - day).days
    if 0 <= age <= _RECENT_DAYS:
        row.last_30 += 1
    if 0 <= age <= FRESH_DAYS:
        row.last_90 += 1
    month = day.replace(day=1)
    if months[0] <= month <= months[-1]:
        row.monthly[months.index(month)] += 1


def _ordered(rows: dict[str, FreshnessRow]) -> tuple[FreshnessRow, ...]:
    never = date.min
    return tuple(
        sorted(rows.values(), key=lambda r: (not r.stale, r.last_published or never, r.name))
    )
