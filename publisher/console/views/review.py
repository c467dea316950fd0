"""The review pages: the queue, a revision with its diff, decisions, bulk approval."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from publisher.actors import Role
from publisher.console import review_reads as reads
from publisher.console.access import actor_of, require_visible, staff_view
from publisher.console.forms import BulkForm, DecisionForm, QueueFilterForm
from publisher.store.models import Revision
from publisher.store.selectors import revisions_awaiting_review
from publisher.store.services import (
    Decision,
    ReviewDeniedError,
    ReviewError,
    review_refusal,
    revision_approve,
    revision_reject,
    revisions_decide,
)

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

__all__ = ["bulk", "decide", "queue", "release_status", "revision"]

_REVIEWERS = (Role.REVIEW, Role.FINAL_REVIEW)


@staff_view(*_REVIEWERS)
def queue(request: HttpRequest) -> HttpResponse:
    """The revisions awaiting review, filtered, counted and paged."""
    actor = actor_of(request)
    form = QueueFilterForm(
        request.GET or None, sources=reads.sources_choices(), towns=reads.towns_choices()
    )
    if form.is_bound:
        form.is_valid()
    chosen = form.chosen()
    page, counts = reads.queue_page(actor=actor, chosen=chosen, page=_page(request))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "console/review_queue.html",
        {
            "form": form,
            "page": page,
            "counts": counts,
            "query": query.urlencode(),
            "towns": settings.GONGKAI_TOWNS,
            "chosen": chosen,
            "section": "review",
        },
    )


@staff_view(*_REVIEWERS)
def revision(request: HttpRequest, revision_id: int) -> HttpResponse:
    """One revision: its diff, source, attachments, provenance and the decision form."""
    return _revision_page(request, revision_id, DecisionForm())


@staff_view(*_REVIEWERS, methods=("POST",))
def decide(request: HttpRequest, revision_id: int) -> HttpResponse:
    """Approve or reject one revision (the service checks role, scope and four-eyes)."""
    actor = actor_of(request)
    found = reads.revision_visible(actor, revision_id)
    if found is None:
        raise Http404
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _revision_page(request, revision_id, form, status=400)
    try:
        if form.cleaned_data["decision"] == Decision.APPROVE:
            done = revision_approve(revision=found, actor=actor, secrecy_checked=True)
            if done.status == Revision.Status.APPROVED:
                messages.success(request, f"修订 {done.pk} 已通过并将发布。")
            else:
                messages.success(request, f"修订 {done.pk} 已完成初审，待另一位终审人员复核。")
        else:
            revision_reject(revision=found, actor=actor, reason=form.cleaned_data["reason"])
            messages.success(request, f"修订 {found.pk} 已驳回。")
    except ReviewDeniedError as exc:
        if exc.hidden:
            raise Http404 from exc
        return _revision_page(request, revision_id, form, status=403, refusal=exc.why)
    except ReviewError:
        messages.error(request, f"修订 {found.pk} 已被处理，未做更改。")
    return redirect("console:revision", revision_id=found.pk)


@staff_view(*_REVIEWERS)
def release_status(request: HttpRequest, revision_id: int) -> HttpResponse:
    """The release that followed an approval and its kiosks (polled by htmx, live)."""
    found = reads.revision_visible(actor_of(request), revision_id)
    if found is None:
        raise Http404
    status = reads.revision_release_status(found)
    return render(request, "console/_release_status.html", {"revision": found, "status": status})


@staff_view(Role.REVIEW, methods=("POST",), max_body=64 * 1024)
def bulk(request: HttpRequest) -> HttpResponse:
    """Approve ticked rows or a whole source: first a page stating the count, then the deed."""
    actor = actor_of(request)
    form = BulkForm(request.POST)
    if (
        not form.is_valid()
        and "confirmed" not in form.errors
        and "secrecy_checked" not in form.errors
    ):
        messages.error(request, "；".join(str(e) for e in form.non_field_errors()) or "请求无效")
        return redirect("console:queue")
    ids: list[int] = form.cleaned_data.get("ids") or []
    source = form.cleaned_data.get("source") or ""
    if ids:
        targets = list(
            revisions_awaiting_review(town=None).filter(reads.visible(actor), pk__in=ids)
        )
    else:
        targets = list(revisions_awaiting_review(source=source).filter(reads.visible(actor)))
    actionable = [
        r
        for r in targets
        if review_refusal(actor=actor, revision=r, decision=Decision.APPROVE) is None
    ]
    confirmed = form.cleaned_data.get("confirmed")
    if form.is_valid() and confirmed is not None and confirmed == len(actionable):
        report = revisions_decide(
            actor=actor,
            decision=Decision.APPROVE,
            ids=[r.pk for r in actionable],
            secrecy_checked=True,
        )
        messages.success(
            request,
            f"已通过 {len(report.decided)} 条；{len(report.first_reviewed)} 条隔离修订完成初审；"
            f"{len(report.refused)} 条未能处理。",
        )
        return redirect("console:queue")
    if confirmed is not None and confirmed != len(actionable):
        messages.warning(request, "待通过的数量已变化，请再次确认。")
    context = {
        "form": form,
        "targets": actionable,
        "count": len(actionable),
        "quarantined": sum(r.status == Revision.Status.QUARANTINED for r in actionable),
        "skipped": len(targets) - len(actionable),
        "source": source,
    }
    return render(request, "console/review_bulk.html", context, status=200)


def _revision_page(
    request: HttpRequest,
    revision_id: int,
    form: DecisionForm,
    *,
    status: int = 200,
    refusal: str = "",
) -> HttpResponse:
    actor = actor_of(request)
    found = reads.revision_visible(actor, revision_id)
    if found is None:
        raise Http404
    require_visible(actor, found.item.scope)
    approve = review_refusal(actor=actor, revision=found, decision=Decision.APPROVE)
    reject = review_refusal(actor=actor, revision=found, decision=Decision.REJECT)
    rewrite_limit, removal_limit = settings.GONGKAI_REVIEW_LIMITS
    limit = removal_limit if found.kind == Revision.Kind.REMOVAL else rewrite_limit
    data = found.data if isinstance(found.data, dict) else {}
    context = {
        "revision": found,
        "item": found.item,
        "diffs": reads.revision_diff(found),
        "fold": reads.FOLD_LINES,
        "attachments": [a for a in data.get("attachments") or [] if isinstance(a, dict)],
        "provenance": data.get("provenance") if isinstance(data.get("provenance"), dict) else {},
        "form": form,
        "approve_refusal": approve.why if approve else "",
        "reject_refusal": reject.why if reject else "",
        "refusal": refusal,
        "waiting": found.status in {Revision.Status.PENDING, Revision.Status.QUARANTINED},
        "limit": limit,
        "town_name": settings.GONGKAI_TOWNS.get(found.item.scope.removeprefix("town-"), ""),
        "release": reads.revision_release_status(found),
        "section": "review",
    }
    return render(request, "console/revision.html", context, status=status)


def _page(request: HttpRequest) -> int:
    text = request.GET.get("page", "1")
    return int(text) if text.isdigit() and len(text) < 7 else 1
