"""Cut channel releases from approved content and publish them signed.

Each channel (``county`` and ``town-<id>``) gets a new release only when its
content changed: the manifest's ``content_digest`` is compared with the last
release's. Objects are written content-addressed (existing ones are kept),
images are linked from the document store, and all changed manifests go out
in one TUF targets version. After publishing, ``notify`` pokes the channel.

Two builds never interleave: each holds ``release.lock`` in the home (an
``flock``), whether it runs from `gongkai release` or from the scheduler. A
channel's dirty mark is cleared only when no approval came after the build
read the approved content (its ``dirty_count`` is unchanged); otherwise it
stays dirty and the next build releases it.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from content.release import sha256_hex
from content.release_build import EntryCache, ShortLinks, attachment_hashes, build_release
from publisher.doctext import text_ensure
from publisher.errors import InputError
from publisher.release.keys import KeyStore
from publisher.release.tuf_repo import TufRepository
from publisher.store.approved import ApprovedCache, approved_entities
from publisher.store.links import public_document, short_link_maps
from publisher.store.models import Channel, ChannelRelease
from publisher.store.services.channels import channels_clear_dirty, channels_dirty_counts
from publisher.store.services.links import links_assign

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from datetime import datetime

    from content.models import Entity
    from publisher.config import Config
    from publisher.home import Home

__all__ = ["LOCK_WAIT", "ReleaseBuilder", "ReleaseError", "ReleaseOutcome", "channels_of"]

#: Seconds a build waits for another one (CLI or scheduler) to finish.
LOCK_WAIT = 300.0


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
        after_read: called once the build has read the approved content and before
            it clears any dirty mark (a seam for tests of approvals landing mid-build).
        lock_wait: seconds to wait for another build holding the home's release lock.
    """

    def __init__(
        self,
        *,
        home: Home,
        config: Config,
        notify: Callable[[str, int], None] | None = None,
        now: Callable[[], datetime] = timezone.now,
        approved: ApprovedCache | None = None,
        after_read: Callable[[], None] | None = None,
        lock_wait: float = LOCK_WAIT,
    ) -> None:
        self.home = home
        self.config = config
        self._notify = notify
        self._now = now
        self._cache = EntryCache()
        self._approved = ApprovedCache() if approved is None else approved
        self._after_read = after_read
        self._lock_wait = lock_wait
        #: Documents whose text was extracted (or found extracted) by this builder.
        self._texts: set[str] = set()

    def repository(self) -> TufRepository:
        """The home's TUF repository.

        Raises:
            ReleaseError: ``gongkai keys init`` has not run.
        """
        repo = TufRepository(self.home.repository, KeyStore(self.home.online_keys), now=self._now)
        if not (repo.metadata / "root.json").exists():
            raise ReleaseError("no TUF repository yet: run `gongkai keys init` first")
        return repo

    def refresh(self) -> list[str]:
        """Re-sign the metadata that expires soon (under the release lock); the roles renewed.

        Raises:
            ReleaseError: no repository, or another build held the lock too long.
        """
        repo = self.repository()
        with self._exclusive():
            return repo.refresh()

    def build(self, channels: list[str] | None = None) -> list[ReleaseOutcome]:
        """Release every given channel (all by default) whose content changed.

        Raises:
            ReleaseError: no repository, an unknown channel, or another build held
                the home's release lock longer than ``lock_wait``.
        """
        repo = self.repository()
        with self._exclusive():
            return self._build(repo, channels)

    def _build(self, repo: TufRepository, channels: list[str] | None) -> list[ReleaseOutcome]:
        known = channels_of(self.config)
        chosen = channels or known
        unknown = [c for c in chosen if c not in known]
        if unknown:
            raise ReleaseError(
                f"unknown channels: {', '.join(unknown)} (known: {', '.join(known)})"
            )
        # The counters are read before the content: a mark after this point keeps
        # its channel dirty, even when the read below happened to include it.
        seen = channels_dirty_counts(chosen)
        entities = approved_entities(cache=self._approved)
        if self._after_read is not None:
            self._after_read()
        links = self._short_links(entities)
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
                links=links,
            )
            count = sum(index.count for index in plan.manifest.indexes.values())
            if last is not None and last.content_digest == plan.manifest.content_digest:
                outcomes.append(ReleaseOutcome(key, None, count, 0, 0))
                channels_clear_dirty(key=key, seen=seen[key])
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
                    channels_clear_dirty(key=channel.key, seen=seen[channel.key])
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

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Hold the home's release lock (one build or re-signing at a time, any process)."""
        self.home.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.home.root / "release.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            deadline = time.monotonic() + self._lock_wait
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise ReleaseError(
                            f"another release is being built in {self.home.root}; try again"
                        ) from None
                    time.sleep(0.05)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    def _short_links(self, entities: list[Entity]) -> ShortLinks:
        """Codes for every released item and mirrored attachment, the new ones' texts."""
        documents = {sha for e in entities for sha in attachment_hashes(e) if self._has_file(sha)}
        links_assign(items=[e.id for e in entities], documents=sorted(documents))
        items, files = short_link_maps()
        for sha in sorted(documents - self._texts):
            found = public_document(sha)
            if found is not None:
                path = self.home.document_path(sha)
                text_ensure(path, found.media_type, self.home.text_path(sha))
            self._texts.add(sha)
        return ShortLinks(items=items, documents=files)

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
