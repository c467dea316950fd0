"""The sync engine: runs sources one after another and records each run."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from django.utils import timezone

from content.scope import ScopeResolver
from publisher.sources.profiles import Profile, load_profile
from publisher.store import services
from publisher.store.models import Source, SyncRun
from publisher.sync._context import RunContext
from publisher.sync._results import Progress, RunSummary, SilentProgress
from publisher.sync._run import SourceRun

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from publisher.config import Config, SourceConfig
    from publisher.home import Home
    from publisher.sources.http import PoliteClient

__all__ = ["SyncEngine"]


class SyncEngine:
    """Runs sources against the store.

    Args:
        home: the publisher home (documents and temp folders).
        config: the validated configuration.
        client_factory: makes the HTTP client for a run (tests pass their own).
        now: the clock.
        progress: where to report progress.
        refetch: read every page again, ignoring what the last run learnt (after a
            profile was corrected); unchanged content still makes no revision.
    """

    def __init__(
        self,
        *,
        home: Home,
        config: Config,
        client_factory: Callable[[], PoliteClient],
        now: Callable[[], datetime] = timezone.now,
        progress: Progress | None = None,
        refetch: bool = False,
    ) -> None:
        self.home = home
        self.refetch = refetch
        self.config = config
        self._client_factory = client_factory
        self._now = now
        self._progress = progress or SilentProgress()
        self._scopes = ScopeResolver({town.name: town.id for town in config.towns})

    def run(
        self, source_ids: list[str] | None = None, *, trigger: str = "manual", force: bool = False
    ) -> list[RunSummary]:
        """Run the given sources (all enabled ones by default), one after another.

        Raises:
            KeyError: an unknown source id.
            publisher.tomlfile.ConfigError: a profile is invalid.
        """
        chosen = (
            [self.config.source(i) for i in source_ids]
            if source_ids
            else [s for s in self.config.sources if s.enabled]
        )
        profiles = {s.id: load_profile(s.profile, home_root=self.home.root) for s in chosen}
        return [self.run_source(s, profiles[s.id], trigger=trigger, force=force) for s in chosen]

    def run_source(
        self, config: SourceConfig, profile: Profile, *, trigger: str, force: bool = False
    ) -> RunSummary:
        """Run one source and record the run; a blocked source waits unless ``force``."""
        started = time.monotonic()
        now = self._now()
        source = self._source_row(config, profile)
        if source.blocked_until and source.blocked_until > now and not force:
            until = f"{timezone.localtime(source.blocked_until):%Y-%m-%d %H:%M}"
            message = f"blocked ({source.blocked_signal}); backing off until {until}"
            return RunSummary(source=config.id, status=SyncRun.Status.BLOCKED, message=message)
        services.runs_interrupt_stale(source=source)
        services.temp_files_clear(self.home.tmp, older_than=now)
        run = services.run_start(source=source, trigger=trigger, now=now)
        with self._client_factory() as client:
            context = RunContext(
                home=self.home,
                config=config,
                profile=profile,
                source=source,
                run=run,
                policy=self._policy(source),
                client=client,
                scopes=self._scopes,
                now=self._now,
                progress=self._progress,
                refetch=self.refetch,
            )
            summary = SourceRun(context).execute()
            summary.count_traffic(requests=client.requests_made, received=client.bytes_received)
        summary.seconds = time.monotonic() - started
        _run_record(run, summary, now=self._now())
        return summary

    def _source_row(self, config: SourceConfig, profile: Profile) -> Source:
        auto = (
            self.config.review.auto_approve if config.auto_approve is None else config.auto_approve
        )
        return services.source_upsert(
            key=config.id,
            name=profile.name,
            entity_type=str(profile.entity_type),
            profile=config.profile,
            site=config.site,
            auto_approve=auto,
            enabled=config.enabled,
        )

    def _policy(self, source: Source) -> services.Policy:
        review = self.config.review
        return services.Policy(
            auto_approve=source.auto_approve,
            max_rewrite_share=review.max_rewrite_share,
            max_removal_share=review.max_removal_share,
        )


def _run_record(run: SyncRun, summary: RunSummary, *, now: datetime) -> None:
    """Close the run's row with the summary, field by field."""
    services.run_finish(
        run=run,
        status=summary.status,
        now=now,
        message=summary.message,
        new=summary.new,
        changed=summary.changed,
        unchanged=summary.unchanged,
        removed=summary.removed,
        failed=summary.failed,
        external=summary.external,
        documents=summary.documents,
        requests=summary.requests,
        bytes=summary.bytes,
        listing_complete=summary.listing_complete,
        errors=summary.errors[:500],
        warnings=summary.warnings[:500],
    )
