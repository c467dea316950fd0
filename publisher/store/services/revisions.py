"""Fetched content recorded as revisions: new, changed, removed, or quarantined.

The review policy decides here whether a revision waits for a person, is
approved at once, or is quarantined because it rewrites or removes too much.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max

from content.serialize import to_record
from publisher.store.models import Item, Revision, Source, SyncRun
from publisher.store.services.audit import audit_log
from publisher.store.services.channels import channels_mark_dirty
from publisher.store.services.sources import fetch_state_save

if TYPE_CHECKING:
    from datetime import datetime

    from content.models import Entity

__all__ = ["Policy", "RecordOutcome", "item_removals_flag", "item_title", "revision_record"]


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
            title=item_title(data),
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


def item_title(data: dict[str, Any]) -> str:
    """The title staff see for a record: its title, name or organisation."""
    for key in ("title", "name", "organization"):
        value = data.get(key)
        if isinstance(value, str) and value:
            return value[:500]
    return ""


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
        item.title = item_title(data)
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
