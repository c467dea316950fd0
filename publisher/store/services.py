"""Writes to the store. Keyword-only, typed, each one atomic.

Naming follows ``<noun>_<verb>``. Review decisions and quarantines are written
to the audit log with who and when.
"""

from __future__ import annotations

import difflib
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from content import atomicfile
from content.serialize import to_record
from publisher.store.models import (
    AuditLog,
    Channel,
    Document,
    FetchState,
    Item,
    Revision,
    Source,
    SyncRun,
)

if TYPE_CHECKING:
    from pathlib import Path

    from content.models import Entity

__all__ = [
    "Policy",
    "RecordOutcome",
    "audit_log",
    "channels_mark_dirty",
    "document_store",
    "fetch_state_save",
    "item_removals_flag",
    "revision_approve",
    "revision_record",
    "revision_reject",
    "run_finish",
    "run_start",
    "runs_interrupt_stale",
    "source_block",
    "source_unblock",
    "source_upsert",
    "temp_files_clear",
]

#: Back-off after a source is found blocked: 15 min, 45 min, 2 h, 5 h, then 12 h.
BLOCK_BACKOFF = (timedelta(minutes=15), timedelta(minutes=45), timedelta(hours=2),
                 timedelta(hours=5), timedelta(hours=12))  # fmt: skip


@dataclass(frozen=True, slots=True)
class Policy:
    """How new content is reviewed."""

    auto_approve: bool
    max_rewrite_share: float
    max_removal_share: float


@dataclass(frozen=True, slots=True)
class RecordOutcome:
    """What recording one fetched entity did: ``new``, ``changed`` or ``unchanged``."""

    kind: str
    revision: Revision | None


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
    *, run: SyncRun, status: str, now: datetime, message: str = "", **counts: Any
) -> SyncRun:
    """Close a run with its status, counts and errors."""
    run.status = status
    run.finished_at = now
    run.message = message[:1000]
    for name, value in counts.items():
        setattr(run, name, value)
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


@transaction.atomic
def revision_record(
    *,
    source: Source,
    entity: Entity,
    run: SyncRun | None,
    policy: Policy,
    now: datetime,
    fetch: dict[str, Any] | None = None,
) -> RecordOutcome:
    """Store a fetched entity: a new revision when its content changed.

    The revision is pending, or approved when the policy auto-approves, or
    quarantined when it rewrites more than ``max_rewrite_share`` of the item's
    published version. Saves the page's fetch state (``fetch``: keyword
    arguments of ``fetch_state_save``) in the same transaction, so a crash
    never leaves one without the other.
    """
    data = to_record(entity)
    content_hash = entity.provenance.content_hash or ""
    item = Item.objects.select_for_update().filter(key=entity.id).first()
    if fetch:  # same transaction: saved with the revision or not at all
        fetch_state_save(**fetch, item_key=entity.id)
    outcome = "new"
    if item is None:
        item = Item.objects.create(
            source=source,
            key=entity.id,
            entity_type=str(entity.entity_type),
            scope=entity.scope,
            title=_title(data),
            url=entity.provenance.source_url,
            last_seen_at=now,
        )
    else:
        item.last_seen_at, item.missing_since = now, None
        item.url = entity.provenance.source_url
        item.save(update_fields=["last_seen_at", "missing_since", "url", "updated_at"])
        if _unchanged(item, content_hash):
            return RecordOutcome("unchanged", None)
        outcome = "changed"
    share = _change_share(item.current.data if item.current else None, data)
    status, reason = Revision.Status.PENDING, ""
    if item.current is not None and share > policy.max_rewrite_share:
        status = Revision.Status.QUARANTINED
        reason = (
            f"rewrites {share:.0%} of the published version (limit {policy.max_rewrite_share:.0%})"
        )
    elif policy.auto_approve:
        status = Revision.Status.APPROVED
    revision = _revision_add(
        item=item,
        kind=Revision.Kind.NEW if outcome == "new" else Revision.Kind.CHANGE,
        status=status,
        data=data,
        content_hash=content_hash,
        source_url=entity.provenance.source_url,
        fetched_at=entity.provenance.fetched_at,
        run=run,
        share=share,
        reason=reason,
        now=now,
    )
    return RecordOutcome(outcome, revision)


@transaction.atomic
def item_removals_flag(
    *, source: Source, seen_urls: set[str], run: SyncRun, policy: Policy, now: datetime
) -> list[Revision]:
    """Queue a removal for every active item a complete listing no longer shows.

    Nothing is deleted. When the removals exceed ``max_removal_share`` of the
    source's items, they are quarantined for a person instead of pending.
    """
    active = Item.objects.filter(source=source, state=Item.State.ACTIVE)
    missing = [item for item in active if item.url not in seen_urls]
    fresh = [item for item in missing if not _removal_pending(item)]
    for item in missing:
        if item.missing_since is None:
            item.missing_since = now
            item.save(update_fields=["missing_since", "updated_at"])
    if not fresh:
        return []
    total = active.count()
    share = len(missing) / total if total else 0.0
    quarantine = share > policy.max_removal_share
    status = Revision.Status.QUARANTINED if quarantine else Revision.Status.PENDING
    reason = (
        f"{len(missing)} of {total} items gone at once (limit {policy.max_removal_share:.0%})"
        if quarantine
        else "no longer listed on the site"
    )
    revisions = [
        _revision_add(
            item=item,
            kind=Revision.Kind.REMOVAL,
            status=status,
            data={},
            content_hash="",
            source_url=item.url,
            fetched_at=now,
            run=run,
            share=1.0,
            reason=reason,
            now=now,
        )
        for item in fresh
    ]
    if quarantine:
        audit_log(
            actor="sync",
            action="sync.removals_quarantined",
            source=source,
            detail={"missing": len(missing), "items": total},
        )
    return revisions


@transaction.atomic
def revision_approve(*, revision: Revision, actor: str, now: datetime | None = None) -> Revision:
    """Approve a pending or quarantined revision; it becomes the item's published version.

    Raises:
        ValueError: the revision was already decided or superseded.
    """
    revision = _decide(revision, Revision.Status.APPROVED, actor=actor, now=now)
    item = revision.item
    if revision.kind == Revision.Kind.REMOVAL:
        item.state = Item.State.REMOVED
    else:
        item.current, item.state = revision, Item.State.ACTIVE
        item.title = _title(revision.data)
    item.save(update_fields=["current", "state", "title", "updated_at"])
    channels_mark_dirty(scope=item.scope, now=revision.decided_at or timezone.now())
    audit_log(actor=actor, action="review.approve", item=item, revision=revision)
    return revision


@transaction.atomic
def revision_reject(
    *, revision: Revision, actor: str, reason: str = "", now: datetime | None = None
) -> Revision:
    """Reject a pending or quarantined revision; the published version stays.

    Raises:
        ValueError: the revision was already decided or superseded.
    """
    revision = _decide(revision, Revision.Status.REJECTED, actor=actor, now=now, reason=reason)
    audit_log(
        actor=actor,
        action="review.reject",
        item=revision.item,
        revision=revision,
        detail={"reason": reason},
    )
    return revision


def document_store(
    *, temp_path: Path, sha256: str, size: int, media_type: str, url: str, final_path: Path,
    relative: str,
) -> Document:  # fmt: skip
    """Move a finished download into the content-addressed folder and record it.

    The file is renamed into place (same filesystem) before the row is written,
    so a row never points at a missing file; a crash leaves at most an orphan.
    """
    if final_path.exists():
        temp_path.unlink(missing_ok=True)
    else:
        final_path.parent.mkdir(parents=True, exist_ok=True)
        temp_path.replace(final_path)
        atomicfile.fsync_dir(final_path.parent)
    document, _ = Document.objects.get_or_create(
        sha256=sha256,
        defaults={"size": size, "media_type": media_type, "path": relative, "source_url": url},
    )
    return document


def channels_mark_dirty(*, scope: str, now: datetime) -> None:
    """Approved content of ``scope`` changed: its channels need a new release.

    County content is in every channel; a town's content only in its own.
    """
    if scope == "county":
        Channel.objects.get_or_create(key="county")
        Channel.objects.filter(dirty_since__isnull=True).update(dirty_since=now)
    else:
        channel, _ = Channel.objects.get_or_create(key=scope)
        if channel.dirty_since is None:
            Channel.objects.filter(pk=channel.pk).update(dirty_since=now)


def audit_log(
    *,
    actor: str,
    action: str,
    source: Source | None = None,
    item: Item | None = None,
    revision: Revision | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditLog:
    """Append to the audit trail."""
    return AuditLog.objects.create(
        actor=actor, action=action, source=source, item=item, revision=revision, detail=detail or {}
    )


def temp_files_clear(folder: Path, *, older_than: datetime) -> int:
    """Remove downloads a killed run left half-written."""
    removed = 0
    if not folder.is_dir():
        return 0
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < older_than.timestamp():
            path.unlink(missing_ok=True)
            removed += 1
        elif path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
    return removed


# --- helpers ------------------------------------------------------------------------


def _revision_add(
    *,
    item: Item,
    kind: str,
    status: str,
    data: dict[str, Any],
    content_hash: str,
    source_url: str,
    fetched_at: datetime,
    run: SyncRun | None,
    share: float,
    reason: str,
    now: datetime,
) -> Revision:
    # A newer version replaces anything still waiting for review.
    item.revisions.filter(status__in=[Revision.Status.PENDING, Revision.Status.QUARANTINED]).update(
        status=Revision.Status.SUPERSEDED
    )
    seq = (item.revisions.aggregate(top=Max("seq"))["top"] or 0) + 1
    revision = Revision.objects.create(
        item=item,
        seq=seq,
        kind=kind,
        status=status,
        data=data,
        content_hash=content_hash,
        source_url=source_url,
        fetched_at=fetched_at,
        run=run,
        change_share=share,
        reason=reason,
        decided_by="auto" if status == Revision.Status.APPROVED else "",
        decided_at=now if status == Revision.Status.APPROVED else None,
    )
    if status == Revision.Status.APPROVED:
        item.current = revision
        item.title = _title(data)
        item.save(update_fields=["current", "title", "updated_at"])
        channels_mark_dirty(scope=item.scope, now=now)
    if status == Revision.Status.QUARANTINED:
        audit_log(
            actor="sync",
            action="sync.quarantine",
            source=item.source,
            item=item,
            revision=revision,
            detail={"reason": reason},
        )
    return revision


def _decide(
    revision: Revision, status: str, *, actor: str, now: datetime | None, reason: str = ""
) -> Revision:
    """Record a reviewer's decision on a revision still awaiting review.

    Raises:
        ValueError: the revision was already decided or superseded.
    """
    revision = Revision.objects.select_for_update().get(pk=revision.pk)
    if revision.status not in {Revision.Status.PENDING, Revision.Status.QUARANTINED}:
        raise ValueError(f"revision {revision.pk} is {revision.status}, not awaiting review")
    revision.status = status
    revision.decided_by, revision.decided_at = actor, now or timezone.now()
    if reason:
        revision.reason = reason[:500]
    revision.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    return revision


def _unchanged(item: Item, content_hash: str) -> bool:
    """Whether the item's newest version already has this content.

    A queued removal of an item listed again unchanged is withdrawn here; an
    item back after an approved removal is a change (it needs review again).
    """
    latest = item.revisions.exclude(status=Revision.Status.SUPERSEDED).order_by("-seq").first()
    if latest is None:
        return False
    if latest.kind != Revision.Kind.REMOVAL:
        return latest.content_hash == content_hash
    return _removal_withdrawn(item, latest, content_hash)


def _removal_withdrawn(item: Item, removal: Revision, content_hash: str) -> bool:
    """Withdraw a queued removal of an item listed again unchanged; say if it was."""
    waiting = removal.status in {Revision.Status.PENDING, Revision.Status.QUARANTINED}
    published = item.current.content_hash if item.current else None
    if not waiting or published != content_hash:
        return False
    removal.status = Revision.Status.SUPERSEDED
    removal.reason = "withdrawn: listed on the site again"
    removal.save(update_fields=["status", "reason"])
    audit_log(actor="sync", action="sync.removal_withdrawn", item=item, revision=removal)
    return True


def _removal_pending(item: Item) -> bool:
    latest = item.revisions.exclude(status=Revision.Status.SUPERSEDED).order_by("-seq").first()
    return latest is not None and latest.kind == Revision.Kind.REMOVAL


def _title(data: dict[str, Any]) -> str:
    for key in ("title", "name", "organization"):
        value = data.get(key)
        if isinstance(value, str) and value:
            return value[:500]
    return ""


def _change_share(old: dict[str, Any] | None, new: dict[str, Any]) -> float:
    """How much of the published version a new version rewrites, 0 to 1."""
    if not old:
        return 0.0
    before, after = _canonical(old), _canonical(new)
    if before == after:
        return 0.0
    return 1.0 - difflib.SequenceMatcher(None, before, after, autojunk=False).ratio()


def _canonical(data: dict[str, Any]) -> str:
    """The words of a record: its text values in key order, without JSON syntax.

    Keys, quotes and brackets would dilute a rewrite of a short item's text.
    """
    return "\n".join(_leaves({k: v for k, v in data.items() if k != "provenance"}))


def _leaves(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [leaf for key in sorted(value) for leaf in _leaves(value[key])]
    if isinstance(value, list | tuple):
        return [leaf for item in value for leaf in _leaves(item)]
    return [] if value is None else [str(value)]
