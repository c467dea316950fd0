"""Reads from the store: what ``gongkai status`` and ``gongkai review`` show."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from publisher.store.models import Document, FetchState, Item, Revision, Source, SyncRun

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

__all__ = [
    "fetch_state_get",
    "item_by_url",
    "item_missing",
    "revision_get",
    "revisions_awaiting_review",
    "status_summary",
]

_WAITING = [Revision.Status.PENDING, Revision.Status.QUARANTINED]


def fetch_state_get(url: str) -> FetchState | None:
    """What the last fetch of ``url`` returned, if it was ever fetched."""
    return FetchState.objects.filter(url=url).first()


def item_by_url(url: str) -> Item | None:
    """The item last seen at ``url``."""
    return Item.objects.filter(url=url).first()


def item_missing(url: str) -> bool:
    """Whether the item at ``url`` went missing from its list, or was removed."""
    return (
        Item.objects.filter(url=url)
        .filter(Q(missing_since__isnull=False) | Q(state=Item.State.REMOVED))
        .exists()
    )


def revision_get(revision_id: int) -> Revision | None:
    """The revision with this id, with its item."""
    return Revision.objects.filter(pk=revision_id).select_related("item").first()


def revisions_awaiting_review(
    *, source: str | None = None, town: str | None = None
) -> QuerySet[Revision]:
    """Pending and quarantined revisions, oldest first (only ``town``'s, if given)."""
    query = Revision.objects.filter(status__in=_WAITING).select_related("item", "item__source")
    if source:
        query = query.filter(item__source__key=source)
    if town:
        query = query.filter(item__scope=f"town-{town}")
    return query.order_by("created_at", "pk")


def status_summary(
    *, last_runs: int = 1, configured: Sequence[tuple[str, str]] = ()
) -> dict[str, Any]:
    """Counts per source and entity type, pending and quarantined, and the last runs.

    ``configured`` are the (id, profile) pairs of ``gongkai.toml``: a source not
    synced yet is listed too (``last_run`` None), and each row says whether it
    is still configured. The shape is the stable JSON of ``gongkai status --json``.
    """
    items = dict(
        Item.objects.filter(state=Item.State.ACTIVE)
        .values_list("entity_type")
        .annotate(n=Count("pk"))
        .values_list("entity_type", "n")
    )
    waiting = Revision.objects.filter(status__in=_WAITING)
    sources = []
    for source in Source.objects.order_by("key"):
        runs = list(SyncRun.objects.filter(source=source).order_by("-started_at")[:last_runs])
        counts = Item.objects.filter(source=source).aggregate(
            active=Count("pk", filter=Q(state=Item.State.ACTIVE)),
            removed=Count("pk", filter=Q(state=Item.State.REMOVED)),
        )
        source_waiting = waiting.filter(item__source=source)
        sources.append(
            {
                "source": source.key,
                "name": source.name,
                "entity_type": source.entity_type,
                "enabled": source.enabled,
                "items": counts["active"],
                "removed_items": counts["removed"],
                "pending": source_waiting.filter(status=Revision.Status.PENDING).count(),
                "quarantined": source_waiting.filter(status=Revision.Status.QUARANTINED).count(),
                "blocked_until": _local(source.blocked_until),
                "blocked_signal": source.blocked_signal or None,
                "last_run": _run(runs[0]) if runs else None,
                "configured": any(key == source.key for key, _ in configured),
            }
        )
    known = {row["source"] for row in sources}
    for key, profile in configured:
        if key not in known:
            sources.append(_unsynced(key, profile))
    return {
        "items": items,
        "pending": waiting.filter(status=Revision.Status.PENDING).count(),
        "quarantined": waiting.filter(status=Revision.Status.QUARANTINED).count(),
        "documents": Document.objects.count(),
        "sources": sources,
        "last_runs": [s["last_run"] for s in sources if s["last_run"]],
    }


def _unsynced(key: str, profile: str) -> dict[str, Any]:
    """A configured source's row before its first sync."""
    return {
        "source": key,
        "name": "",
        "entity_type": "",
        "profile": profile,
        "enabled": True,
        "items": 0,
        "removed_items": 0,
        "pending": 0,
        "quarantined": 0,
        "blocked_until": None,
        "blocked_signal": None,
        "last_run": None,
        "configured": True,
    }


def _local(moment: datetime | None) -> str | None:
    """ISO time in the county's zone (Asia/Shanghai), as staff read it."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def _run(run: SyncRun) -> dict[str, Any]:
    return {
        "source": run.source.key,
        "status": run.status,
        "trigger": run.trigger,
        "started_at": _local(run.started_at),
        "finished_at": _local(run.finished_at),
        "new": run.new,
        "changed": run.changed,
        "unchanged": run.unchanged,
        "removed": run.removed,
        "failed": run.failed,
        "external": run.external,
        "requests": run.requests,
        "bytes": run.bytes,
        "documents": run.documents,
        "listing_complete": run.listing_complete,
        "message": run.message,
        "errors": run.errors[:20],
        "warnings": run.warnings[:20],
        "warning_count": len(run.warnings),
    }
