"""The pusher: push on change only, per-board failures with back-off, boards independent.

The driver here is a small fake implementing the Driver protocol; the drivers'
own wire tests are in test_onbon_*.py, test_flaschen.py and test_preview.py.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from PIL import Image

from publisher.boards.drivers.base import (
    BoardRejectedError,
    BoardUnreachableError,
    PushResult,
)
from publisher.boards.program import BoardConfig, Program, Slide
from publisher.boards.push import Action, Backoff, MemoryStates, Outcome, Pusher


def board(board_id: str) -> BoardConfig:
    return BoardConfig(
        id=board_id,
        name=board_id,
        town="county",
        place="",
        driver="preview",
        address="previews",
        width=16,
        height=16,
        colors="mono",
    )


def program(board_id: str, text: str) -> Program:
    image = Image.new("1", (16, 16), 0)
    image.putpixel((len(text) % 16, 0), 255)
    return Program(board_id, (Slide(image=image, lines=(text,)),), reason=f"show {text}")


class FakeDriver:
    """Records pushes; fails as scripted per board."""

    def __init__(self, fleet: Fleet, board_id: str) -> None:
        self.fleet = fleet
        self.board_id = board_id

    def push(self, program: Program) -> PushResult:
        behaviour = self.fleet.behaviour.get(self.board_id, "ok")
        if behaviour == "slow":
            time.sleep(0.5)
        if behaviour == "down":
            raise BoardUnreachableError(f"tcp://{self.board_id}: connection refused")
        if behaviour == "nack":
            raise BoardRejectedError("controller busy", code=3)
        with self.fleet.lock:
            self.fleet.pushed.append((self.board_id, program.slides[0].lines[0]))
        return PushResult(self.board_id, 1, 10, 0.0)

    def close(self) -> None:
        self.fleet.closed.append(self.board_id)


class Fleet:
    def __init__(self) -> None:
        self.behaviour: dict[str, str] = {}
        self.pushed: list[tuple[str, str]] = []
        self.closed: list[str] = []
        self.made: list[str] = []
        self.lock = threading.Lock()

    def factory(self, config: BoardConfig, *, timeout: float) -> FakeDriver:
        assert timeout > 0
        self.made.append(config.id)
        return FakeDriver(self, config.id)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def make(fleet, clock, states=None):
    return Pusher(
        driver_factory=fleet.factory,
        states=states or MemoryStates(),
        now=clock,
        timeout=0.2,
        backoff=Backoff(base=30, cap=120),
    )


def test_a_program_is_pushed_once_and_again_only_when_it_changes():
    fleet, clock = Fleet(), Clock()
    pusher = make(fleet, clock)
    a = board("a")
    assert [r.action for r in pusher.run([(a, program("a", "one"))])] == [Action.PUSHED]
    assert [r.action for r in pusher.run([(a, program("a", "one"))])] == [Action.UNCHANGED]
    assert [r.action for r in pusher.run([(a, program("a", "two"))])] == [Action.PUSHED]
    assert fleet.pushed == [("a", "one"), ("a", "two")]
    assert fleet.made == ["a"]  # one driver per board, kept across evaluations
    forced = pusher.run([(a, program("a", "two"))], force=True)
    assert forced[0].action is Action.PUSHED


def test_an_unreachable_board_backs_off_and_the_others_carry_on():
    fleet, clock = Fleet(), Clock()
    states = MemoryStates()
    pusher = make(fleet, clock, states)
    fleet.behaviour["down"] = "down"
    boards = [board("up"), board("down")]

    reports = pusher.run([(b, program(b.id, "x")) for b in boards])
    assert [r.action for r in reports] == [Action.PUSHED, Action.FAILED]
    down = states.load("down")
    assert down.outcome is Outcome.UNREACHABLE
    assert down.reachable is False
    assert down.failures == 1
    assert "connection refused" in down.error
    assert down.next_attempt_at == clock.now + timedelta(seconds=30)

    clock.now += timedelta(seconds=10)  # within the back-off: not tried
    assert pusher.run([(boards[1], program("down", "x"))])[0].action is Action.WAITING
    delays = []
    for _ in range(4):  # 30, 60, 120, 120 (capped)
        state = states.load("down")
        clock.now = state.next_attempt_at
        pusher.run([(boards[1], program("down", "x"))])
        delays.append((states.load("down").next_attempt_at - clock.now).total_seconds())
    assert delays == [60, 120, 120, 120]
    assert states.load("down").failures == 5

    fleet.behaviour["down"] = "ok"  # back on line: pushed, counters reset
    clock.now = states.load("down").next_attempt_at
    assert pusher.run([(boards[1], program("down", "x"))])[0].action is Action.PUSHED
    recovered = states.load("down")
    assert (recovered.failures, recovered.reachable, recovered.next_attempt_at) == (0, True, None)


def test_a_nack_is_reported_as_rejected_by_a_reachable_board():
    fleet, clock = Fleet(), Clock()
    states = MemoryStates()
    fleet.behaviour["a"] = "nack"
    make(fleet, clock, states).run([(board("a"), program("a", "x"))])
    state = states.load("a")
    assert (state.outcome, state.reachable, state.error) == (
        Outcome.REJECTED,
        True,
        "controller busy",
    )


def test_boards_are_pushed_concurrently():
    fleet, clock = Fleet(), Clock()
    for name in "abcdefgh":
        fleet.behaviour[name] = "slow"  # 0.5 s each
    pusher = make(fleet, clock)
    started = time.monotonic()
    reports = pusher.run([(board(n), program(n, "x")) for n in "abcdefgh"])
    assert all(r.action is Action.PUSHED for r in reports)
    assert time.monotonic() - started < 2.0  # not 8 x 0.5 s


def test_a_changed_board_config_gets_a_new_driver():
    fleet, clock = Fleet(), Clock()
    pusher = make(fleet, clock)
    a = board("a")
    pusher.run([(a, program("a", "x"))])
    pusher.run([(replace(a, address="elsewhere"), program("a", "y"))])
    assert fleet.made == ["a", "a"]
    assert fleet.closed == ["a"]
    pusher.close()
    assert fleet.closed == ["a", "a"]
