"""The clock on Onbon G6 boards: a new minute refreshes the clock's area, never the slides' loop."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from content import demo
from content.county_time import SHANGHAI
from publisher.boards.compose import Composer, ContentSnapshot, sorted_notices
from publisher.boards.demo import DEMO_BOARDS
from publisher.boards.drivers import OnbonG6Driver, make_driver
from publisher.boards.drivers import onbon_g6 as g6
from publisher.boards.push import Action, MemoryStates, Pusher
from publisher.boards.schedule import Content, Rule, resolve

from . import onbon_peer as peer

G6 = next(board for board in DEMO_BOARDS if board.driver == "onbon-g6")  # 128x64 rgb
RULE = Rule(
    1,
    "白天通知轮播",
    (Content("clock", color="green", seconds=5.0), Content("notices", limit=3, seconds=8.0)),
    datetime(2026, 1, 1, tzinfo=UTC),
    groups=frozenset({"all"}),
)
DELETE_ALL = bytes.fromhex("01a701ff")


def at(minute: int) -> datetime:
    return datetime(2026, 12, 1, 10, minute, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def composer() -> Composer:
    county = demo.generate_county()
    return Composer(ContentSnapshot(notices=sorted_notices(county.notices)))


@pytest.fixture
def card():
    fake = peer.FakeController("g")
    yield fake
    fake.stop()


def program_at(composer, board, minute):
    return composer.program(board, resolve(board, [RULE], at(minute)))


def test_the_clock_is_a_strip_on_every_slide_and_only_it_changes(composer):
    first, second = program_at(composer, G6, 30), program_at(composer, G6, 31)
    assert first.clock_box == (0, 0, 128, 16)
    assert [slide.kind for slide in first.slides] == ["text"] * len(first.slides)
    assert len(first.slides) >= 3  # the notices, each at least one page
    strip = (0, 0, 128, 16)
    loop = (0, 16, 128, 64)
    strips = {slide.image.crop(strip).tobytes() for slide in first.slides}
    assert len(strips) == 1  # the same clock above every slide
    assert first.slides[0].image.crop(strip).getbbox() is not None  # and it is lit
    for old, new in zip(first.slides, second.slides, strict=True):
        assert old.image.crop(loop).tobytes() == new.image.crop(loop).tobytes()
        assert old.image.crop(strip).tobytes() != new.image.crop(strip).tobytes()


def test_other_boards_keep_the_clock_as_a_slide(composer):
    ft = next(board for board in DEMO_BOARDS if board.driver == "flaschen-taschen")
    found = program_at(composer, ft, 30)
    assert found.clock_box is None
    assert found.slides[0].kind == "clock"


def test_the_frames_are_the_loop_area_and_the_clock_area(composer):
    program = program_at(composer, G6, 30)
    loop_frame, clock_frame = g6.encode_program(program, G6)
    loop = peer.parse_g_update(peer.parse(loop_frame, "g").data)
    clock_data = peer.parse(clock_frame, "g").data
    clock = peer.parse_g_update(clock_data)
    assert (loop.area_id, loop.x, loop.y, loop.w, loop.h) == (0, 0, 16, 128, 48)
    assert len(loop.pages) == len(program.slides)
    assert loop.pages[0].pixels == program.slides[0].image.crop((0, 16, 128, 64)).tobytes()
    assert (clock.area_id, clock.x, clock.y, clock.w, clock.h) == (1, 0, 0, 128, 16)
    assert clock.pages[0].pixels == program.slides[0].image.crop((0, 0, 128, 16)).tobytes()
    # RunMode 2 with a timeout: a clock nobody refreshes any more blanks itself.
    assert clock_data[11 + 1] == 2
    assert int.from_bytes(clock_data[11 + 2 : 11 + 4], "little") == g6.CLOCK_TIMEOUT


def test_a_new_minute_sends_the_clock_area_alone(composer, card):
    board = replace(G6, address=card.address)
    driver = OnbonG6Driver(board, timeout=1.0)
    try:
        first = driver.push(program_at(composer, board, 30))
        assert first.frames == 2
        later = program_at(composer, board, 31)
        result = driver.push(later)
        assert result.frames == 1
        assert "loop goes on" in result.detail
        (update,) = [peer.parse_g_update(r.data) for r in card.requests[2:]]
        assert update.area_id == g6.CLOCK_AREA  # area 0, the slides' loop, is not touched
        assert update.pages[0].pixels == later.slides[0].image.crop((0, 0, 128, 16)).tobytes()
        # New notices change the loop: both areas again.
        other = replace(RULE, content=(RULE.content[0], Content("text", "办事请取号")))
        changed = composer.program(board, resolve(board, [other], at(32)))
        assert driver.push(changed).frames == 2
        # A program without a clock first removes the clock's area.
        plain = replace(RULE, content=(Content("text", "办事请取号"),))
        driver.push(composer.program(board, resolve(board, [plain], at(33))))
        assert card.requests[-2].data == DELETE_ALL
        assert peer.parse_g_update(card.requests[-1].data).h == 64
    finally:
        driver.close()


def test_serve_pushes_the_clock_area_each_minute_and_a_new_driver_both(composer, card):
    board = replace(G6, address=card.address)
    pusher = Pusher(driver_factory=make_driver, states=MemoryStates(), timeout=1.0)
    try:
        (report,) = pusher.run([(board, program_at(composer, board, 30))])
        assert report.action is Action.PUSHED
        assert len(card.requests) == 2
        (report,) = pusher.run([(board, program_at(composer, board, 31))])
        assert report.action is Action.PUSHED
        assert "clock area only" in report.detail
        assert len(card.requests) == 3
        (report,) = pusher.run([(board, program_at(composer, board, 31))])
        assert report.action is Action.UNCHANGED
    finally:
        pusher.close()
    fresh = OnbonG6Driver(board, timeout=1.0)
    try:
        assert fresh.push(program_at(composer, board, 32)).frames == 2  # it knows nothing shown
    finally:
        fresh.close()
