"""The board rules every face enforces: typed input, coded problems, scope, edits."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from publisher.actors import COUNTY, Actor, OutOfScopeError, Scope
from publisher.boards.compose import ContentSnapshot
from publisher.boards.config import BoardSet
from publisher.boards.demo import DEMO_BOARDS
from publisher.boards.drafts import RuleDraft, rule_from_draft
from publisher.boards.rules import BoardRuleError, ProblemCode, rule_problems
from publisher.boards.services import (
    emergency_cancel,
    emergency_create,
    emergency_end,
    rule_add,
    rule_remove,
    rule_update,
)
from publisher.boards.store import rule_list
from publisher.store.models import AuditLog, BoardRule

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # Monday 09:00 in Asia/Shanghai
BOARDS = BoardSet(boards=DEMO_BOARDS, issues=())
EMPTY = ContentSnapshot()
ZHANG = Actor.cli("zhang")
NANAN = Actor.web("chen", scope=Scope.of_town("nanan"), address="10.1.2.3")


def _codes(error: BoardRuleError) -> list[tuple[str, str]]:
    return [(p.code.value, p.field) for p in error.problems]


def test_every_bad_field_of_a_draft_is_named_at_once():
    draft = RuleDraft(
        name="坏规则",
        show=["notices:x", "banner"],
        boards="hall-k",
        start="7点",
        end="25:00",
        days="mon-fry",
        start_date="2026-13-01",
        priority="high",
        seconds="0",
        color="blue",
    )
    with pytest.raises(BoardRuleError) as refused:
        rule_from_draft(draft, now=NOW)
    assert sorted(_codes(refused.value)) == sorted(
        [
            ("bad_time", "start"),
            ("bad_time", "end"),
            ("bad_days", "days"),
            ("bad_date", "start_date"),
            ("bad_number", "priority"),
            ("bad_number", "seconds"),
            ("bad_content", "color"),
            ("bad_content", "show[0]"),
            ("bad_content", "show[1]"),
        ]
    )
    assert all(p.message_zh for p in refused.value.problems)


def test_a_draft_from_a_form_is_the_rule_the_cli_would_make():
    typed = RuleDraft(
        name="早间",
        show=["clock"],
        boards="hall-k, lobby-preview",
        start="07:30",
        end="09:00",
        days="mon-fri",
    )
    chosen = RuleDraft(
        name="早间",
        show=["clock"],
        boards=["hall-k", "lobby-preview"],
        start="07:30",
        end="09:00",
        days=[0, 1, 2, 3, 4],
    )
    assert rule_from_draft(typed, now=NOW) == rule_from_draft(chosen, now=NOW)


def test_an_unshowable_character_is_named_with_its_position_on_each_board():
    rule = rule_from_draft(
        RuleDraft(name="价格", show=["clock", "text:门票 5€，☃儿童免费"], groups="hall"), now=NOW
    )
    problems = rule_problems(rule, BOARDS.boards, EMPTY, at=NOW)
    # The font card (hall-k) draws GB2312 only; the boards' bitmap font lacks the snowman.
    assert {(p.code, p.field, p.char, p.position, p.board_id) for p in problems} == {
        (ProblemCode.UNSHOWABLE, "show[1]", "€", 5, "hall-k"),
        (ProblemCode.UNSHOWABLE, "show[1]", "☃", 7, "hall-k"),
        (ProblemCode.UNSHOWABLE, "show[1]", "☃", 7, "nanan-g6"),
        (ProblemCode.UNSHOWABLE, "show[1]", "☃", 7, "lobby-preview"),
    }
    assert "第 5 个字符“€”" in problems[0].message_zh


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (RuleDraft(name="过期", show=["clock"], boards="hall-k", end_date="2026-02-01"), "days"),
        (
            RuleDraft(
                name="从不",
                show=["clock"],
                boards="hall-k",
                days="sat",
                rrule="FREQ=WEEKLY;BYDAY=MO",
            ),
            "days",
        ),
        (
            RuleDraft(name="夜里", show=["clock"], boards="hall-k", start="20:00", end="23:00"),
            "start",
        ),
    ],
    ids=["ended", "no-day-matches", "outside-operating-hours"],
)
def test_a_rule_that_would_never_show_is_flagged(draft, field):
    problems = rule_problems(rule_from_draft(draft, now=NOW), BOARDS.boards, EMPTY, at=NOW)
    assert [(p.code, p.field) for p in problems] == [(ProblemCode.NEVER_SHOWS, field)]


def test_a_window_crossing_midnight_inside_night_hours_shows():
    boards = BoardSet(boards=tuple(b for b in DEMO_BOARDS if b.id == "lobby-preview"), issues=())
    draft = RuleDraft(
        name="夜间", show=["clock"], boards="lobby-preview", start="22:00", end="06:00"
    )
    assert rule_problems(rule_from_draft(draft, now=NOW), boards.boards, EMPTY, at=NOW) == []


@pytest.mark.django_db
def test_a_town_user_changes_only_its_towns_boards():
    mine = RuleDraft(name="南安通知", show=["clock"], boards="nanan-g6", start="08:00", end="17:00")
    saved = rule_add(actor=NANAN, rule=mine, boards=BOARDS, snapshot=EMPTY, now=NOW)
    county = RuleDraft(name="全县", show=["clock"], groups="all")
    with pytest.raises(OutOfScopeError):
        rule_add(actor=NANAN, rule=county, boards=BOARDS, snapshot=EMPTY, now=NOW)
    theirs = rule_add(actor=ZHANG, rule=county, boards=BOARDS, snapshot=EMPTY, now=NOW)
    with pytest.raises(OutOfScopeError):
        rule_remove(actor=NANAN, rule_id=theirs.id, boards=BOARDS)
    with pytest.raises(OutOfScopeError):
        emergency_create(
            actor=NANAN,
            board_ids=["hall-k"],
            text="停电",
            until=NOW + timedelta(hours=1),
            boards=BOARDS,
            snapshot=EMPTY,
            now=NOW,
        )
    rule_remove(actor=NANAN, rule_id=saved.id, boards=BOARDS)
    assert [r.id for r in rule_list(now=NOW)] == [theirs.id]
    entry = AuditLog.objects.get(action="board_rule_remove")
    assert (entry.actor, entry.address) == ("web:chen", "10.1.2.3")


@pytest.mark.django_db
def test_a_rule_is_edited_in_place_with_the_same_checks():
    draft = RuleDraft(name="早间", show=["clock"], boards="hall-k", start="08:00", end="09:00")
    saved = rule_add(actor=ZHANG, rule=draft, boards=BOARDS, snapshot=EMPTY, now=NOW)
    later = NOW + timedelta(hours=1)
    edited = rule_update(
        actor=ZHANG,
        rule_id=saved.id,
        rule=RuleDraft(
            name="早间时钟",
            show=["clock"],
            boards="hall-k",
            start="08:00",
            end="10:00",
            priority="3",
        ),
        boards=BOARDS,
        snapshot=EMPTY,
        now=later,
    )
    assert (edited.id, edited.name, edited.end, edited.priority) == (saved.id, "早间时钟", 600, 3)
    assert edited.created_at == saved.created_at  # keeps its place in precedence
    with pytest.raises(BoardRuleError) as refused:
        rule_update(
            actor=ZHANG,
            rule_id=saved.id,
            rule=RuleDraft(name="x", show=["text:5€"], boards="hall-k"),
            boards=BOARDS,
            snapshot=EMPTY,
            now=later,
        )
    assert refused.value.codes == (ProblemCode.UNSHOWABLE,)
    assert BoardRule.objects.get(pk=saved.id).name == "早间时钟"


@pytest.mark.django_db
def test_an_emergency_takes_a_typed_end_and_ends_by_id():
    with pytest.raises(BoardRuleError) as refused:
        emergency_create(
            actor=ZHANG,
            board_ids=["hall-k"],
            text="x",
            until="明天",
            boards=BOARDS,
            snapshot=EMPTY,
            now=NOW,
        )
    assert _codes(refused.value) == [("bad_time", "until")]
    with pytest.raises(BoardRuleError) as refused:
        emergency_create(
            actor=ZHANG,
            board_ids=["hall-k"],
            text="x",
            until="2026-03-10 09:01",
            boards=BOARDS,
            snapshot=EMPTY,
            now=NOW,
        )
    assert _codes(refused.value) == [("too_long", "until")]
    rule = emergency_create(
        actor=ZHANG,
        board_ids=["nanan-g6"],
        text="暴雨预警",
        until="2026-03-02 18:00",
        boards=BOARDS,
        snapshot=EMPTY,
        now=NOW,
    )
    assert rule.expires_at == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    emergency_end(actor=NANAN, rule_id=rule.id, boards=BOARDS, now=NOW)
    with pytest.raises(BoardRuleError) as refused:
        emergency_end(actor=NANAN, rule_id=rule.id, boards=BOARDS, now=NOW)
    assert refused.value.codes == (ProblemCode.NO_SUCH_RULE,)


@pytest.mark.django_db
def test_a_town_user_cancelling_all_cancels_only_its_towns_emergencies():
    for board in ("nanan-g6", "square-ft"):
        emergency_create(
            actor=ZHANG,
            board_ids=[board],
            text="停水通知",
            until=NOW + timedelta(hours=2),
            boards=BOARDS,
            snapshot=EMPTY,
            now=NOW,
        )
    assert emergency_cancel(actor=NANAN, board_ids=None, boards=BOARDS, now=NOW) == 1
    left = [r.boards for r in rule_list(now=NOW) if r.emergency]
    assert left == [frozenset({"square-ft"})]


def test_the_county_scope_covers_every_town_and_a_town_only_its_own():
    assert COUNTY.covers_town("nanan")
    assert COUNTY.covers_key("town-nanan")
    nanan = Scope.of_town("nanan")
    assert nanan.covers_town("nanan")
    assert not nanan.covers_town("county")
    assert nanan.key == "town-nanan"
    assert not nanan.covers_key("county")
    assert Scope.of_town("county") is COUNTY
    assert str(Actor.cli("zhang")) == "cli:zhang"
    assert date(2026, 3, 2).weekday() == 0


def test_a_kind_of_day_is_typed_as_days_and_checked_against_the_calendar():
    from content.workdays import WorkdayCalendar, official_calendar  # noqa: PLC0415

    draft = RuleDraft(name="工作日时钟", boards="hall-k", show=["clock"], days="workdays")
    rule = rule_from_draft(draft, now=NOW)
    assert (rule.days, rule.weekdays) == ("workdays", frozenset(range(7)))
    assert rule_problems(rule, BOARDS.boards, EMPTY, at=NOW) == []
    official = official_calendar()
    only_2026 = WorkdayCalendar(official.holidays, official.makeup_workdays, frozenset({2026}))
    later = rule_from_draft(replace(draft, start_date="2027-01-04"), now=NOW)
    (found,) = rule_problems(later, BOARDS.boards, EMPTY, at=NOW, calendar=only_2026)
    assert (found.code, found.field) == (ProblemCode.NO_CALENDAR, "days")
    assert "no State Council notice for 2027" in found.message


def test_a_kind_of_day_that_never_falls_in_the_rules_dates_never_shows():
    # 2026-03-09..13 is a working week: no public holiday in it.
    draft = RuleDraft(name="假日公告", boards="hall-k", show=["clock"], days="holidays",
                      start_date="2026-03-09", end_date="2026-03-13")  # fmt: skip
    problems = rule_problems(rule_from_draft(draft, now=NOW), BOARDS.boards, EMPTY, at=NOW)
    assert [(p.code, p.field) for p in problems] == [(ProblemCode.NEVER_SHOWS, "days")]
    assert "holidays" in problems[0].message
