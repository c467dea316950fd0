"""Push programs to boards when what they should show changed, never needlessly.

For each board the caller gives the program it should show now. The pusher
compares its :meth:`~publisher.boards.program.Program.content_digest` with the
digest the board last acknowledged and pushes only on change (or when asked
to force). Boards are pushed concurrently, each through its own driver with
its own timeout, so one dead board never holds up the others. A failed board
is retried with exponential back-off (30 s, 1 min, 2 min … capped at 10 min)
and reported; its state (last push, result, digest, reachable, consecutive
failures, next attempt) is kept by a :class:`StateStore`.

Two controller quirks are kept here, since drivers never sleep or keep time:

* **Slide cycling.** A Flaschen-Taschen server keeps no program (its driver is
  a :class:`~publisher.boards.drivers.base.SlideSink`): a push shows the first
  slide, and :meth:`Pusher.cycle`, called about every second (``gongkai serve``
  does), shows the next slide of every such board whose slide has had its
  ``seconds``.  A board already showing its program when the pusher starts
  (pushed by an earlier process) is cycled from its first slide.
* **Refresh spacing.** Onbon K cards want at least 1 s between two updates of a
  dynamic area: a push to a K board within 1 s of the last one waits for the
  rest of that second first (in its worker thread; the other boards go on).

State is loaded and saved on the caller's thread (a database connection is
per thread); only the drivers run in the worker threads.
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol, cast

from content.backoff import Backoff
from publisher.boards.drivers.base import (
    BoardError,
    BoardRejectedError,
    BoardUnreachableError,
    SlideSink,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from publisher.boards.drivers.base import Driver, PushResult
    from publisher.boards.program import BoardConfig, Program, Slide

__all__ = [
    "DEFAULT_BACKOFF",
    "MIN_PUSH_INTERVAL",
    "Action",
    "BoardStatus",
    "CycleReport",
    "MemoryStates",
    "Outcome",
    "PushReport",
    "Pusher",
    "StateStore",
]

log = logging.getLogger("gongkai.boards")

#: Least seconds between two pushes to one board, by driver.  The Onbon K manual
#: asks for at least 1 s between dynamic-area refreshes.
MIN_PUSH_INTERVAL: Mapping[str, float] = {"onbon-k": 1.0}
# A slide change later than this is a stall, not the calling period's jitter.
_CYCLE_SLACK = 2.0


class Outcome(StrEnum):
    """The result of the last push attempt."""

    OK = "ok"
    UNREACHABLE = "unreachable"
    REJECTED = "rejected"
    FAILED = "failed"


class Action(StrEnum):
    """What one evaluation did for one board."""

    PUSHED = "pushed"
    UNCHANGED = "unchanged"
    FAILED = "failed"
    WAITING = "waiting"  # backing off after failures


@dataclass(frozen=True)
class BoardStatus:
    """What the publisher knows about one board's last push."""

    board_id: str
    digest: str = ""  # of the program the board last acknowledged
    reason: str = ""
    last_push_at: datetime | None = None
    last_attempt_at: datetime | None = None
    outcome: Outcome | None = None
    error: str = ""
    reachable: bool | None = None
    failures: int = 0  # consecutive
    next_attempt_at: datetime | None = None


@dataclass(frozen=True)
class PushReport:
    """What happened to one board in one evaluation."""

    board_id: str
    action: Action
    status: BoardStatus
    seconds: float = 0.0
    detail: str = ""  # the driver's note on a push (e.g. QR slides skipped)
    cycling: bool = False  # the pusher shows the slides one by one (see Pusher.cycle)

    @property
    def ok(self) -> bool:
        """False when the board failed or is backing off."""
        return self.action in (Action.PUSHED, Action.UNCHANGED)


@dataclass(frozen=True)
class CycleReport:
    """One slide :meth:`Pusher.cycle` sent (or failed to send) to one board."""

    board_id: str
    slide: int  # 1-based
    of: int
    error: str = ""
    failures: int = 0  # consecutive failed sends to this board, this one included

    @property
    def ok(self) -> bool:
        """True when the slide was sent."""
        return not self.error


#: Between attempts at a failing board: 30 s, 1 min, 2 min … at most 10 min.
DEFAULT_BACKOFF = Backoff(base=30.0, cap=600.0)


class StateStore(Protocol):
    """Where board states persist."""

    def load(self, board_id: str) -> BoardStatus:
        """The board's state (a fresh one when unknown)."""
        ...

    def save(self, status: BoardStatus) -> None:
        """Persist the board's state."""
        ...


class MemoryStates:
    """A :class:`StateStore` in a dict (tests, the benchmark)."""

    def __init__(self) -> None:
        self.states: dict[str, BoardStatus] = {}

    def load(self, board_id: str) -> BoardStatus:
        """The board's state (a fresh one when unknown)."""
        return self.states.get(board_id, BoardStatus(board_id))

    def save(self, status: BoardStatus) -> None:
        """Keep the board's state."""
        self.states[status.board_id] = status


class Pusher:
    """Pushes changed programs to boards; keep one per process (it keeps drivers).

    Args:
        driver_factory: ``make_driver(board, timeout=…)`` from the drivers package.
        states: where board states persist.
        now: the clock (aware datetimes).
        timeout: seconds a driver may take per push.
        backoff: delays between attempts at a failing board.
        workers: boards pushed at once.
        min_interval: least seconds between two pushes to one board, by driver name.
        monotonic: the clock for slide times and push spacing (seconds).
        sleep: waits for push spacing (seconds).
    """

    def __init__(
        self,
        *,
        driver_factory: Callable[..., Driver],
        states: StateStore,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        timeout: float = 5.0,
        backoff: Backoff | None = None,
        workers: int = 16,
        min_interval: Mapping[str, float] = MIN_PUSH_INTERVAL,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._factory = driver_factory
        self._states = states
        self._now = now
        self._timeout = timeout
        self._backoff = backoff or DEFAULT_BACKOFF
        self._workers = workers
        self._min_interval = dict(min_interval)
        self._monotonic = monotonic
        self._sleep = sleep
        self._drivers: dict[str, tuple[BoardConfig, Driver]] = {}
        self._last_push: dict[str, float] = {}  # board id -> monotonic end of its last push
        self._cycles: dict[str, _Cycle] = {}
        self._cycle_lock = threading.Lock()  # cycle() and pushes to slide sinks

    def run(
        self, programs: Sequence[tuple[BoardConfig, Program]], *, force: bool = False
    ) -> list[PushReport]:
        """Push every program whose board does not show it yet; one report per board.

        ``force`` pushes even unchanged programs and ignores back-off (``gongkai
        board push``).
        """
        now = self._now()
        reports: dict[str, PushReport] = {}
        due: list[tuple[BoardConfig, Program, BoardStatus, str]] = []
        for board, program in programs:
            status = self._states.load(board.id)
            digest = program.content_digest()
            known = self._drivers.get(board.id)
            moved = known is not None and known[0] != board  # e.g. a new address: push again
            if not force and not moved and status.outcome is Outcome.OK and status.digest == digest:
                cycling = self._keep_cycling(board, program)
                reports[board.id] = PushReport(board.id, Action.UNCHANGED, status, cycling=cycling)
            elif not force and status.next_attempt_at and now < status.next_attempt_at:
                reports[board.id] = PushReport(board.id, Action.WAITING, status)
            else:
                due.append((board, program, status, digest))
        if due:
            for report in self._push_all(due, now):
                self._states.save(report.status)
                reports[report.board_id] = report
        return [reports[board.id] for board, _ in programs]

    def cycle(self) -> list[CycleReport]:
        """Show the next slide on every slide-sink board whose slide has had its time.

        Call it about every second; a slide stays its ``seconds`` give or take
        the calling period, without drifting.  A failed send is reported and
        the cycle goes on (the next slide is tried in turn).
        """
        reports = []
        with self._cycle_lock:
            now = self._monotonic()
            for board_id, cycle in self._cycles.items():
                if now < cycle.due:
                    continue
                cycle.index = (cycle.index + 1) % len(cycle.slides)
                slide = cycle.slides[cycle.index]
                # Keep to the schedule (no drift); after a stall, give this slide its full time.
                start = cycle.due if now - cycle.due <= _CYCLE_SLACK else now
                cycle.due = start + slide.seconds
                try:
                    cycle.driver.show(slide)
                except Exception as exc:  # noqa: BLE001 - reported per board, never raised
                    cycle.failures += 1
                    error = str(exc) or type(exc).__name__
                else:
                    cycle.failures, error = 0, ""
                reports.append(
                    CycleReport(board_id, cycle.index + 1, len(cycle.slides), error, cycle.failures)
                )
        return reports

    def retain(self, board_ids: set[str]) -> None:
        """Forget the boards not in ``board_ids`` (removed from the configuration)."""
        with self._cycle_lock:
            for board_id in [b for b in self._cycles if b not in board_ids]:
                del self._cycles[board_id]
        for board_id in [b for b in self._drivers if b not in board_ids]:
            _close(self._drivers.pop(board_id)[1])
            self._last_push.pop(board_id, None)

    def close(self) -> None:
        """Close every driver's connection."""
        with self._cycle_lock:
            self._cycles.clear()
        for _, driver in self._drivers.values():
            _close(driver)
        self._drivers.clear()

    def _push_all(
        self, due: list[tuple[BoardConfig, Program, BoardStatus, str]], now: datetime
    ) -> list[PushReport]:
        workers = max(1, min(self._workers, len(due)))
        with concurrent.futures.ThreadPoolExecutor(workers, "board-push") as pool:
            futures = [
                (board, program, status, digest, pool.submit(self._push_one, board, program))
                for board, program, status, digest in due
            ]
            reports = []
            # The driver enforces its timeout; this is the guard against a hang
            # (a K board may first wait up to its spacing).
            guard = self._timeout * 3 + 1 + max(self._min_interval.values(), default=0.0)
            for board, program, status, digest, future in futures:
                result: PushResult | None = None
                try:
                    error, seconds, result = future.result(timeout=guard)
                except concurrent.futures.TimeoutError:
                    error = BoardUnreachableError(f"no answer within {guard:.0f} s")
                    seconds = guard
                report = self._report(
                    board, program, status, digest, error=error, seconds=seconds, now=now
                )
                if result is not None:
                    cycling = board.id in self._cycles
                    report = replace(report, detail=result.detail, cycling=cycling)
                reports.append(report)
        return reports

    def _push_one(
        self, board: BoardConfig, program: Program
    ) -> tuple[Exception | None, float, PushResult | None]:
        started = time.monotonic()
        try:
            driver = self._driver(board)
            self._keep_spacing(board)
            if isinstance(driver, SlideSink):
                with self._cycle_lock:  # no slide of the old program after the new one
                    result = self._push_sink(board, driver, program)
            else:
                result = driver.push(program)
        except Exception as exc:  # noqa: BLE001 - every failure is reported per board
            return exc, time.monotonic() - started, None
        finally:
            if board.driver in self._min_interval:
                self._last_push[board.id] = self._monotonic()
        return None, time.monotonic() - started, result

    def _push_sink(self, board: BoardConfig, driver: SlideSink, program: Program) -> PushResult:
        """Push to a board that keeps no program; (re)start or carry on its cycle.

        A program of the same shape as the one cycling (the same kinds of slide in
        the same order: a clock's new minute, an edited notice) replaces it in
        place, the slide showing now and its time kept; anything else starts
        again from the first slide.
        """
        old = self._cycles.pop(board.id, None)
        slides = program.slides
        if old is not None and [s.kind for s in old.slides] == [s.kind for s in slides]:
            result = driver.show(slides[old.index])
            self._cycles[board.id] = replace(old, slides=slides, failures=0)
            return result
        result = cast("Driver", driver).push(program)
        if len(slides) > 1:
            due = self._monotonic() + slides[0].seconds
            self._cycles[board.id] = _Cycle(driver, slides, 0, due)
        return result

    def _keep_spacing(self, board: BoardConfig) -> None:
        spacing = self._min_interval.get(board.driver, 0.0)
        last = self._last_push.get(board.id)
        if spacing <= 0 or last is None:
            return
        wait = min(spacing, last + spacing - self._monotonic())  # bounded by the spacing
        if wait > 0:
            log.debug("board %s: waiting %.2f s between pushes", board.id, wait)
            self._sleep(wait)

    def _keep_cycling(self, board: BoardConfig, program: Program) -> bool:
        """For a board already showing ``program``: make sure its slides cycle."""
        if len(program.slides) < 2:  # one slide needs no cycling
            return False
        driver = self._driver(board)
        if not isinstance(driver, SlideSink):
            return False
        with self._cycle_lock:
            if board.id not in self._cycles:
                # Shown by an earlier process: which slide is unknown; start with the first.
                last = len(program.slides) - 1
                self._cycles[board.id] = _Cycle(driver, program.slides, last, self._monotonic())
        return True

    def _driver(self, board: BoardConfig) -> Driver:
        known = self._drivers.get(board.id)
        if known is not None and known[0] == board:
            return known[1]
        if known is not None:
            _close(known[1])  # the board's configuration changed
        driver = self._factory(board, timeout=self._timeout)
        self._drivers[board.id] = (board, driver)
        return driver

    def _report(
        self,
        board: BoardConfig,
        program: Program,
        status: BoardStatus,
        digest: str,
        *,
        error: Exception | None,
        seconds: float,
        now: datetime,
    ) -> PushReport:
        if error is None:
            done = replace(
                status,
                digest=digest,
                reason=program.reason,
                last_push_at=now,
                last_attempt_at=now,
                outcome=Outcome.OK,
                error="",
                reachable=True,
                failures=0,
                next_attempt_at=None,
            )
            return PushReport(board.id, Action.PUSHED, done, seconds)
        failures = status.failures + 1
        reachable: bool | None
        if isinstance(error, BoardUnreachableError):
            outcome, reachable = Outcome.UNREACHABLE, False
        elif isinstance(error, BoardRejectedError):
            outcome, reachable = Outcome.REJECTED, True
        else:
            outcome, reachable = Outcome.FAILED, status.reachable
        if not isinstance(error, BoardError):
            log.error("pushing board %s failed unexpectedly", board.id, exc_info=error)
        failed = replace(
            status,
            last_attempt_at=now,
            outcome=outcome,
            error=str(error) or type(error).__name__,
            reachable=reachable,
            failures=failures,
            next_attempt_at=now + timedelta(seconds=self._backoff.delay(failures)),
        )
        return PushReport(board.id, Action.FAILED, failed, seconds)


@dataclass
class _Cycle:
    """A slide-sink board's slides, the one showing, and when the next is due."""

    driver: SlideSink
    slides: tuple[Slide, ...]
    index: int
    due: float  # monotonic seconds
    failures: int = 0


def _close(driver: Driver) -> None:
    try:
        driver.close()
    except Exception:  # closing must not fail the caller
        log.debug("closing a driver failed", exc_info=True)
