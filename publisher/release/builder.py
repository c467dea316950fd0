"""Cut channel releases from approved content and publish them signed.

Each channel (``county`` and ``town-<id>``) gets a new release only when its
content changed: the manifest's ``content_digest`` is compared with the last
release's. Objects are written content-addressed (existing ones are kept),
images are linked from the document store, and all changed manifests go out
in one TUF targets version. After publishing, ``notify`` pokes the channel.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from content.release import sha256_hex
from content.release_build import EntryCache, build_release
from publisher.errors import InputError
from publisher.release.keys import KeyStore
from publisher.release.tuf_repo import TufRepository
from publisher.store.approved import ApprovedCache, approved_entities
from publisher.store.models import Channel, ChannelRelease

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from publisher.config import Config
    from publisher.home import Home

__all__ = ["ReleaseBuilder", "ReleaseError", "ReleaseOutcome", "channels_of"]


class ReleaseError(InputError):
    """Releases cannot be built (no keys yet, an unknown channel)."""


@dataclass(frozen=True, slots=True)
class ReleaseOutcome:
    """What building one channel did; ``version`` is None when nothing changed."""

    channel: str
    version: int | None
    entities: int
    new_objects: int
    bytes: int


def channels_of(config: Config) -> list[str]:
    """The channels of a county: ``county`` and one per town."""
    return ["county", *(f"town-{town.id}" for town in config.towns)]


class ReleaseBuilder:
    """Builds and publishes releases; keep one per process to reuse its caches.

    Args:
        home: the publisher home.
        config: the configuration (towns give the channels).
        notify: called with (channel, version) after a release is published.
        now: the clock.
        approved: validated approved entities, shared with the boards in ``gongkai serve``.
    """

    def __init__(
        self,
        *,
        home: Home,
        config: Config,
        notify: Callable[[str, int], None] | None = None,
        now: Callable[[], datetime] = timezone.now,
        approved: ApprovedCache | None = None,
    ) -> None:
        self.home = home
        self.config = config
        self._notify = notify
        self._now = now
        self._cache = EntryCache()
        self._approved = ApprovedCache() if approved is None else approved

    def repository(self) -> TufRepository:
        """The home's TUF repository.

        Raises:
            ReleaseError: ``gongkai keys init`` has not run.
        """
        repo = TufRepository(self.home.repository, KeyStore(self.home.online_keys), now=self._now)
        if not (repo.metadata / "root.json").exists():
            raise ReleaseError("no TUF repository yet: run `gongkai keys init` first")
        return repo

    def build(self, channels: list[str] | None = None) -> list[ReleaseOutcome]:
        """Release every given channel (all by default) whose content changed.

        Raises:
            ReleaseError: no repository, or an unknown channel.
        """
        repo = self.repository()
        known = channels_of(self.config)
        chosen = channels or known
        unknown = [c for c in chosen if c not in known]
        if unknown:
            raise ReleaseError(
                f"unknown channels: {', '.join(unknown)} (known: {', '.join(known)})"
            )
        entities = approved_entities(cache=self._approved)
        now = self._now()
        manifests: dict[str, bytes] = {}
        pending: list[tuple[Channel, int, ReleaseOutcome, str, str]] = []
        outcomes = []
        for key in chosen:
            channel, _ = Channel.objects.get_or_create(key=key)
            last = channel.releases.order_by("-version").first()
            plan = build_release(
                entities,
                channel=key,
                version=(last.version + 1) if last else 1,
                created_at=now,
                publisher_url=self.config.publisher.public_url,
                allowed_hosts=sorted(self.config.allowed_hosts()),
                cache=self._cache,
                available=self._has_file,
            )
            count = sum(index.count for index in plan.manifest.indexes.values())
            if last is not None and last.content_digest == plan.manifest.content_digest:
                outcomes.append(ReleaseOutcome(key, None, count, 0, 0))
                Channel.objects.filter(pk=channel.pk).update(dirty_since=None)
                continue
            new = sum(repo.put_object(sha, raw) for sha, raw in plan.objects.items())
            new += sum(self._link_file(repo, sha) for sha in plan.files)
            manifests[f"channels/{key}/manifest.json"] = plan.manifest_bytes
            outcome = ReleaseOutcome(key, plan.manifest.version, count, new, plan.manifest.bytes)
            pending.append(
                (channel, plan.manifest.version, outcome, plan.manifest.content_digest,
                 sha256_hex(plan.manifest_bytes))
            )  # fmt: skip
            outcomes.append(outcome)
        if manifests:
            targets_version = repo.publish(manifests)
            with transaction.atomic():
                for channel, version, outcome, digest, manifest_sha in pending:
                    ChannelRelease.objects.create(
                        channel=channel,
                        version=version,
                        content_digest=digest,
                        manifest_sha256=manifest_sha,
                        targets_version=targets_version,
                        entities=outcome.entities,
                        object_count=len(entities),
                        new_object_count=outcome.new_objects,
                        bytes=outcome.bytes,
                        created_at=now,
                    )
                    Channel.objects.filter(pk=channel.pk).update(dirty_since=None)
            for channel, version, *_ in pending:
                if self._notify is not None:
                    self._notify(channel.key, version)
        return outcomes

    def build_dirty(self) -> list[ReleaseOutcome]:
        """Release the channels that approved changes marked dirty, if any."""
        dirty = list(
            Channel.objects.filter(dirty_since__isnull=False).values_list("key", flat=True)
        )
        known = set(channels_of(self.config))
        chosen = [key for key in dirty if key in known]
        return self.build(chosen) if chosen else []

    # --- helpers --------------------------------------------------------------------

    def _has_file(self, sha256: str) -> bool:
        return self.home.document_path(sha256).exists()

    def _link_file(self, repo: TufRepository, sha256: str) -> bool:
        target = repo.object_path(sha256)
        source = self.home.document_path(sha256)
        if target.exists() or not source.exists():
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)  # same filesystem: no copy
        except OSError:
            repo.put_object(sha256, source.read_bytes())
        return True
