"""Reads behind the review pages: the filtered queue with counts, one revision's diff.

Every read is limited to what the actor may see (the county's and its own
town's content for a town account). The queue costs a fixed number of queries
whatever the number of rows: one for the counts, one for the page's count, one
for its rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.utils import timezone

from content.models import COUNTY_SCOPE
from publisher.review import Segment, as_text, record_diff, word_diff
from publisher.store.models import ChannelRelease, Device, Revision, Source

if TYPE_CHECKING:
    from publisher.actors import Actor

__all__ = [
    "FOLD_LINES",
    "PAGE_SIZE",
    "FieldDiff",
    "QueueFilter",
    "ReleaseStatus",
    "queue_page",
    "revision_diff",
    "revision_release_status",
    "revision_visible",
    "sources_choices",
    "towns_choices",
    "visible",
]

PAGE_SIZE = 50
#: How long after an approval its page keeps polling for kiosks (an offline kiosk
#: would otherwise keep the page, and its session, alive for good).
WATCH_FOR = timedelta(minutes=10)
#: A field longer than this many lines is folded (``<details>``) on the revision page.
FOLD_LINES = 12
_WAITING = [Revision.Status.PENDING, Revision.Status.QUARANTINED]


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """The queue's filters; empty strings and None filter nothing."""

    state: str = ""  # pending, quarantined, removal
    source: str = ""
    entity_type: str = ""
    town: str = ""  # a town id, or "county"
    agency: str = ""  # an agency_id in the record
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True, slots=True)
class FieldDiff:
    """One changed field: its name and both sides as segments, changed words marked."""

    field: str
    old: list[Segment]
    new: list[Segment]
    long: bool = False
    #: Lines of the longer side; past ``FOLD_LINES`` the page folds the field.
    lines: int = 1


@dataclass(frozen=True, slots=True)
class ReleaseStatus:
    """What followed an approval: per channel, the release and how many kiosks applied it."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    done: bool = False


def visible(actor: Actor) -> Q:
    """What ``actor`` may see, as a filter on revisions."""
    if actor.town is None:
        return Q()
    return Q(item__scope__in=[COUNTY_SCOPE, f"town-{actor.town}"])


def queue_page(*, actor: Actor, chosen: QueueFilter, page: int) -> tuple[Page[Any], dict[str, int]]:
    """One page of the revisions awaiting review under ``chosen``, and the counts per state."""
    base = _filtered(actor, chosen, with_state=False)
    counts = {"total": 0, "pending": 0, "quarantined": 0, "removal": 0}
    # Grouped by the (status, kind) index: no row of the table is read for the counts.
    for status, kind, number in (
        base.values_list("status", "kind").annotate(n=Count("pk")).order_by()
    ):
        counts["total"] += number
        counts[status] += number
        counts["removal"] += number if kind == Revision.Kind.REMOVAL else 0
    # Page over ids alone (an index walk), then load only that page's rows whole.
    ids = _state(base, chosen.state).order_by("created_at", "pk").values_list("pk", flat=True)
    found: Page[Any] = Paginator(ids, PAGE_SIZE).get_page(page)
    rows = (
        Revision.objects.filter(pk__in=[int(pk) for pk in found.object_list])
        .select_related("item", "item__source")
        .defer("data")  # the records stay out; the title is read from them in SQL
        .annotate(record_title=Coalesce(KT("data__title"), KT("data__name")))
        .order_by("created_at", "pk")
    )
    found.object_list = list(rows)
    return found, counts


def revision_visible(actor: Actor, revision_id: int) -> Revision | None:
    """The revision with its item, source and published revision, if ``actor`` may see it."""
    return (
        Revision.objects.filter(visible(actor), pk=revision_id)
        .select_related("item", "item__source", "item__current")
        .first()
    )


def revision_diff(revision: Revision) -> list[FieldDiff]:
    """The fields ``revision`` changes against the item's published revision."""
    current = revision.item.current
    base = current.data if current is not None and current.pk != revision.pk else None
    diffs = []
    for change in record_diff(base, revision.data):
        old, new = as_text(change.old), as_text(change.new)
        left, right = word_diff(old, new)
        lines = max(old.count("\n"), new.count("\n")) + 1
        long = len(old) + len(new) > 200
        diffs.append(FieldDiff(change.field, left, right, long=long, lines=lines))
    return diffs


def revision_release_status(revision: Revision) -> ReleaseStatus:
    """The releases after ``revision`` was approved, and their kiosks that applied them."""
    if revision.status != Revision.Status.APPROVED or revision.decided_at is None:
        return ReleaseStatus()
    scope = revision.item.scope
    releases = ChannelRelease.objects.filter(created_at__gte=revision.decided_at)
    if scope != COUNTY_SCOPE:
        releases = releases.filter(channel__key=scope)
    first: dict[int, ChannelRelease] = {}
    for release in releases.select_related("channel").order_by("version"):
        first.setdefault(release.channel_id, release)
    devices = (
        Device.objects.filter(revoked_at__isnull=True, channel_id__in=list(first))
        .values("channel_id")
        .annotate(total=Count("pk"))
    )
    applied = {row["channel_id"]: row for row in devices}
    rows = []
    for channel_id, release in sorted(first.items(), key=lambda kv: kv[1].channel.key):
        kiosks = Device.objects.filter(
            revoked_at__isnull=True, channel_id=channel_id, applied_version__gte=release.version
        ).count()
        total = applied.get(channel_id, {}).get("total", 0)
        rows.append({"channel": release.channel.key, "version": release.version,
                     "at": release.created_at, "applied": kiosks, "kiosks": total})  # fmt: skip
    done = bool(rows) and all(row["applied"] >= row["kiosks"] for row in rows)
    return ReleaseStatus(rows, done or timezone.now() - revision.decided_at > WATCH_FOR)


def sources_choices() -> list[tuple[str, str]]:
    """(key, name) of every source, for the filter."""
    return [
        (key, name or key)
        for key, name in Source.objects.order_by("key").values_list("key", "name")
    ]


def towns_choices() -> list[tuple[str, str]]:
    """(scope id, name) of the county and each configured town, for the filter."""
    towns: dict[str, str] = settings.GONGKAI_TOWNS
    return [("county", "全县"), *towns.items()]


def _filtered(actor: Actor, chosen: QueueFilter, *, with_state: bool) -> QuerySet[Revision]:
    query = Revision.objects.filter(visible(actor), status__in=_WAITING)
    if chosen.source:
        query = query.filter(item__source__key=chosen.source)
    if chosen.entity_type:
        query = query.filter(item__entity_type=chosen.entity_type)
    if chosen.town:
        scope = COUNTY_SCOPE if chosen.town == "county" else f"town-{chosen.town}"
        query = query.filter(item__scope=scope)
    if chosen.agency:
        query = query.filter(data__agency_id=chosen.agency)
    zone = timezone.get_current_timezone()
    if chosen.since:
        query = query.filter(fetched_at__gte=datetime.combine(chosen.since, time(), zone))
    if chosen.until:
        end = datetime.combine(chosen.until + timedelta(days=1), time(), zone)
        query = query.filter(fetched_at__lt=end)
    return _state(query, chosen.state) if with_state else query


def _state(query: QuerySet[Revision], state: str) -> QuerySet[Revision]:
    if state == "removal":
        return query.filter(kind=Revision.Kind.REMOVAL)
    if state in {Revision.Status.PENDING, Revision.Status.QUARANTINED}:
        return query.filter(status=state)
    return query
