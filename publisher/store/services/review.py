"""Reviewers' decisions: approve or reject revisions awaiting review.

The staff console and `gongkai review` both decide through here, so every rule
lives once:

* the actor needs the 审核员 role (review) and the revision's scope: a town
  account acts on its own town's content only, sees county-wide content
  read-only, and cannot see another town's (``ReviewDeniedError.hidden``);
* approving needs the secrecy check (保密审查) confirmed; the confirmation is
  recorded on the revision and in the audit log;
* a quarantined revision needs two people (four-eyes): a first review by a
  reviewer, then a 终审 (final_review) by someone else, who publishes it;
* a rejection needs a reason.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from publisher.actors import Actor, Role
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
    "ReviewDeniedError",
    "ReviewError",
    "ReviewInputError",
    "review_refusal",
    "revision_approve",
    "revision_reject",
    "revisions_decide",
]


class Decision(enum.StrEnum):
    """What a reviewer decides about a revision."""

    APPROVE = "approve"
    REJECT = "reject"


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


class ReviewDeniedError(InputError, PermissionError):
    """The actor may not decide this revision (role, scope or four-eyes).

    Attributes:
        revision: the revision's id.
        why: the reason, in Chinese, for the person refused.
        hidden: the revision is outside what the actor may even see (answer 404).
    """

    def __init__(self, revision: int, why: str, *, hidden: bool = False) -> None:
        self.revision = revision
        self.why = why
        self.hidden = hidden
        super().__init__(f"revision {revision}: {why}")


class ReviewInputError(InputError, ValueError):
    """A decision is missing what it needs: the secrecy check, a rejection's reason.

    Attributes:
        field: the missing input (``secrecy_checked``, ``reason``).
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class DecisionReport:
    """What deciding a batch of revisions did.

    Attributes:
        decided: the revisions approved or rejected.
        refused: why the others could not be decided (already decided, denied).
        missing: the ids asked for that name no revision.
        first_reviewed: quarantined revisions given their first review, awaiting 终审.
    """

    decided: tuple[Revision, ...]
    refused: tuple[ReviewError | ReviewDeniedError, ...]
    missing: tuple[int, ...]
    first_reviewed: tuple[Revision, ...] = ()


def review_refusal(
    *, actor: str | Actor, revision: Revision, decision: Decision
) -> ReviewDeniedError | None:
    """Why ``actor`` may not take ``decision`` on ``revision`` now, or None if it may.

    The console asks this to show only the buttons that will work; the
    decisions below ask it again, inside their transaction.
    """
    who = Actor.of(actor)
    scope = revision.item.scope
    if not who.sees(scope):
        return ReviewDeniedError(revision.pk, "不在本账号的辖区内", hidden=True)
    if not who.acts_on(scope):
        return ReviewDeniedError(revision.pk, "县级内容对乡镇账号只读")
    final = revision.status == Revision.Status.QUARANTINED and bool(revision.first_reviewed_by)
    if decision is Decision.REJECT:
        if not (who.may(Role.REVIEW) or who.may(Role.FINAL_REVIEW)):
            return ReviewDeniedError(revision.pk, "需要审核员或终审角色")
        return None
    if not final:
        return None if who.may(Role.REVIEW) else ReviewDeniedError(revision.pk, "需要审核员角色")
    if not who.may(Role.FINAL_REVIEW):
        return ReviewDeniedError(revision.pk, "隔离的修订须由终审角色复核")
    if who.name == revision.first_reviewed_by:
        return ReviewDeniedError(revision.pk, "初审与终审须由不同的人完成")
    return None


@transaction.atomic
def revision_approve(
    *,
    revision: Revision,
    actor: str | Actor,
    secrecy_checked: bool,
    now: datetime | None = None,
) -> Revision:
    """Approve a pending or quarantined revision (see the module docstring for the rules).

    A pending revision, or a quarantined one at its 终审, becomes the item's
    published version. A quarantined revision without a first review gets
    one and stays quarantined (``first_reviewed_by`` set).

    Raises:
        ReviewError: the revision was already decided or superseded.
        ReviewDeniedError: the actor lacks the role or the scope, or did the first review.
        ReviewInputError: the secrecy check was not confirmed.
    """
    who = Actor.of(actor)
    if not secrecy_checked:
        raise ReviewInputError("secrecy_checked", "发布前须确认已完成保密审查 (--secrecy-checked)")
    revision = _locked(revision, who, Decision.APPROVE)
    moment = now or timezone.now()
    item = revision.item
    detail: dict[str, object] = {"secrecy_checked": True}
    if revision.status == Revision.Status.QUARANTINED and not revision.first_reviewed_by:
        revision.first_reviewed_by, revision.first_reviewed_at = who.name, moment
        revision.save(update_fields=["first_reviewed_by", "first_reviewed_at"])
        _audit(who, "review.first", revision, detail)
        return revision
    revision.status = Revision.Status.APPROVED
    revision.decided_by, revision.decided_at = who.name, moment
    revision.secrecy_checked_by = who.name
    revision.save(update_fields=["status", "decided_by", "decided_at", "secrecy_checked_by"])
    if revision.kind == Revision.Kind.REMOVAL:
        item.state = Item.State.REMOVED
    else:
        item.current, item.state = revision, Item.State.ACTIVE
        item.title = item_title(revision.data)
    item.save(update_fields=["current", "state", "title", "updated_at"])
    channels_mark_dirty(scope=item.scope, now=moment)
    if revision.first_reviewed_by:
        detail["first_reviewed_by"] = revision.first_reviewed_by
    _audit(who, "review.approve", revision, detail)
    return revision


@transaction.atomic
def revision_reject(
    *, revision: Revision, actor: str | Actor, reason: str, now: datetime | None = None
) -> Revision:
    """Reject a pending or quarantined revision; the published version stays.

    Raises:
        ReviewError: the revision was already decided or superseded.
        ReviewDeniedError: the actor lacks the role or the scope.
        ReviewInputError: no reason given.
    """
    who = Actor.of(actor)
    reason = reason.strip()
    if not reason:
        raise ReviewInputError("reason", "驳回须说明理由 (--reason)")
    revision = _locked(revision, who, Decision.REJECT)
    revision.status = Revision.Status.REJECTED
    revision.decided_by, revision.decided_at = who.name, now or timezone.now()
    revision.reason = reason[:500]
    revision.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    _audit(who, "review.reject", revision, {"reason": reason})
    return revision


def revisions_decide(
    *,
    actor: str | Actor,
    decision: Decision,
    ids: Sequence[int] | None,
    reason: str = "",
    secrecy_checked: bool = False,
    source: str | None = None,
) -> DecisionReport:
    """Approve or reject the revisions ``ids`` (every one awaiting review when None).

    Each revision is decided in its own transaction: one already decided or
    denied is reported in ``refused`` and the others still go through. With
    ``ids`` None, only what the actor may see (and of ``source``, if given).

    Raises:
        ReviewInputError: the secrecy check or a rejection's reason is missing
            (nothing is decided).
    """
    who = Actor.of(actor)
    if decision is Decision.APPROVE and not secrecy_checked:
        raise ReviewInputError("secrecy_checked", "发布前须确认已完成保密审查 (--secrecy-checked)")
    if decision is Decision.REJECT and not reason.strip():
        raise ReviewInputError("reason", "驳回须说明理由 (--reason)")
    if ids is None:
        chosen = list(revisions_awaiting_review(source=source, town=who.town))
        missing: list[int] = []
    else:
        found = Revision.objects.select_related("item").in_bulk(ids)
        chosen = [found[pk] for pk in ids if pk in found]
        missing = [pk for pk in ids if pk not in found]
    decided: list[Revision] = []
    refused: list[ReviewError | ReviewDeniedError] = []
    first: list[Revision] = []
    for revision in chosen:
        try:
            if decision is Decision.APPROVE:
                done = revision_approve(revision=revision, actor=who, secrecy_checked=True)
                (decided if done.status == Revision.Status.APPROVED else first).append(done)
            else:
                decided.append(revision_reject(revision=revision, actor=who, reason=reason))
        except (ReviewError, ReviewDeniedError) as exc:
            refused.append(exc)
    return DecisionReport(tuple(decided), tuple(refused), tuple(missing), tuple(first))


# --- helpers ------------------------------------------------------------------------


def _locked(revision: Revision, who: Actor, decision: Decision) -> Revision:
    """The revision re-read under lock, if ``who`` may take ``decision`` on it now.

    Raises:
        ReviewError: it was already decided or superseded.
        ReviewDeniedError: ``who`` may not.
    """
    revision = Revision.objects.select_for_update().select_related("item").get(pk=revision.pk)
    refusal = review_refusal(actor=who, revision=revision, decision=decision)
    if refusal is not None and refusal.hidden:
        raise refusal
    if revision.status not in {Revision.Status.PENDING, Revision.Status.QUARANTINED}:
        raise ReviewError(revision.pk, revision.status)
    if refusal is not None:
        raise refusal
    return revision


def _audit(who: Actor, action: str, revision: Revision, detail: dict[str, object]) -> None:
    audit_log(
        actor=who.name,
        action=action,
        item=revision.item,
        revision=revision,
        detail=detail,
        address=who.address,
    )
