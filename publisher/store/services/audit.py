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
) -> AuditLog:
    """Append to the audit trail.

    ``actor`` is an :class:`~publisher.actors.Actor` (its address, when it has
    one, is kept as ``detail["address"]``) or, for the sync, a plain name.
    """
    detail = dict(detail or {})
    address = getattr(actor, "address", "")
    if address:
        detail["address"] = address
    return AuditLog.objects.create(
        actor=str(actor)[:150],
        action=action,
        source=source,
        item=item,
        revision=revision,
        detail=detail,
    )
