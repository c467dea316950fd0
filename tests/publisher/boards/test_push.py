"""The pusher: push on change only, per-board failures with back-off, boards independent.

The driver here is mostly a small fake implementing the Driver protocol; slide
cycling runs the real Flaschen-Taschen driver against a loopback receiver, with
an injected clock. The drivers' own wire tests are in test_onbon_*.py,
test_flaschen.py and test_preview.py.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from publisher.boards.drivers import make_driver
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


# -- Flaschen-Taschen slide cycling, on the real driver and a loopback receiver ---------


class Ticker:
    """An injected monotonic clock; ``sleep`` advances it and is recorded."""

    def __init__(self) -> None:
        self.t = 1000.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.t += seconds


@pytest.fixture
def receiver():
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(2.0)
    yield sock
    sock.close()


def ft_board(port: int) -> BoardConfig:
    return replace(board("ft"), driver="flaschen-taschen", address=f"127.0.0.1:{port}",
                   width=8, height=4, colors="rgb")  # fmt: skip


def slides_program(*colors: tuple[int, int, int], kinds: str = "", seconds: float = 5.0):
    slides = tuple(
        Slide(Image.new("RGB", (8, 4), colour), (str(n),), seconds=seconds + n,
              kind="clock" if kinds[n : n + 1] == "c" else "text")
        for n, colour in enumerate(colors)
    )  # fmt: skip
    return Program("ft", slides, reason="loop")


def shown(sock: socket.socket) -> tuple[int, int, int]:
    """The colour of the one-datagram frame the receiver got next (nothing else pending)."""
    datagram = sock.recv(70_000)
    colour = tuple(Image.frombytes("RGB", (8, 4), datagram[11 : 11 + 96]).getpixel((0, 0)))
    sock.settimeout(0.05)
    try:
        extra = sock.recv(70_000)
    except TimeoutError:
        extra = b""
    finally:
        sock.settimeout(2.0)
    assert extra == b"", "more than one frame was sent"
    return colour  # type: ignore[return-value]


def nothing_sent(sock: socket.socket) -> bool:
    sock.settimeout(0.05)
    try:
        sock.recv(70_000)
    except TimeoutError:
        return True
    finally:
        sock.settimeout(2.0)
    return False


RED, GREEN, BLUE, WHITE = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)


def ft_pusher(clock: Clock, ticker: Ticker, states: MemoryStates | None = None) -> Pusher:
    return Pusher(driver_factory=make_driver, states=states or MemoryStates(), now=clock,
                  timeout=1.0, monotonic=ticker.monotonic, sleep=ticker.sleep)  # fmt: skip


def test_a_flaschen_board_cycles_its_slides_each_for_its_seconds(receiver):
    ticker, b = Ticker(), ft_board(receiver.getsockname()[1])
    pusher = ft_pusher(Clock(), ticker)
    loop = slides_program(RED, GREEN, BLUE)  # 5 s, 6 s, 7 s
    [report] = pusher.run([(b, loop)])
    assert (report.action, report.cycling) == (Action.PUSHED, True)
    assert "slide 1 of 3" in report.detail
    assert shown(receiver) == RED
    ticker.t += 4.9
    assert pusher.cycle() == []  # red has 5 s
    assert nothing_sent(receiver)
    ticker.t += 0.1
    assert [(r.slide, r.of, r.ok) for r in pusher.cycle()] == [(2, 3, True)]
    assert shown(receiver) == GREEN
    ticker.t += 6.4  # the caller's period is late by 0.4 s: no drift, blue still due at +13
    pusher.cycle()
    assert shown(receiver) == BLUE
    ticker.t += 6.6
    assert [r.slide for r in pusher.cycle()] == [1]  # 5 + 6 + 7 s: round again
    assert shown(receiver) == RED
    assert pusher.run([(b, loop)])[0].action is Action.UNCHANGED  # unchanged: keeps cycling
    assert nothing_sent(receiver)
    ticker.t += 600  # a long stall: the next slide gets its full time, no burst
    assert [r.slide for r in pusher.cycle()] == [2]
    assert shown(receiver) == GREEN
    ticker.t += 5.9
    assert pusher.cycle() == []
    pusher.close()


def test_a_new_program_starts_again_unless_only_its_minute_changed(receiver):
    ticker, b = Ticker(), ft_board(receiver.getsockname()[1])
    pusher = ft_pusher(Clock(), ticker)
    pusher.run([(b, slides_program(RED, GREEN, kinds="ct"))])
    assert shown(receiver) == RED
    ticker.t += 5
    pusher.cycle()
    assert shown(receiver) == GREEN
    # The clock's next minute: same shape, so the slide showing now is replaced in place.
    ticked = slides_program(WHITE, BLUE, kinds="ct")
    assert pusher.run([(b, ticked)])[0].action is Action.PUSHED
    assert shown(receiver) == BLUE
    ticker.t += 5.9  # green came at +5 for 6 s: the new minute keeps that time
    assert pusher.cycle() == []
    ticker.t += 0.1
    pusher.cycle()
    assert shown(receiver) == WHITE
    # Another rule: a new shape starts from its first slide.
    pusher.run([(b, slides_program(GREEN, RED, BLUE))])
    assert shown(receiver) == GREEN
    # One slide: shown, and nothing cycles any more.
    [report] = pusher.run([(b, slides_program(BLUE))])
    assert not report.cycling
    assert shown(receiver) == BLUE
    ticker.t += 100
    assert pusher.cycle() == []
    pusher.close()


def test_a_board_shown_by_an_earlier_process_is_cycled_from_its_first_slide(receiver):
    ticker, clock, states = Ticker(), Clock(), MemoryStates()
    b, loop = ft_board(receiver.getsockname()[1]), slides_program(RED, GREEN)
    first = ft_pusher(clock, ticker, states)  # `gongkai board push`: the first slide
    assert first.run([(b, loop)], force=True)[0].cycling
    assert shown(receiver) == RED
    first.close()
    serve = ft_pusher(clock, ticker, states)  # `gongkai serve`, started later
    [report] = serve.run([(b, loop)])
    assert (report.action, report.cycling) == (Action.UNCHANGED, True)
    assert nothing_sent(receiver)
    assert [r.slide for r in serve.cycle()] == [1]
    assert shown(receiver) == RED
    ticker.t += 5
    serve.cycle()
    assert shown(receiver) == GREEN
    serve.retain(set())  # the board left gongkai.toml
    ticker.t += 100
    assert serve.cycle() == []
    serve.close()


def test_cycling_to_a_dead_server_is_reported_and_goes_on():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: ICMP port unreachable
    ticker = Ticker()
    pusher = ft_pusher(Clock(), ticker)
    pusher.run([(ft_board(port), slides_program(RED, GREEN, BLUE))])
    failures = []
    for _ in range(4):
        ticker.t += 10
        failures += [r.failures for r in pusher.cycle() if not r.ok]
    assert failures
    assert failures[0] == 1
    pusher.close()


# -- Onbon K refresh spacing -------------------------------------------------------------


def test_pushes_to_one_k_board_are_at_least_a_second_apart():
    fleet, clock, ticker = Fleet(), Clock(), Ticker()
    pusher = Pusher(driver_factory=fleet.factory, states=MemoryStates(), now=clock, timeout=0.2,
                    monotonic=ticker.monotonic, sleep=ticker.sleep)  # fmt: skip
    k, other = replace(board("k"), driver="onbon-k"), board("p")
    pusher.run([(k, program("k", "one")), (other, program("p", "one"))])
    assert ticker.slept == []  # a first push never waits
    ticker.t += 0.25
    pusher.run([(k, program("k", "two")), (other, program("p", "two"))])
    assert ticker.slept == [0.75]  # the K board waits the rest of its second; not the other
    ticker.t += 1.0
    pusher.run([(k, program("k", "three"))])
    assert ticker.slept == [0.75]  # a second has passed
    pusher.run([(k, program("k", "four"))], force=True)
    assert ticker.slept == [0.75, 1.0]  # right after: the whole second, never more
    assert [text for board_id, text in fleet.pushed if board_id == "k"] == [
        "one", "two", "three", "four"
    ]  # fmt: skip
