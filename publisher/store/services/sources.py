"""Sources, their sync runs and fetch states, and blocks by anti-bot pages."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from publisher.store.models import FetchState, Source, SyncRun
from publisher.store.services.audit import audit_log

__all__ = [
    "BLOCK_BACKOFF",
    "fetch_state_save",
    "run_finish",
    "run_start",
    "runs_interrupt_stale",
    "source_block",
    "source_unblock",
    "source_upsert",
]

#: Back-off after a source is found blocked: 15 min, 45 min, 2 h, 5 h, then 12 h.
BLOCK_BACKOFF = (timedelta(minutes=15), timedelta(minutes=45), timedelta(hours=2),
                 timedelta(hours=5), timedelta(hours=12))  # fmt: skip


def source_upsert(
    *,
    key: str,
    name: str,
    entity_type: str,
    profile: str,
    site: str,
    auto_approve: bool,
    enabled: bool,
) -> Source:
    """Create or update a source row from the configuration."""
    source, _ = Source.objects.update_or_create(
        key=key,
        defaults={
            "name": name,
            "entity_type": entity_type,
            "profile": profile,
            "site": site,
            "auto_approve": auto_approve,
            "enabled": enabled,
        },
    )
    return source


def source_block(*, source: Source, signal: str, now: datetime) -> datetime:
    """Mark a source blocked by an anti-bot page; return when to try again."""
    delay = BLOCK_BACKOFF[min(source.blocked_count, len(BLOCK_BACKOFF) - 1)]
    source.blocked_until = now + delay
    source.blocked_signal = signal
    source.blocked_count += 1
    source.save(update_fields=["blocked_until", "blocked_signal", "blocked_count"])
    audit_log(actor="sync", action="source.blocked", source=source, detail={"signal": signal})
    return source.blocked_until


def source_unblock(*, source: Source) -> None:
    """Forget a block after a successful run."""
    if source.blocked_count or source.blocked_until:
        source.blocked_until = None
        source.blocked_signal = ""
        source.blocked_count = 0
        source.save(update_fields=["blocked_until", "blocked_signal", "blocked_count"])


def runs_interrupt_stale(*, source: Source) -> int:
    """Runs left ``running`` by a killed process become ``interrupted``."""
    return SyncRun.objects.filter(source=source, status=SyncRun.Status.RUNNING).update(
        status=SyncRun.Status.INTERRUPTED, finished_at=timezone.now()
    )


def run_start(*, source: Source, trigger: str, now: datetime) -> SyncRun:
    """Open a run record."""
    return SyncRun.objects.create(source=source, trigger=trigger, started_at=now)


def run_finish(
    *,
    run: SyncRun,
    status: str,
    now: datetime,
    message: str = "",
    new: int = 0,
    changed: int = 0,
    unchanged: int = 0,
    removed: int = 0,
    failed: int = 0,
    external: int = 0,
    documents: int = 0,
    requests: int = 0,
    bytes: int = 0,  # noqa: A002 - the SyncRun column's name
    listing_complete: bool = False,
    errors: list[dict[str, str]] | None = None,
    warnings: list[dict[str, str]] | None = None,
) -> SyncRun:
    """Close a run with its status, counts and errors (each count a named column)."""
    run.status = status
    run.finished_at = now
    run.message = message[:1000]
    run.new, run.changed, run.unchanged, run.removed = new, changed, unchanged, removed
    run.failed, run.external, run.documents = failed, external, documents
    run.requests, run.bytes, run.listing_complete = requests, bytes, listing_complete
    run.errors = errors or []
    run.warnings = warnings or []
    run.save()
    return run


def fetch_state_save(
    *,
    url: str,
    source: Source | None,
    kind: str,
    etag: str | None,
    last_modified: str | None,
    status_code: int,
    now: datetime,
    body_sha256: str = "",
    fingerprint: str = "",
    listing: dict[str, Any] | None = None,
    item_key: str = "",
) -> FetchState:
    """Remember what a fetch returned, for the next conditional GET."""
    defaults: dict[str, Any] = {
        "source": source,
        "kind": kind,
        "etag": etag or "",
        "last_modified": last_modified or "",
        "status_code": status_code,
        "fetched_at": now,
    }
    if body_sha256:
        defaults["body_sha256"] = body_sha256
    if fingerprint:
        defaults["fingerprint"] = fingerprint
    if listing is not None:
        defaults["listing"] = listing
    if item_key:
        defaults["item_key"] = item_key
    state, _ = FetchState.objects.update_or_create(url=url, defaults=defaults)
    return state
