"""The agent: refresh, activate, record, report; once or forever.

``Agent.refresh`` is one attempt: take the home's lock, clear what an
interrupted run left (and finish an interrupted garbage collection), refresh
through ngclient, fetch missing objects, activate, and write the state file;
when nothing was new, collect garbage if it is due (``Activator.maintain``).
It never raises for an expected failure (the result says ``FAILED`` and the
state keeps the error), and it never
touches ``active`` on a failure. ``Agent.run_forever`` repeats it::

    poll timestamp.json every poll_interval (± poll_jitter)   ─┐
    a poke (server-sent event) announcing a newer version     ─┼─► refresh ─► heartbeat
    after a failure: retry_interval × 2ⁿ, at most max_backoff ─┘
    a heartbeat after each refresh, and at least every heartbeat_interval
    (its own thread: a stuck refresh does not stop them)

Usage::

    agent = Agent(AgentConfig(publisher="http://127.0.0.1:8700", home=Path("/var/lib/kiosk")))
    report = agent.run_once()          # what ``gongkai kiosk-agent --once`` does
    agent.run_forever()                # what the kiosk's service does
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import random
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from content.backoff import Backoff
from kiosk.agent._http import HttpClient
from kiosk.agent.activation import Activator
from kiosk.agent.errors import AgentError, LockedError, ProvisioningError, StorageError
from kiosk.agent.folders import active_release, linked_release
from kiosk.agent.fs import FileSystem
from kiosk.agent.heartbeat import HeartbeatResult, heartbeat_payload, heartbeat_send
from kiosk.agent.home import AgentHome
from kiosk.agent.pokes import PokeListener
from kiosk.agent.screenshots import ScreenshotOutbox
from kiosk.agent.state import AgentState, RefreshResult, state_load, state_save
from kiosk.agent.store import ObjectStore
from kiosk.agent.updater import ReleaseUpdater

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from kiosk.agent.config import AgentConfig

__all__ = ["Agent", "RefreshReport"]

log = logging.getLogger("gongkai.kiosk.agent")

#: Pokes closer together than this are coalesced into one refresh.
MIN_POKE_GAP = 1.0


@dataclass(frozen=True, slots=True)
class RefreshReport:
    """How one refresh attempt went.

    Attributes:
        result: activated, already current, or failed.
        version: the active release's version afterwards (None if none).
        release: the active release's folder name afterwards.
        error: why it failed.
        downloaded_objects: objects downloaded (manifest included).
        downloaded_bytes: their bytes.
        seconds: how long the attempt took.
    """

    result: RefreshResult
    version: int | None = None
    release: str | None = None
    error: AgentError | None = None
    downloaded_objects: int = 0
    downloaded_bytes: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether the kiosk now shows the newest release."""
        return self.result is not RefreshResult.FAILED


class Agent:
    """One kiosk's update agent.

    Args:
        config: what to refresh from and how often.
        http: the HTTP client (tests count its requests).
        fs: the file system (tests inject faults).
        clock: the wall clock, for the state file (aware datetimes).
        rng: randomness for poll jitter.
    """

    def __init__(
        self,
        config: AgentConfig,
        *,
        http: HttpClient | None = None,
        fs: FileSystem | None = None,
        clock: Callable[[], datetime] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.config = config
        self.home = AgentHome(config.home)
        self.fs = fs or FileSystem()
        self.http = http or HttpClient(
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            deadline=config.deadline,
            min_rate=config.min_rate,
            user_agent=f"gongkai-kiosk/{config.app_version}",
        )
        self.store = ObjectStore(self.home.objects, fs=self.fs)
        self.updater = ReleaseUpdater(config, store=self.store, http=self.http)
        self._clock = clock or (lambda: datetime.now(UTC))
        self.activator = Activator(self.home, store=self.store, fs=self.fs, clock=self._clock)
        self._rng = rng or random.Random()
        self._wake = threading.Event()
        self._beat_wake = threading.Event()
        self._stop = threading.Event()
        self._applied: int | None = None
        self._last_poke = 0.0
        self._stale_after = int(config.stale_after.total_seconds())
        #: The app's latest screenshot, sent with a heartbeat when new and allowed.
        self.screenshots = ScreenshotOutbox(config.home)

    # --- one attempt ----------------------------------------------------------------

    def refresh(self) -> RefreshReport:
        """Refresh and activate once; record the outcome in the state file.

        Returns:
            The report; a failure is reported, not raised, and leaves ``active``
            as it was.
        """
        started = time.monotonic()
        now = self._clock()
        try:
            with self._locked():
                report = self._refresh(now, started)
        except LockedError as exc:  # another agent owns the state file: leave it alone
            return RefreshReport(RefreshResult.FAILED, error=exc)
        except AgentError as exc:
            report = self._failed(now, started, exc)
        except Exception as exc:  # a bug must not kill a kiosk's agent: record it, carry on
            log.exception("refresh failed unexpectedly")
            error = AgentError(f"internal error: {exc!r}")
            report = self._failed(now, started, error)
        self._applied = report.version
        return report

    def heartbeat(self) -> HeartbeatResult | None:
        """Send a heartbeat with the current state (None when no token is configured)."""
        if self.config.token is None:
            return None
        payload = heartbeat_payload(
            state_load(self.home.state),
            home=self.home.root,
            app_version=self.config.app_version,
            screenshot=self.screenshots.take(),
        )
        return heartbeat_send(
            self.http,
            url=self.config.heartbeat_url,
            token=self.config.token,
            payload=payload,
            outbox=self.screenshots,
        )

    def run_once(self) -> RefreshReport:
        """One refresh, then a heartbeat."""
        report = self.refresh()
        self.heartbeat()
        return report

    # --- forever --------------------------------------------------------------------

    def run_forever(self) -> None:
        """Refresh on pokes and polls, heartbeat, back off while failing; until ``stop``.

        Heartbeats run on their own thread, so a slow refresh (each of its
        requests bounded by the deadlines) never holds them up: one right after
        every refresh, and one at least every ``heartbeat_interval``. A kiosk
        that already shows a release reports at once; a new one (nothing to
        report yet) after its first refresh attempt.
        """
        active = active_release(self.home)
        self._applied = active.version if active else None
        listener = PokeListener(self.http, self.config.events_url, self.poke, rng=self._rng)
        if self.config.pokes:
            listener.start()
        beats = threading.Thread(target=self._beat_forever, name="heartbeats", daemon=True)
        self._beat_wake.clear()
        if active is not None:
            self._beat_wake.set()
        if self.config.token is not None:
            beats.start()
        failures = 0
        next_refresh = time.monotonic()
        try:
            while not self._stop.is_set():
                if self._wake.is_set() or time.monotonic() >= next_refresh:
                    self._wake.clear()
                    report = self.refresh()
                    self._beat_wake.set()  # report the outcome now
                    failures = 0 if report.ok else failures + 1
                    next_refresh = time.monotonic() + self._delay(failures)
                    _log_report(report)
                self._wake.wait(max(0.0, next_refresh - time.monotonic()))
        finally:
            listener.stop()
            self._beat_wake.set()
            if beats.is_alive():
                beats.join(timeout=self.http.seconds_for(0) + 1)

    def _beat_forever(self) -> None:
        """The heartbeat thread of ``run_forever``."""
        self._beat_wake.wait()  # a new kiosk: after its first refresh attempt
        while not self._stop.is_set():
            self._beat_wake.clear()
            try:
                self.heartbeat()
            except Exception:  # a bug must not end the heartbeats: log it, carry on
                log.exception("heartbeat failed unexpectedly")
            self._beat_wake.wait(self.config.heartbeat_interval)

    def poke(self, version: int) -> None:
        """A hint that ``version`` exists: refresh now unless it is already applied."""
        if self._applied is not None and version <= self._applied:
            return
        now = time.monotonic()
        if now - self._last_poke < MIN_POKE_GAP:
            return
        self._last_poke = now
        log.info("poked: release v%s", version)
        self._wake.set()

    def stop(self) -> None:
        """Ask ``run_forever`` to return (from a signal handler or another thread)."""
        self._stop.set()
        self._wake.set()
        self._beat_wake.set()

    # --- helpers --------------------------------------------------------------------

    def _refresh(self, now: datetime, started: float) -> RefreshReport:
        self.activator.recover()
        self.activator.maintain(idle=False)  # an interrupted collection first; a short disk
        current = active_release(self.home)
        fetched = self.updater.refresh(current=current)
        state = state_load(self.home.state).replace(stale_after=self._stale_after)
        if fetched.current:
            result = RefreshResult.CURRENT
            release = current
        else:
            activation = self.activator.activate(fetched)
            result = RefreshResult.ACTIVATED
            release = activation.release
            state = state.replace(
                applied_at=now,
                downloaded_objects=fetched.downloaded_objects,
                downloaded_bytes=fetched.downloaded_bytes,
            )
        assert release is not None  # noqa: S101 - current is only reported for an active release
        state = state.replace(
            channel=release.manifest.channel,
            applied_version=release.version,
            applied_release=release.name,
            last_success_at=now,
            last_attempt_at=now,
            last_result=result,
            last_error=None,
            last_error_kind=None,
        )
        try:
            self._save(state)
        except StorageError as exc:  # the release is live; only the record of it is late
            log.warning("state file not updated: %s", exc)
        if result is RefreshResult.CURRENT:
            self._maintain()
        return RefreshReport(
            result,
            version=release.version,
            release=release.name,
            downloaded_objects=fetched.downloaded_objects,
            downloaded_bytes=fetched.downloaded_bytes,
            seconds=time.monotonic() - started,
        )

    def _maintain(self) -> None:
        """Collect garbage if due (an idle moment); fetch again what a scrub found damaged."""
        try:
            report = self.activator.maintain(idle=True)
        except AgentError as exc:  # the next refresh finishes it before anything else
            log.warning("garbage collection failed: %s", exc)
            return
        if report is None:
            return
        log.info(
            "garbage collected%s: %d objects removed, %d kept",
            " and verified" if report.deep else "", report.removed_objects, report.reachable,
        )  # fmt: skip
        if report.damaged:  # removed with what is above them: fetch them again now
            for link in (self.home.active, self.home.previous):
                release = linked_release(link)
                if release is None:
                    continue
                try:
                    fetched = self.updater.repair(release)
                except AgentError as exc:
                    log.warning("could not repair %s: %s", release.name, exc)
                    continue
                log.info(
                    "repaired %s: %d objects fetched again", release.name,
                    fetched.downloaded_objects,
                )  # fmt: skip

    def _failed(self, now: datetime, started: float, error: AgentError) -> RefreshReport:
        active = active_release(self.home)
        state = state_load(self.home.state).replace(
            stale_after=self._stale_after,
            applied_version=active.version if active else None,
            applied_release=active.name if active else None,
            last_attempt_at=now,
            last_result=RefreshResult.FAILED,
            last_error=f"{error.kind}: {error}"[:1000],
            last_error_kind=error.kind,
        )
        with contextlib.suppress(StorageError):
            self._save(state)
        return RefreshReport(
            RefreshResult.FAILED,
            version=active.version if active else None,
            release=active.name if active else None,
            error=error,
            seconds=time.monotonic() - started,
        )

    def _save(self, state: AgentState) -> None:
        state_save(self.home.state, state, fs=self.fs)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        if not self.home.root.is_dir():
            raise ProvisioningError(f"no kiosk home at {self.home.root}")
        try:
            fd = os.open(self.home.lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StorageError(f"cannot open {self.home.lock}: {exc}", errno=exc.errno) from exc
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                raise LockedError(f"another agent is working on {self.home.root}") from exc
            yield
        finally:
            os.close(fd)  # releases the lock (a killed process releases it too)

    def _delay(self, failures: int) -> float:
        if not failures:
            spread = self.config.poll_jitter
            return self.config.poll_interval * self._rng.uniform(1 - spread, 1 + spread)
        backoff = Backoff(
            base=self.config.retry_interval,
            cap=self.config.max_backoff,
            jitter=self.config.poll_jitter,
        )
        return backoff.jittered(failures, self._rng)


def _log_report(report: RefreshReport) -> None:
    if report.result is RefreshResult.ACTIVATED:
        log.info(
            "activated v%s (%s): %d objects, %d bytes downloaded in %.2f s",
            report.version, report.release, report.downloaded_objects,
            report.downloaded_bytes, report.seconds,
        )  # fmt: skip
    elif report.result is RefreshResult.FAILED:
        log.warning("refresh failed: %s", report.error)
    else:
        log.debug("already current (v%s)", report.version)
