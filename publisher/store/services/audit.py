"""The audit trail: who did what, when, to which source, item or revision."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from publisher.store.models import AuditLog

if TYPE_CHECKING:
    from publisher.actors import Actor
    from publisher.store.models import Item, Revision, Source

__all__ = ["audit_log"]


def audit_log(
    *,
    actor: Actor | str,
    action: str,
    source: Source | None = None,
    item: Item | None = None,
    revision: Revision | None = None,
    detail: dict[str, Any] | None = None,
    address: str = "",
) -> AuditLog:
    """Append to the audit trail.

    ``actor`` is an :class:`~publisher.actors.Actor` (recorded as ``cli:zhang``,
    ``web:li``; its address, when it has one, fills ``address``) or a plain name
    (the sync, and the review decisions, which record the person's name).
    ``address`` is the client's, for a console request.
    """
    if not isinstance(actor, str):
        address = address or actor.address
    return AuditLog.objects.create(
        actor=str(actor)[:150],
        action=action,
        source=source,
        item=item,
        revision=revision,
        detail=detail or {},
        address=address[:64],
    )
