"""The publisher service behind `gongkai serve`: one process, the embedded default.

The HTTP face (repository, document mirror, pokes, device API) runs on
uvicorn; the one scheduler runs syncs on their schedules, releases approved
changes within seconds and re-signs metadata before it expires.
"""

from __future__ import annotations

import logging
import resource
import threading
import time
from typing import TYPE_CHECKING

import uvicorn
from apscheduler.triggers.date import DateTrigger
from django.core.asgi import get_asgi_application
from django.core.management import call_command
from django.db import close_old_connections
from django.utils import timezone

from content.county_time import COUNTY_TZ_NAME
from publisher.applications import web as applications_web
from publisher.applications.calendar import office_calendar
from publisher.boards.push import Action
from publisher.boards.runner import BoardRunner
from publisher.commands._common import client_factory
from publisher.fleet.screenshots import ScreenshotPolicy, screenshots_clear
from publisher.jobs import SchedulerSyncQueue, build_scheduler
from publisher.release.builder import ReleaseBuilder, ReleaseError, channels_of
from publisher.store.approved import ApprovedCache
from publisher.sync import SyncEngine
from publisher.web import views
from publisher.web.connections import ConnectionLimits, guarded_protocol
from publisher.web.guard import RequestGuard
from publisher.web.pokes import PokeHub

if TYPE_CHECKING:
    from collections.abc import Callable

    from publisher.config import Config
    from publisher.home import Home

__all__ = ["PublisherService"]

log = logging.getLogger("gongkai.serve")


class PublisherService:
    """Wires the scheduler, the release builder, the poke hub and the HTTP server.

    Args:
        home: the publisher home.
        config: its configuration.
        host: the address to listen on.
        port: the port to listen on.
        sync: whether to schedule the sources' syncs.
        sync_now: also sync every source at start.
    """

    def __init__(
        self, *, home: Home, config: Config, host: str, port: int, sync: bool, sync_now: bool
    ) -> None:
        self.home = home
        self.hub = PokeHub()
        # One cache of validated approved content for releases and boards alike.
        approved = ApprovedCache()
        self.builder = ReleaseBuilder(
            home=home, config=config, notify=self.hub.publish, approved=approved
        )
        self.engine = SyncEngine(home=home, config=config, client_factory=client_factory(config))
        self.screenshots = ScreenshotPolicy.from_config(config.fleet)
        if not self.screenshots.enabled:
            screenshots_clear()  # the county turned them off: keep none
        views.configure(
            repository=home.repository,
            documents=home.documents,
            texts=home.texts,
            hub=self.hub,
            channels=set(channels_of(config)),
            max_heartbeat=config.serve.max_heartbeat_bytes,
            screenshots=self.screenshots,
        )
        applications_web.configure(
            calendar=office_calendar(config.calendar),
            per_minute=config.applications.lookups_per_minute,
        )
        self.boards = BoardRunner(home=home, config=config, approved=approved)
        # The staff console's static files, named by their hash (only changed files copied).
        call_command("collectstatic", interactive=False, verbosity=0)
        self.scheduler = build_scheduler(
            config,
            sync_source=_job(self._sync) if sync else None,
            first_run=timezone.now() if sync_now else None,
            release_dirty=_job(self._release_dirty),
            tuf_refresh=_job(self._refresh),
            boards_evaluate=_job(self._boards),
            boards_cycle=_job(self._boards_cycle),
        )
        #: Where "sync now" requests of the staff console go (a ``SyncQueue``).
        self.sync_queue = SchedulerSyncQueue(self.scheduler, _job(self._sync_now))
        limits = config.serve
        app = RequestGuard(
            get_asgi_application(), hosts=config.served_hosts(), max_url_bytes=limits.max_url_bytes
        )
        connections = ConnectionLimits(
            max_connections=_within_open_files(limits.max_connections),
            max_per_address=limits.max_connections_per_address,
            proxies=frozenset(limits.proxy_addresses),
            request_timeout=limits.request_timeout,
        )
        self.server = uvicorn.Server(
            uvicorn.Config(
                app,
                host=host,
                port=port,
                log_level="warning",
                lifespan="off",
                http=guarded_protocol(connections),
                ws="none",  # no route speaks WebSocket: an upgrade is a plain request
                timeout_keep_alive=max(1, round(limits.keep_alive_timeout)),
                h11_max_incomplete_event_size=limits.max_header_bytes,
            )
        )

    def run(self, *, duration: float | None = None) -> None:
        """Serve until Ctrl-C (or for ``duration`` seconds, for tests)."""
        # 404s on N+1.root.json are how TUF clients learn there is no newer root.
        logging.getLogger("django.request").setLevel(logging.ERROR)
        # Build once at start: anything pending goes out, and the release cache is
        # warm, so the first approval is released in milliseconds, not seconds.
        self.scheduler.add_job(_job(self._warm), id="release:warm", executor="release")
        self.scheduler.add_job(_job(self._boards), id="boards:start", executor="boards")
        if duration:
            stopper = threading.Timer(duration, self.stop)
            stopper.daemon = True
            stopper.start()
        self.scheduler.start()
        try:
            self.server.run()
        finally:
            self.scheduler.shutdown(wait=False)
            self.boards.close()

    def stop(self) -> None:
        """Ask the server to stop."""
        self.server.should_exit = True

    def sync_jobs(self) -> int:
        """How many sync jobs are scheduled."""
        return sum(1 for job in self.scheduler.get_jobs() if job.id.startswith("sync:"))

    def _sync(self, source_id: str) -> None:
        for s in self.engine.run([source_id], trigger="scheduled"):
            _say(f"sync {s.source}: {s.status} new {s.new} changed {s.changed} "
                 f"removed {s.removed} failed {s.failed}")  # fmt: skip

    def _sync_now(self, source_id: str) -> None:
        for s in self.engine.run([source_id], trigger="sync-now"):
            _say(f"sync {s.source} (asked for): {s.status} new {s.new} changed {s.changed} "
                 f"removed {s.removed} failed {s.failed}")  # fmt: skip

    def _release_dirty(self) -> None:
        for outcome in self.builder.build_dirty():
            if outcome.version:
                _say(f"released {outcome.channel} v{outcome.version} "
                     f"({outcome.new_objects} new objects)")  # fmt: skip

    def _warm(self) -> None:
        for outcome in self.builder.build():
            if outcome.version:
                _say(f"released {outcome.channel} v{outcome.version}")

    def _boards(self) -> None:
        for report in self.boards.evaluate():
            status = report.status
            if report.action is Action.PUSHED:
                _say(f"board {report.board_id}: pushed ({status.reason})")
            elif report.action is Action.FAILED:
                retry = status.next_attempt_at
                when = f"; retry after {retry.astimezone():%H:%M:%S}" if retry else ""
                _say(f"board {report.board_id}: {status.outcome} ({status.error}){when}")
        upcoming = self.boards.next_change()
        if upcoming is not None:
            # Run again right at the next schedule boundary, not up to 30 s later.
            self.scheduler.add_job(
                _job(self._boards),
                DateTrigger(run_date=upcoming, timezone=COUNTY_TZ_NAME),
                id="boards:boundary",
                name="LED boards at the next schedule boundary",
                executor="boards",
                replace_existing=True,
                misfire_grace_time=60,
            )

    def _boards_cycle(self) -> None:
        for report in self.boards.cycle():
            if report.failures == 1:  # say it once, not every slide
                _say(f"board {report.board_id}: slide {report.slide} of {report.of} not sent "
                     f"({report.error}); trying each next slide")  # fmt: skip

    def _refresh(self) -> None:
        renewed = self.builder.refresh()
        if renewed:
            _say(f"re-signed {', '.join(renewed)}")


def _job(body: Callable[..., None]) -> Callable[..., None]:
    """A job body with fresh database connections and its errors logged, never raised."""

    def run(*args: object) -> None:
        close_old_connections()
        try:
            body(*args)
        except ReleaseError:
            pass  # no keys yet: nothing to release or re-sign
        except Exception:
            log.exception("scheduled job failed")
        finally:
            close_old_connections()

    return run


def _within_open_files(wanted: int) -> int:
    """``wanted``, or fewer when the open-file limit would run out first."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return wanted
    # Keep files for the database, the repository and the documents being served.
    allowed = max(8, soft - 64)
    if allowed < wanted:
        log.warning("max_connections %d lowered to %d by the open-file limit", wanted, allowed)
    return min(wanted, allowed)


def _say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)  # noqa: T201 - service log
