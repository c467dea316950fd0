"""Channels whose approved content changed and so need a new release."""

from __future__ import annotations

from typing import TYPE_CHECKING

from publisher.store.models import Channel

if TYPE_CHECKING:
    from datetime import datetime

__all__ = ["channels_mark_dirty"]


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
