"""Sync now: a person asks for a source's run, which the one scheduler then does.

The request never runs the sync itself (a sync takes minutes and must not
hold a web request or run beside the scheduled one): it queues a one-off job
in the scheduler of `gongkai serve` through a :class:`SyncQueue`, which
``publisher.jobs.SchedulerSyncQueue`` implements. A source held back by an
anti-bot page stays held back: asking again is refused until the back-off ends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from publisher.actors import OutOfScopeError
from publisher.errors import InputError
from publisher.store.models import Source
from publisher.store.services.audit import audit_log

if TYPE_CHECKING:
    from datetime import datetime

    from publisher.actors import Actor
    from publisher.config import Config

__all__ = ["SyncQueue", "SyncRequestError", "source_sync_now"]


class SyncRequestError(InputError):
    """A sync-now request was refused: an unknown or disabled source, or one backing off."""


class SyncQueue(Protocol):
    """Where "sync now" requests go: the scheduler's queue of one-off runs."""

    def queue(self, source_id: str) -> bool:
        """Queue one run of ``source_id`` as soon as the sync worker is free.

        Returns:
            False when a run of it is queued already (nothing more is queued).
        """
        ...


def source_sync_now(*, actor: Actor, source_id: str, config: Config, queue: SyncQueue,
                    now: datetime) -> bool:  # fmt: skip
    """Queue a run of ``source_id`` now; True when queued, False when one was waiting.

    Raises:
        OutOfScopeError: the actor is a town's (sources are the county's).
        SyncRequestError: no such source in gongkai.toml, it is disabled, or it
            is blocked by an anti-bot page until a later time.
    """
    if not actor.scope.is_county:
        raise OutOfScopeError(f"sources are the county's; {actor} acts for {actor.scope}")
    try:
        source = config.source(source_id)
    except KeyError:
        known = ", ".join(s.id for s in config.sources) or "none"
        raise SyncRequestError(f"no source {source_id!r} (known: {known})") from None
    if not source.enabled:
        raise SyncRequestError(f"source {source_id} is disabled in gongkai.toml")
    row = Source.objects.filter(key=source_id).first()
    if row is not None and row.blocked_until is not None and row.blocked_until > now:
        raise SyncRequestError(
            f"source {source_id} is blocked by an anti-bot page ({row.blocked_signal}) "
            f"until {row.blocked_until.isoformat(timespec='minutes')}; it is not retried sooner"
        )
    queued = queue.queue(source_id)
    audit_log(actor=actor, action="source.sync_now", source=row,
              detail={"source": source_id, "queued": queued})  # fmt: skip
    return queued
