"""What the console's board pages read: week calendars, previews, emergency status."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from PIL import Image

from publisher.actors import COUNTY, Actor, OutOfScopeError, Scope
from publisher.boards.compose import ContentSnapshot
from publisher.boards.config import BoardSet, UnknownBoardError
from publisher.boards.demo import DEMO_BOARDS
from publisher.boards.drafts import RuleDraft
from publisher.boards.selectors import (
    EmergencyState,
    board_preview,
    board_week,
    emergency_status,
)
from publisher.boards.services import emergency_create, rule_add
from publisher.store.models import BoardState

NOW = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)  # Wednesday 10:00 in Asia/Shanghai
MONDAY = date(2026, 3, 2)
BOARDS = BoardSet(boards=DEMO_BOARDS, issues=())
EMPTY = ContentSnapshot()
ZHANG = Actor.cli("zhang")
NANAN = Scope.of_town("nanan")


def _add(**fields: object) -> int:
    draft = RuleDraft(**{"show": ["clock"], **fields})  # type: ignore[arg-type]
    return rule_add(actor=ZHANG, rule=draft, boards=BOARDS, snapshot=EMPTY, now=NOW).id


@pytest.mark.django_db
def test_a_week_shows_each_rule_on_its_days_with_midnight_windows_split():
    night = _add(name="夜间", boards="lobby-preview", start="22:00", end="06:00", days="fri")
    monthly = _add(
        name="月初",
        groups="all",
        start="09:00",
        end="10:00",
        rrule="FREQ=MONTHLY;BYMONTHDAY=5",
        priority="2",
    )
    week = board_week(boards=BOARDS, target="lobby-preview", week_of=date(2026, 3, 5), scope=COUNTY)
    assert week.days[0] == MONDAY
    assert week.hours == (0, 1440)
    blocks = [(b.day.isoformat(), b.start, b.end, b.rule.id, b.continued) for b in week.blocks]
    assert blocks == [
        ("2026-03-05", 540, 600, monthly, False),
        ("2026-03-06", 1320, 1440, night, False),
        ("2026-03-07", 0, 360, night, True),
    ]
    assert week.blocks[0].rule.priority == 2


@pytest.mark.django_db
def test_an_emergency_is_a_block_from_issue_to_expiry_and_a_group_gathers_its_boards():
    emergency_create(
        actor=ZHANG,
        board_ids=["nanan-g6"],
        text="暴雨预警",
        until=NOW + timedelta(days=1),
        boards=BOARDS,
        snapshot=EMPTY,
        now=NOW,
    )
    _add(name="大厅", boards="hall-k", start="08:00", end="09:00", days="mon")
    week = board_week(boards=BOARDS, target="hall", week_of=MONDAY, scope=COUNTY)
    assert week.boards == ("hall-k", "nanan-g6", "lobby-preview")
    assert week.hours is None
    spans = [(b.day.isoformat(), b.start, b.end, b.rule.emergency) for b in week.blocks]
    assert spans == [
        ("2026-03-02", 480, 540, False),
        ("2026-03-04", 600, 1440, True),
        ("2026-03-05", 0, 600, True),
    ]


def test_a_town_sees_only_its_boards_calendar():
    with pytest.raises(OutOfScopeError):
        board_week(boards=BOARDS, target="hall-k", week_of=MONDAY, scope=NANAN, rules=[])
    with pytest.raises(UnknownBoardError):
        board_week(boards=BOARDS, target="nowhere", week_of=MONDAY, scope=COUNTY, rules=[])
    week = board_week(boards=BOARDS, target="hall", week_of=MONDAY, scope=NANAN, rules=[])
    assert week.boards == ("nanan-g6",)


@pytest.mark.django_db
def test_the_preview_is_the_boards_pixels_per_page_with_what_won_and_what_lost():
    low = _add(name="时钟", boards="nanan-g6")
    # Two texts under the clock: an Onbon G6 draws the clock as a strip on every page.
    shows = ["text:今天下午停水", "text:请提前储水", "clock"]
    high = _add(name="通知", boards="nanan-g6", show=shows, priority="5")
    shown = board_preview(
        boards=BOARDS, snapshot=EMPTY, board_id="nanan-g6", at=NOW, scope=NANAN, scale=2
    )
    assert shown.winner is not None
    assert shown.winner.id == high
    assert [line.id for line in shown.shadowed] == [low]
    assert "lower priority" in shown.shadowed[0].why
    assert len(shown.pages) == 2
    first = Image.open(io.BytesIO(shown.pages[0].png))
    assert first.size == (128 * 2, 64 * 2)
    assert first.getbbox() is not None  # lit pixels, not a blank page
    gif = Image.open(io.BytesIO(shown.gif))
    assert getattr(gif, "n_frames", 1) == 2
    assert "通知" in shown.explanation
    assert "clock: a live strip" in shown.explanation
    with pytest.raises(OutOfScopeError):
        board_preview(boards=BOARDS, snapshot=EMPTY, board_id="hall-k", at=NOW, scope=NANAN)


@pytest.mark.django_db
def test_emergency_status_tells_waiting_acknowledged_and_failed_with_the_reason():
    rule = emergency_create(
        actor=ZHANG,
        board_ids=["nanan-g6", "hall-k", "lobby-preview"],
        text="暴雨预警",
        until=NOW + timedelta(hours=3),
        boards=BOARDS,
        snapshot=EMPTY,
        now=NOW - timedelta(minutes=5),
    )
    shown = board_preview(boards=BOARDS, snapshot=EMPTY, board_id="nanan-g6", at=NOW, scope=COUNTY)
    from publisher.boards.compose import Composer  # noqa: PLC0415
    from publisher.boards.schedule import resolve  # noqa: PLC0415
    from publisher.boards.store import rule_list  # noqa: PLC0415

    board = BOARDS.require("nanan-g6")
    digest = (
        Composer(EMPTY).program(board, resolve(board, rule_list(now=NOW), NOW)).content_digest()
    )
    BoardState.objects.create(
        board_id="nanan-g6",
        digest=digest,
        result="ok",
        last_push_at=NOW,
        last_attempt_at=NOW,
        reachable=True,
    )
    BoardState.objects.create(
        board_id="hall-k",
        result="unreachable",
        last_attempt_at=NOW,
        error="no reply from 127.0.0.1:5005 in 5 s",
        reachable=False,
    )
    found = {
        s.board_id: s
        for s in emergency_status(boards=BOARDS, snapshot=EMPTY, scope=COUNTY, now=NOW)
    }
    assert {k: v.state for k, v in found.items()} == {
        "hall-k": EmergencyState.FAILED,
        "nanan-g6": EmergencyState.ACKNOWLEDGED,
        "lobby-preview": EmergencyState.WAITING,
    }
    assert found["hall-k"].reason.startswith("no reply")
    assert found["nanan-g6"].words == "已显示（屏幕已确认）"
    assert found["nanan-g6"].rule.id == rule.id
    assert shown.winner is not None
    assert shown.winner.emergency
    mine = emergency_status(boards=BOARDS, snapshot=EMPTY, scope=NANAN, now=NOW)
    assert [s.board_id for s in mine] == ["nanan-g6"]
