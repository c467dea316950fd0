"""The audit trail: who did what, when, to which source, item or revision."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from publisher.store.models import AuditLog

if TYPE_CHECKING:
    from publisher.store.models import Item, Revision, Source

__all__ = ["audit_log"]


def audit_log(
    *,
    actor: str,
    action: str,
    source: Source | None = None,
    item: Item | None = None,
    revision: Revision | None = None,
    detail: dict[str, Any] | None = None,
    address: str = "",
) -> AuditLog:
    """Append to the audit trail (``address``: the client's, for a console request)."""
    return AuditLog.objects.create(
        actor=actor,
        action=action,
        source=source,
        item=item,
        revision=revision,
        detail=detail or {},
        address=address[:64],
    )
