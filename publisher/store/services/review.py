"""Reviewers' decisions: approve or reject revisions awaiting review."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from publisher.errors import InputError
from publisher.store.models import Item, Revision
from publisher.store.selectors import revisions_awaiting_review
from publisher.store.services.audit import audit_log
from publisher.store.services.channels import channels_mark_dirty
from publisher.store.services.revisions import item_title

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

__all__ = [
    "Decision",
    "DecisionReport",
    "ReviewError",
    "revision_approve",
    "revision_reject",
    "revisions_decide",
]


class Decision(enum.StrEnum):
    """What a reviewer decides about a revision."""

    APPROVE = "approve"
    REJECT = "reject"


@dataclass(frozen=True, slots=True)
class DecisionReport:
    """What deciding a batch of revisions did.

    Attributes:
        decided: the revisions approved or rejected.
        refused: why the others could not be decided (already decided, superseded).
        missing: the ids asked for that name no revision.
    """

    decided: tuple[Revision, ...]
    refused: tuple[ReviewError, ...]
    missing: tuple[int, ...]


class ReviewError(InputError, ValueError):
    """A revision cannot be decided: it was already decided or superseded.

    Attributes:
        revision: the revision's id.
        status: its status now.
    """

    def __init__(self, revision: int, status: str) -> None:
        self.revision = revision
        self.status = status
        super().__init__(f"revision {revision} is {status}, not awaiting review")


@transaction.atomic
def revision_approve(*, revision: Revision, actor: str, now: datetime | None = None) -> Revision:
    """Approve a pending or quarantined revision; it becomes the item's published version.

    Raises:
        ReviewError: the revision was already decided or superseded.
    """
    revision = _decide(revision, Revision.Status.APPROVED, actor=actor, now=now)
    item = revision.item
    if revision.kind == Revision.Kind.REMOVAL:
        item.state = Item.State.REMOVED
    else:
        item.current, item.state = revision, Item.State.ACTIVE
        item.title = item_title(revision.data)
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
        ReviewError: the revision was already decided or superseded.
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


def revisions_decide(
    *, actor: str, decision: Decision, ids: Sequence[int] | None, reason: str = ""
) -> DecisionReport:
    """Approve or reject the revisions ``ids`` (every one awaiting review when None).

    Each revision is decided in its own transaction: one already decided is
    reported in ``refused`` and the others still go through.

    Args:
        actor: the reviewer (kept on the revision and in the audit log).
        decision: approve or reject.
        ids: the revisions' ids, or None for all awaiting review.
        reason: why, for a rejection (kept in the audit log).
    """
    if ids is None:
        chosen, missing = list(revisions_awaiting_review()), []
    else:
        found = Revision.objects.in_bulk(ids)
        chosen = [found[pk] for pk in ids if pk in found]
        missing = [pk for pk in ids if pk not in found]
    decided, refused = [], []
    for revision in chosen:
        try:
            if decision is Decision.APPROVE:
                decided.append(revision_approve(revision=revision, actor=actor))
            else:
                decided.append(revision_reject(revision=revision, actor=actor, reason=reason))
        except ReviewError as exc:
            refused.append(exc)
    return DecisionReport(tuple(decided), tuple(refused), tuple(missing))


# --- helpers ------------------------------------------------------------------------


def _decide(
    revision: Revision, status: str, *, actor: str, now: datetime | None, reason: str = ""
) -> Revision:
    """Record a reviewer's decision on a revision still awaiting review.

    Raises:
        ReviewError: the revision was already decided or superseded.
    """
    revision = Revision.objects.select_for_update().get(pk=revision.pk)
    if revision.status not in {Revision.Status.PENDING, Revision.Status.QUARANTINED}:
        raise ReviewError(revision.pk, revision.status)
    revision.status = status
    revision.decided_by, revision.decided_at = actor, now or timezone.now()
    if reason:
        revision.reason = reason[:500]
    revision.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    return revision
