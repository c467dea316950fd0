"""Scheduled jobs: exactly one APScheduler, inside `gongkai serve`.

Jobs are defined here in code with explicit ids (``sync:<source>``); their
intervals or cron expressions come from each source's ``schedule``. Every job
coalesces missed runs, never runs twice at once, and has an explicit misfire
grace time. A lock file in the home keeps a second scheduler from starting.
"""

from __future__ import annotations

import fcntl
import logging
import os
from typing import TYPE_CHECKING, Any

from apscheduler.jobstores.base import ConflictingIdError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from content.county_time import COUNTY_TZ_NAME
from publisher.config import parse_schedule
from publisher.errors import UnavailableError

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from apscheduler.schedulers.base import BaseScheduler

    from publisher.config import Config
    from publisher.home import Home

__all__ = [
    "BOARDS_CYCLE_EVERY",
    "BOARDS_EVERY",
    "JOB_DEFAULTS",
    "SchedulerLockedError",
    "SchedulerSyncQueue",
    "build_scheduler",
    "scheduler_lock",
]

log = logging.getLogger("gongkai.jobs")
TIMEZONE = COUNTY_TZ_NAME
#: Seconds between two evaluations of the LED boards (pushes happen only on change).
BOARDS_EVERY = 30
#: Seconds between two looks for slides due on boards that keep no program (Flaschen-Taschen).
BOARDS_CYCLE_EVERY = 1
JOB_DEFAULTS: dict[str, Any] = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 600}


class SchedulerLockedError(UnavailableError, RuntimeError):
    """Another `gongkai serve` already runs the scheduler for this home."""


class SchedulerSyncQueue:
    """Sync-now requests as one-off jobs of the scheduler (a ``SyncQueue``).

    The job runs in the sync worker, after a sync already running there, so a
    source is never synced twice at once; asking again while one waits queues
    nothing more.

    Args:
        scheduler: the one scheduler of `gongkai serve`.
        run: the job body, given the source id.
    """

    def __init__(self, scheduler: BaseScheduler, run: Callable[[str], None]) -> None:
        self._scheduler = scheduler
        self._run = run

    def queue(self, source_id: str) -> bool:
        """Queue a run of ``source_id`` now; False when one is waiting already."""
        job_id = f"sync-now:{source_id}"
        if self._scheduler.get_job(job_id) is not None:
            return False
        try:
            self._scheduler.add_job(self._run, args=[source_id], id=job_id,
                                    name=f"sync {source_id} now", executor="default",
                                    **JOB_DEFAULTS)  # fmt: skip
        except ConflictingIdError:  # queued by another request in between
            return False
        return True


def scheduler_lock(home: Home) -> int:
    """Take the home's scheduler lock; hold the returned descriptor while serving.

    Raises:
        SchedulerLockedError: another process holds it.
    """
    home.root.mkdir(parents=True, exist_ok=True)
    fd = os.open(home.root / "scheduler.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        os.close(fd)
        raise SchedulerLockedError(f"a scheduler already runs for {home.root}") from exc
    os.ftruncate(fd, 0)
    os.write(fd, str(os.getpid()).encode())
    return fd


def build_scheduler(
    config: Config,
    *,
    sync_source: Callable[[str], None] | None,
    first_run: datetime | None = None,
    release_dirty: Callable[[], object] | None = None,
    tuf_refresh: Callable[[], object] | None = None,
    boards_evaluate: Callable[[], object] | None = None,
    boards_cycle: Callable[[], object] | None = None,
) -> BackgroundScheduler:
    """The scheduler: one sync job per enabled source, plus the release and board jobs.

    Syncs run one at a time in their own worker; releases and re-signing run in
    another, LED boards in a third, so neither a long sync nor a dead board
    delays a release.

    Args:
        config: the configuration (sources and their schedules).
        sync_source: runs one source by id (the job body); None: no sync jobs.
        first_run: when given, every source also syncs then (e.g. at start).
        release_dirty: releases the channels that approvals marked (every 2 s).
        tuf_refresh: re-signs metadata that expires soon (every 30 min).
        boards_evaluate: resolves every LED board and pushes what changed (every
            30 s; the service also runs it at each schedule boundary).
        boards_cycle: shows the next slide on boards that keep no program (every
            1 s, in its own worker so a slow push never holds a slide up).
    """
    scheduler = BackgroundScheduler(
        timezone=TIMEZONE,
        job_defaults=JOB_DEFAULTS,
        executors={
            "default": {"type": "threadpool", "max_workers": 1},
            "release": {"type": "threadpool", "max_workers": 1},
            "boards": {"type": "threadpool", "max_workers": 1},
            "boards-cycle": {"type": "threadpool", "max_workers": 1},
        },
    )
    if release_dirty is not None:
        scheduler.add_job(release_dirty, IntervalTrigger(seconds=2, timezone=TIMEZONE),
                          id="release:dirty", name="release dirty channels", executor="release",
                          replace_existing=True, **JOB_DEFAULTS)  # fmt: skip
    if tuf_refresh is not None:
        scheduler.add_job(tuf_refresh, IntervalTrigger(minutes=30, timezone=TIMEZONE),
                          id="tuf:refresh", name="re-sign expiring metadata",
                          executor="release", next_run_time=first_run,
                          replace_existing=True, **JOB_DEFAULTS)  # fmt: skip
    if boards_evaluate is not None:
        scheduler.add_job(boards_evaluate, IntervalTrigger(seconds=BOARDS_EVERY, timezone=TIMEZONE),
                          id="boards:evaluate", name="push LED boards whose program changed",
                          executor="boards", next_run_time=first_run,
                          replace_existing=True, **JOB_DEFAULTS)  # fmt: skip
    if boards_cycle is not None:
        every = IntervalTrigger(seconds=BOARDS_CYCLE_EVERY, timezone=TIMEZONE)
        scheduler.add_job(boards_cycle, every, id="boards:cycle",
                          name="next slide on boards that keep no program",
                          executor="boards-cycle", replace_existing=True,
                          **{**JOB_DEFAULTS, "misfire_grace_time": 5})  # fmt: skip
    if sync_source is None:
        return scheduler
    for source in config.sources:
        if not source.enabled:
            continue
        schedule = parse_schedule(source.schedule)
        trigger: IntervalTrigger | CronTrigger
        if schedule.kind == "interval":
            trigger = IntervalTrigger(seconds=schedule.seconds, timezone=TIMEZONE)
        else:
            trigger = CronTrigger.from_crontab(schedule.cron, timezone=TIMEZONE)
        options: dict[str, Any] = {"next_run_time": first_run} if first_run else {}
        scheduler.add_job(
            sync_source,
            trigger,
            args=[source.id],
            id=f"sync:{source.id}",
            name=f"sync {source.id}",
            replace_existing=True,
            **JOB_DEFAULTS,
            **options,
        )
    return scheduler
