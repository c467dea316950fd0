"""Push programs to boards when what they should show changed, never needlessly.

For each board the caller gives the program it should show now. The pusher
compares its :meth:`~publisher.boards.program.Program.content_digest` with the
digest the board last acknowledged and pushes only on change (or when asked
to force). Boards are pushed concurrently, each through its own driver with
its own timeout, so one dead board never holds up the others. A failed board
is retried with exponential back-off (30 s, 1 min, 2 min … capped at 10 min)
and reported; its state (last push, result, digest, reachable, consecutive
failures, next attempt) is kept by a :class:`StateStore`.

State is loaded and saved on the caller's thread (a database connection is
per thread); only the drivers run in the worker threads.
"""

from __future__ import annotations

import concurrent.futures
import logging
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from publisher.boards.drivers.base import BoardError, BoardRejectedError, BoardUnreachableError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from publisher.boards.drivers.base import Driver
    from publisher.boards.program import BoardConfig, Program

__all__ = [
    "Action",
    "Backoff",
    "BoardStatus",
    "MemoryStates",
    "Outcome",
    "PushReport",
    "Pusher",
    "StateStore",
]

log = logging.getLogger("gongkai.boards")


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

    @property
    def ok(self) -> bool:
        """False when the board failed or is backing off."""
        return self.action in (Action.PUSHED, Action.UNCHANGED)


@dataclass(frozen=True)
class Backoff:
    """Exponential back-off between attempts at a failing board."""

    base: float = 30.0
    cap: float = 600.0

    def delay(self, failures: int) -> timedelta:
        """How long to wait after ``failures`` consecutive failures."""
        return timedelta(seconds=min(self.cap, self.base * 2 ** max(0, failures - 1)))


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
    ) -> None:
        self._factory = driver_factory
        self._states = states
        self._now = now
        self._timeout = timeout
        self._backoff = backoff or Backoff()
        self._workers = workers
        self._drivers: dict[str, tuple[BoardConfig, Driver]] = {}

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
            if not force and status.outcome is Outcome.OK and status.digest == digest:
                reports[board.id] = PushReport(board.id, Action.UNCHANGED, status)
            elif not force and status.next_attempt_at and now < status.next_attempt_at:
                reports[board.id] = PushReport(board.id, Action.WAITING, status)
            else:
                due.append((board, program, status, digest))
        if due:
            for report in self._push_all(due, now):
                self._states.save(report.status)
                reports[report.board_id] = report
        return [reports[board.id] for board, _ in programs]

    def close(self) -> None:
        """Close every driver's connection."""
        for _, driver in self._drivers.values():
            try:
                driver.close()
            except Exception:  # closing must not fail the caller
                log.debug("closing a driver failed", exc_info=True)
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
            for board, program, status, digest, future in futures:
                try:
                    # The driver enforces its timeout; this is the guard against a hang.
                    error, seconds = future.result(timeout=self._timeout * 3 + 1)
                except concurrent.futures.TimeoutError:
                    error = BoardUnreachableError(f"no answer within {self._timeout * 3 + 1:.0f} s")
                    seconds = self._timeout * 3 + 1
                reports.append(
                    self._report(
                        board, program, status, digest, error=error, seconds=seconds, now=now
                    )
                )
        return reports

    def _push_one(self, board: BoardConfig, program: Program) -> tuple[Exception | None, float]:
        started = time.monotonic()
        try:
            self._driver(board).push(program)
        except Exception as exc:  # noqa: BLE001 - every failure is reported per board
            return exc, time.monotonic() - started
        return None, time.monotonic() - started

    def _driver(self, board: BoardConfig) -> Driver:
        known = self._drivers.get(board.id)
        if known is not None and known[0] == board:
            return known[1]
        if known is not None:
            known[1].close()  # the board's configuration changed
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
            next_attempt_at=now + self._backoff.delay(failures),
        )
        return PushReport(board.id, Action.FAILED, failed, seconds)
