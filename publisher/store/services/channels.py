"""Channels whose approved content changed and so need a new release."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import F
from django.db.models.functions import Coalesce

from publisher.store.models import Channel

if TYPE_CHECKING:
    from collections.abc import Collection
    from datetime import datetime

__all__ = ["channels_clear_dirty", "channels_dirty_counts", "channels_mark_dirty"]


def channels_mark_dirty(*, scope: str, now: datetime) -> None:
    """Approved content of ``scope`` changed: its channels need a new release.

    County content is in every channel; a town's content only in its own. Each
    mark counts up the channel's ``dirty_count``, so a release build can tell
    whether a mark came after it read the approved content.
    """
    key = "county" if scope == "county" else scope
    Channel.objects.get_or_create(key=key)
    rows = Channel.objects.all() if scope == "county" else Channel.objects.filter(key=key)
    rows.update(dirty_since=Coalesce(F("dirty_since"), now), dirty_count=F("dirty_count") + 1)


def channels_dirty_counts(keys: Collection[str]) -> dict[str, int]:
    """The change counters of ``keys`` now (a channel without a row counts 0)."""
    counts = dict(Channel.objects.filter(key__in=keys).values_list("key", "dirty_count"))
    return {key: counts.get(key, 0) for key in keys}


def channels_clear_dirty(*, key: str, seen: int) -> bool:
    """Clear the dirty mark of ``key`` if no change came since its counter read ``seen``.

    Returns:
        Whether it was cleared; False means a change landed after ``seen`` was read
        and the channel stays dirty for the next build.
    """
    return bool(Channel.objects.filter(key=key, dirty_count=seen).update(dirty_since=None))
